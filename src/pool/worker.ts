/** The pool's worker entry: reads its own file (so bytes never cross threads needlessly) and analyses it. */
import { analyseBytes, type AnalyseOptions } from '../analyse.js';
import { toFileError } from '../errors.js';
import { readFileLimited } from '../input/read.js';
import type { Result } from '../types.js';

export interface Task {
  /** Path to read, or bytes already read (stdin). */
  file?: string;
  bytes?: Uint8Array;
  displayPath: string;
  options: AnalyseOptions;
}

export async function runTask(task: Task): Promise<Result> {
  let bytes: Uint8Array;
  try {
    bytes = task.bytes ?? (await readFileLimited(task.file!, task.options.limits.maxBytes));
  } catch (err) {
    const { status, detail } = toFileError(err);
    return { path: task.displayPath, error: { status, detail } };
  }
  return analyseBytes(bytes, task.displayPath, task.options);
}

export default runTask;
