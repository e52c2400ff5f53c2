import { afterEach, describe, expect, it } from 'vitest';
import { applyMapping, fittedOutput, loadStatisticalModel, setStatisticalModel, type FittedMapping } from '../../src/detectors/fitted.js';

const mapping: FittedMapping = { features: ['a', 'b'], mean: [1, 0], sd: [2, 1], weights: [1, -0.5], intercept: 0.2, zClip: 3, cv: { shortcutFree: { auc: 0.66 }, down90: { auc: 0.52 } } };
const ok = (features: number[]) => ({ ok: true as const, features, names: ['a', 'b'], tiles: 4, tileSize: 128 });
const phrases = { hi: 'looks generated', lo: 'looks like a photo' };

describe('fitted score mapping', () => {
  afterEach(() => setStatisticalModel(null));

  it('is 100·σ(b + w·z) of the standardised features', () => {
    const z = [(3 - 1) / 2, (1 - 0) / 1];
    const expected = 100 / (1 + Math.exp(-(0.2 + 1 * z[0] - 0.5 * z[1])));
    expect(applyMapping(mapping, [3, 1])).toBeCloseTo(expected, 10);
  });

  it('clips standardised features so one extreme value cannot run away', () => {
    expect(applyMapping(mapping, [1e9, 0])).toBeCloseTo(applyMapping(mapping, [1 + 2 * 3, 0]), 10);
  });

  it('reports the score with one decimal, the measured weakness and the features', () => {
    setStatisticalModel({ version: 1, detectors: { demo: mapping } });
    const out = fittedOutput('demo', ok([3, 1]), phrases);
    expect(out.score).toBe(Math.round(applyMapping(mapping, [3, 1]) * 10) / 10);
    expect(out.interp).toBe('Looks generated; a weak cue on its own (AUC 0.52-0.66 on sources held out of the fit).');
    expect(out.evidence).toMatchObject({ a: 3, b: 1, tiles: 4 });
  });

  it('calls a chance-level mapping unreliable', () => {
    setStatisticalModel({ version: 1, detectors: { demo: { ...mapping, cv: { shortcutFree: { auc: 0.4 }, down90: { auc: 0.5 } } } } });
    expect(fittedOutput('demo', ok([0, 0]), phrases).interp).toMatch(/unreliable/);
  });

  it('never invents a score: no entry, stale features or no features give null', () => {
    setStatisticalModel({ version: 1, detectors: { demo: mapping } });
    expect(fittedOutput('other', ok([0, 0]), phrases).score).toBeNull();
    expect(fittedOutput('demo', { ...ok([0, 0, 0]), names: ['a', 'b', 'c'] }, phrases).score).toBeNull();
    const none = fittedOutput('demo', { ok: false, reason: 'the image is flat' }, phrases);
    expect(none).toEqual({ score: null, interp: 'Not judged: the image is flat.' });
  });

  it('the committed models/statistical.json has a consistent mapping per statistical detector', () => {
    const model = loadStatisticalModel();
    expect(model).not.toBeNull();
    if (!model) return;
    for (const key of ['frequencyAnomaly', 'noiseDistribution', 'colorCoherence']) {
      const m = model.detectors[key];
      expect(m.features.length).toBe(m.weights.length);
      expect(m.mean.length).toBe(m.features.length);
      expect(m.sd.every((s) => s > 0)).toBe(true);
    }
  });
});
