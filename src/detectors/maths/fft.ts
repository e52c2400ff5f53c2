/**
 * 2-D FFT over square power-of-two tiles, built from fft.js's 1-D complex transform
 * (rows, then columns). Only what the frequency detector needs: a power spectrum and its
 * azimuthal average.
 */
import FFT from 'fft.js';

interface Plan {
  fft: FFT;
  /** Work buffers, reused by every tile of this size (tiles are processed one at a time). */
  work: Float64Array;
  inRow: Float64Array;
  outRow: Float64Array;
  realRow: Float64Array;
}

const plans = new Map<number, Plan>();

function plan(n: number): Plan {
  let p = plans.get(n);
  if (!p) {
    const fft = new FFT(n); // throws unless n is a power of two > 1
    p = { fft, work: new Float64Array(2 * n * n), inRow: new Float64Array(2 * n), outRow: new Float64Array(2 * n), realRow: new Float64Array(n) };
    plans.set(n, p);
  }
  return p;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
}

const hanns = new Map<number, Float64Array>();

/**
 * 1-D Hann window; tapering the tile edges keeps the tile border from smearing energy across all
 * frequencies. Cached per n: treat the result as read-only.
 */
export function hann(n: number): Float64Array {
  let w = hanns.get(n);
  if (!w) {
    w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    hanns.set(n, w);
  }
  return w;
}

/**
 * |F(u,v)|² of an n×n real tile (row-major), unshifted: index [v*n + u], frequency 0 at [0].
 * The caller applies any window or mean removal first.
 */
export function powerSpectrum2d(tile: ArrayLike<number>, n: number): Float64Array {
  if (!isPowerOfTwo(n)) throw new Error(`tile size ${n} is not a power of two`);
  if (tile.length !== n * n) throw new Error(`tile has ${tile.length} values, expected ${n * n}`);
  const { fft: f, work, inRow, outRow, realRow } = plan(n);
  // Complex interleaved [re, im] row spectra. Rows are real, so the faster real transform is used;
  // it fills bins 0..n/2, which are all the column pass reads.
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) realRow[x] = tile[y * n + x];
    f.realTransform(outRow, realRow);
    work.set(outRow.subarray(0, n + 2), 2 * y * n);
  }
  // Rows are real, so column u > n/2 is the conjugate mirror of column n − u and its power is
  // |F(n − u, −v)|²: only the n/2 + 1 distinct columns are transformed, the rest are copied.
  const power = new Float64Array(n * n);
  const half = n >> 1;
  for (let x = 0; x <= half; x++) {
    for (let y = 0, k = 2 * x; y < n; y++, k += 2 * n) {
      inRow[2 * y] = work[k];
      inRow[2 * y + 1] = work[k + 1];
    }
    f.transform(outRow, inRow);
    for (let y = 0; y < n; y++) {
      const re = outRow[2 * y], im = outRow[2 * y + 1];
      power[y * n + x] = re * re + im * im;
    }
  }
  for (let y = 0; y < n; y++) {
    const row = y * n, mirror = ((n - y) % n) * n;
    for (let x = half + 1; x < n; x++) power[row + x] = power[mirror + n - x];
  }
  return power;
}

/** Signed frequency index of bin k in an n-point FFT: 0..n/2, then negative. */
export function signedFreq(k: number, n: number): number {
  return k <= n / 2 ? k : k - n;
}

const radii = new Map<number, Int32Array>();

/** Rounded radius (in frequency bins) of every bin of an n×n unshifted spectrum, cached per n. */
export function radiusTable(n: number): Int32Array {
  let t = radii.get(n);
  if (!t) {
    t = new Int32Array(n * n);
    for (let v = 0; v < n; v++) {
      const fv = signedFreq(v, n);
      for (let u = 0; u < n; u++) {
        const fu = signedFreq(u, n);
        t[v * n + u] = Math.round(Math.sqrt(fu * fu + fv * fv));
      }
    }
    radii.set(n, t);
  }
  return t;
}

/**
 * Mean power per integer radius r = 0..n/2 (radius in frequency bins, rounded).
 * Bins beyond n/2 (the corners) are left out so every ring is complete.
 */
export function radialProfile(power: ArrayLike<number>, n: number): Float64Array {
  const half = n / 2;
  const sum = new Float64Array(half + 1);
  const count = new Float64Array(half + 1);
  const rad = radiusTable(n);
  for (let i = 0; i < n * n; i++) {
    const r = rad[i];
    if (r > half) continue;
    sum[r] += power[i];
    count[r]++;
  }
  return ringMeans(sum, count);
}

/** Ring sums divided by ring sizes, in place (empty rings give 0). */
export function ringMeans(sum: Float64Array, count: ArrayLike<number>): Float64Array {
  for (let r = 0; r < sum.length; r++) sum[r] = count[r] > 0 ? sum[r] / count[r] : 0;
  return sum;
}
