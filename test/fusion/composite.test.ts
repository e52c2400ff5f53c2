import { describe, expect, it } from 'vitest';
import { fusedProbability, toLogit, verdictFor, type FusionModel } from '../../src/fusion/composite.js';
import type { Signal } from '../../src/types.js';

const model: FusionModel = {
  version: 1,
  kind: 'logistic',
  inputs: ['a', 'b'],
  intercept: 0,
  weights: { a: 1, b: 1 },
  impute: { a: 0, b: 0 },
};

const signal = (key: string, score: number | null, evidence?: Record<string, unknown>): Signal => ({
  key, name: key, model: '', desc: '', interp: '', score, level: score === null ? 'na' : score >= 50 ? 'hi' : 'lo', evidence,
});

describe('fusedProbability', () => {
  it('adds the weighted logits of the scores', () => {
    const p = fusedProbability([signal('a', 80), signal('b', 80)], model)!;
    expect(p).toBeCloseTo(1 / (1 + Math.exp(-2 * toLogit(80))), 6);
  });

  it('lets a missing signal move nothing (imputed)', () => {
    const both = fusedProbability([signal('a', 80), signal('b', null)], model)!;
    const one = fusedProbability([signal('a', 80)], model)!;
    expect(both).toBeCloseTo(one, 9);
    expect(one).toBeCloseTo(0.8, 6);
  });

  it('returns null when no fused input could judge: no invented score', () => {
    expect(fusedProbability([signal('a', null), signal('b', null)], model)).toBeNull();
    expect(fusedProbability([signal('other', 90)], model)).toBeNull();
  });

  it('lets a decisive provenance statement decide', () => {
    const p = fusedProbability([signal('a', 5), signal('b', 5), signal('provenance', 97, { decisive: true })], model);
    expect(p).toBeCloseTo(0.97, 6);
  });

  it('ignores signals the model was not fitted on', () => {
    const p = fusedProbability([signal('a', 60), signal('zzz', 99)], model)!;
    expect(p).toBeCloseTo(0.6, 6);
  });
});

describe('verdictFor (spec rules)', () => {
  it('is_ai iff composite >= threshold, verdict follows, confidence = 100*max(p,1-p)', () => {
    expect(verdictFor(0.5, 50)).toEqual({ verdict: 'AI Generated', is_ai: true, confidence: 50, composite: 50 });
    expect(verdictFor(0.4994, 50)).toMatchObject({ is_ai: false, verdict: 'Real Photo', composite: 49.9 });
    expect(verdictFor(0.123, 50)).toEqual({ verdict: 'Real Photo', is_ai: false, confidence: 87.7, composite: 12.3 });
    expect(verdictFor(0.7, 80)).toMatchObject({ is_ai: false, composite: 70, confidence: 70 });
  });

  it('uses the rounded composite for the threshold so the JSON is self-consistent', () => {
    // 0.69996 rounds to 70.0: a reader comparing composite with the threshold must see is_ai true.
    expect(verdictFor(0.69996, 70)).toMatchObject({ composite: 70, is_ai: true });
  });
});
