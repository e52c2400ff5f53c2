/**
 * The real `bin/xray.js`, end to end: the JSON contract of ../shared/spec/xray-api.md (validated
 * against docs/result.schema.json), the other formats, streams, exit codes and colour.
 * Never depends on particular scores: only on the rules that tie the fields together.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_EXTENSIONS } from '../../src/input/discover.ts';
import type { AnalysisResult, Result } from '../../src/types.ts';
import { ANSI, BIN, ensureBuilt, modelsFitted, REPO, schemaErrors, STACK_FRAME, xray, type Run } from '../helpers/cli.ts';
import { noise } from '../helpers/hostile.ts';

const isError = (r: Result): r is Extract<Result, { error: unknown }> => 'error' in r;
const oneDecimal = (x: number) => Math.abs(x * 10 - Math.round(x * 10)) < 1e-9;
const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every rule of the spec that ties one result's fields together, at a given threshold. */
function checkResult(r: Result, threshold = 50): void {
  expect(schemaErrors(r), r.path).toEqual([]);
  if (isError(r)) return;
  expect(r.usage).toBeNull();
  expect(r.is_ai, r.path).toBe(r.composite >= threshold);
  expect(r.verdict).toBe(r.is_ai ? 'AI Generated' : 'Real Photo');
  expect(oneDecimal(r.composite) && oneDecimal(r.confidence), r.path).toBe(true);
  expect(r.meta.filename).toBe(path.basename(r.path));
  expect(r.signals.length).toBeGreaterThan(0);
  for (const s of r.signals) {
    expect(s.level, `${r.path} ${s.key}`).toBe(s.score === null ? 'na' : s.score >= 50 ? 'hi' : 'lo');
    if (s.score !== null) expect(oneDecimal(s.score)).toBe(true);
  }
}

function noStackTrace(run: Run): void {
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect(run.stderr).not.toMatch(/internal error/i);
}

/** The pool is exercised by the fixtures run (and the hostile folder); small runs skip its start-up on this busy machine. */
const ONE_THREAD = ['-j', '1'];

/** What a folder scan should pick up, listed independently of discover(): by extension, no hidden entries. */
function listFixtures(dir = path.join(REPO, 'fixtures')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.name.startsWith('.')) return [];
    if (e.isDirectory()) return listFixtures(p);
    return IMAGE_EXTENSIONS.includes(path.extname(e.name).slice(1).toLowerCase()) ? [path.relative(REPO, p)] : [];
  });
}

let work: string;
let png: Buffer;

