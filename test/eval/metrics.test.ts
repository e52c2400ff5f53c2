import { describe, expect, it } from 'vitest';
import { auc, balancedWeights, breakdown, calibration, perSignalAuc, ratesAt, rocCurve, thresholdForFpr } from '../../src/eval/metrics.ts';

// Six images worked by hand: AI at 0.9, 0.7, 0.4; real at 0.8, 0.7, 0.2 (one tie across classes).
const s = [0.9, 0.8, 0.7, 0.7, 0.4, 0.2];
const y = [1, 0, 1, 0, 1, 0];

describe('AUC and ROC', () => {
  it('counts a tie across classes as half a pair', () => {
    // pairs won by the AI image: 0.9 → 3, 0.7 → 1 + ½ (tie with the real 0.7), 0.4 → 1; of 9
    expect(auc(s, y)).toBeCloseTo(5.5 / 9, 12);
  });

  it('walks the distinct scores, tied ones together', () => {
    expect(rocCurve(s, y)).toEqual([
      { threshold: Infinity, fpr: 0, tpr: 0 },
      { threshold: 0.9, fpr: 0, tpr: 1 / 3 },
      { threshold: 0.8, fpr: 1 / 3, tpr: 1 / 3 },
      { threshold: 0.7, fpr: 2 / 3, tpr: 2 / 3 },
      { threshold: 0.4, fpr: 2 / 3, tpr: 1 },
      { threshold: 0.2, fpr: 1, tpr: 1 },
    ]);
  });

  it('has no curve and no AUC with one class', () => {
    expect(rocCurve([0.1, 0.2], [1, 1])).toEqual([]);
    expect(auc([0.1, 0.2], [0, 0])).toBeNaN();
  });
});

describe('rates at a threshold (score >= threshold is AI, like scan)', () => {
  it('at 0.7 both tied images are called AI', () => {
    expect(ratesAt(s, y, 0.7)).toEqual({ threshold: 0.7, tp: 2, fp: 2, tn: 1, fn: 1, tpr: 2 / 3, fpr: 2 / 3, accuracy: 0.5 });
  });
  it('at 0.85 one AI image is caught and no real one', () => {
    expect(ratesAt(s, y, 0.85)).toMatchObject({ tp: 1, fp: 0, accuracy: 4 / 6 });
  });
});

describe('threshold for a target FPR', () => {
  it('takes the lowest seen score whose FPR stays within the target', () => {
    expect(thresholdForFpr(s, y, 0.34)).toEqual({ threshold: 0.8, fpr: 1 / 3, tpr: 1 / 3 });
    expect(thresholdForFpr(s, y, 0)).toEqual({ threshold: 0.9, fpr: 0, tpr: 1 / 3 });
    expect(thresholdForFpr(s, y, 0.7)).toEqual({ threshold: 0.4, fpr: 2 / 3, tpr: 1 });
  });
  it('says null when even the top score is a real image', () => {
    expect(thresholdForFpr([0.9, 0.5], [0, 1], 0)).toEqual({ threshold: null, fpr: 0, tpr: 0 });
  });
});

describe('calibration', () => {
  it('ECE over two bins, by hand', () => {
    // [0, .5): 0.4 (AI), 0.2 (real): mean 0.3, 50 % AI → gap 0.2, weight 2/6
    // [.5, 1]: 0.9, 0.8, 0.7, 0.7: mean 0.775, 50 % AI → gap 0.275, weight 4/6
    const c = calibration(s, y, 2);
    expect(c.ece).toBeCloseTo((2 / 6) * 0.2 + (4 / 6) * 0.275, 12);
    expect(c.bins[0]).toMatchObject({ lo: 0, hi: 0.5, n: 2, fractionAi: 0.5 });
    expect(c.bins[0].meanPredicted).toBeCloseTo(0.3, 12);
    expect(c.bins[1].meanPredicted).toBeCloseTo(0.775, 12);
  });
  it('puts 1.0 in the last bin, leaves empty bins empty, and is 0 when perfectly calibrated', () => {
    const c = calibration([1, 1, 0, 0], [1, 1, 0, 0], 10);
    expect(c.ece).toBe(0);
    expect(c.bins[9].n).toBe(2);
    expect(c.bins[5]).toMatchObject({ n: 0, meanPredicted: null, fractionAi: null });
  });
  it('class weights change the ECE as a re-weighting should', () => {
    // three real at 0.5, one AI at 0.5: unweighted 25 % AI → gap .25; balanced 50 % AI → gap 0
    const labels = [0, 0, 0, 1];
    expect(calibration([0.5, 0.5, 0.5, 0.5], labels, 10).ece).toBeCloseTo(0.25, 12);
    expect(balancedWeights(labels)).toEqual([4 / 6, 4 / 6, 4 / 6, 2]);
    expect(calibration([0.5, 0.5, 0.5, 0.5], labels, 10, balancedWeights(labels)).ece).toBeCloseTo(0, 12);
  });
});

describe('breakdown and per-signal AUC', () => {
  it('gives per-group rates and AUC only where both classes exist', () => {
    const groups = ['gen-a', 'real-x', 'gen-a', 'real-x', 'gen-b', 'real-x'];
    const rows = breakdown(groups, s, y, 0.5);
    expect(rows.map((r) => r.group)).toEqual(['gen-a', 'gen-b', 'real-x']);
    expect(rows[0]).toMatchObject({ n: 2, nAi: 2, nReal: 0, auc: null, tpr: 1, fpr: null, accuracy: 1 });
    expect(rows[1]).toMatchObject({ n: 1, tpr: 0, accuracy: 0 });
    expect(rows[2]).toMatchObject({ n: 3, nAi: 0, fpr: 2 / 3, tpr: null });
    expect(rows[2].meanScore).toBeCloseTo((0.8 + 0.7 + 0.2) / 3, 12);
  });
  it('leaves out null scores per signal and counts what was judged', () => {
    const out = perSignalAuc([
      { label: 1, scores: { a: 80, b: null } },
      { label: 0, scores: { a: 20, b: 40 } },
      { label: 1, scores: { a: 10, b: 90 } },
    ]);
    expect(out).toEqual([
      { key: 'a', n: 3, nAi: 2, nReal: 1, auc: 0.5 },
      { key: 'b', n: 2, nAi: 1, nReal: 1, auc: 1 },
    ]);
  });
});
