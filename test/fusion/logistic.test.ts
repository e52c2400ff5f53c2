import { describe, expect, it } from 'vitest';
import { auc, fitLogistic, predictProba, solve } from '../../src/fusion/logistic.js';
import { gauss, rng } from '../detectors/synth.js';

describe('auc', () => {
  it('matches hand-computed cases', () => {
    // Pairs (pos, neg): (0.35 vs 0.1 ✓, 0.35 vs 0.4 ✗, 0.8 vs both ✓) → 3/4.
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(auc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(auc([1, 2, 3, 4], [1, 1, 0, 0])).toBe(0);
  });
  it('counts ties as half', () => {
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // pos {2, 3}, neg {2, 1}: 2 vs 2 tie ½, 2 vs 1 ✓, 3 vs both ✓ → 3.5/4.
    expect(auc([2, 3, 2, 1], [1, 1, 0, 0])).toBeCloseTo(0.875, 12);
  });
  it('is NaN with one class', () => {
    expect(Number.isNaN(auc([1, 2], [1, 1]))).toBe(true);
  });
});

describe('fitLogistic', () => {
  it('solves a small linear system', () => {
    const x = solve([[4, 1], [1, 3]], [1, 2]);
    expect(x[0]).toBeCloseTo(1 / 11, 12);
    expect(x[1]).toBeCloseTo(7 / 11, 12);
  });

  it('separates separable data and stays finite thanks to L2', () => {
    const X = [[-2], [-1.5], [-1], [1], [1.5], [2]];
    const y = [0, 0, 0, 1, 1, 1];
    const m = fitLogistic(X, y, { l2: 0.01 });
    expect(m.converged).toBe(true);
    expect(Number.isFinite(m.weights[0])).toBe(true);
    expect(m.weights[0]).toBeGreaterThan(1);
    X.forEach((x, i) => expect(predictProba(m, x) > 0.5 ? 1 : 0).toBe(y[i]));
  });

  it('recovers the coefficients of data drawn from a logistic model', () => {
    const r = rng(11), g = gauss(rng(12));
    const X: number[][] = [], y: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const x = [g(), g()];
      const p = 1 / (1 + Math.exp(-(0.5 + 2 * x[0] - 1 * x[1])));
      X.push(x);
      y.push(r() < p ? 1 : 0);
    }
    const m = fitLogistic(X, y, { l2: 0 });
    expect(m.intercept).toBeCloseTo(0.5, 1);
    expect(m.weights[0]).toBeCloseTo(2, 1);
    expect(m.weights[1]).toBeCloseTo(-1, 1);
  });

  it('sample weights act like repeated rows', () => {
    const X = [[0], [1], [2], [3]], y = [0, 1, 0, 1];
    const weighted = fitLogistic(X, y, { l2: 0.1, sampleWeights: [1, 1, 1, 3] });
    const repeated = fitLogistic([...X, [3], [3]], [...y, 1, 1], { l2: 0.1 });
    expect(weighted.weights[0]).toBeCloseTo(repeated.weights[0], 8);
    expect(weighted.intercept).toBeCloseTo(repeated.intercept, 8);
  });

  it('a stronger penalty shrinks the weights', () => {
    const X = [[-1], [0.2], [0.5], [1], [-0.3], [2]], y = [0, 0, 1, 1, 1, 1];
    const loose = fitLogistic(X, y, { l2: 0.001 }), tight = fitLogistic(X, y, { l2: 10 });
    expect(Math.abs(tight.weights[0])).toBeLessThan(Math.abs(loose.weights[0]));
  });
});
