/**
 * `xray eval`: analyse a labelled set exactly as scan does (same pool, cache and limits), then
 * report how well the composite separates and how well it is calibrated on that set.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, ExitError, toFileError, UsageError } from '../errors.js';
import type { Source } from '../input/discover.js';
import { readFileLimited } from '../input/read.js';
import { listDetectorKeys } from '../detectors/index.js';
import { defaultCacheDir } from '../pool/cache.js';
import { dispatch } from '../pool/dispatch.js';
import { createInProcess, createPool, defaultConcurrency, type Analyser } from '../pool/pool.js';
import { safeWorkerCount } from '../pool/selftest.js';
import type { AnalyseOptions } from '../analyse.js';
import { createProgress } from '../cli/progress.js';
import { isError, type Result } from '../types.js';
import { VERSION } from '../version.js';
import { fromFolders, fromManifest, type LabelledItem } from './labelled.js';
import { buildReport, type Failed, type Scored } from './report.js';
import { SHORTCUT_FREE, shortcutFreeBytes } from './shortcutFree.js';
import { formatReport } from './text.js';

export interface EvalOptions {
  real: string[];
  ai: string[];
  manifest?: string;
  threshold: number;
  targetFpr: number;
  shortcutFree: boolean;
  json: boolean;
  output?: string;
  plot?: string;
  quiet: boolean;
  ignore: string[];
  maxSize: number;
  maxPixels: number;
  concurrency?: number;
  cache: boolean;
  cacheDir?: string;
  detectors: string[];
}

export interface EvalIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

export async function runEval(opts: EvalOptions, io: EvalIO): Promise<number> {
  const folders = opts.real.length + opts.ai.length > 0;
  if (folders && opts.manifest) throw new UsageError('give either --real/--ai folders or --manifest, not both');
  if (!folders && !opts.manifest) throw new UsageError('no labelled data: give --real DIR and --ai DIR (repeatable), or --manifest CSV');
  if (opts.plot && !/\.(svg|png)$/i.test(opts.plot)) throw new UsageError(`--plot writes .svg or .png, got "${opts.plot}"`);
  const unknown = opts.detectors.filter((k) => !listDetectorKeys().includes(k));
  if (unknown.length) throw new UsageError(`unknown detector ${unknown.join(', ')}; known: ${listDetectorKeys().join(', ')}`);

  const set = opts.manifest ? await fromManifest(opts.manifest) : await fromFolders(opts.real, opts.ai, opts.ignore);
  if (set.missing.length) throw new UsageError(set.missing.map((m) => `${m.path}: ${m.detail}`).join('; '));
  if (set.items.length === 0) throw new ExitError('nothing to evaluate: no image files found', ExitCode.usage);
  if (!opts.quiet && (!set.items.some((i) => i.label === 1) || !set.items.some((i) => i.label === 0))) {
    io.stderr.write('xray: warning: only one class given: AUC and calibration need both; rates are still reported\n');
  }

  const byPath = new Map(set.items.map((i) => [i.path, i]));
  const scored: Scored[] = [];
  const failed: Failed[] = [];
  const progress = await createProgress({ stream: io.stderr, enabled: !opts.quiet && Boolean(io.stderr.isTTY) && !io.env.CI });
  progress.setTotal(set.items.length);
  const onResult = (result: Result) => {
    const item = byPath.get(result.path);
    progress.tick(result);
    if (!item) return;
    if (isError(result)) {
      failed.push({ path: result.path, label: item.label, status: result.error.status, detail: result.error.detail });
      return;
    }
    scored.push({
      path: result.path, label: item.label, groups: item.groups, composite: result.composite,
      signals: Object.fromEntries(result.signals.map((s) => [s.key, s.score])),
      decisive: result.signals.some((s) => s.evidence?.decisive === true && s.score !== null),
    });
  };

  const analyser = await chooseAnalyser(set.items.length === 1 ? 0 : opts.concurrency ?? defaultConcurrency(), io, opts.quiet);
  const analyse: AnalyseOptions = { limits: { maxBytes: opts.maxSize, maxPixels: opts.maxPixels }, threshold: opts.threshold, detectors: opts.detectors };
  const cacheDir = opts.cache || opts.cacheDir ? path.resolve(opts.cacheDir ?? defaultCacheDir(io.env)) : undefined;
  const window = Math.max(2, (analyser.workers || 1) * 2);
  try {
    if (opts.shortcutFree) await runShortcutFree(set.items, analyser, { analyse, cacheDir, window, onResult });
    else await dispatch(asSources(set.items), analyser, { analyse, cacheDir, window, stopped: () => false, onResult });
  } finally {
    progress.stop();
    await analyser.close();
  }

  scored.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const report = buildReport(scored, failed, {
    threshold: opts.threshold, targetFpr: opts.targetFpr, shortcutFree: opts.shortcutFree ? { ...SHORTCUT_FREE } : undefined,
  });
  const text = opts.json
    ? `${JSON.stringify({ xray: VERSION, ...report, files: scored.map(({ groups: _g, ...f }) => f) }, null, 2)}\n`
    : formatReport(report);
  if (opts.output) await writeFile(opts.output, text).catch((err: Error) => { throw new UsageError(`cannot write ${opts.output}: ${err.message}`); });
  else io.stdout.write(text);
  if (opts.plot) {
    const { writePlot } = await import('./plot.js');
    await writePlot(opts.plot, report).catch((err: Error) => { throw new UsageError(`cannot write --plot ${opts.plot}: ${err.message}`); });
  }
  return failed.length ? ExitCode.fileErrors : ExitCode.ok;
}

async function* asSources(items: LabelledItem[]): AsyncGenerator<Source> {
  for (const i of items) yield { kind: 'file', path: i.path };
}

/** Like dispatch, but each file is first cut to the shortcut-free view here and handed over as bytes. */
async function runShortcutFree(items: LabelledItem[], analyser: Analyser, o: { analyse: AnalyseOptions; cacheDir?: string; window: number; onResult: (r: Result) => void }) {
  const inFlight = new Set<Promise<void>>();
  for (const item of items) {
    const job = (async () => {
      let bytes: Uint8Array;
      try {
        bytes = await shortcutFreeBytes(await readFileLimited(item.path, o.analyse.limits.maxBytes), path.basename(item.path), o.analyse.limits);
      } catch (err) {
        const { status, detail } = toFileError(err);
        o.onResult({ path: item.path, error: { status, detail } });
        return;
      }
      o.onResult((await analyser.analyse({ bytes, displayPath: item.path, options: o.analyse, cacheDir: o.cacheDir })).result);
    })();
    const done: Promise<void> = job.finally(() => inFlight.delete(done));
    inFlight.add(done);
    while (inFlight.size >= o.window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

/** As scan: 0 = the main thread; the worker self-test decides whether threads are safe here. */
async function chooseAnalyser(wanted: number, io: EvalIO, quiet: boolean): Promise<Analyser> {
  if (wanted === 0) return createInProcess();
  const { workers, warning } = await safeWorkerCount(wanted, path.join(defaultCacheDir(io.env), 'state'), io.env);
  if (warning && !quiet) io.stderr.write(`xray: warning: ${warning}\n`);
  return workers === 0 ? createInProcess() : createPool(workers);
}
