import { encode } from 'bmp-ts';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/image/decode.js';
import { DEFAULT_LIMITS } from '../../src/image/limits.js';

/** A width×height BMP whose pixel (x, y) is (x*10, y*20, 200). bmp-ts takes ABGR input. */
function makeBmp(width: number, height: number, bitPP = 24): Uint8Array {
  const abgr = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      abgr[i] = 255; abgr[i + 1] = 200; abgr[i + 2] = y * 20; abgr[i + 3] = x * 10;
    }
  }
  return new Uint8Array(encode({ data: abgr, width, height, bitPP } as never).data);
}

describe('BMP (libvips has no loader; bmp-ts decodes it)', () => {
  it('decodes pixels in the right order and colour', async () => {
    const img = await decode(makeBmp(40, 33), 'x.bmp', DEFAULT_LIMITS);
    expect(img).toMatchObject({ width: 40, height: 33, format: 'image/bmp' });
    const at = (x: number, y: number) => [...img.data.subarray((y * 40 + x) * 3, (y * 40 + x) * 3 + 3)];
    expect(at(0, 0)).toEqual([0, 0, 200]);
    expect(at(5, 2)).toEqual([50, 40, 200]);
    expect(at(39, 12)).toEqual([390 % 256, 240, 200]);
  });

  it('refuses a BMP whose header claims too many pixels before allocating them', async () => {
    const bytes = makeBmp(8, 8);
    new DataView(bytes.buffer).setInt32(18, 200_000, true);
    new DataView(bytes.buffer).setInt32(22, -200_000, true); // top-down, 40 gigapixels
    await expect(decode(bytes, 'bomb.bmp', DEFAULT_LIMITS)).rejects.toMatchObject({ status: 413 });
  });

  it('reports a cut-off BMP as corrupt, not as a crash', async () => {
    const bytes = makeBmp(64, 64).subarray(0, 300);
    await expect(decode(bytes, 'cut.bmp', DEFAULT_LIMITS)).rejects.toMatchObject({ status: 400 });
  });
});
