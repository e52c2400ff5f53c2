/**
 * `xray eval` through the real bin/xray.js on a few generated images: the JSON report's fields and
 * their consistency, the plot files, failures counted not fatal, and usage errors (exit 2).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, modelsFitted, STACK_FRAME, xray } from '../helpers/cli.ts';
import { noise } from '../helpers/hostile.ts';

let work: string;
const raw = (w: number, h: number) => ({ raw: { width: w, height: h, channels: 3 as const } });

/** A smooth gradient with a little noise: no claim that it looks AI-made, only a second kind of image. */
function gradient(w: number, h: number, seed: number): Buffer {
  const n = noise(w, h, 3, seed);
  const out = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    const i = (y * w + x) * 3 + c;
    out[i] = Math.min(255, Math.round((255 * (x + y * (c + 1))) / (w + h * 3)) + (n[i] >> 5));
  }
  return out;
}

beforeAll(async () => {
  await ensureBuilt();
  work = await mkdtemp(path.join(tmpdir(), 'xray-eval-'));
  await mkdir(path.join(work, 'real'));
  await mkdir(path.join(work, 'ai'));
  for (let i = 0; i < 3; i++) {
    await writeFile(path.join(work, 'real', `r${i}.jpg`), await sharp(noise(320, 240, 3, 10 + i), raw(320, 240)).blur(1 + i * 0.3).jpeg({ quality: 85 }).toBuffer());
    await writeFile(path.join(work, 'ai', `a${i}.png`), await sharp(gradient(300, 300, 20 + i), raw(300, 300)).png().toBuffer());
  }
  await writeFile(path.join(work, 'ai', 'broken.png'), 'not an image\n');
}, 150_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(!modelsFitted())('xray eval --real A --ai B --json', () => {
  it('reports every metric, counts the broken file as failed (exit 3), and writes a valid SVG', async () => {
    const svg = path.join(work, 'plot.svg');
    const run = await xray(['eval', '--real', 'real', '--ai', 'ai', '--json', '-j', '1', '--plot', svg, '--target-fpr', '0.1'], { cwd: work, timeoutMs: 120_000 });
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code, run.stderr).toBe(3);
    const r = JSON.parse(run.stdout);
    expect(r.counts).toMatchObject({ ai: 4, real: 3, analysedAi: 3, analysedReal: 3, failed: 1 });
    expect(r.failed).toEqual([expect.objectContaining({ path: path.join('ai', 'broken.png'), label: 1, status: 400 })]);
    expect(r.auc).toBeGreaterThanOrEqual(0);
    expect(r.auc).toBeLessThanOrEqual(1);
    expect(r.threshold).toBe(50);
    const t = r.atThreshold;
    expect(t.tp + t.fn).toBe(3);
    expect(t.fp + t.tn).toBe(3);
    expect(t.accuracy).toBeCloseTo((t.tp + t.tn) / 6, 12);
    expect(r.targetFpr).toBe(0.1);
    expect(r.forTargetFpr).toHaveProperty('threshold');
    expect(r.tprAtFpr.map((x: { targetFpr: number }) => x.targetFpr)).toEqual([0.01, 0.05]);
    expect(r.calibration.bins).toHaveLength(10);
    expect(r.calibration.bins.reduce((a: number, b: { n: number }) => a + b.n, 0)).toBe(6);
    expect(r.calibration.ece).toBeGreaterThanOrEqual(0);
    expect(r.signals.map((s: { key: string }) => s.key)).toEqual(expect.arrayContaining(['frequencyAnomaly', 'noiseDistribution', 'colorCoherence']));
    expect(r.groups.folder.map((g: { group: string }) => g.group)).toEqual(['ai: ai', 'real: real']);
    expect(r.roc[0]).toEqual({ threshold: null, fpr: 0, tpr: 0 });
    expect(r.roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(r.files).toHaveLength(6);
    // The same composites a scan gives.
    const scan = await xray(['scan', 'real', 'ai', '--json', '-j', '1'], { cwd: work, timeoutMs: 120_000 });
    const composites = Object.fromEntries(JSON.parse(scan.stdout).filter((x: { composite?: number }) => x.composite !== undefined).map((x: { path: string; composite: number }) => [x.path, x.composite]));
    for (const f of r.files) expect(f.composite, f.path).toBe(composites[f.path]);

    const text = await readFile(svg, 'utf8');
    expect(text).toMatch(/^<\?xml[^>]*\?>\s*<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(text.trimEnd().endsWith('</svg>')).toBe(true);
    expect((await sharp(Buffer.from(text)).metadata()).format).toBe('svg'); // librsvg parses it
  }, 150_000);

  it('--manifest with --shortcut-free and a PNG plot; the table by default', async () => {
    await writeFile(path.join(work, 'labels.csv'), 'path,label,generator\nreal/r0.jpg,real,\nreal/r1.jpg,0,\nai/a0.png,ai,gen-x\nai/a1.png,1,gen-y\n');
    const png = path.join(work, 'plot.png');
    const run = await xray(['eval', '--manifest', 'labels.csv', '--shortcut-free', '-j', '1', '--plot', png], { cwd: work, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/shortcut-free view: centred 256 px square crops, JPEG q90/);
    expect(run.stdout).toMatch(/^AUC\s+\d\.\d{3}$/m);
    expect(run.stdout).toMatch(/by generator/);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(400);
  }, 150_000);
});

describe('xray eval usage errors (exit 2)', () => {
  it.each([
    [[], /no labelled data/],
    [['--real', 'real', '--manifest', 'labels.csv'], /either --real\/--ai folders or --manifest/],
    [['--real', 'real', '--ai', 'ai', '--plot', 'x.pdf'], /--plot writes \.svg or \.png/],
    [['--real', 'nowhere', '--ai', 'ai'], /nowhere/],
    [['--real', 'real', '--ai', 'ai', '--target-fpr', '2'], /--target-fpr must be a number from 0 to 1/],
  ])('%j', async (args, message) => {
    const run = await xray(['eval', ...args], { cwd: work });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('a manifest with a bad label', async () => {
    await writeFile(path.join(work, 'bad.csv'), 'path,label\nreal/r0.jpg,maybe\n');
    const run = await xray(['eval', '--manifest', 'bad.csv'], { cwd: work });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/row 2: label must be real, ai, 0 or 1/);
  });
});
