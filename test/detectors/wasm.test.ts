/**
 * The WebAssembly kernels must give the statistical detectors the values the TypeScript reference
 * code gives (the fitted mappings in models/statistical.json were fitted on those): bit for bit for
 * the medians, sums and resize, to rounding for the FFT. `npm test` builds the module first, so a
 * missing module is a failure here, not a silent fall-back.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { colourFeatures } from '../../src/detectors/colorCoherence.ts';
import { frequencyFeatures } from '../../src/detectors/frequencyAnomaly.ts';
import { hann, powerSpectrum2d, radialProfile, radiusTable, ringMeans } from '../../src/detectors/maths/fft.ts';
import { FLAT_VARIANCE, tileLuma8 } from '../../src/detectors/maths/image.ts';
import { useWasm, wasmKernels } from '../../src/detectors/maths/wasm.ts';
import { noiseFeatures } from '../../src/detectors/noiseDistribution.ts';
import { secondaryInput } from '../../src/detectors/secondaryNeural.ts';
import { gauss, makeRgb, rng } from './synth.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const images = ['ai', 'real'].flatMap((d) => readdirSync(join(FIXTURES, d)).map((f) => join(FIXTURES, d, f)));

async function pixels(file: string) {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** f computed once with the kernels and once with the reference code. */
function both<T>(f: () => T): { wasm: T; reference: T } {
  useWasm(true);
  const wasm = f();
  useWasm(false);
  const reference = f();
  useWasm(true);
  return { wasm, reference };
}

afterEach(() => useWasm(true));

function picture(w: number, h: number, seed: number): Uint8Array {
  const g = gauss(rng(seed));
  return makeRgb(w, h, (x, y) => {
    const v = 110 + 50 * Math.sin(x / 9) * Math.cos(y / 13) + 12 * g();
    return [v, 0.8 * v + 4 * g(), 0.6 * v];
  });
}

describe('WebAssembly kernels', () => {
  it('are built and load', () => {
    expect(wasmKernels(), 'dist/detectors/maths/kernels.wasm missing or invalid: run npm run build').not.toBeNull();
  });

  it('give the reference features on every fixture: noise and colour bit for bit, spectrum to 1e-9', async () => {
    expect(images.length).toBeGreaterThan(4);
    for (const file of images) {
      const { rgb, width, height } = await pixels(file);
      const noise = both(() => noiseFeatures(rgb, width, height));
      expect(noise.wasm, file).toEqual(noise.reference);
      const colour = both(() => colourFeatures(rgb, width, height));
      expect(colour.wasm, file).toEqual(colour.reference);
      const input = both(() => secondaryInput(rgb, width, height));
      expect(Array.from(input.wasm), file).toEqual(Array.from(input.reference));
      const freq = both(() => frequencyFeatures(rgb, width, height));
      expect(freq.wasm.ok && freq.reference.ok, file).toBe(true);
      if (!freq.wasm.ok || !freq.reference.ok) continue;
      freq.wasm.features.forEach((v, k) => expect(Math.abs(v - freq.reference.features[k]), `${file} feature ${k}`).toBeLessThan(1e-9));
    }
  });

  it('spectrumTile equals fft.js on the windowed tile for every tile size the detector uses, and skips flat tiles', () => {
    const kernels = wasmKernels()!;
    for (const n of [32, 64, 128]) {
      const width = n + 5;
      const rgb = picture(width, n + 3, n);
      const t = { x: 3, y: 2, size: n };
      const luma = tileLuma8(rgb, width, t, new Float64Array(n * n));
      const m = luma.reduce((a, b) => a + b, 0) / luma.length;
      const w = hann(n);
      const expected = powerSpectrum2d(luma.map((v, i) => (v - m) * w[i % n] * w[Math.floor(i / n)]), n);
      const got = kernels.spectrumTile(rgb, width, t, FLAT_VARIANCE, w, radiusTable(n), new Uint8Array(n * n))!;
      let maxPower = 0;
      for (const p of expected) maxPower = Math.max(maxPower, p);
      for (let i = 0; i < n * n; i++) expect(Math.abs(got.power[i] - expected[i])).toBeLessThan(1e-12 * maxPower);
      const profile = radialProfile(got.power, n);
      ringMeans(got.ringSum, got.ringCount).forEach((v, r) => expect(v).toBe(profile[r]));
    }
    const grey = new Uint8Array(64 * 64 * 3).fill(77);
    expect(kernels.spectrumTile(grey, 64, { x: 0, y: 0, size: 64 }, FLAT_VARIANCE, hann(64), radiusTable(64), new Uint8Array(64 * 64))).toBeNull();
  });
});
