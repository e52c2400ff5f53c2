/** Starts `xray serve` and keeps it up until SIGINT/SIGTERM; the CLI wiring is in src/cli/remote.ts. */
import { homedir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ExitCode, ExitError } from '../errors.js';
import { createInProcess, createPool, defaultConcurrency, type Analyser } from '../pool/pool.js';
import { defaultCacheDir } from '../pool/cache.js';
import { safeWorkerCount } from '../pool/selftest.js';
import { createApiServer } from './server.js';
import { KeyStore } from './store.js';

export interface ServeFlags {
  host: string;
  port: number;
  db?: string;
  concurrency?: number;
  maxSize: number;
  maxPixels: number;
  threshold: number;
  quiet: boolean;
}

/** The keys database: --db, then XRAY_DB, then the XDG data folder. */
export function defaultDbPath(env: NodeJS.ProcessEnv): string {
  if (env.XRAY_DB) return env.XRAY_DB;
  const data = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(homedir(), '.local', 'share');
  return path.join(data, 'xray', 'keys.db');
}

export function openStore(db: string | undefined, env: NodeJS.ProcessEnv): KeyStore {
  const file = db ?? defaultDbPath(env);
  try {
    return new KeyStore(file);
  } catch (err) {
    throw new ExitError(`cannot open the keys database ${file}: ${(err as Error).message}`, ExitCode.usage);
  }
}

export async function runServe(flags: ServeFlags, env: NodeJS.ProcessEnv, stderr: NodeJS.WritableStream): Promise<number> {
  const store = openStore(flags.db, env);
  const analyser = await chooseAnalyser(flags.concurrency ?? defaultConcurrency(), env, (m) => stderr.write(`xray serve: warning: ${m}\n`));
  const server = createApiServer({
    store,
    analyser,
    analyse: { limits: { maxBytes: flags.maxSize, maxPixels: flags.maxPixels }, threshold: flags.threshold, detectors: [] },
    log: flags.quiet ? undefined : (line) => stderr.write(`xray serve: ${line}\n`),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(flags.port, flags.host, () => resolve());
    });
  } catch (err) {
    await analyser.close();
    store.close();
    throw new ExitError(`cannot listen on ${flags.host}:${flags.port}: ${(err as Error).message}`, ExitCode.usage);
  }
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  stderr.write(`xray serve: listening on http://${host}:${port} (${analyser.workers || 'main-thread'} worker${analyser.workers === 1 ? '' : 's'}; keys in ${flags.db ?? defaultDbPath(env)})\n`);
  if (!['127.0.0.1', '::1', 'localhost'].includes(flags.host)) {
    stderr.write('xray serve: warning: reachable from other machines; keys and images travel unencrypted unless a TLS proxy is in front\n');
  }

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      stderr.write('xray serve: stopping: finishing requests in progress\n');
      server.close(() => resolve());
      server.closeIdleConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await analyser.close();
  store.close();
  return ExitCode.ok;
}

async function chooseAnalyser(wanted: number, env: NodeJS.ProcessEnv, warn: (m: string) => void): Promise<Analyser> {
  const { workers, warning } = await safeWorkerCount(wanted, path.join(defaultCacheDir(env), 'state'), env);
  if (warning) warn(warning);
  return workers === 0 ? createInProcess() : createPool(workers);
}
