// Small synthetic images for detector tests (no files, no ../shared).
import type { DecodedImage } from '../../src/types.js';

/** Deterministic xorshift32 → [0, 1). */
export function rng(seed = 2463534242): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** Standard normal by Box-Muller. */
export function gauss(r: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

export const clamp8 = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

/** RGB image from a per-pixel function returning [r, g, b]. */
export function makeRgb(w: number, h: number, f: (x: number, y: number) => [number, number, number]): Uint8Array {
  const d = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const [r, g, b] = f(x, y);
    const i = 3 * (y * w + x);
    d[i] = clamp8(r); d[i + 1] = clamp8(g); d[i + 2] = clamp8(b);
  }
  return d;
}

/** Gray RGB image from a plane (values clamped to 0..255). */
export function grayRgb(plane: ArrayLike<number>, w: number, h: number): Uint8Array {
  return makeRgb(w, h, (x, y) => { const v = plane[y * w + x]; return [v, v, v]; });
}

export function noisePlane(w: number, h: number, sd: number, seed = 7): Float64Array {
  const g = gauss(rng(seed));
  return Float64Array.from({ length: w * h }, () => 128 + sd * g());
}

/** Separable box blur of radius r (edge-replicated), applied `passes` times: a smooth image. */
export function blur(src: Float64Array, w: number, h: number, r: number, passes = 2): Float64Array {
  let cur = src;
  for (let p = 0; p < passes; p++) {
    const tmp = new Float64Array(w * h), out = new Float64Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      let s = 0;
      for (let d = -r; d <= r; d++) s += cur[y * w + Math.min(w - 1, Math.max(0, x + d))];
      tmp[y * w + x] = s / (2 * r + 1);
    }
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      let s = 0;
      for (let d = -r; d <= r; d++) s += tmp[Math.min(h - 1, Math.max(0, y + d)) * w + x];
      out[y * w + x] = s / (2 * r + 1);
    }
    cur = out;
  }
  return cur;
}

export function decoded(data: Uint8Array, width: number, height: number, grayscale = false): DecodedImage {
  return { data, width, height, grayscale, format: 'image/png', fileSize: data.length, filename: 'synthetic.png', bytes: new Uint8Array(0) };
}
