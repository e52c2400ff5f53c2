import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { analysePrimary, cropLogits, cropTensor, gridOrigins, primaryNeural } from '../../src/detectors/primaryNeural.ts';
import type { DecodedImage } from '../../src/types.ts';

const FIXTURES = new URL('../fixtures/parity/', import.meta.url);

function image(width: number, height: number, data = new Uint8Array(width * height * 3)): DecodedImage {
  return { data, width, height, grayscale: false, format: 'image/png', fileSize: 0, filename: 'x.png', bytes: new Uint8Array() };
}

describe('crop grid', () => {
  it('spreads 4×4 crops with floor division, corners included (same as crops.py)', () => {
    const o = gridOrigins(97, 80);
    expect(o).toHaveLength(16);
    expect(o.slice(0, 4)).toEqual([[0, 0], [11, 0], [22, 0], [33, 0]]);
    expect(o.map(([, y]) => y).filter((_, i) => i % 4 === 0)).toEqual([0, 5, 10, 16]);
    expect(gridOrigins(63, 200)).toEqual([]);
  });

  it('lays pixels out as NCHW scaled to [0,1]', () => {
    const data = new Uint8Array(65 * 64 * 3);
    data[(0 * 65 + 1) * 3 + 2] = 255; // blue of pixel (x=1, y=0)
    const t = cropTensor(data, 65, [[1, 0]], 64);
    expect(t[2 * 64 * 64]).toBe(1);
    expect(t[0]).toBe(0);
  });
});

describe('primaryNeural', () => {
  it('does not judge an image smaller than one crop', async () => {
    const out = await primaryNeural.analyse(image(40, 300));
    expect(out.score).toBeNull();
    expect(out.interp).toMatch(/smaller than/);
  });

  it('names the file when the model is missing, without throwing', async () => {
    const out = await analysePrimary(image(80, 80), 'no-such-model.onnx');
    expect(out.score).toBeNull();
    expect(out.interp).toMatch(/no-such-model\.onnx is missing/);
  });

  it('names the file when the model is corrupt, without throwing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xray-onnx-'));
    const bad = join(dir, 'broken.onnx');
    writeFileSync(bad, 'not a model');
    const out = await analysePrimary(image(80, 80), pathToFileURL(bad).href);
    expect(out.score).toBeNull();
    expect(out.interp).toMatch(/broken\.onnx cannot be loaded/);
  });

  it('matches the logits PyTorch produced for the committed PNG within 1e-3', async () => {
    const expected = JSON.parse(readFileSync(new URL('primary.json', FIXTURES), 'utf8'));
    const buf = readFileSync(new URL(expected.image, FIXTURES));
    const { data, info } = await sharp(buf).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const img = image(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    expect([img.width, img.height]).toEqual([expected.width, expected.height]);
    const logits = await cropLogits(img);
    expect(logits).not.toBeNull();
    expect(logits!.length).toBe(expected.logits.length);
    logits!.forEach((v, i) => expect(Math.abs(v - expected.logits[i])).toBeLessThan(1e-3));
    const out = await primaryNeural.analyse(img);
    expect(Math.abs(out.score! - expected.score)).toBeLessThan(1e-3 * 100 / 4);
    expect(Math.abs((out.evidence!.meanLogit as number) - expected.meanLogit)).toBeLessThan(1e-3);
  });
});
