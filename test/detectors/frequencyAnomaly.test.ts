import { afterEach, describe, expect, it } from 'vitest';
import { FREQUENCY_FEATURES, frequencyAnomaly, frequencyFeatures } from '../../src/detectors/frequencyAnomaly.js';
import { setStatisticalModel, type StatisticalModel } from '../../src/detectors/fitted.js';
import { blur, decoded, grayRgb, noisePlane } from './synth.js';

const W = 256, H = 256;
const f = (name: (typeof FREQUENCY_FEATURES)[number], r: ReturnType<typeof frequencyFeatures>) => {
  if (!r.ok) throw new Error(r.reason);
  return r.features[FREQUENCY_FEATURES.indexOf(name)];
};

const white = grayRgb(noisePlane(W, H, 40), W, H);
const smooth = grayRgb(blur(noisePlane(W, H, 40), W, H, 2).map((v) => 128 + (v - 128) * 4), W, H);

describe('frequencyFeatures', () => {
  it('white noise has a flat spectrum; a smoothed image falls off steeply with little top-band energy', () => {
    const n = frequencyFeatures(white, W, H), s = frequencyFeatures(smooth, W, H);
    expect(Math.abs(f('hfSlope', n))).toBeLessThan(0.3);
    expect(f('hfSlope', s)).toBeLessThan(f('hfSlope', n) - 2);
    expect(f('hfRatio', s)).toBeLessThan(f('hfRatio', n) - 1);
    expect(f('flatness', n)).toBeGreaterThan(0.9);
    expect(f('flatness', s)).toBeLessThan(f('flatness', n));
  });

  it('a period-2 checkerboard (an up-sampling artefact) raises the periodic-peak feature', () => {
    const plane = noisePlane(W, H, 20, 9);
    const checker = plane.map((v, i) => v + (((i % W) + Math.floor(i / W)) % 2 ? 6 : -6));
    const plain = frequencyFeatures(grayRgb(plane, W, H), W, H), art = frequencyFeatures(grayRgb(checker, W, H), W, H);
    expect(f('peakMax', art)).toBeGreaterThan(f('peakMax', plain) + 0.5);
  });

  it('uses a bounded, deterministic set of tiles', () => {
    const r = frequencyFeatures(white, W, H);
    expect(r.ok && r.tiles).toBe(4);
    expect(frequencyFeatures(white, W, H)).toEqual(r);
  });

  it('cannot judge tiny or flat images', () => {
    expect(frequencyFeatures(new Uint8Array(20 * 20 * 3), 20, 20).ok).toBe(false);
    const flat = frequencyFeatures(new Uint8Array(W * H * 3).fill(77), W, H);
    expect(flat.ok).toBe(false);
    expect(!flat.ok && flat.reason).toMatch(/flat/);
  });

  it('small images use a smaller power-of-two tile', () => {
    const r = frequencyFeatures(grayRgb(noisePlane(40, 90, 30), 40, 90), 40, 90);
    expect(r.ok && r.tileSize).toBe(32);
  });
});

describe('frequencyAnomaly detector', () => {
  afterEach(() => setStatisticalModel(null));

  it('reports null with the reason for a tiny image', () => {
    const out = frequencyAnomaly.analyse(decoded(new Uint8Array(8 * 8 * 3), 8, 8));
    expect(out).toMatchObject({ score: null });
    expect((out as { interp: string }).interp).toMatch(/too small/);
  });

  it('with the fitted mapping from models/statistical.json, a smoothed image scores more AI-like than white noise', async () => {
    const s = await frequencyAnomaly.analyse(decoded(smooth, W, H));
    const n = await frequencyAnomaly.analyse(decoded(white, W, H));
    expect(s.score).not.toBeNull();
    expect(s.score!).toBeGreaterThan(n.score!);
    expect(s.score!).toBeGreaterThanOrEqual(0);
    expect(s.score!).toBeLessThanOrEqual(100);
  });

  it('says it cannot score when the fitted mapping does not match its features', async () => {
    const stale: StatisticalModel = { version: 1, detectors: { frequencyAnomaly: { features: ['other'], mean: [0], sd: [1], weights: [1], intercept: 0, zClip: 5 } } };
    setStatisticalModel(stale);
    const out = await frequencyAnomaly.analyse(decoded(white, W, H));
    expect(out.score).toBeNull();
    expect(out.interp).toMatch(/refit/);
  });
});