beforeAll(async () => {
  await ensureBuilt();
  work = await mkdtemp(path.join(tmpdir(), 'xray-e2e-'));
  await mkdir(path.join(work, 'good'));
  await mkdir(path.join(work, 'empty'));
  png = await sharp(noise(96, 64, 3, 7), { raw: { width: 96, height: 64, channels: 3 } }).png().toBuffer();
  await writeFile(path.join(work, 'good', 'a.png'), png);
  await writeFile(path.join(work, 'good', 'b.jpg'), await sharp(noise(64, 64, 3, 9), { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toBuffer());
  await writeFile(path.join(work, 'bad.jpg'), 'not an image at all\n');
}, 150_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('xray scan fixtures --json', () => {
  let run: Run;
  let results: Result[];
  beforeAll(async () => {
    run = await xray(['scan', 'fixtures', '--json'], { timeoutMs: 120_000 });
    results = JSON.parse(run.stdout); // stdout is the JSON and nothing else
  }, 150_000);

  it('lists every fixture once, sorted by path, each valid against the schema and the spec rules', () => {
    const fixtures = listFixtures();
    expect(fixtures.length).toBeGreaterThanOrEqual(6);
    const paths = results.map((r) => r.path);
    expect([...paths].sort(byPath)).toEqual([...fixtures].sort(byPath));
    expect(paths).toEqual([...paths].sort(byPath));
    for (const r of results) checkResult(r);
  });

  it('describes each fixture as stored: size, format from the content, pixel size', async () => {
    for (const r of results.filter((x): x is AnalysisResult => !isError(x))) {
      const meta = await sharp(path.join(REPO, r.path)).metadata();
      expect(r.meta.file_size).toBe(statSync(path.join(REPO, r.path)).size);
      expect(r.meta.format).toBe(`image/${meta.format === 'heif' ? 'avif' : meta.format}`);
      expect([r.meta.width, r.meta.height]).toEqual([meta.width, meta.pageHeight ?? meta.height]);
    }
  });

  it('exits 0 when all are analysed, 3 when any is not; nothing but results on stdout', () => {
    expect(run.code, run.stderr).toBe(results.some(isError) ? 3 : 0);
    noStackTrace(run);
    if (modelsFitted()) expect(results.filter(isError)).toEqual([]);
  });
});

describe('formats and streams', () => {
  it('--format ndjson: one valid line per file (stdin too, through the worker pool); a bad file among good ones gives exit 3', async () => {
    const jpeg = await readFile(path.join(work, 'good', 'b.jpg')); // small: Node's pooled-buffer case when handed to a worker
    const run = await xray(['scan', 'good', '-', 'bad.jpg', '--format', 'ndjson', '--stdin-filename', 'piped.jpg'], { cwd: work, input: jpeg });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout.endsWith('\n')).toBe(true);
    const lines = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Result);
    expect(lines.map((r) => r.path).sort(byPath)).toEqual(['bad.jpg', 'good/a.png', 'good/b.jpg', 'piped.jpg']);
    for (const r of lines) checkResult(r);
    expect(lines.find((r) => r.path === 'bad.jpg')).toMatchObject({ error: { status: 400, detail: expect.stringMatching(/not an image/) } });
    if (modelsFitted()) expect(lines.filter(isError).map((r) => r.path)).toEqual(['bad.jpg']);
    noStackTrace(run);
  });

  it('table: one row per file, a summary line, no colour when stdout is not a terminal', async () => {
    const run = await xray(['scan', 'good', 'bad.jpg', ...ONE_THREAD], { cwd: work });
    expect(run.code).toBe(3);
    for (const p of ['good/a.png', 'good/b.jpg', 'bad.jpg']) expect(run.stdout).toContain(p);
    expect(run.stdout).toMatch(/^3 files · \d+ AI · \d+ real · [1-3] errors? · \d+\.\d s · \d+\.\d images\/s$/m);
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stderr).not.toMatch(ANSI);
    noStackTrace(run);
  });

  it('-o FILE: the results go to the file, stdout stays empty', async () => {
    const out = path.join(work, 'out.json');
    const run = await xray(['scan', 'good', '--json', '-o', out, ...ONE_THREAD], { cwd: work });
    expect(run.stdout).toBe('');
    const results = JSON.parse(await readFile(out, 'utf8')) as Result[];
    expect(results.map((r) => r.path)).toEqual(['good/a.png', 'good/b.jpg']);
    for (const r of results) checkResult(r);
    expect(run.code).toBe(results.some(isError) ? 3 : 0);
  });

  it('-o never replaces an image with the report, and leaves an existing file alone when the scan stops early', async () => {
    const image = path.join(work, 'good', 'a.png');
    const before = await readFile(image);
    const onImage = await xray(['scan', 'good', '--json', '-o', image, ...ONE_THREAD], { cwd: work });
    expect(onImage.code).toBe(2);
    expect(onImage.stderr).toMatch(/will not overwrite an image/);
    expect(await readFile(image)).toEqual(before);
    const keep = path.join(work, 'keep.json');
    await writeFile(keep, 'precious\n');
    await mkdir(path.join(work, 'no-images'), { recursive: true });
    const none = await xray(['scan', 'no-images', '--json', '-o', keep], { cwd: work });
    expect(none.code).toBe(2);
    expect(await readFile(keep, 'utf8')).toBe('precious\n');
    expect(readdirSync(work).filter((f) => f.includes('.xray-'))).toEqual([]); // no temporary file left
  });

  it('- reads one image from stdin, named by --stdin-filename', async () => {
    const run = await xray(['scan', '-', '--stdin-filename', 'upload.png', '--json'], { cwd: work, input: png });
    const [r] = JSON.parse(run.stdout) as Result[];
    expect(r.path).toBe('upload.png');
    checkResult(r);
    if (!isError(r)) expect(r.meta).toEqual({ width: 96, height: 64, file_size: png.length, format: 'image/png', filename: 'upload.png' });
    else expect(modelsFitted()).toBe(false);
    noStackTrace(run);
  });

  it('- without a name, and over --max-size on stdin, is a 413 entry', async () => {
    const run = await xray(['scan', '-', '--json', '--max-size', '1k'], { cwd: work, input: png });
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toEqual([{ path: '<stdin>', error: { status: 413, detail: expect.stringMatching(/over the 1\.0 KB limit/) } }]);
  });

  it('takes a file named with a leading dash after --', async () => {
    await writeFile(path.join(work, '-dash.png'), png);
    const run = await xray(['scan', '--json', '--', '-dash.png'], { cwd: work });
    expect(run.stderr).not.toMatch(/unknown option/);
    const [r] = JSON.parse(run.stdout) as Result[];
    expect(r.path).toBe('-dash.png');
    checkResult(r);
  });
});

