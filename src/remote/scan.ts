/** What `xray scan --remote` needs before it starts: flags that make sense remotely, settings, the client. */
import { UsageError } from '../errors.js';
import { createRemoteAnalyser, DEFAULT_REMOTE_CONCURRENCY, type RemoteAnalyser } from './client.js';
import { resolveRemote } from './config.js';

export interface RemoteScanFlags {
  apiUrl?: string;
  apiKey?: string;
  concurrency?: number;
  detectors: string[];
  cache: boolean;
  cacheDir?: string;
}

export async function createRemoteForScan(opts: RemoteScanFlags, env: NodeJS.ProcessEnv, stderr: NodeJS.WritableStream): Promise<RemoteAnalyser> {
  // The API runs its own detectors and keeps no cache of ours: these flags would silently do nothing.
  if (opts.detectors.length) throw new UsageError('--detectors applies to local analysis only; the API always runs its own detectors');
  if (opts.cache || opts.cacheDir) throw new UsageError('--cache applies to local analysis only');
  const settings = await resolveRemote(opts, env, (m) => stderr.write(`xray: warning: ${m}\n`));
  return createRemoteAnalyser(settings, { concurrency: opts.concurrency ?? DEFAULT_REMOTE_CONCURRENCY });
}
