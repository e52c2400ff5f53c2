/**
 * Runs the real `bin/xray.js` as a child process, as a user or a CI job would.
 * The build happens lazily, once, under a lock, and only when dist/ is missing or older than src/:
 * unit-test runs never pay for it, and two test files starting together do not run tsc twice.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(REPO, 'bin', 'xray.js');
export const STATISTICAL_MODEL = path.join(REPO, 'models', 'statistical.json');
/** Successful analyses need the fitted detector mappings; until they exist every image is a 400. */
export const modelsFitted = () => existsSync(STATISTICAL_MODEL);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  const entry = path.join(REPO, 'dist', 'cli', 'main.js');
  if (!existsSync(entry)) return false;
  const sources = Math.max(newestMtime(path.join(REPO, 'src')), statSync(path.join(REPO, 'tsconfig.json')).mtimeMs);
  return statSync(entry).mtimeMs >= sources;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds dist/ with `npm run build` if it is missing or stale. Throws with tsc's output when nothing usable was built. */
export async function ensureBuilt(): Promise<void> {
  if (isFresh()) return;
  const lock = path.join(tmpdir(), `xray-build-${Buffer.from(REPO).toString('hex').slice(-24)}.lock`);
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than 3 minutes is a crashed run's.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) rmdirSync(lock);
      await sleep(250);
      if (isFresh()) return;
    }
  }
  try {
    if (isFresh()) return;
    const build = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
    if (!existsSync(path.join(REPO, 'dist', 'cli', 'main.js'))) {
      throw new Error(`npm run build failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`);
    }
    // tsc emits despite type errors; the CLI can still be tested, but say why the build was red.
    if (build.status !== 0) process.stderr.write(`warning: npm run build exited ${build.status}; testing what it emitted\n${build.stdout}\n`);
  } finally {
    rmdirSync(lock);
  }
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd?: string;
  input?: Uint8Array;
  env?: Record<string, string | undefined>;
  /** Kill the child after this long: a hang is a failure, not a stuck suite. */
  timeoutMs?: number;
  /** Extra node flags (e.g. --import of a probe). */
  nodeArgs?: string[];
}

/** Colour and CI variables of the developer's shell must not leak into what the tests observe. */
const CLEAN_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !['NO_COLOR', 'FORCE_COLOR', 'CI', 'XRAY_TEST_RSS_FILE'].includes(k)),
);

export function xray(args: string[], opts: RunOptions = {}): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], {
      cwd: opts.cwd ?? REPO,
      env: { ...CLEAN_ENV, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.stdin.on('error', () => {}); // the CLI may exit before reading stdin (usage errors)
    child.stdin.end(opts.input ?? undefined);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - started });
    });
  });
}

/** A JavaScript stack frame ("    at fn (file.js:1:2)") anywhere in a text. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
export const ANSI = /\u001b\[/;

const ajv = new Ajv2020({ allErrors: true, strict: true });
const schema = JSON.parse(readFileSync(path.join(REPO, 'docs', 'result.schema.json'), 'utf8'));
export const validateResult = ajv.compile(schema);

/** Schema errors of one result, as readable lines (empty when valid). */
export function schemaErrors(result: unknown): string[] {
  return validateResult(result) ? [] : (validateResult.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}
