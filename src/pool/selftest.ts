/**
 * Some onnxruntime-node releases crash the process when several worker threads load it. A crash
 * inside a native module cannot be caught, so the check runs in a child process: N threads each
 * analyse a small generated image. If the child dies, fall back to 1 worker, then to the main
 * thread, with a warning. A pass is remembered per Node/xray version and worker count.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';

const CHILD = fileURLToPath(new URL('./selftest-child.js', import.meta.url));
const TIMEOUT_MS = 60_000;

export interface SelfTestOutcome {
  workers: number;
  warning?: string;
}

export async function safeWorkerCount(wanted: number, stateDir: string, env = process.env): Promise<SelfTestOutcome> {
  if (env.XRAY_SELFTEST === '0') return { workers: wanted };
  const file = path.join(stateDir, 'selftest.json');
  const key = `${process.version}|xray ${VERSION}`;
  const known = await readKnown(file);
  const passes = async (n: number) => {
    const id = `${key}|${n}`;
    if (known[id] && !env.XRAY_SELFTEST_CRASH) return true;
    const ok = await childPasses(n, env);
    // Only a pass is remembered: a failure under a passing load spike must not slow every later run.
    if (ok) known[id] = true;
    return ok;
  };
  let outcome: SelfTestOutcome = { workers: wanted };
  if (!(await passes(wanted))) {
    outcome = wanted > 1 && (await passes(1))
      ? { workers: 1, warning: `worker self-test failed with ${wanted} threads; using 1 worker thread` }
      : { workers: 0, warning: 'worker self-test failed; analysing on the main thread (slower, but safe)' };
  }
  await mkdir(stateDir, { recursive: true }).then(() => writeFile(file, JSON.stringify(known, null, 1))).catch(() => {});
  return outcome;
}

async function readKnown(file: string): Promise<Record<string, boolean>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, boolean>;
  } catch {
    return {};
  }
}

function childPasses(workers: number, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD, String(workers)], { stdio: 'ignore', env, timeout: TIMEOUT_MS });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}
