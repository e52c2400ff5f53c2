/**
 * Ctrl-C through the real program (`node bin/xray.js`; dist/ must be built, `npm test` does it):
 * the first SIGINT stops dispatching, lets in-flight files finish, prints what is done and exits
 * 130; a second SIGINT exits at once without waiting for in-flight work.
 * Signals are sent after the first NDJSON line, so the child is known to be mid-scan (with its
 * handler installed) however slow the machine is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const BIN = fileURLToPath(new URL('../../bin/xray.js', import.meta.url));
const DIST_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SMALL = 300;
const LARGE = 24;

interface Outcome { code: number | null; signal: NodeJS.Signals | null; lines: string[]; stdout: string; stderr: string; afterSignal: number }

/**
 * Runs xray and sends SIGINT once the first result line is out (twice, `gapMs` apart, when
 * `twice`). afterSignal counts the result lines that arrived after the last signal was sent.
 */
function interrupted(args: string[], { twice = false, gapMs = 0 } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CI: '1', NO_COLOR: '1' } });
    let stdout = '', stderr = '', signalled = 0, afterSignal = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const before = stdout.split('\n').length - 1;
      stdout += chunk;
      const now = stdout.split('\n').length - 1;
      if (signalled === (twice ? 2 : 1)) afterSignal += now - before;
      if (signalled === 0 && now > 0) {
        signalled = 1;
        child.kill('SIGINT');
        if (twice) setTimeout(() => { signalled = 2; child.kill('SIGINT'); }, gapMs);
      }
    });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, afterSignal, lines: stdout.split('\n').filter(Boolean) }));
  });
}

function interruptedAfter(args: string[], delayMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CI: '1', NO_COLOR: '1' } });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGINT'), delayMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, afterSignal: 0, lines: stdout.split('\n').filter(Boolean) });
    });
  });
}

/** Seeded noisy gradient; content hardly matters here, only that each file takes real work. */
function picture(width: number, height: number, seed: number): Buffer {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const px = Buffer.alloc(width * height * 3);
  for (let i = 0; i < px.length; i++) px[i] = ((i % (width * 3)) / 12 + rnd() * 40) | 0;
  return px;
}

let small = '', large = '';

beforeAll(async () => {
  if (!existsSync(DIST_MAIN)) throw new Error('dist/ is not built: run `npm run build` (npm test does it) before this test');
  const root = await mkdtemp(join(tmpdir(), 'xray-sigint-'));
  small = join(root, 'small');
  large = join(root, 'large');
  await mkdir(small);
  await mkdir(large);
  // A few distinct small images, each written under many names: 300 files, made in well under a second.
  const variants = await Promise.all([0, 1, 2, 3].map((v) =>
    sharp(picture(96, 96, v + 1), { raw: { width: 96, height: 96, channels: 3 } }).jpeg({ quality: 90 }).toBuffer()));
  await Promise.all(Array.from({ length: SMALL }, (_, i) => writeFile(join(small, `img-${String(i).padStart(3, '0')}.jpg`), variants[i % 4])));
  // Large images keep each worker busy for a noticeable time, so "waits for in-flight work" and
  // "exits at once" give different outputs.
  const big = await sharp(picture(1600, 1200, 7), { raw: { width: 1600, height: 1200, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  await Promise.all(Array.from({ length: LARGE }, (_, i) => writeFile(join(large, `big-${String(i).padStart(2, '0')}.jpg`), big)));
}, 30_000);

afterAll(async () => {
  if (small) await rm(join(small, '..'), { recursive: true, force: true });
});

describe('Ctrl-C during a scan', () => {
  it('first SIGINT: finishes in-flight files, prints the partial results, exits 130', async () => {
    const run = await interrupted(['scan', small, '--format', 'ndjson', '--concurrency', '1']);
    expect(run.signal, run.stderr).toBeNull();
    expect(run.code, run.stderr).toBe(130);
    const results = run.lines.map((l) => JSON.parse(l) as { path: string });
    expect(results.length).toBeGreaterThanOrEqual(1);
    expect(results.length).toBeLessThan(SMALL);
    for (const r of results) expect(r.path).toMatch(/img-\d{3}\.jpg$/);
    expect(new Set(results.map((r) => r.path)).size).toBe(results.length);
    expect(run.stderr).toMatch(/interrupt/i);
  }, 30_000);

  it('with --format json, the partial report is one valid JSON array, sorted by path', async () => {
    // JSON prints nothing before the end, so there is no line to wait for: SIGINT goes after a delay.
    // A signal that lands before xray has installed its handler (a slow start) kills it outright;
    // then the test tries again with a longer delay rather than guessing the machine's speed.
    let run: Outcome | undefined;
    for (const delayMs of [1500, 3000, 6000]) {
      run = await interruptedAfter(['scan', large, '--format', 'json', '--concurrency', '1'], delayMs);
      if (run.signal !== 'SIGINT') break;
    }
    expect(run!.signal, run!.stderr).toBeNull();
    expect(run!.code, `exit ${run!.code}: the scan may have ended before the signal; stderr: ${run!.stderr}`).toBe(130);
    const results = JSON.parse(run!.stdout) as Array<{ path: string }>;
    expect(results.length).toBeGreaterThanOrEqual(1);
    expect(results.length).toBeLessThan(LARGE);
    const paths = results.map((r) => r.path);
    expect(paths).toEqual([...paths].sort());
  }, 30_000);

  it('second SIGINT exits at once, without waiting for in-flight files', async () => {
    const run = await interrupted(['scan', large, '--format', 'ndjson', '--concurrency', '2'], { twice: true, gapMs: 50 });
    // Killed by SIGINT itself (what a shell reports as 130), or exit 130: never an abort or a crash.
    expect(run.signal === 'SIGINT' || run.code === 130, `${run.signal} ${run.code} ${run.stderr}`).toBe(true);
    // Up to 2 workers × 2 tasks were in flight; the graceful path would print them all. A result that
    // ends within the signal's own delivery may slip out, hence ≤ 1.
    expect(run.afterSignal).toBeLessThanOrEqual(1);
    expect(run.lines.length).toBeLessThan(LARGE);
  }, 30_000);
});
