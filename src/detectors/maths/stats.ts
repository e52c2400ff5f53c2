/**
 * Small statistics over plain number arrays. Pure functions; no allocation beyond what the
 * result needs, because detectors call them on every block of every tile.
 */

export type Numeric = ArrayLike<number>;

export function mean(xs: Numeric): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Population variance (divides by n): the blocks are the whole population we describe. */
export function variance(xs: Numeric): number {
  if (xs.length === 0) return NaN;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = xs[i] - m;
    s += d * d;
  }
  return s / xs.length;
}

export function std(xs: Numeric): number {
  return Math.sqrt(variance(xs));
}

/** Pearson correlation; NaN when either side has no variance (correlation is undefined there). */
export function pearson(a: Numeric, b: Numeric): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return NaN;
  let sa = 0, sb = 0;
  for (let i = 0; i < n; i++) { sa += a[i]; sb += b[i]; }
  const ma = sa / n, mb = sb / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma, db = b[i] - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  if (saa <= 0 || sbb <= 0) return NaN;
  return sab / Math.sqrt(saa * sbb);
}

/** Least-squares slope of y on x; NaN when x is constant. */
export function slope(x: Numeric, y: Numeric): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return NaN;
  const mx = mean(x), my = mean(y);
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    sxy += dx * (y[i] - my);
    sxx += dx * dx;
  }
  return sxx > 0 ? sxy / sxx : NaN;
}

/** Quantile with linear interpolation between order statistics (type 7, as R and numpy default). */
export function quantile(xs: Numeric, q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = Float64Array.from(xs).sort();
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function sigmoid(z: number): number {
  // Split by sign so exp never overflows for large |z|.
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export function logit(p: number): number {
  return Math.log(p / (1 - p));
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** (x - mu) / sd per component; a zero sd maps to 0 rather than dividing by zero. */
export function standardise(x: Numeric, mu: Numeric, sd: Numeric): number[] {
  const out: number[] = new Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = sd[i] > 0 ? (x[i] - mu[i]) / sd[i] : 0;
  return out;
}

/** 100·σ(b + w·z): the shared shape of every fitted score in xray. */
export function logisticScore(z: Numeric, weights: Numeric, intercept: number): number {
  let s = intercept;
  for (let i = 0; i < z.length; i++) s += weights[i] * z[i];
  return 100 * sigmoid(s);
}
