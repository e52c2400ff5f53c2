/**
 * Fast, exact 3×3 medians for the statistical detectors' hot loop.
 *
 * The float median3x3 in image.ts is the reference. On noisy pixels every compare-and-select of
 * doubles is a branch that mispredicts about half the time (V8 has no branch-free float min/max),
 * which made the median over half of the statistical detectors' time. Here the same column-sort
 * algorithm runs on int32 with arithmetic min/max (no branches), and the results are equal to the
 * reference bit for bit:
 * - R, G, B are uint8 already;
 * - luminance (a double) is replaced by an integer key whose order is exactly the doubles' order
 *   and from which the double is recovered exactly (lumaKey below).
 */
import type { Tile } from './image.js';

const scratch = { w: 0, lo: new Int32Array(0), mid: new Int32Array(0), hi: new Int32Array(0) };

/**
 * 3×3 median with edge pixels replicated, of a w×h int32 plane into `out` (same as median3x3 on
 * the same values). Values must lie within ±2^30 so that differences cannot overflow.
 * min(a, b) = b + (d & (d >> 31)) with d = a − b: the sign mask picks d or 0 without a branch.
 */
export function median3x3Int(src: Int32Array, w: number, h: number, out: Int32Array): Int32Array {
  if (scratch.w < w) scratch.w = w, scratch.lo = new Int32Array(w), scratch.mid = new Int32Array(w), scratch.hi = new Int32Array(w);
  const { lo, mid, hi } = scratch;
  for (let y = 0; y < h; y++) {
    const y0 = (y > 0 ? y - 1 : 0) * w, y1 = y * w, y2 = (y < h - 1 ? y + 1 : h - 1) * w;
    // Sort each column of three once; the three windows that contain it share it.
    for (let x = 0; x < w; x++) {
      const a = src[y0 + x], b = src[y1 + x], c = src[y2 + x];
      let d = a - b, m = d & (d >> 31);
      const mn = b + m, mx = a - m;
      d = mn - c; m = d & (d >> 31);
      lo[x] = c + m;
      d = mx - c; m = d & (d >> 31);
      hi[x] = mx - m;
      const t = c + m; // min(mx, c)
      d = mn - t; m = d & (d >> 31);
      mid[x] = mn - m;
    }
    // Median of nine = med3(max of the column minima, med3 of the column medians, min of the column maxima).
    let lP = lo[0], mP = mid[0], hP = hi[0], lC = lP, mC = mP, hC = hP;
    for (let x = 0; x < w; x++) {
      const r = x < w - 1 ? x + 1 : w - 1;
      const lN = lo[r], mN = mid[r], hN = hi[r];
      let d = lP - lC, m = d & (d >> 31);
      let maxLo = lP - m;
      d = maxLo - lN; m = d & (d >> 31); maxLo -= m;
      d = hP - hC; m = d & (d >> 31);
      let minHi = hC + m;
      d = minHi - hN; m = d & (d >> 31); minHi = hN + m;
      d = mP - mC; m = d & (d >> 31);
      const a1 = mC + m, b1 = mP - m;
      d = b1 - mN; m = d & (d >> 31);
      const t1 = mN + m;
      d = a1 - t1; m = d & (d >> 31);
      const medMid = a1 - m;
      d = maxLo - medMid; m = d & (d >> 31);
      const a2 = medMid + m, b2 = maxLo - m;
      d = b2 - minHi; m = d & (d >> 31);
      const t2 = minHi + m;
      d = a2 - t2; m = d & (d >> 31);
      out[y1 + x] = a2 - m;
      lP = lC; mP = mC; hP = hC; lC = lN; mC = mN; hC = hN;
    }
  }
  return out;
}

/*
 * Three 8-bit planes at once: lane c of a packed int32 holds a value 0..255 at bits 10c..10c+7.
 * ge() sets a lane to 0xFF where a ≥ b: (a | 256 per lane) − b is 1..511 in every lane, so no
 * borrow crosses lanes and bit 8 of each lane is the comparison. The median network above is then
 * run unchanged on all three lanes, with about half the operations of three separate planes.
 */
const GUARD = 0x10040100;
const LANE_BIT = 0x00100401;

/** Packs 8-bit r, g, b into the three lanes median3x3Packed works on. */
export const pack3 = (r: number, g: number, b: number): number => r | (g << 10) | (b << 20);

