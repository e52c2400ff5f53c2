#!/usr/bin/env node
/**
 * `npm run bench`: how fast xray is, measured against the physical floor of the job (decoding).
 * Sections (all by default, or pick with --only):
 *   decode     decode-only throughput with sharp at xray's concurrency (the floor)
 *   full       xray's full pipeline (`xray scan <dir> --format ndjson`), and the ratio full/decode
 *   detectors  time per detector, in-process, median ms per image
 *   cold       one image from a cold start (`xray scan one.jpg --json`), median of 5
 *   rss        peak RSS scanning 10,000 small files at default concurrency (1,000 with --quick)
 *   scaling    throughput at --concurrency 1 vs 2 (and the default, if more), unpinned and per core (taskset)
 * Options: --quick (smaller sets, one repetition), --only a,b, --reps n, --json FILE (raw figures).
 * Images are generated deterministically and cached under .cache/bench/ (git-ignored).
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { ensureRepeated, ensureSet, SETS } from './images.js';
import { canPin, median, runNode } from './measure.js';
import { timeDetectors } from './detectors.js';
import { fmt, table, TARGETS, verdict } from './report.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DIST = new URL('../../dist/', import.meta.url);
const BIN = join(REPO, 'bin', 'xray.js');
const FLOOR = fileURLToPath(new URL('./decode-floor.js', import.meta.url));
const CACHE = join(REPO, '.cache', 'bench');
const SECTIONS = ['decode', 'full', 'detectors', 'cold', 'rss', 'scaling'];
const THROUGHPUT_SETS = ['jpeg2', 'jpeg12', 'png2'];

const opts = parseArgs(process.argv.slice(2));
const N = availableParallelism();
const log = (m) => process.stderr.write(`bench: ${m}\n`);
const figures = { machine: await machine(), options: { quick: opts.quick, reps: opts.reps, only: opts.only }, loadStart: loadavg() };

if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) {
  log('dist/ is missing: run `npm run bench` (it builds first) or `npm run build`');
  process.exit(2);
}

const want = (s) => opts.only.includes(s);
const count = (key) => (opts.quick ? SETS[key].quickCount : SETS[key].count);
const sets = {};
const set = async (key) => (sets[key] ??= { key, label: SETS[key].label, ...(await ensureSet(CACHE, key, count(key), log)) });

// Throughput, ratio and scaling share one loop, interleaved, so that a load spike from other
// processes on the machine hits floor and pipeline alike; each figure is the best of the reps.
if (want('decode') || want('full') || want('scaling')) {
  const keys = want('decode') || want('full') ? THROUGHPUT_SETS : ['jpeg2'];
  const best = {};
  const rate = (r) => r.steadyImgPerS ?? r.imgPerS;
  const keep = (name, r) => { if (!best[name] || rate(r) > rate(best[name])) best[name] = r; };
  for (let rep = 1; rep <= opts.reps; rep++) {
    for (const key of keys) {
      const s = await set(key);
      if (want('decode') || want('full')) {
        log(`decode-only ${s.label} ×${s.files.length}, rep ${rep}/${opts.reps}`);
        keep(`decode:${key}`, await decodeFloor(s.files, N));
      }
      if (want('full') || (want('scaling') && key === 'jpeg2' && N === 2)) {
        log(`xray full ${s.label} ×${s.files.length} (concurrency ${N}), rep ${rep}/${opts.reps}`);
        keep(`full:${key}:${N}`, await xrayScan(s.dir, s.files.length));
      }
    }
    if (want('scaling')) {
      const s = await set('jpeg2');
      for (const c of [...new Set([1, 2, N])]) {
        if (c === N && (want('full') || N === 2)) continue; // measured above at default concurrency
        log(`xray full ${s.label} ×${s.files.length} (concurrency ${c}), rep ${rep}/${opts.reps}`);
        keep(`full:jpeg2:${c}`, await xrayScan(s.dir, s.files.length, c === N ? undefined : c));
      }
      // Per core: one worker on one CPU against two workers on two. Unpinned, one in-process worker
      // already uses part of the second core (sharp decodes the next file on libuv's pool while the
      // detectors run), so on a 2-core machine the unpinned ratio cannot show what a second core adds.
      // Three times the set, so that each worker's warm-up (JIT, first inference) weighs little.
      const long = await ensureRepeated(CACHE, s, 3);
      for (const [c, cpus] of [[1, undefined], [2, undefined], ...(N >= 2 && canPin() ? [[1, '0'], [2, '0,1']] : [])]) {
        log(`xray full ${s.label} ×${long.files.length} (concurrency ${c}${cpus ? `, pinned to CPU ${cpus}` : ''}), rep ${rep}/${opts.reps}`);
        keep(`${cpus ? 'pinned' : 'long'}:${c}`, await xrayScan(long.dir, long.files.length, c, cpus));
      }
    }
  }
  if (want('decode') || want('full')) figures.throughput = Object.fromEntries(keys.map((key) => {
    const d = best[`decode:${key}`], f = best[`full:${key}:${N}`];
    return [key, {
      label: SETS[key].label, images: sets[key].files.length, decode: d ?? null, full: f ?? null,
      ratio: d && f ? rate(f) / rate(d) : null, ratioWall: d && f ? f.imgPerS / d.imgPerS : null,
      // CPU seconds per image, floor over xray: the ratio the throughputs would have if the job had
      // the cores to itself and scaled perfectly; it holds up when other jobs load the machine.
      ratioCpu: d?.cpuPerImage && f?.cpuPerImage ? d.cpuPerImage / f.cpuPerImage : null,
    }];
  }));
  if (want('scaling')) {
    const one = best['full:jpeg2:1'], two = best[`full:jpeg2:${Math.min(2, N)}`], all = best[`full:jpeg2:${N}`];
    const pair = (a, b) => (a && b ? { one: a, two: b, twoOverOne: rate(b) / rate(a), images: sets.jpeg2.files.length * 3 } : null);
    figures.scaling = {
      one, two, all, workers: N, twoOverOne: one && two ? rate(two) / rate(one) : null, allOverOne: one && all ? rate(all) / rate(one) : null,
      long: pair(best['long:1'], best['long:2']), pinned: pair(best['pinned:1'], best['pinned:2']),
    };
  }
}

if (want('detectors')) {
  const cap = opts.quick ? 4 : 8;
  const picked = [];
  for (const key of THROUGHPUT_SETS) {
    const s = await set(key);
    picked.push({ label: s.label, files: s.files.slice(0, cap) });
  }
  log(`time per detector on ${picked.map((p) => `${p.files.length} × ${p.label}`).join(', ')}`);
  figures.detectors = await timeDetectors(DIST, picked);
}

if (want('cold')) {
  const one = (await set('jpeg2')).files[0];
  const runs = 5;
  const wall = async (args) => {
    await runNode(args, { cwd: REPO }); // warm the disk cache: "cold" here means a new process, not a cold disk
    const wallS = [], cpuS = [];
    for (let i = 0; i < runs; i++) {
      const r = await runNode(args, { cwd: REPO });
      if (![0, 1, 3].includes(r.code)) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr.slice(0, 400)}`);
      wallS.push(r.wallS);
      if (r.cpuS !== null) cpuS.push(r.cpuS);
    }
    return { wallS: median(wallS), cpuS: cpuS.length ? median(cpuS) : null };
  };
  log(`cold start, median of ${runs}: node alone, xray --version, xray scan one.jpg --json`);
  figures.cold = {
    node: await wall(['-e', '']),
    version: await wall([BIN, '--version']),
    scan: await wall([BIN, 'scan', one, '--json']),
    runs,
  };
}

// JSON holds every result until the end and then prints them all at once (the worst case); NDJSON
// streams. Two JSON sizes give the growth per file, which says where 100,000 files would end up.
if (want('rss')) {
  const full = await set('small');
  const plan = [[full, 'json'], [full, 'ndjson']];
  if (!opts.quick) plan.unshift([await ensureSet(CACHE, 'small', SETS.small.quickCount, log), 'json']);
  const runs = [];
  for (const [s, format] of plan) runs.push(await rssRun(s.dir, s.files.length, format));
  const [small, big] = runs.filter((r) => r.format === 'json');
  const perFileKb = big && big.files > small.files ? ((big.peakRssMb - small.peakRssMb) * 1024) / (big.files - small.files) : null;
  figures.rss = { runs, perFileKb, target: runs.find((r) => r.format === 'json' && r.files === full.files.length) };
}

figures.loadEnd = loadavg();
print(figures);
if (opts.json) await writeFile(opts.json, `${JSON.stringify(figures, null, 2)}\n`);

async function decodeFloor(files, concurrency) {
  const minSeconds = opts.quick ? 2 : 4;
  const r = await runNode([FLOOR, String(concurrency), String(minSeconds), ...files], { cwd: REPO, env: { UV_THREADPOOL_SIZE: String(Math.max(4, concurrency)) } });
  if (r.code !== 0 || r.lineCount < files.length) throw new Error(`decode floor exited ${r.code} after ${r.lineCount} images: ${r.stderr.slice(0, 400)}`);
  const steady = steadyRate(r.lines, concurrency);
  const mpPerImage = r.lines.reduce((sum, l) => sum + Number(l.text), 0) / 1e6 / r.lineCount;
  return { wallS: r.wallS, decoded: r.lineCount, imgPerS: r.lineCount / r.wallS, steadyImgPerS: steady, mpPerS: steady * mpPerImage, cpuPerImage: perImage(r.cpuS, r.lineCount) };
}

/**
 * The rate once start-up is paid, which is what a scan of 100,000 files sees: results after the
 * first `lanes` over the time since the lanes-th. (With N images decoding at once the first N end
 * together; counting from the first result would overstate the rate.) Floor and xray are timed
 * this same way, from their output lines.
 */
