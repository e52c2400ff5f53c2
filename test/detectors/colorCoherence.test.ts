import { describe, expect, it } from 'vitest';
import { blockCorrelations, COLOR_FEATURES, colorCoherence, colourFeatures } from '../../src/detectors/colorCoherence.js';
import { decoded, gauss, makeRgb, rng } from './synth.js';

const W = 256, H = 256;
const feat = (name: (typeof COLOR_FEATURES)[number], r: ReturnType<typeof colourFeatures>) => {
  if (!r.ok) throw new Error(r.reason);
  return r.features[COLOR_FEATURES.indexOf(name)];
};

function channels(mix: number, seed: number): Uint8Array {
  // Each channel = shared signal + mix × its own noise: mix → 0 makes the channels identical.
  const g = gauss(rng(seed));
  return makeRgb(W, H, () => {
    const s = 30 * g();
    return [128 + s + mix * 30 * g(), 128 + s + mix * 30 * g(), 128 + s + mix * 30 * g()];
  });
}

describe('blockCorrelations', () => {
  it('is 1 for identical planes, -1 for an inverted one, and null for a flat channel', () => {
    const a = Float64Array.from({ length: 16 }, (_, i) => i);
    const inv = a.map((v) => 15 - v);
    expect(blockCorrelations([a, a, a], 4, 0, 0, 4, 1)!.mean).toBeCloseTo(1, 12);
    const c = blockCorrelations([a, a, inv], 4, 0, 0, 4, 1)!;
    expect(c.min).toBeCloseTo(-1, 12);
    expect(c.mean).toBeCloseTo(-1 / 3, 12);
    expect(blockCorrelations([a, a, new Float64Array(16)], 4, 0, 0, 4, 1)).toBeNull();
  });
});

describe('colourFeatures', () => {
  it('more nearly identical channels give higher pixel and residual correlation (the AI direction of the hypothesis)', () => {
    const tight = colourFeatures(channels(0.1, 1), W, H), loose = colourFeatures(channels(1, 2), W, H);
    expect(feat('meanCorr', tight)).toBeGreaterThan(0.95);
    expect(feat('meanCorr', tight)).toBeGreaterThan(feat('meanCorr', loose) + 0.3);
    expect(feat('meanResCorr', tight)).toBeGreaterThan(feat('meanResCorr', loose) + 0.3);
    expect(feat('minPairCorr', tight)).toBeLessThanOrEqual(feat('meanCorr', tight));
  });

  it('independent channels are uncorrelated', () => {
    const g = gauss(rng(4));
    const indep = makeRgb(W, H, () => [128 + 30 * g(), 128 + 30 * g(), 128 + 30 * g()]);
    expect(Math.abs(feat('meanCorr', colourFeatures(indep, W, H)))).toBeLessThan(0.05);
  });

  it('identical channels (gray stored as RGB) cannot be judged', () => {
    const r = colourFeatures(channels(0, 3), W, H);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/grayscale/);
  });
});

describe('colorCoherence detector', () => {
  it('reports null, with the reason, for an image stored as grayscale', async () => {
    const out = await colorCoherence.analyse(decoded(channels(0.5, 5), W, H, true));
    expect(out.score).toBeNull();
    expect(out.interp).toMatch(/grayscale/);
  });
  it('reports null for identical channels and for tiny images', async () => {
    expect((await colorCoherence.analyse(decoded(channels(0, 6), W, H))).score).toBeNull();
    expect((await colorCoherence.analyse(decoded(new Uint8Array(10 * 10 * 3), 10, 10))).score).toBeNull();
  });
});
