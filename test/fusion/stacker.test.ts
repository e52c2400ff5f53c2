import { describe, expect, it } from 'vitest';
import { probabilityFromScores } from '../../src/fusion/composite.ts';
import { fitStacker, meanLogits, priorWeights, type StackRow } from '../../src/fusion/stacker.ts';

/** Seeded PRNG (mulberry32) and Box-Muller normals, so every run sees the same data. */
function rng(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
  return { u, normal };
}
const sig = (z: number) => 1 / (1 + Math.exp(-z));
const score = (logit: number) => Math.round(1000 * sig(logit)) / 10; // 0-100, one decimal like a signal

/**
 * A calibrated signal: its logit x is the true log-odds (y ~ Bernoulli(σ(x + shift))); a second
 * signal is pure noise. The right answer is weight 1 on the first, 0 on the noise.
 */
function synthetic(n: number, seed: number, shift = 0, missingShare = 0): StackRow[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const x = 1.5 * r.normal();
    const y = r.u() < sig(x + shift) ? 1 : 0;
    return { y, scores: { good: r.u() < missingShare ? null : score(x), noise: score(2 * r.normal()) } };
  });
}
const share = (rows: StackRow[]) => rows.filter((r) => r.y === 1).length / rows.length;

describe('fitStacker on synthetic scores with known answers', () => {
  it('gives a calibrated signal weight ~1 and a pure-noise signal ~0', () => {
    const rows = synthetic(6000, 1);
    const m = fitStacker(rows, ['good', 'noise'], { prior: share(rows), l2: 1e-4 });
    expect(m.weights.good).toBeGreaterThan(0.9);
    expect(m.weights.good).toBeLessThan(1.1);
    expect(Math.abs(m.weights.noise)).toBeLessThan(0.05);
    // intercept ≈ −w·mean(x) with mean x ≈ 0 → near 0
    expect(Math.abs(m.intercept)).toBeLessThan(0.1);
  });

  it('moves the intercept by the log-odds of the prior, not the weights', () => {
    const rows = synthetic(6000, 2, -1.2); // about 25 % AI
    const natural = fitStacker(rows, ['good'], { prior: share(rows), l2: 1e-4 });
    const even = fitStacker(rows, ['good'], { prior: 0.5, l2: 1e-4 });
    const logit = (p: number) => Math.log(p / (1 - p));
    expect(even.intercept - natural.intercept).toBeCloseTo(logit(0.5) - logit(share(rows)), 1);
    expect(even.weights.good).toBeCloseTo(natural.weights.good, 1);
    expect(natural.intercept).toBeCloseTo(-1.2, 0);
  });

  it('handles missing scores: imputed at the mean logit, so a missing signal leaves the others to decide', () => {
    const rows = synthetic(6000, 3, 0, 0.3);
    const m = fitStacker(rows, ['good', 'noise'], { prior: share(rows), l2: 1e-4 });
    expect(m.weights.good).toBeGreaterThan(0.85); // still learnt from the 70 % present rows
    const present = rows.filter((r) => r.scores.good !== null);
    const mean = present.reduce((a, r) => a + Math.log(r.scores.good! / (100 - r.scores.good!)), 0) / present.length;
    expect(m.impute.good).toBeCloseTo(mean, 1);
    // Missing "good": the composite falls back to about the base rate (noise adds ~nothing).
    const p = probabilityFromScores({ good: null, noise: 50 }, m)!;
    expect(p).toBeGreaterThan(share(rows) - 0.08);
    expect(p).toBeLessThan(share(rows) + 0.08);
    expect(probabilityFromScores({ good: null, noise: null }, m)).toBeNull();
    expect(probabilityFromScores({}, m)).toBeNull();
  });

  it('is well calibrated on fresh data from the same source', () => {
    const m = fitStacker(synthetic(4000, 4), ['good', 'noise'], { prior: 0.5 });
    const test = synthetic(4000, 5);
    // mean predicted vs observed share among images the model calls 70-90 %
    const band = test.map((r) => ({ p: probabilityFromScores(r.scores, m)!, y: r.y })).filter((t) => t.p >= 0.7 && t.p < 0.9);
    const meanP = band.reduce((a, t) => a + t.p, 0) / band.length;
    const frac = band.reduce((a, t) => a + t.y, 0) / band.length;
    expect(band.length).toBeGreaterThan(200);
    expect(Math.abs(meanP - frac)).toBeLessThan(0.05);
  });
});

describe('stacker helpers', () => {
  it('priorWeights gives the AI class the asked share of the total', () => {
    const w = priorWeights([1, 0, 0, 0], 0.5);
    expect(w).toEqual([2, 2 / 3, 2 / 3, 2 / 3]);
    expect(() => priorWeights([1, 1], 0.5)).toThrow(/both classes/);
  });
  it('meanLogits skips missing scores', () => {
    const m = meanLogits([{ y: 1, scores: { a: 50, b: null } }, { y: 0, scores: { a: 50, b: null } }], ['a', 'b']);
    expect(m).toEqual({ a: 0, b: 0 });
  });
});

describe('the shipped models/fusion.json', () => {
  it('loads, and fuses signal scores only: every input is a pixel detector with a fitted weight', async () => {
    const { loadFusionModel } = await import('../../src/fusion/composite.ts');
    const { listDetectorKeys } = await import('../../src/detectors/index.ts');
    const m = loadFusionModel();
    expect(m.kind).toBe('logistic');
    expect(m.inputs.length).toBeGreaterThan(0);
    for (const k of m.inputs) {
      expect(listDetectorKeys()).toContain(k);
      expect(k).not.toBe('provenance'); // metadata decides through evidence.decisive, never as a weighted input
      expect(Number.isFinite(m.weights[k]) && Number.isFinite(m.impute[k])).toBe(true);
    }
    expect(m.prior).toBeGreaterThan(0);
    expect(m.prior).toBeLessThan(1);
  });
});
