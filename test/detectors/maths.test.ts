import { describe, expect, it } from 'vitest';
import { hann, isPowerOfTwo, powerSpectrum2d, radialProfile } from '../../src/detectors/maths/fft.js';
import { floorPow2, median3x3, median9, medianResidual, tileGrid, tileLuma, tilesAreGray } from '../../src/detectors/maths/image.js';
import { clamp, logisticScore, logit, mean, pearson, quantile, sigmoid, slope, standardise, std, variance } from '../../src/detectors/maths/stats.js';
import { rng } from './synth.js';

describe('stats', () => {
  it('mean, variance, std on a known array', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(variance([1, 2, 3, 4])).toBeCloseTo(1.25, 12);
    expect(std([2, 2, 2])).toBe(0);
    expect(Number.isNaN(mean([]))).toBe(true);
  });
  it('pearson: +1, -1, 0 and undefined for a constant side', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3, 4], [1, -1, -1, 1])).toBeCloseTo(0, 12);
    expect(Number.isNaN(pearson([1, 1, 1], [1, 2, 3]))).toBe(true);
  });
  it('slope and quantile', () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2, 12);
    expect(quantile([4, 1, 3, 2], 0.5)).toBeCloseTo(2.5, 12);
    expect(quantile([1, 2, 3, 4, 5], 0.9)).toBeCloseTo(4.6, 12);
  });
  it('sigmoid and logit are inverse and stable at the extremes', () => {
    expect(sigmoid(logit(0.3))).toBeCloseTo(0.3, 12);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(clamp(5, 0, 1)).toBe(1);
  });
  it('standardise and logisticScore', () => {
    expect(standardise([3, 5], [1, 5], [2, 0])).toEqual([1, 0]);
    expect(logisticScore([1, -1], [2, 1], -1)).toBeCloseTo(100 * sigmoid(0), 12);
  });
});

describe('fft', () => {
  it('a cosine along x puts all its power in the two matching bins', () => {
    const n = 8, k = 2;
    const tile = Float64Array.from({ length: n * n }, (_, i) => Math.cos((2 * Math.PI * k * (i % n)) / n));
    const p = powerSpectrum2d(tile, n);
    // Amplitude n²/2 in each of (u=k, v=0) and (u=n-k, v=0).
    expect(p[k]).toBeCloseTo((n * n / 2) ** 2, 6);
    expect(p[n - k]).toBeCloseTo((n * n / 2) ** 2, 6);
    let rest = 0;
    p.forEach((v, i) => { if (i !== k && i !== n - k) rest += v; });
    expect(rest).toBeLessThan(1e-12);
    expect(radialProfile(p, n)[k]).toBeGreaterThan(0);
    expect(radialProfile(p, n)[1]).toBeCloseTo(0, 12);
  });
  it('matches a direct DFT on random tiles', () => {
    const r = rng(21);
    for (const n of [4, 8, 16]) {
      const tile = Float64Array.from({ length: n * n }, () => r() - 0.5);
      const p = powerSpectrum2d(tile, n);
      for (let v = 0; v < n; v++) for (let u = 0; u < n; u++) {
        let re = 0, im = 0;
        for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
          const a = (-2 * Math.PI * (u * x + v * y)) / n;
          re += tile[y * n + x] * Math.cos(a);
          im += tile[y * n + x] * Math.sin(a);
        }
        expect(p[v * n + u]).toBeCloseTo(re * re + im * im, 9);
      }
    }
  });
  it('a constant tile has only DC power (Parseval)', () => {
    const n = 16;
    const p = powerSpectrum2d(new Float64Array(n * n).fill(3), n);
    expect(p[0]).toBeCloseTo((3 * n * n) ** 2, 6);
    expect(p.slice(1).reduce((a, b) => a + b, 0)).toBeLessThan(1e-9);
  });
  it('rejects sizes that are not powers of two', () => {
    expect(isPowerOfTwo(64)).toBe(true);
    expect(isPowerOfTwo(48)).toBe(false);
    expect(() => powerSpectrum2d(new Float64Array(36), 6)).toThrow();
  });
  it('hann window is zero at the edge and one in the middle', () => {
    const w = hann(8);
    expect(w[0]).toBe(0);
    expect(w[4]).toBeCloseTo(1, 12);
  });
});

describe('image helpers', () => {
  it('median9 agrees with sorting', () => {
    const r = rng(3);
    for (let t = 0; t < 500; t++) {
      const v = Array.from({ length: 9 }, () => Math.floor(r() * 10));
      const sorted = [...v].sort((a, b) => a - b);
      expect(median9(...(v as [number, number, number, number, number, number, number, number, number]))).toBe(sorted[4]);
    }
  });
  it('median3x3 equals the sorted middle of each edge-replicated 3×3 window', () => {
    const r = rng(8), w = 13, h = 7;
    const src = Float64Array.from({ length: w * h }, () => Math.floor(r() * 6));
    const m = median3x3(src, w, h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const win: number[] = [];
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        win.push(src[Math.min(h - 1, Math.max(0, y + dy)) * w + Math.min(w - 1, Math.max(0, x + dx))]);
      }
      expect(m[y * w + x]).toBe(win.sort((a, b) => a - b)[4]);
    }
  });
  it('the median residual isolates a single impulse', () => {
    const w = 5, h = 5;
    const src = new Float64Array(w * h).fill(10);
    src[12] = 50;
    expect(median3x3(src, w, h)[12]).toBe(10);
    const res = medianResidual(src, w, h);
    expect(res[12]).toBe(40);
    expect(res.filter((v) => v !== 0).length).toBe(1);
  });
  it('tileGrid spreads at most perSide² tiles edge to edge', () => {
    const t = tileGrid(1000, 300, 128, 4);
    expect(t.length).toBe(4 * 2);
    expect(Math.min(...t.map((x) => x.x))).toBe(0);
    expect(Math.max(...t.map((x) => x.x + x.size))).toBe(1000);
    expect(Math.max(...t.map((x) => x.y + x.size))).toBe(300);
    expect(tileGrid(100, 100, 128, 4)).toEqual([]);
    expect(tileGrid(256, 256, 128, 4)).toEqual([{ x: 0, y: 0, size: 128 }, { x: 128, y: 0, size: 128 }, { x: 0, y: 128, size: 128 }, { x: 128, y: 128, size: 128 }]);
    expect(floorPow2(300)).toBe(256);
  });
  it('tileLuma and tilesAreGray read the right pixels', () => {
    const w = 4, h = 4;
    const rgb = new Uint8Array(w * h * 3).fill(100);
    rgb[3 * (2 * w + 2)] = 200; // R of pixel (2, 2)
    const l = tileLuma(rgb, w, { x: 2, y: 2, size: 2 });
    expect(l[0]).toBeCloseTo(0.299 * 200 + 0.587 * 100 + 0.114 * 100, 9);
    expect(tilesAreGray(rgb, w, [{ x: 0, y: 0, size: 2 }])).toBe(true);
    expect(tilesAreGray(rgb, w, [{ x: 2, y: 2, size: 2 }])).toBe(false);
  });
});
