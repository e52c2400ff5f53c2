import { describe, expect, it } from 'vitest';
import { blockStats, NOISE_FEATURES, noiseDistribution, noiseFeatures } from '../../src/detectors/noiseDistribution.js';
import { decoded, gauss, grayRgb, rng } from './synth.js';

const W = 256, H = 256;
const feat = (name: (typeof NOISE_FEATURES)[number], r: ReturnType<typeof noiseFeatures>) => {
  if (!r.ok) throw new Error(r.reason);
  return r.features[NOISE_FEATURES.indexOf(name)];
};

/** Brightness rising in 16-px steps from left to right, plus noise whose sd is sdOf(brightness). */
function steppedNoise(sdOf: (b: number) => number, seed: number): Uint8Array {
  const g = gauss(rng(seed));
  const plane = Float64Array.from({ length: W * H }, (_, i) => {
    const b = 30 + Math.floor((i % W) / 16) * 12;
    return b + sdOf(b) * g();
  });
  return grayRgb(plane, W, H);
}

describe('blockStats', () => {
  it('gives each block its mean brightness and residual variance', () => {
    const w = 32, h = 16;
    const luma = Float64Array.from({ length: w * h }, (_, i) => (i % w < 16 ? 100 : 200));
    const residual = Float64Array.from({ length: w * h }, (_, i) => (i % w < 16 ? (i % 2 ? 2 : -2) : 0));
    const s = blockStats(luma, residual, w, h, 16);
    expect(Array.from(s.brightness)).toEqual([100, 200]);
    expect(s.noiseVar[0]).toBeCloseTo(4, 12);
    expect(s.noiseVar[1]).toBe(0);
  });
  it('ignores a partial block at the edge', () => {
    const s = blockStats(new Float64Array(40 * 20), new Float64Array(40 * 20), 40, 20, 16);
    expect(s.brightness.length).toBe(2);
  });
});

describe('noiseFeatures', () => {
  it('signal-dependent (camera-like) noise correlates with brightness; constant noise does not', () => {
    const shot = noiseFeatures(steppedNoise((b) => 0.5 * Math.sqrt(b), 1), W, H);
    const flat = noiseFeatures(steppedNoise(() => 4, 2), W, H);
    expect(feat('brightCorr', shot)).toBeGreaterThan(0.6);
    expect(Math.abs(feat('brightCorr', flat))).toBeLessThan(0.3);
    expect(feat('brightSlope', shot)).toBeGreaterThan(feat('brightSlope', flat));
  });

  it('a noiseless gradient is all clean blocks; noise everywhere leaves none', () => {
    const ramp = grayRgb(Float64Array.from({ length: W * H }, (_, i) => (i % W) / 2 + 20), W, H);
    const clean = noiseFeatures(ramp, W, H);
    expect(feat('cleanFrac', clean)).toBe(1);
    expect(feat('logNoise', clean)).toBeCloseTo(-2, 9);
    const noisy = noiseFeatures(steppedNoise(() => 4, 3), W, H);
    expect(feat('cleanFrac', noisy)).toBe(0);
  });

  it('noise confined to half the picture is more uneven than noise everywhere', () => {
    const g = gauss(rng(5));
    const half = grayRgb(Float64Array.from({ length: W * H }, (_, i) => 128 + (i % W < W / 2 ? 5 * g() : 0)), W, H);
    const even = steppedNoise(() => 5, 6);
    expect(feat('cv', noiseFeatures(half, W, H))).toBeGreaterThan(feat('cv', noiseFeatures(even, W, H)) + 0.5);
    expect(feat('spread', noiseFeatures(half, W, H))).toBeGreaterThan(feat('spread', noiseFeatures(even, W, H)));
  });

  it('cannot judge an image under 32 px a side', async () => {
    const out = await noiseDistribution.analyse(decoded(new Uint8Array(31 * 100 * 3), 31, 100));
    expect(out.score).toBeNull();
    expect(out.interp).toMatch(/too small/);
  });
});

describe('an image with no texture', () => {
  it('is not judged (score null), rather than given an invented score', async () => {
    const width = 64, height = 64;
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i += 3) { data[i] = 200; data[i + 1] = 30; data[i + 2] = 30; }
    const out = await noiseDistribution.analyse({ data, width, height, grayscale: false, format: 'image/png', fileSize: 1, filename: 'flat.png', bytes: new Uint8Array() });
    expect(out.score).toBeNull();
    expect(out.interp).toMatch(/flat/);
  });
});
