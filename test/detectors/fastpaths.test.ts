/**
 * Decoded images (Uint8Array) take fast paths; any other array takes the plain reference code.
 * Both must give identical features, on odd sizes and edge-touching tiles too, since the fitted
 * mappings (models/statistical.json) were fitted on the values the reference code gives.
 */
import { describe, expect, it } from 'vitest';
import { colourFeatures } from '../../src/detectors/colorCoherence.ts';
import { frequencyFeatures } from '../../src/detectors/frequencyAnomaly.ts';
import { noiseFeatures } from '../../src/detectors/noiseDistribution.ts';
import { areaWeights, centreSquare, secondaryInput } from '../../src/detectors/secondaryNeural.ts';
import { gauss, makeRgb, rng } from './synth.ts';

const SIZES: Array<[number, number]> = [[32, 32], [33, 45], [100, 61], [129, 97], [257, 130], [300, 211], [40, 600]];

/** Smooth shading plus noise whose strength varies, so medians, blocks and correlations all vary. */
function picture(w: number, h: number, seed: number): Uint8Array {
  const g = gauss(rng(seed));
  return makeRgb(w, h, (x, y) => {
    const base = 120 + 60 * Math.sin(x / 17) * Math.cos(y / 23);
    const sd = 1 + 6 * ((x + y) % 50) / 50;
    const n = sd * g();
    return [base + n + 8 * g(), base * 0.9 + n + 3 * g(), base * 0.7 + n];
  });
}

describe('fast paths equal the reference code', () => {
  it('noiseFeatures and colourFeatures', () => {
    SIZES.forEach(([w, h], i) => {
      const rgb = picture(w, h, 100 + i);
      const plain = Array.from(rgb);
      expect(noiseFeatures(rgb, w, h)).toEqual(noiseFeatures(plain, w, h));
      expect(colourFeatures(rgb, w, h)).toEqual(colourFeatures(plain, w, h));
    });
  });

  it('noiseFeatures and colourFeatures on pure noise and on saturated pixels', () => {
    const r = rng(5);
    const noise = Uint8Array.from({ length: 150 * 140 * 3 }, () => Math.floor(r() * 256));
    const clipped = Uint8Array.from({ length: 150 * 140 * 3 }, () => (r() < 0.5 ? 0 : 255));
    for (const rgb of [noise, clipped]) {
      expect(noiseFeatures(rgb, 150, 140)).toEqual(noiseFeatures(Array.from(rgb), 150, 140));
      expect(colourFeatures(rgb, 150, 140)).toEqual(colourFeatures(Array.from(rgb), 150, 140));
    }
  });

  it('frequencyFeatures does not depend on what the reused buffers held before', () => {
    const a = picture(257, 130, 7), b = picture(129, 97, 8);
    const first = frequencyFeatures(a, 257, 130);
    frequencyFeatures(b, 129, 97);
    expect(frequencyFeatures(a, 257, 130)).toEqual(first);
    // A plain array takes the reference code (fft.js), decoded pixels the WebAssembly FFT: equal to rounding.
    const plain = frequencyFeatures(Array.from(a), 257, 130);
    expect(plain.ok && first.ok).toBe(true);
    if (plain.ok && first.ok) plain.features.forEach((v, k) => expect(v).toBeCloseTo(first.features[k], 10));
  });
});

/** The earlier two-pass secondaryInput: a full vertical pass into a size×side×3 buffer, then the horizontal one. */
function secondaryInputReference(rgb: Uint8Array, width: number, height: number, size = 224): Float32Array {
  const { x: x0, y: y0, side } = centreSquare(width, height);
  const aw = areaWeights(side, size);
  const tmp = new Float64Array(size * side * 3);
  for (let o = 0; o < size; o++) {
    for (let k = 0; k < aw.len[o]; k++) {
      const wk = aw.w[o * aw.stride + k];
      const row = ((y0 + aw.start[o] + k) * width + x0) * 3;
      for (let j = 0; j < side * 3; j++) tmp[o * side * 3 + j] += wk * rgb[row + j];
    }
  }
  const out = new Float32Array(3 * size * size);
  for (let o = 0; o < size; o++) {
    for (let p = 0; p < size; p++) {
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < aw.len[p]; k++) {
        const wk = aw.w[p * aw.stride + k];
        const t = (o * side + aw.start[p] + k) * 3;
        r += wk * tmp[t]; g += wk * tmp[t + 1]; b += wk * tmp[t + 2];
      }
      out[o * size + p] = r / 255;
      out[size * size + o * size + p] = g / 255;
      out[2 * size * size + o * size + p] = b / 255;
    }
  }
  return out;
}

describe('secondaryInput', () => {
  it('is bit-identical to the two-pass resize, for reductions and enlargements', () => {
    for (const [w, h] of [[300, 211], [64, 90], [500, 500], [231, 1000]] as Array<[number, number]>) {
      const rgb = picture(w, h, w + h);
      expect(Array.from(secondaryInput(rgb, w, h))).toEqual(Array.from(secondaryInputReference(rgb, w, h)));
    }
    const rgb = picture(97, 80, 3);
    expect(Array.from(secondaryInput(rgb, 97, 80, 40))).toEqual(Array.from(secondaryInputReference(rgb, 97, 80, 40)));
  });
});