async function rssRun(dir, files, format) {
  log(`peak RSS: xray scan ${files} × ${SETS.small.label} --format ${format} (default concurrency ${N})`);
  let results = 0, errors = 0;
  // Pretty-printed JSON: each result opens with "path" at four spaces' indent; NDJSON: one per line.
  const onLine = format === 'json'
    ? (text) => { if (text.startsWith('    "path": ')) results++; else if (text.startsWith('    "error": ')) errors++; }
    : (text) => { results++; if (text.includes('"error":{"status"')) errors++; };
  const r = await runNode([BIN, 'scan', dir, '--format', format, '--quiet'], { cwd: REPO, peakRss: true, keepLines: false, onLine });
  if (![0, 1, 3].includes(r.code)) throw new Error(`xray exited ${r.code}: ${r.stderr.slice(0, 400)}`);
  return { format, files, results, errors, wallS: r.wallS, cpuS: r.cpuS, filesPerS: files / r.wallS, peakRssMb: r.peakRssMb, method: r.rssMethod };
}

function perImage(cpuS, n) {
  return cpuS === null ? null : cpuS / n;
}

function steadyRate(lines, lanes) {
  const k = Math.max(1, lanes);
  return lines.length >= k + 2 ? (lines.length - k) / (lines.at(-1).at - lines[k - 1].at) : null;
}

