/** The pool's worker entry: reads its own file (so bytes never cross threads needlessly), consults the cache, analyses. */
import { analyseBytes, warmSessions, type AnalyseOptions } from '../analyse.js';
import { toFileError } from '../errors.js';
import { readFileLimited } from '../input/read.js';
import { isError, type Result } from '../types.js';
import { configFingerprint, readCached, sha256, writeCached } from './cache.js';
import type { Offload } from './neural.js';

export interface Task {
  /** Path to read, or bytes already read (stdin). */
  file?: string;
  bytes?: Uint8Array;
  displayPath: string;
  options: AnalyseOptions;
  /** Result cache folder, when --cache is on. */
  cacheDir?: string;
}

export interface Outcome {
  result: Result;
  /** True when the result came from the cache and no detector ran. */
  cached: boolean;
}

/** `offload`: the one-file scan's neural helper thread (analyse.ts); pool workers run every detector themselves. */
export async function runTask(task: Task, offload?: Offload | null): Promise<Outcome> {
  if (!offload) warmSessions(task.options.detectors);
  let bytes: Uint8Array;
  try {
    bytes = task.bytes ?? (await readFileLimited(task.file!, task.options.limits.maxBytes));
  } catch (err) {
    const { status, detail } = toFileError(err);
    return { result: { path: task.displayPath, error: { status, detail } }, cached: false };
  }
  if (!task.cacheDir) return { result: await analyseBytes(bytes, task.displayPath, task.options, offload), cached: false };

  const fileHash = sha256(bytes);
  const fingerprint = await configFingerprint(task.options.detectors);
  const filename = task.displayPath.split(/[\\/]/).pop() || task.displayPath;
  const hit = await readCached(task.cacheDir, fileHash, fingerprint, task.displayPath, filename, task.options.threshold);
  if (hit) return { result: hit, cached: true };
  const result = await analyseBytes(bytes, task.displayPath, task.options, offload);
  if (!isError(result)) await writeCached(task.cacheDir, fileHash, fingerprint, result);
  return { result, cached: false };
}

// piscina calls the default export with (task, ...); only the task is meant for runTask.
export default (task: Task): Promise<Outcome> => runTask(task);