describe('exit codes', () => {
  it('2 for a bad flag or value, with the reason on stderr and nothing on stdout', async () => {
    for (const args of [['--bogus'], ['--threshold', '150']]) {
      const run = await xray(['scan', 'good', ...args], { cwd: work });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.length).toBeGreaterThan(0);
      noStackTrace(run);
    }
  });

  it('2 when nothing matched (a folder without images)', async () => {
    const run = await xray(['scan', 'empty'], { cwd: work });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/nothing to scan/);
    const json = await xray(['scan', 'empty', '--json'], { cwd: work });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual([]); // still a document a JSON reader can parse
  });

  it('2 for a threshold that is not a plain number (empty, hex), instead of reading it as 0', async () => {
    for (const bad of ['', '0x40', ' ']) {
      const run = await xray(['scan', 'good', '--threshold', bad], { cwd: work });
      expect(run.code, bad).toBe(2);
      expect(run.stderr).toMatch(/--threshold/);
    }
  });

  it('2 when --json and --format disagree, instead of silently picking one', async () => {
    const run = await xray(['scan', 'good', '--json', '--format', 'ndjson'], { cwd: work });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--json contradicts --format ndjson/);
    expect((await xray(['scan', 'good', '--json', '--format', 'json', '-j', '1'], { cwd: work })).code).not.toBe(2);
  });

  const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
  it('stops quietly when the reader closes the pipe early: no stack trace, no abort, the exit code of what was analysed', () => {
    const piped = (args: string, reader: string) =>
      spawnSync('bash', ['-c', `set -o pipefail; '${process.execPath}' '${BIN}' scan ${args} | ${reader}`], { cwd: work, encoding: 'utf8', timeout: 60_000 });
    // `true` exits without reading, so xray's write always meets a closed pipe (EPIPE).
    const json = piped('good --json', 'true');
    expect(json.status, json.stderr).toBe(0);
    expect(json.stderr).not.toMatch(STACK_FRAME);
    // Streaming to a reader that leaves after one byte, while workers are mid-inference: exiting
    // then used to tear the workers down inside onnxruntime (SIGABRT, status 134).
    for (let i = 0; i < 3; i++) {
      const ndjson = piped(`'${FIXTURES}' --format ndjson -j 2`, 'head -c 1 >/dev/null');
      expect(ndjson.status, ndjson.stderr).toBe(0);
      expect(ndjson.stderr).not.toMatch(/terminate called|Napi::Error|STACK/);
    }
    // A closed pipe does not hide a tripped gate.
    const gate = piped('good --json --fail-on ai --threshold 0', 'true');
    expect(gate.status, gate.stderr).toBe(1);
  });

  it('2 when no given path exists or matches, each still reported; 3 when only some are missing', async () => {
    const none = await xray(['scan', 'no-such-dir', 'no-*.png', '--json'], { cwd: work });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nothing to scan/);
    const entries = JSON.parse(none.stdout) as Result[];
    expect(entries.map((r) => (isError(r) ? r.error.detail : ''))).toEqual(['no files match this pattern', 'no such file or folder']);
    const some = await xray(['scan', 'no-such-dir', 'bad.jpg', '--json'], { cwd: work });
    expect(some.code).toBe(3);
  });

  it.skipIf(!modelsFitted())('1 when --fail-on ai trips (--threshold 0 makes every image AI), outranking a file error', async () => {
    const run = await xray(['scan', 'good', 'bad.jpg', '--json', '--fail-on', 'ai', '--threshold', '0', ...ONE_THREAD], { cwd: work });
    expect(run.code, run.stderr).toBe(1);
    const results = JSON.parse(run.stdout) as Result[];
    for (const r of results) checkResult(r, 0);
    expect(results.filter((r) => !isError(r)).every((r) => (r as AnalysisResult).is_ai)).toBe(true);
  });

  it.skipIf(!modelsFitted())('0 when every file is analysed and --threshold 100 keeps the gate shut', async () => {
    const run = await xray(['scan', 'good', '--json', '--fail-on', 'ai', '--threshold', '100', ...ONE_THREAD], { cwd: work });
    const results = JSON.parse(run.stdout) as Result[];
    for (const r of results) checkResult(r, 100);
    expect(run.code, run.stderr).toBe(results.some((r) => !isError(r) && r.is_ai) ? 1 : 0);
  });
});

// `script` gives the child a real terminal, the one case where colour is allowed.
const hasScript = spawnSync('script', ['--version']).status === 0;
describe.skipIf(!hasScript)('colour on a terminal', () => {
  const onTty = (env: string) => {
    const cmd = `${env} '${process.execPath}' '${BIN}' scan bad.jpg 2>/dev/null`;
    return spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: work, encoding: 'utf8', timeout: 60_000 }).stdout;
  };
  it('shows progress on a terminal and never hangs, even on one that reports no width', () => {
    const scan = (setup: string) => spawnSync('script', ['-qec', `${setup} '${process.execPath}' '${BIN}' scan good`, '/dev/null'],
      { cwd: work, encoding: 'utf8', timeout: 60_000 });
    const noWidth = scan('stty cols 0 2>/dev/null;');
    expect(noWidth.status, noWidth.stdout.slice(-500)).toBe(0);
    expect(noWidth.stdout).toMatch(/\d+ files? · /);
    const wide = scan('stty cols 120 rows 40;');
    expect(wide.status).toBe(0);
    expect(wide.stdout).toMatch(/images\/s/);
  });

  it('is used on a terminal and dropped with NO_COLOR', () => {
    expect(onTty('env -u NO_COLOR')).toMatch(ANSI); // proves the NO_COLOR check below can fail
    const plain = onTty('NO_COLOR=1');
    expect(plain).toContain('bad.jpg');
    expect(plain).not.toMatch(ANSI);
  });
});
