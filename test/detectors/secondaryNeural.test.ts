import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { modelFilePath } from '../../src/detectors/onnx.ts';
import {
  analyseSecondary,
  areaWeights,
  centreSquare,
  secondaryInput,
  secondaryLogit,
  secondaryNeural,
  sigmoid,
} from '../../src/detectors/secondaryNeural.ts';
import type { DecodedImage } from '../../src/types.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/parity-secondary/', import.meta.url));

function image(data: Uint8Array, width: number, height: number): DecodedImage {
  return { data, width, height, grayscale: false, format: 'image/png', fileSize: data.length, filename: 'x.png', bytes: new Uint8Array(0) };
}

async function fixture() {
  const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8'));
  const { data, info } = await sharp(join(FIXTURE, 'input.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return { expected, rgb: new Uint8Array(data), width: info.width, height: info.height };
}

describe('secondaryNeural preprocessing', () => {
  it('area weights sum to one and average pairs for a 2x reduction', () => {
    const a = areaWeights(448, 224);
    expect(Array.from(a.len).every((n) => n === 2)).toBe(true);
    expect(a.w[0]).toBeCloseTo(0.5, 12);
    const b = areaWeights(300, 224);
    for (let o = 0; o < 224; o++) {
      let s = 0;
      for (let k = 0; k < b.len[o]; k++) s += b.w[o * b.stride + k];
      expect(s).toBeCloseTo(1, 12);
    }
  });

  it('crops the centred square, not a stretched image', () => {
    expect(centreSquare(150, 112)).toEqual({ x: 19, y: 0, side: 112 });
    expect(centreSquare(100, 301)).toEqual({ x: 0, y: 100, side: 100 });
    // A 2x-wide image whose left and right quarters are black: the crop must see only the white middle.
    const w = 448;
    const h = 224;
    const rgb = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 112; x < 336; x++) rgb.fill(255, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const t = secondaryInput(rgb, w, h);
    expect(t.reduce((m, v) => Math.min(m, v), Infinity)).toBe(1);
  });

  it('matches the Python preprocessing on the parity image', async () => {
    const { expected, rgb, width, height } = await fixture();
    expect([width, height]).toEqual([expected.width, expected.height]);
    const t = secondaryInput(rgb, width, height);
    let sum = 0;
    for (const v of t) sum += v;
    expect(Math.abs(sum - expected.input_sum)).toBeLessThan(1e-2);
    for (const [i, v] of expected.input_samples) expect(t[i]).toBeCloseTo(v, 6);
  });
});

describe('secondaryNeural model', () => {
  it('reproduces the logit Python computed for the parity image (within 1e-3)', async () => {
    const { expected, rgb, width, height } = await fixture();
    const logit = await secondaryLogit(secondaryInput(rgb, width, height));
    expect(Math.abs(logit - expected.logit)).toBeLessThan(1e-3);
    const out = await secondaryNeural.analyse(image(rgb, width, height));
    expect(out.score).toBeCloseTo(100 * sigmoid(expected.logit), 2);
    expect(out.interp).toContain('112 px');
  });

  it('gives score null naming the file when the model is missing', async () => {
    const out = await analyseSecondary(image(new Uint8Array(100 * 100 * 3), 100, 100), 'no-such-secondary.onnx');
    expect(out.score).toBeNull();
    expect(out.interp).toContain('no-such-secondary.onnx');
    expect(out.interp).toContain('missing');
  });

  it('gives score null naming the file when the model is corrupt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xray-secondary-'));
    writeFileSync(join(dir, 'corrupt.onnx'), 'this is not an ONNX graph');
    const rel = relative(dirname(modelFilePath('secondary.onnx')), join(dir, 'corrupt.onnx'));
    const out = await analyseSecondary(image(new Uint8Array(100 * 100 * 3), 100, 100), rel);
    expect(out.score).toBeNull();
    expect(out.interp).toContain('corrupt.onnx');
    expect(out.interp).toContain('cannot be loaded');
  });

  it('declines images too small to judge', async () => {
    const out = await analyseSecondary(image(new Uint8Array(40 * 30 * 3), 40, 30));
    expect(out.score).toBeNull();
    expect(out.interp).toContain('40×30');
  });

  it('ships its model file', () => {
    expect(existsSync(modelFilePath('secondary.onnx'))).toBe(true);
  });
});
