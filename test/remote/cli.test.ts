/**
 * End to end, as a user runs it: `xray keys create`, `xray serve` as a real process on loopback,
 * then `xray scan --remote`, `xray usage` and `xray login` against it, compared with local scans.
 * No output of any command may contain the key, except `keys create`, whose one job is to print it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteAnalyser } from '../../src/remote/client.ts';
import type { Result } from '../../src/types.ts';
import { BIN, ensureBuilt, schemaErrors, xray, type Run } from '../helpers/cli.ts';
import { KeyStore, type Plan } from '../../src/serve/store.ts';
import { noisePng } from '../serve/harness.ts';

let work: string;
let db: string;
let url: string;
let serve: ChildProcess;
/** A second server on the same database, for the cross-process quota test. */
let second: { child: ChildProcess; url: string };
/** The key of the first test and how many checks its scan used, for the usage test. */
let scanned: { key: string; used: number };
const serveLog: string[] = [];
const outputs: string[] = [];
const keys: string[] = [];

const isError = (r: Result): r is Extract<Result, { error: unknown }> => 'error' in r;
const env = (key?: string) => ({ XRAY_DB: db, XRAY_API_URL: url, XRAY_API_KEY: key, XDG_CONFIG_HOME: path.join(work, 'config'), XRAY_SELFTEST: '0' });

async function cli(args: string[], opts: Parameters<typeof xray>[1] = {}): Promise<Run> {
  const run = await xray(args, { cwd: work, ...opts, env: { ...env(), ...opts.env } });
  outputs.push(run.stdout, run.stderr);
  return run;
}

/** Keys straight from the store (the server reads the same file); `keys create` itself is tested once below. */
function newKey(plan: Plan, limit: number): string {
  const store = new KeyStore(db);
  try {
    const { key } = store.create(plan, limit);
    keys.push(key);
    return key;
  } finally {
    store.close();
  }
}

/** Starts `xray serve --port 0` and resolves with the address it prints. */
function startServe(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '-j', '1', '--db', db], { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`xray serve did not start:\n${text}`)), 60_000);
    child.stdout!.on('data', (b: Buffer) => serveLog.push(b.toString()));
    child.stderr!.on('data', (b: Buffer) => {
      text += b.toString();
      serveLog.push(b.toString());
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`xray serve exited ${code}:\n${text}`)));
  });
}

beforeAll(async () => {
  await ensureBuilt();
  work = await mkdtemp(path.join(tmpdir(), 'xray-remote-e2e-'));
  db = path.join(work, 'keys.db');
  await mkdir(path.join(work, 'imgs'));
  for (const seed of [11, 12, 13]) await writeFile(path.join(work, 'imgs', `n${seed}.png`), await noisePng(seed, 128, 96));
  await writeFile(path.join(work, 'imgs', 'broken.png'), 'this is not a png');
  [{ child: serve, url }, second] = await Promise.all([startServe(), startServe()]);
});

afterAll(async () => {
  for (const child of [serve, second?.child]) {
    child?.kill('SIGTERM');
    await new Promise((r) => (child && child.exitCode === null ? child.once('exit', r) : r(null)));
  }
  if (work) await rm(work, { recursive: true, force: true });
});

