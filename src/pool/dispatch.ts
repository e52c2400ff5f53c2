/**
 * Feeds sources to the analyser through a bounded window, so that memory does not grow with the
 * number of files: discovery is lazy and at most `window` tasks are in flight.
 */
import type { AnalyseOptions } from '../analyse.js';
import { toFileError } from '../errors.js';
import type { Source } from '../input/discover.js';
import { readStreamLimited } from '../input/read.js';
import type { Result } from '../types.js';
import type { Analyser } from './pool.js';
import type { Outcome } from './worker.js';

export interface DispatchOptions {
  analyse: AnalyseOptions;
  window: number;
  /** Checked before each dispatch: once true, no new file is started (in-flight ones finish). */
  stopped: () => boolean;
  onResult: (result: Result, cached: boolean) => void;
  cacheDir?: string;
  stdin?: NodeJS.ReadableStream;
}

/** Returns how many operands matched nothing (reported as error entries too). */
export async function dispatch(sources: AsyncIterable<Source>, analyser: Analyser, opts: DispatchOptions): Promise<{ missing: number }> {
  let missing = 0;
  const inFlight = new Set<Promise<void>>();
  const settle = (p: Promise<Outcome>) => {
    const done: Promise<void> = p.then((o) => opts.onResult(o.result, o.cached)).finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  for await (const source of sources) {
    if (opts.stopped()) break;
    if (source.kind === 'missing') {
      missing++;
      opts.onResult({ path: source.path, error: { status: 400, detail: source.detail } }, false);
      continue;
    }
    if (source.kind === 'stdin') {
      settle(readStdin(source.path, opts).then((read) =>
        read instanceof Uint8Array
          ? analyser.analyse({ bytes: read, displayPath: source.path, options: opts.analyse, cacheDir: opts.cacheDir })
          : { result: read, cached: false }));
    } else {
      settle(analyser.analyse({ file: source.path, displayPath: source.path, options: opts.analyse, cacheDir: opts.cacheDir }));
    }
    while (inFlight.size >= opts.window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { missing };
}

async function readStdin(displayPath: string, opts: DispatchOptions): Promise<Uint8Array | Result> {
  try {
    return await readStreamLimited(opts.stdin ?? process.stdin, opts.analyse.limits.maxBytes);
  } catch (err) {
    const { status, detail } = toFileError(err);
    return { path: displayPath, error: { status, detail } };
  }
}