/** One `xray scan` child; throughput counts the whole wall time (start-up included), as a user sees it. */
async function xrayScan(dir, n, concurrency, cpus) {
  const args = [BIN, 'scan', dir, '--format', 'ndjson', '--quiet', ...(concurrency ? ['--concurrency', String(concurrency)] : [])];
  const r = await runNode(args, { cwd: REPO, cpus });
  if (![0, 1, 3].includes(r.code)) throw new Error(`xray exited ${r.code}: ${r.stderr.slice(0, 400)}`);
  if (r.lineCount !== n) throw new Error(`xray printed ${r.lineCount} results for ${n} files`);
  const parsed = r.lines.map((l) => JSON.parse(l.text));
  const errors = parsed.filter((x) => x.error);
  return { wallS: r.wallS, imgPerS: n / r.wallS, steadyImgPerS: steadyRate(r.lines, concurrency ?? N), cpuPerImage: perImage(r.cpuS, n), errors: errors.length, firstError: errors[0]?.error.detail ?? null };
}

async function machine() {
  const version = async (name) => JSON.parse(await readFile(join(REPO, 'node_modules', name, 'package.json'), 'utf8')).version;
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    ramGiB: totalmem() / 2 ** 30,
    node: process.version,
    sharp: sharp.versions.sharp,
    libvips: sharp.versions.vips,
    onnxruntime: await version('onnxruntime-node').catch(() => 'not installed'),
    piscina: await version('piscina').catch(() => 'not installed'),
  };
}