describe('xray scan --remote against xray serve', () => {
  it('gives the local results for the same files: same schema, same scores, usage kept', async () => {
    const key = newKey('pro', 100);
    const local = await cli(['scan', 'imgs', '--json']);
    const remote = await cli(['scan', '--remote', 'imgs', '--json'], { env: { XRAY_API_KEY: key } });
    expect(remote.code, remote.stderr).toBe(local.code);
    const l = JSON.parse(local.stdout) as Result[];
    const r = JSON.parse(remote.stdout) as Result[];
    expect(r.map((x) => x.path)).toEqual(l.map((x) => x.path));
    scanned = { key, used: r.filter((x) => !isError(x)).length };
    for (const [i, lr] of l.entries()) {
      const rr = r[i];
      expect(schemaErrors(rr), rr.path).toEqual([]);
      if (isError(lr)) {
        // Local and served pipelines word a refusal differently; the status is the contract.
        expect(isError(rr) && rr.error.status, rr.path).toBe(lr.error.status);
        continue;
      }
      expect(isError(rr), JSON.stringify(rr)).toBe(false);
      expect({ ...rr, usage: null }).toEqual(lr);
      expect((rr as { usage: { limit: number; role: string } }).usage).toMatchObject({ limit: 100, role: 'pro' });
    }
  });

  it('xray usage prints plan, used / limit and remaining; --json the API object', async () => {
    const { key, used } = scanned;
    const text = await cli(['usage'], { env: { XRAY_API_KEY: key } });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(`plan       pro\nused       ${used} / 100 this month\nremaining  ${100 - used}\n`);
    const json = await cli(['usage', '--json'], { env: { XRAY_API_KEY: key } });
    expect(JSON.parse(json.stdout)).toEqual({ plan: 'pro', checks_used: used, checks_limit: 100, remaining: 100 - used });
  });

  it('exit 2 without a key, saying how to give one', async () => {
    const run = await cli(['scan', '--remote', 'imgs']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no API key: set XRAY_API_KEY, run `xray login`/);
  });

  it('exit 4 for a refused key (401) or plan (403), with what to do', async () => {
    const bad = await cli(['scan', '--remote', 'imgs', '--json'], { env: { XRAY_API_KEY: 'xray_sk_notARealKey' } });
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/refused the key \(401: Invalid API key\)/);
    const free = await cli(['usage'], { env: { XRAY_API_KEY: newKey('free', 10) } });
    expect(free.code).toBe(4);
    expect(free.stderr).toMatch(/403: .*pro or enterprise/);
  });

  it('429: the rest are not analysed, the quota is said to be spent, exit 3', async () => {
    const key = newKey('pro', 1);
    const run = await cli(['scan', '--remote', 'imgs', '--json', '-j', '1'], { env: { XRAY_API_KEY: key } });
    expect(run.code).toBe(3);
    const results = JSON.parse(run.stdout) as Result[];
    const spent = results.filter((r) => isError(r) && r.error.status === 429);
    // broken.png is refused (400) without counting; one image uses the single check.
    expect(spent.length).toBe(results.length - 2);
    expect(run.stderr).toMatch(/monthly check quota is spent/);
  });

  it('--api-key works but warns that the process list shows it', async () => {
    const key = newKey('pro', 10);
    const run = await cli(['usage', '--api-key', key], { env: { XRAY_API_KEY: undefined } });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/--api-key is visible to other users/);
  });

  it('xray login saves the key with mode 0600 for later commands', async () => {
    const key = newKey('enterprise', 10);
    const login = await cli(['login'], { input: new TextEncoder().encode(`${key}\n`) });
    expect(login.code, login.stderr).toBe(0);
    const file = path.join(work, 'config', 'xray', 'config.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const usage = await cli(['usage', '--json']);
    expect(JSON.parse(usage.stdout).plan).toBe('enterprise');
    const refused = await cli(['login'], { input: new TextEncoder().encode('xray_sk_wrong\n') });
    expect(refused.code).toBe(4);
  });
});

describe('two xray serve processes on one keys database', () => {
  it('50 concurrent requests split between them against a limit of 30: exactly 30 pass', async () => {
    {
      const key = newKey('pro', 30);
      const file = path.join(work, 'imgs', 'n12.png');
      const clients = [url, second.url].map((baseUrl) => createRemoteAnalyser({ baseUrl, key }, { concurrency: 25 }));
      const options = { limits: { maxBytes: 20 * 1024 * 1024, maxPixels: 100_000_000 }, threshold: 50, detectors: [] };
      const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => clients[i % 2].analyse({ file, displayPath: file, options })));
      const refused = outcomes.filter((o) => isError(o.result) && o.result.error.status === 429);
      expect(refused).toHaveLength(20);
      outputs.push(JSON.stringify(outcomes));
      const usage = await cli(['usage', '--json'], { env: { XRAY_API_KEY: key } });
      expect(JSON.parse(usage.stdout)).toMatchObject({ checks_used: 30, remaining: 0 });
    }
  });
});

describe('keys', () => {
  it('create prints the key once on stdout; list shows prefixes only; revoke makes the key fail with 401', async () => {
    const created = await cli(['keys', 'create', '--plan', 'pro', '--limit', '5', '--label', 'e2e']);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^xray_sk_[A-Za-z0-9_-]{32}$/);
    outputs.pop(); // stdout of `keys create`: the one place the key is meant to appear
    outputs.pop();
    outputs.push(created.stderr);
    keys.push(key);
    const list = await cli(['keys', 'list', '--json']);
    const rows = JSON.parse(list.stdout) as { id: number; prefix: string }[];
    const mine = rows.find((r) => key.startsWith(r.prefix) && r.prefix.length > 8)!;
    expect(mine).toBeDefined();
    const revoke = await cli(['keys', 'revoke', String(mine.id)]);
    expect(revoke.code).toBe(0);
    expect((await cli(['usage'], { env: { XRAY_API_KEY: key } })).code).toBe(4);
  });

  it('no command and no server log ever showed a key', () => {
    const text = [...outputs, ...serveLog].join('\n');
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) expect(text).not.toContain(key);
  });
});
