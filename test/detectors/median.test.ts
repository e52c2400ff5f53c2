/**
 * The fast medians must equal the reference float median3x3 exactly: the statistical features feed
 * fitted mappings, and any change in a value would need a refit.
 */
import { describe, expect, it } from 'vitest';
import { median3x3 } from '../../src/detectors/maths/image.ts';
import { lumaKey, lumaOfKey, lumaResidual, median3x3Int, median3x3Packed, pack3, tileLumaKeys } from '../../src/detectors/maths/median.ts';
import { rng } from './synth.ts';

const SIZES: Array<[number, number]> = [[1, 1], [1, 6], [6, 1], [2, 2], [3, 7], [13, 7], [31, 33], [128, 128]];

/** Plain sort of each edge-replicated 3×3 window: the definition, independent of any algorithm. */
function sortedMedian(src: ArrayLike<number>, w: number, h: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const win: number[] = [];
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      win.push(src[Math.min(h - 1, Math.max(0, y + dy)) * w + Math.min(w - 1, Math.max(0, x + dx))]);
    }
    out.push(win.sort((a, b) => a - b)[4]);
  }
  return out;
}

describe('median3x3Int', () => {
  it('equals the reference median on random planes of every shape, ties and negatives included', () => {
    const r = rng(11);
    for (const [w, h] of SIZES) {
      for (const range of [3, 256, 1 << 22]) {
        const src = Int32Array.from({ length: w * h }, () => Math.floor(r() * range) - (range >> 1));
        const fast = Array.from(median3x3Int(src, w, h, new Int32Array(w * h)));
        expect(fast).toEqual(Array.from(median3x3(Float64Array.from(src), w, h)));
        if (w * h <= 1024) expect(fast).toEqual(sortedMedian(src, w, h));
      }
    }
  });
});

describe('median3x3Packed', () => {
  it('gives each 8-bit lane the median of its own plane', () => {
    const r = rng(12);
    for (const [w, h] of SIZES) {
      const planes = [0, 1, 2].map((c) => Uint8Array.from({ length: w * h }, () => (c === 2 ? 250 + Math.floor(r() * 6) : Math.floor(r() * 256))));
      const packed = Int32Array.from({ length: w * h }, (_, i) => pack3(planes[0][i], planes[1][i], planes[2][i]));
      const med = median3x3Packed(packed, w, h, new Int32Array(w * h));
      for (let c = 0; c < 3; c++) {
        const lane = Array.from(med, (v) => (v >>> (10 * c)) & 1023);
        expect(lane).toEqual(Array.from(median3x3(Float64Array.from(planes[c]), w, h)));
      }
    }
  });
});

describe('luminance keys', () => {
  it('round-trip every one of the 2^24 colours exactly, with |off| ≤ 7 (so keys order as the doubles do)', () => {
    let maxOff = 0;
    let bad = 0;
    for (let r = 0; r < 256; r++) for (let g = 0; g < 256; g++) for (let b = 0; b < 256; b++) {
      const v = 0.299 * r + 0.587 * g + 0.114 * b; // lumaAt
      const k = 299 * r + 587 * g + 114 * b;
      const key = lumaKey(v, k);
      // Keys of different K are 16 apart and off stays within ±7, so key order = K order, and within
      // one K it is the order of v (v = K/1000 + off·unit exactly).
      const off = key - 16 * k - 8;
      if (!Number.isInteger(key) || lumaOfKey(key) !== v) bad++;
      if (Math.abs(off) > maxOff) maxOff = Math.abs(off);
    }
    expect(bad).toBe(0);
    expect(maxOff).toBeLessThanOrEqual(7);
  });

  it('give the same luminance residual as the float median on a tile', () => {
    const r = rng(13);
    const width = 40, height = 37, size = 32;
    const rgb = Uint8Array.from({ length: width * height * 3 }, () => Math.floor(r() * 256));
    const t = { x: 5, y: 3, size };
    const luma = new Float64Array(size * size), keys = new Int32Array(size * size);
    tileLumaKeys(rgb, width, t, luma, keys);
    const ref = Float64Array.from({ length: size * size }, (_, i) => {
      const p = 3 * ((t.y + Math.floor(i / size)) * width + t.x + (i % size));
      return 0.299 * rgb[p] + 0.587 * rgb[p + 1] + 0.114 * rgb[p + 2];
    });
    expect(Array.from(luma)).toEqual(Array.from(ref));
    const med = median3x3(ref, size, size);
    const res = lumaResidual(luma, median3x3Int(keys, size, size, new Int32Array(size * size)), new Float64Array(size * size));
    expect(Array.from(res)).toEqual(Array.from(ref, (v, i) => v - med[i]));
  });
});
