import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { fromManifest, parseCsv } from '../../src/eval/labelled.ts';
import { plotSvg, writePlot } from '../../src/eval/plot.ts';
import { buildReport, type Scored } from '../../src/eval/report.ts';
import { shortcutFreeBytes } from '../../src/eval/shortcutFree.ts';
import { noise } from '../helpers/hostile.ts';

const item = (p: string, label: 0 | 1, composite: number, gen: string, decisive = false): Scored => ({
  path: p, label, composite, groups: { folder: label ? 'ai' : 'real', generator: gen }, signals: { a: composite, b: label ? null : 10 }, decisive,
});
// Composites 90, 70 (AI) and 80, 20 (real): AUC 3/4.
const scored = [item('a1', 1, 90, 'g1', true), item('a2', 1, 70, 'g2'), item('r1', 0, 80, 'cam'), item('r2', 0, 20, 'cam')];
const failed = [{ path: 'bad', label: 1 as const, status: 400, detail: 'not an image' }];

describe('buildReport', () => {
  const r = buildReport(scored, failed, { threshold: 75, targetFpr: 0.5 });
  it('computes the headline numbers by hand', () => {
    expect(r.auc).toBe(0.75);
    expect(r.counts).toEqual({ ai: 3, real: 2, analysedAi: 2, analysedReal: 2, failed: 1, decidedByProvenance: 1 });
    expect(r.aiShare).toBe(0.5);
    expect(r.atThreshold).toEqual({ accuracy: 0.5, tpr: 0.5, fpr: 0.5, tp: 1, fp: 1, tn: 1, fn: 1 });
    expect(r.forTargetFpr).toEqual({ threshold: 70, tpr: 1, fpr: 0.5 });
    expect(r.tprAtFpr[0]).toEqual({ targetFpr: 0.01, threshold: 90, tpr: 0.5, fpr: 0 });
    // bins: 0.2 (real) · 0.7 (AI) · 0.8 (real) · 0.9 (AI): ECE = (.2 + .3 + .8 + .1)/4
    expect(r.calibration.ece).toBeCloseTo(0.35, 12);
    expect(r.failed).toEqual(failed);
  });
  it('breaks down per group and per signal', () => {
    expect(Object.keys(r.groups)).toEqual(['folder', 'generator']);
    expect(r.groups.generator.map((g) => [g.group, g.n])).toEqual([['cam', 2], ['g1', 1], ['g2', 1]]);
    expect(r.signals).toEqual([
      { key: 'a', n: 4, nAi: 2, nReal: 2, auc: 0.75 },
      { key: 'b', n: 2, nAi: 0, nReal: 2, auc: null },
    ]);
  });
  it('gives nulls, not NaN, when a class is missing', () => {
    const one = buildReport(scored.filter((s) => s.label === 0), [], { threshold: 50, targetFpr: 0.05 });
    expect(one.auc).toBeNull();
    expect(one.atThreshold.tpr).toBeNull();
    expect(one.atThreshold.fpr).toBe(0.5);
    expect(one.roc).toEqual([]);
    expect(JSON.stringify(one)).not.toMatch(/NaN/);
  });
});

describe('plot', () => {
  const r = buildReport(scored, [], { threshold: 50, targetFpr: 0.05 });
  let dir: string;
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });
  it('is an SVG librsvg can parse, with both curves', async () => {
    const svg = plotSvg(r);
    expect(svg).toMatch(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect((svg.match(/<polyline /g) ?? []).length).toBe(2);
    const meta = await sharp(Buffer.from(svg)).metadata();
    expect(meta.format).toBe('svg');
    expect(meta.width).toBe(880);
  });
  it('writes a PNG when the name ends in .png', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xray-plot-'));
    await writePlot(path.join(dir, 'p.png'), r);
    expect((await sharp(path.join(dir, 'p.png')).metadata()).format).toBe('png');
  });
});

describe('labelled input', () => {
  it('parses quoted CSV and reads source_repo as the source column', async () => {
    expect(parseCsv('path,label,notes\n"a,b.png",ai,"say ""hi"""\r\n')).toEqual([{ path: 'a,b.png', label: 'ai', notes: 'say "hi"' }]);
    const dir = await mkdtemp(path.join(tmpdir(), 'xray-manifest-'));
    await writeFile(path.join(dir, 'm.csv'), 'path,label,generator,source_repo\nx/a.png,1,sd,org/repo\ny/b.jpg,real,,cams\n');
    const set = await fromManifest(path.join(dir, 'm.csv'), dir);
    expect(set.items).toEqual([
      { path: path.join('x', 'a.png'), label: 1, groups: { folder: 'ai: x', generator: 'ai: sd', source: 'ai: org/repo' } },
      { path: path.join('y', 'b.jpg'), label: 0, groups: { folder: 'real: y', source: 'real: cams' } },
    ]);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('shortcut-free view', () => {
  const limits = { maxBytes: 1e8, maxPixels: 1e8 };
  it('is a 256 px JPEG without metadata, whatever came in', async () => {
    const png = await sharp(noise(400, 300, 3, 5), { raw: { width: 400, height: 300, channels: 3 } })
      .withExif({ IFD0: { Software: 'SomeGenerator' } }).png().toBuffer();
    const out = await shortcutFreeBytes(png, 'x.png', limits);
    const meta = await sharp(out).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 256, 256]);
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
  });
  it('crops the centre at native resolution and scales small images up', async () => {
    // Black for x < 250, white after, 600×300. A native-resolution centred crop starts at x = 172, so
    // the edge lands at 78; scaling to cover (edge at 85) or stretching (edge at 107) would not.
    const w = 600, h = 300, px = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 250; x < w; x++) px.fill(255, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const out = await sharp(await shortcutFreeBytes(await sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer(), 'h.png', limits)).raw().toBuffer();
    expect(out[(128 * 256 + 74) * 3]).toBeLessThan(40);
    expect(out[(128 * 256 + 82) * 3]).toBeGreaterThan(215);
    const small = await sharp(noise(100, 80, 3, 6), { raw: { width: 100, height: 80, channels: 3 } }).png().toBuffer();
    const meta = await sharp(await shortcutFreeBytes(small, 's.png', limits)).metadata();
    expect([meta.width, meta.height]).toEqual([256, 256]);
  });
});