function print(f) {
  const m = f.machine;
  const out = [];
  out.push(`\nxray benchmark${opts.quick ? ' (--quick)' : ''}: ${m.cores} cores (${m.cpu}), ${m.ramGiB.toFixed(0)} GiB RAM, node ${m.node}, sharp ${m.sharp} (libvips ${m.libvips}), onnxruntime-node ${m.onnxruntime}, piscina ${m.piscina}`);
  out.push(`load average at start ${f.loadStart.map((x) => x.toFixed(1)).join(' ')}, at end ${f.loadEnd.map((x) => x.toFixed(1)).join(' ')}${Math.max(...f.loadStart, ...f.loadEnd) > m.cores ? '  ← the machine was busy: absolute figures are low, compare ratios' : ''}`);
  const summary = [];

  if (f.throughput) {
    out.push(`\nThroughput at concurrency ${N}, images/s, best of ${opts.reps} (steady = after the first result; wall = whole run incl. start-up)`);
    out.push(`decode-only = read + sharp decode to RGB, ${N} pipelines in flight in one process; xray = xray scan --format ndjson`);
    const x = (v) => (v === null || v === undefined ? '—' : `${fmt(v, 3)}×`);
    const ms = (v) => (v === null || v === undefined ? '—' : fmt(v * 1000, 0));
    out.push(table(['set', 'images', 'decode steady', 'decode wall', 'xray steady', 'xray wall', 'ratio steady', 'ratio wall', 'CPU ms/img decode', 'CPU ms/img xray', 'ratio CPU', 'xray errors'],
      Object.values(f.throughput).map((t) => [t.label, t.images, fmt(t.decode?.steadyImgPerS), fmt(t.decode?.imgPerS), fmt(t.full?.steadyImgPerS), fmt(t.full?.imgPerS), x(t.ratio), x(t.ratioWall),
        ms(t.decode?.cpuPerImage), ms(t.full?.cpuPerImage), x(t.ratioCpu), t.full ? `${t.full.errors}/${t.images}` : '—'])));
    out.push('ratio CPU = decode CPU per image / xray CPU per image (start-up included): what the ratio would be on cores left to the job');
    const firstError = Object.values(f.throughput).find((t) => t.full?.firstError)?.full.firstError;
    if (firstError) out.push(`note: xray answered error entries (detectors still ran): ${firstError}`);
    const r = f.throughput.jpeg2?.ratio;
    if (r !== null && r !== undefined) summary.push(['full / decode-only, 2 MP JPEG', `${fmt(r, 3)}×`, TARGETS.ratio.text, verdict('ratio', r)]);
  }
  if (f.detectors) {
    const d = f.detectors;
    out.push('\nTime per detector, in-process, one thread (median ms per image, wall and CPU; decode = xray\'s decode incl. header probe)');
    out.push(table(['set', 'images', 'time', ...d.keys, 'detectors Σ', 'not judged'],
      d.rows.flatMap((r) => [
        [r.set, r.images, 'wall', ...d.keys.map((k) => fmt(r.medianMs[k], 1)), fmt(r.detectorsMs, 1), r.notJudged.join(',') || '—'],
        ['', '', 'CPU', ...d.keys.map((k) => fmt(r.medianCpuMs[k], 1)), fmt(r.detectorsCpuMs, 1), ''],
      ])));
    out.push(`first image (warm-up: JIT, model loading): ${d.keys.map((k) => `${k} ${fmt(d.warmupMs[k], 0)} ms`).join(', ')}`);
  }
  if (f.cold) {
    const c = f.cold, both = (x) => `${fmt(x.wallS)} s${x.cpuS === null ? '' : ` (CPU ${fmt(x.cpuS)} s)`}`;
    out.push(`\nCold start, median of ${c.runs}, wall (CPU): node alone ${both(c.node)} · xray --version ${both(c.version)} · xray scan one.jpg --json ${both(c.scan)}`);
    summary.push(['cold start, one 2 MP JPEG', `${fmt(c.scan.wallS)} s`, TARGETS.cold.text, verdict('cold', c.scan.wallS)]);
  }
  if (f.rss) {
    out.push(`\nPeak RSS at default concurrency (${N}), ${SETS.small.label} files [${f.rss.runs[0].method}]`);
    out.push(table(['files', 'format', 'results', 'errors', 'wall s', 'files/s', 'CPU s', 'peak RSS MB'],
      f.rss.runs.map((r) => [r.files, r.format, r.results, r.errors, fmt(r.wallS, 1), fmt(r.filesPerS, 1), fmt(r.cpuS, 1), fmt(r.peakRssMb, 0)])));
    if (f.rss.perFileKb !== null) {
      const t = f.rss.target;
      out.push(`growth with --format json: ${fmt(f.rss.perFileKb, 1)} KB per file; 100,000 files would peak near ${fmt(t.peakRssMb + (f.rss.perFileKb * (100_000 - t.files)) / 1024, 0)} MB`);
    }
    const t = f.rss.target ?? f.rss.runs[0];
    summary.push([`peak RSS, ${t.files} files (json)`, `${fmt(t.peakRssMb, 0)} MB`, TARGETS.rss.text, verdict('rss', t.peakRssMb)]);
  }
  if (f.scaling) {
    const s = f.scaling;
    const r = (v) => fmt(v?.steadyImgPerS ?? v?.imgPerS);
    const c = (v) => (v?.cpuPerImage ? `, ${fmt(v.cpuPerImage * 1000, 0)} CPU ms/img` : '');
    out.push(`\nScaling on 2 MP JPEG (steady images/s): 1 → ${r(s.one)}${c(s.one)} · 2 → ${r(s.two)}${c(s.two)}${N > 2 ? ` · ${N} → ${r(s.all)}${c(s.all)}` : ''}`);
    out.push('(--concurrency 1 runs in-process, without worker threads; on a loaded machine the CPU ms/img show whether extra workers cost extra work)');
    if (s.one?.cpuPerImage && s.two?.cpuPerImage) {
      out.push(`estimate if 2 cores were free for the job: 2 × CPU(1) / CPU(2) = ${fmt((2 * s.one.cpuPerImage) / s.two.cpuPerImage)}× (start-up included; not a measurement of wall time)`);
    }
    if (s.long) out.push(`${s.long.images} images (the set three times): 1 → ${r(s.long.one)}${c(s.long.one)} · 2 → ${r(s.long.two)}${c(s.long.two)} = ${fmt(s.long.twoOverOne)}×`);
    if (s.pinned) out.push(`${s.pinned.images} images, per core (taskset): 1 worker on 1 CPU → ${r(s.pinned.one)}${c(s.pinned.one)} · 2 workers on 2 CPUs → ${r(s.pinned.two)}${c(s.pinned.two)} = ${fmt(s.pinned.twoOverOne)}×`);
    summary.push([`2 workers / 1 worker (${sets.jpeg2.files.length} images)`, `${fmt(s.twoOverOne)}×`, TARGETS.scaling.text, verdict('scaling', s.twoOverOne)]);
    if (s.long) summary.push([`2 workers / 1 worker (${s.long.images} images)`, `${fmt(s.long.twoOverOne)}×`, TARGETS.scaling.text, verdict('scaling', s.long.twoOverOne)]);
    if (s.pinned) summary.push([`2 workers / 1 worker (${s.pinned.images}, per core)`, `${fmt(s.pinned.twoOverOne)}×`, TARGETS.scaling.text, verdict('scaling', s.pinned.twoOverOne)]);
  }
  if (summary.length) {
    out.push('\nTargets (issue 4)');
    out.push(table(['measure', 'measured', 'target', 'result'], summary));
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function parseArgs(argv) {
  const o = { quick: false, only: SECTIONS, reps: undefined, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--quick') o.quick = true;
    else if (a === '--only') o.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--reps') o.reps = Number(value());
    else if (a === '--json') o.json = value();
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown option ${a}`);
  }
  const bad = o.only.filter((s) => !SECTIONS.includes(s));
  if (bad.length) usage(`unknown section ${bad.join(', ')}`);
  o.reps ??= o.quick ? 1 : 2;
  if (!Number.isInteger(o.reps) || o.reps < 1) usage('--reps takes a whole number ≥ 1');
  return o;
}

function usage(error) {
  const text = `usage: npm run bench -- [--quick] [--only ${SECTIONS.join(',')}] [--reps n] [--json FILE]\n`;
  if (error) { process.stderr.write(`bench: ${error}\n${text}`); process.exit(2); }
  process.stdout.write(text);
  process.exit(0);
}
