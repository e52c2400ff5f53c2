/**
 * Ordering under concurrency, through the real program (`node bin/xray.js`, so dist/ must be built:
 * `npm test` builds first). Workers finish in any order; the JSON report must still be sorted by
 * path and must not depend on how many workers produced it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const BIN = fileURLToPath(new URL('../../bin/xray.js', import.meta.url));
const DIST_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

interface Run { code: number | null; stdout: string; stderr: string }

function xray(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CI: '1', NO_COLOR: '1' } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A seeded smooth-plus-noise picture: sizes differ so that workers finish out of order. */
function picture(width: number, height: number, seed: number): Buffer {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const px = Buffer.alloc(width * height * 3);
  const base = [rnd() * 190, rnd() * 190, rnd() * 190];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) px[(y * width + x) * 3 + c] = base[c] + (x + y * (c + 1)) % 40 + rnd() * 16;
    }
  }
  return px;
}

const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

let dir = '';
let jsonAtTwo: Promise<Run> | undefined;
const scanJsonAtTwo = () => (jsonAtTwo ??= xray(['scan', dir, '--format', 'json', '--quiet', '--concurrency', '2']));

beforeAll(async () => {
  if (!existsSync(DIST_MAIN)) throw new Error('dist/ is not built: run `npm run build` (npm test does it) before this test');
  dir = await mkdtemp(join(tmpdir(), 'xray-order-'));
  await mkdir(join(dir, 'sub'));
  // Names chosen so that discovery order, completion order and sorted order all differ:
  // upper case sorts before lower case, and `sub-e…` is found after `sub/…` (the walk sorts names,
  // and "sub" < "sub-e…") yet sorts before it as a path ("-" < "/").
  const names = Array.from({ length: 20 }, (_, i) => {
    const stem = ['Z', 'a', 'sub-e', 'sub/b', 'sub/c'][i % 5] + String(19 - i).padStart(2, '0');
    return i % 3 === 0 ? `${stem}.png` : `${stem}.jpg`;
  });
  await Promise.all(names.map((name, i) => {
    const side = 48 + ((i * 97) % 5) * 40; // 48…208 px: a 208² image takes several times a 48² one
    const img = sharp(picture(side, side - 8, i + 1), { raw: { width: side, height: side - 8, channels: 3 } });
    return (name.endsWith('.png') ? img.png() : img.jpeg({ quality: 88 })).toFile(join(dir, name));
  }));
}, 30_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('scan ordering under concurrency', () => {
  it('prints JSON sorted by path, identical at --concurrency 1 and 2', async () => {
    const two = await scanJsonAtTwo();
    const one = await xray(['scan', dir, '--format', 'json', '--quiet', '--concurrency', '1']);
    for (const run of [one, two]) expect([0, 3], run.stderr).toContain(run.code);
    expect(two.code).toBe(one.code);

    const a = JSON.parse(one.stdout) as Array<{ path: string }>;
    const b = JSON.parse(two.stdout) as Array<{ path: string }>;
    expect(a).toHaveLength(20);
    const paths = b.map((r) => r.path);
    expect(paths).toEqual([...paths].sort(byPath));
    expect(new Set(paths).size).toBe(20);
    // Results carry no timing, so everything must match: verdicts, signals, evidence, errors.
    expect(b).toEqual(a);
  }, 60_000);

  it('streams the same results as NDJSON, in completion order', async () => {
    const nd = await xray(['scan', dir, '--format', 'ndjson', '--quiet', '--concurrency', '2']);
    const js = await scanJsonAtTwo();
    const lines = nd.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string });
    expect(lines).toHaveLength(20);
    expect([...lines].sort((x, y) => byPath(x.path, y.path))).toEqual(JSON.parse(js.stdout));
  }, 60_000);
});
