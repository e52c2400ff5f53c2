/** `xray scan`: wires input → pool → output and turns the outcome into an exit code. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { lstat, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, ExitError, UsageError } from '../errors.js';
import { discover, type Source } from '../input/discover.js';
import { listDetectorKeys } from '../detectors/index.js';
import { createInProcess, createPool, defaultConcurrency, type Analyser } from '../pool/pool.js';
import { dispatch } from '../pool/dispatch.js';
import { releaseEarlyHelper } from '../pool/neural.js';
import { defaultCacheDir } from '../pool/cache.js';
import { safeWorkerCount } from '../pool/selftest.js';
import { REPORTERS } from '../output/index.js';
import { Tally } from '../output/reporter.js';
import { createRemoteForScan } from '../remote/scan.js';
import { sniffFormat } from '../image/sniff.js';
import type { ScanOptions } from './options.js';
import { createProgress } from './progress.js';

export interface ScanIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export async function runScan(operands: string[], opts: ScanOptions, io: ScanIO): Promise<number> {
  if (opts.json && opts.format && opts.format !== 'json') throw new UsageError(`--json contradicts --format ${opts.format}: give one of them`);
  const format = opts.json ? 'json' : opts.format ?? 'table';
  if (!Object.hasOwn(REPORTERS, format)) throw new UsageError(`unknown format "${format}"`);
  const makeReporter = await REPORTERS[format]();
  if (operands.length === 0) throw new UsageError('no input: give files, folders, globs, or - for stdin (see xray scan --help)');
  if (operands.filter((o) => o === '-').length > 1) throw new UsageError('stdin (-) can be given only once');
  const known = listDetectorKeys();
  const unknown = opts.detectors.filter((k) => !known.includes(k));
  if (unknown.length) throw new UsageError(`unknown detector ${unknown.join(', ')}; known: ${known.join(', ')}`);

  const remote = opts.remote ? await createRemoteForScan(opts, io.env, io.stderr) : null;

  // -o: written to a temporary file beside the target and renamed at the end, so a scan that stops
  // early (nothing to scan, a refused key) leaves an existing file as it was.
  const out = opts.output ? await openOutput(opts.output) : null;
  try {
    const sink = out?.stream ?? io.stdout;
    const color = opts.color !== false && !out && !io.env.NO_COLOR && Boolean(io.stdout.isTTY);
    // The reader went away (`| head`): stop dispatching as on Ctrl-C, let files in progress finish, write no more.
    let outputClosed = false;
    sink.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') outputClosed = true;
    });
    const reporter = makeReporter({ write: (text) => (outputClosed ? true : sink.write(text)), drain: () => drained(sink), color });

    // Peek ahead: a single file runs in-process, sparing the worker start-up (cold start matters for one image).
    const sources = discover(operands, { ignore: opts.ignore, stdinFilename: opts.stdinFilename });
    const first = await takeUpTo(sources, 2);
    if (first.length === 0) {
      // A JSON reader (`| jq`) still gets a valid, empty document; the exit code and stderr say why.
      if (format === 'json' && !out) io.stdout.write('[]\n');
      throw new ExitError('nothing to scan: no image files found in the given paths', ExitCode.usage);
    }
    // bin/xray.js may have started the neural helper early; only an in-process one-file scan uses it.
    if (remote || first.length !== 1) await releaseEarlyHelper();
    const analyser = remote ?? (first.length === 1
      ? await createInProcess(opts.detectors) // one file: neural detectors on a helper thread, the rest here
      : await chooseAnalyser(opts.concurrency ?? defaultConcurrency(), io, opts.quiet));

    // A terminal that reports no width (some pseudo-terminals) sends ora into an endless redraw: no spinner there.
    const progress = await createProgress({
      stream: io.stderr,
      enabled: !opts.quiet && Boolean(io.stderr.isTTY) && (io.stderr.columns ?? 0) > 0 && !io.env.CI,
    });
    let interrupted = false;
    const onSigint = () => {
      if (interrupted) {
        // Second Ctrl-C: the user means it. process.exit() would tear down worker threads that may be
        // inside onnxruntime's session.run(), which aborts (SIGABRT, core dump); dying of the signal
        // itself is immediate and tells the shell what happened (status 130).
        process.off('SIGINT', onSigint);
        process.kill(process.pid, 'SIGINT');
        return;
      }
      interrupted = true;
      progress.note('interrupted: finishing files in progress (Ctrl-C again to quit now)');
    };
    process.on('SIGINT', onSigint);

    if (progress.enabled) countSources(operands, opts).then((n) => progress.setTotal(n), () => {});

    const started = performance.now();
    const tally = new Tally();
    let cached = 0;
    let missing = 0;
    try {
      ({ missing } = await dispatch(prepend(first, sources), analyser, {
        analyse: { limits: { maxBytes: opts.maxSize, maxPixels: opts.maxPixels }, threshold: opts.threshold, detectors: opts.detectors },
        window: Math.max(2, (analyser.workers || 1) * 2),
        stopped: () => interrupted || outputClosed || Boolean(remote?.fatal()),
        stdin: io.stdin,
        cacheDir: opts.cache || opts.cacheDir ? path.resolve(opts.cacheDir ?? defaultCacheDir(io.env)) : undefined,
        onResult(result, fromCache) {
          tally.add(result);
          if (fromCache) cached++;
          reporter.onResult(result);
          progress.tick(result);
        },
      }));
    } finally {
      process.off('SIGINT', onSigint);
      progress.stop();
      await analyser.close();
    }
    const refused = remote?.fatal();
    if (refused) throw refused;
    if (!opts.quiet) for (const note of remote?.notes() ?? []) io.stderr.write(`xray: ${note}\n`);

    const summary = tally.summary((performance.now() - started) / 1000, cached);
    await reporter.finish(summary);
    await out?.commit();

    if (missing > 0 && missing === summary.files) {
      io.stderr.write('xray: nothing to scan: no given path exists or matches\n');
      return ExitCode.usage;
    }
    if (interrupted) return ExitCode.interrupted;
    if (opts.failOn === 'ai' && summary.ai > 0) return ExitCode.gateTripped;
    if (summary.errors > 0) return ExitCode.fileErrors;
    return ExitCode.ok;
  } finally {
    await out?.discard();
  }
}

/** Resolves when a stream wants more data, or can take none ever again (closed, failed). */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