/** Per-lane 3×3 median (edges replicated) of a w×h plane of pack3 values, into `out`. */
export function median3x3Packed(src: Int32Array, w: number, h: number, out: Int32Array): Int32Array {
  if (scratch.w < w) scratch.w = w, scratch.lo = new Int32Array(w), scratch.mid = new Int32Array(w), scratch.hi = new Int32Array(w);
  const { lo, mid, hi } = scratch;
  for (let y = 0; y < h; y++) {
    const y0 = (y > 0 ? y - 1 : 0) * w, y1 = y * w, y2 = (y < h - 1 ? y + 1 : h - 1) * w;
    for (let x = 0; x < w; x++) {
      const a = src[y0 + x], b = src[y1 + x], c = src[y2 + x];
      let m = ((((a | GUARD) - b) >>> 8) & LANE_BIT) * 255; // a ≥ b
      let d = (a ^ b) & m;
      const mn = a ^ d, mx = b ^ d;
      m = ((((mn | GUARD) - c) >>> 8) & LANE_BIT) * 255; // mn ≥ c
      lo[x] = mn ^ ((mn ^ c) & m);
      m = ((((mx | GUARD) - c) >>> 8) & LANE_BIT) * 255; // mx ≥ c
      d = (mx ^ c) & m;
      hi[x] = c ^ d;
      const t = mx ^ d; // min(mx, c)
      m = ((((mn | GUARD) - t) >>> 8) & LANE_BIT) * 255; // mn ≥ t
      mid[x] = t ^ ((mn ^ t) & m);
    }
    let lP = lo[0], mP = mid[0], hP = hi[0], lC = lP, mC = mP, hC = hP;
    for (let x = 0; x < w; x++) {
      const r = x < w - 1 ? x + 1 : w - 1;
      const lN = lo[r], mN = mid[r], hN = hi[r];
      let m = ((((lP | GUARD) - lC) >>> 8) & LANE_BIT) * 255;
      let maxLo = lC ^ ((lP ^ lC) & m);
      m = ((((maxLo | GUARD) - lN) >>> 8) & LANE_BIT) * 255;
      maxLo = lN ^ ((maxLo ^ lN) & m);
      m = ((((hP | GUARD) - hC) >>> 8) & LANE_BIT) * 255;
      let minHi = hP ^ ((hP ^ hC) & m);
      m = ((((minHi | GUARD) - hN) >>> 8) & LANE_BIT) * 255;
      minHi = minHi ^ ((minHi ^ hN) & m);
      m = ((((mP | GUARD) - mC) >>> 8) & LANE_BIT) * 255;
      let d = (mP ^ mC) & m;
      const a1 = mP ^ d, b1 = mC ^ d; // min, max
      m = ((((b1 | GUARD) - mN) >>> 8) & LANE_BIT) * 255;
      const t1 = b1 ^ ((b1 ^ mN) & m); // min(b1, mN)
      m = ((((a1 | GUARD) - t1) >>> 8) & LANE_BIT) * 255;
      const medMid = t1 ^ ((a1 ^ t1) & m); // max(a1, t1)
      m = ((((maxLo | GUARD) - medMid) >>> 8) & LANE_BIT) * 255;
      d = (maxLo ^ medMid) & m;
      const a2 = maxLo ^ d, b2 = medMid ^ d;
      m = ((((b2 | GUARD) - minHi) >>> 8) & LANE_BIT) * 255;
      const t2 = b2 ^ ((b2 ^ minHi) & m);
      m = ((((a2 | GUARD) - t2) >>> 8) & LANE_BIT) * 255;
      out[y1 + x] = t2 ^ ((a2 ^ t2) & m);
      lP = lC; mP = mC; hP = hC; lC = lN; mC = mN; hC = hN;
    }
  }
  return out;
}

/*
 * Luminance keys. lumaAt computes v = 0.299·R + 0.587·G + 0.114·B in doubles; the exact integer
 * K = 299·R + 587·G + 114·B orders pixels of different K correctly (they differ by ≥ 0.001,
 * rounding by ~1e-13), but pixels of equal K can differ in the last bits of v. So the key is
 * 16·K + 8 + off, where off = (v − K/1000) in units of half an ulp of K/1000: the subtraction is
 * exact (Sterbenz), off is an integer, and v = K/1000 + off·unit exactly. An exhaustive check over
 * all 2^24 colours (test/detectors/median.test.ts) finds |off| ≤ 4.
 * The unit depends only on the binade of K/1000, found from K's leading bit and one comparison
 * (K/1000 lies in binade l − 10 or l − 9 when 2^l ≤ K < 2^(l+1)); small tables, unlike one entry
 * per K, stay in the L1 cache.
 */
const TWO_POW_L_MINUS_9 = Float64Array.from({ length: 32 }, (_, l) => 2 ** (l - 9));
/** Indexed by binade j + 16: 2^(53 − j) and 2^(j − 53), i.e. 1 / half an ulp and half an ulp. */
const INV_UNIT = Float64Array.from({ length: 48 }, (_, i) => 2 ** (53 - (i - 16)));
const UNIT = Float64Array.from({ length: 48 }, (_, i) => 2 ** (i - 16 - 53));

/** Index into INV_UNIT/UNIT of the binade of b = k/1000 (k ≥ 1). */
function binadeIndex(k: number, b: number): number {
  const l = 31 - Math.clz32(k);
  return l + 6 + (b >= TWO_POW_L_MINUS_9[l] ? 1 : 0);
}

/** The order key of one pixel's luminance v (= lumaAt) from its integer K. */
export function lumaKey(v: number, k: number): number {
  if (k === 0) return 8; // black: v is exactly 0
  const b = k / 1000;
  return 16 * k + 8 + (v - b) * INV_UNIT[binadeIndex(k, b)];
}

/** The luminance a key stands for (the exact double lumaAt gives). */
export function lumaOfKey(key: number): number {
  const k = key >> 4;
  if (k === 0) return 0;
  const b = k / 1000;
  return b + ((key & 15) - 8) * UNIT[binadeIndex(k, b)];
}

/** The luminance of one tile (exactly tileLuma's values) into `luma`, and its order keys into `keys`. */
export function tileLumaKeys(rgb: Uint8Array, width: number, t: Tile, luma: Float64Array, keys: Int32Array): void {
  const n = t.size;
  for (let y = 0; y < n; y++) {
    let s = 3 * ((t.y + y) * width + t.x);
    for (let x = 0, i = y * n; x < n; x++, i++, s += 3) {
      const r = rgb[s], g = rgb[s + 1], b = rgb[s + 2];
      const v = 0.299 * r + 0.587 * g + 0.114 * b;
      luma[i] = v;
      keys[i] = lumaKey(v, 299 * r + 587 * g + 114 * b);
    }
  }
}

/** luma − median(luma) into `out`, from the luminance and its median keys. */
export function lumaResidual(luma: Float64Array, medianKeys: Int32Array, out: Float64Array): Float64Array {
  for (let i = 0; i < luma.length; i++) out[i] = luma[i] - lumaOfKey(medianKeys[i]);
  return out;
}
