/** The pool's worker entry: reads its own file (so bytes never cross threads needlessly), consults the cache, analyses. */
import { analyseBytes, type AnalyseOptions } from '../analyse.js';
import { toFileError } from '../errors.js';
import { readFileLimited } from '../input/read.js';
import { isError, type Result } from '../types.js';
import { configFingerprint, readCached, sha256, writeCached } from './cache.js';

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

export async function runTask(task: Task): Promise<Outcome> {
  let bytes: Uint8Array;
  try {
    bytes = task.bytes ?? (await readFileLimited(task.file!, task.options.limits.maxBytes));
  } catch (err) {
    const { status, detail } = toFileError(err);
    return { result: { path: task.displayPath, error: { status, detail } }, cached: false };
  }
  if (!task.cacheDir) return { result: await analyseBytes(bytes, task.displayPath, task.options), cached: false };

  const fileHash = sha256(bytes);
  const fingerprint = await configFingerprint(task.options.detectors);
  const filename = task.displayPath.split(/[\\/]/).pop() || task.displayPath;
  const hit = await readCached(task.cacheDir, fileHash, fingerprint, task.displayPath, filename, task.options.threshold);
  if (hit) return { result: hit, cached: true };
  const result = await analyseBytes(bytes, task.displayPath, task.options);
  if (!isError(result)) await writeCached(task.cacheDir, fileHash, fingerprint, result);
  return { result, cached: false };
}

export default runTask;