interface Output {
  stream: WriteStream;
  /** Ends the stream and puts the file in place. */
  commit(): Promise<void>;
  /** Removes the temporary file unless committed. */
  discard(): Promise<void>;
}

async function openOutput(file: string): Promise<Output> {
  await refuseImage(file);
  // Only a regular file (or a new one) is replaced by rename: a device, a pipe or a symlink is written in place.
  const kind = await lstat(file).catch(() => null);
  const temp = !kind || kind.isFile() ? path.join(path.dirname(file), `.${path.basename(file)}.xray-${process.pid}.tmp`) : null;
  const stream = createWriteStream(temp ?? file);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err) => reject(new UsageError(`cannot write ${file}: ${err.message}`)));
  });
  let done = false;
  return {
    stream,
    async commit() {
      await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
      done = true;
      if (!temp) return;
      try {
        await rename(temp, file);
      } catch (err) {
        await rm(temp, { force: true });
        throw new UsageError(`cannot write ${file}: ${(err as Error).message}`);
      }
    },
    async discard() {
      if (done) return;
      done = true;
      stream.destroy();
      if (temp) await rm(temp, { force: true });
    },
  };
}

/** `-o photo.jpg` would replace a picture (perhaps one being scanned) with the report: refused. */
async function refuseImage(file: string): Promise<void> {
  let head: Buffer;
  try {
    const fh = await open(file, 'r');
    try {
      head = Buffer.alloc(64);
      const { bytesRead } = await fh.read(head, 0, 64, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return; // absent or unreadable: writing will say what is wrong
  }
  const format = sniffFormat(head);
  if (format) throw new UsageError(`-o ${file}: that file is a ${format.label} image; xray will not overwrite an image with its report (choose another output file)`);
}

/** 0 workers = the main thread (one file: a thread's start-up would double cold start). */
async function chooseAnalyser(wanted: number, io: ScanIO, quiet: boolean): Promise<Analyser> {
  if (wanted === 0) return createInProcess();
  const { workers, warning } = await safeWorkerCount(wanted, path.join(defaultCacheDir(io.env), 'state'), io.env);
  if (warning && !quiet) io.stderr.write(`xray: warning: ${warning}\n`);
  return workers === 0 ? createInProcess() : createPool(workers);
}

/** A second, listing-only pass so a person sees done/total and an ETA; it never holds up the scan. */
async function countSources(operands: string[], opts: ScanOptions): Promise<number> {
  let n = 0;
  for await (const _ of discover(operands, { ignore: opts.ignore, stdinFilename: opts.stdinFilename })) n++;
  return n;
}

async function takeUpTo<T>(it: AsyncGenerator<T>, n: number): Promise<T[]> {
  const items: T[] = [];
  while (items.length < n) {
    const next = await it.next();
    if (next.done) break;
    items.push(next.value);
  }
  return items;
}

async function* prepend(first: Source[], rest: AsyncGenerator<Source>): AsyncGenerator<Source> {
  yield* first;
  yield* rest;
}
