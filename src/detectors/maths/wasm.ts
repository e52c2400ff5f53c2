/**
 * The detectors' hot loops in WebAssembly SIMD (source: assembly/kernels.ts, built into
 * dist/detectors/maths/kernels.wasm by `npm run build`). They give exactly the values of the
 * TypeScript reference code (the FFT to rounding), which stays as the path for non-8-bit input and
 * for a runtime without WebAssembly SIMD (or with XRAY_NO_WASM=1 set): test/detectors/wasm.test.ts
 * holds the two together.
 *
 * Why WebAssembly: the per-pixel medians and sums are most of the statistical detectors' time,
 * and V8 neither vectorises JavaScript nor optimises it before it has run for a while, so the
 * first image of a one-file scan paid several times the steady cost. WebAssembly is compiled
 * before it runs, and SIMD takes 16 bytes (or two doubles) per instruction.
 *
 * Each thread instantiates its own module; calls are synchronous, so one scratch layout per
 * call is enough. Views returned by a kernel are valid until the next call.
 */
import { readFileSync } from 'node:fs';
import type { Tile } from './image.js';

const WASM_FILE = new URL('../../../dist/detectors/maths/kernels.wasm', import.meta.url);

interface Exports {
  memory: WebAssembly.Memory;
  medianU8(src: number, dst: number, w: number, h: number, scratch: number): void;
  medianF64(src: number, dst: number, w: number, h: number, scratch: number): void;
  luma(rgb: number, count: number, out: number): void;
  noiseBlockSums(luma: number, med: number, residual: number, w: number, h: number, b: number, out: number): void;
  deinterleave(rgb: number, count: number, planes: number): void;
  colourBlockSums(planes: number, med: number, w: number, h: number, b: number, out: number): void;
  areaResizeRow(rows: number, side: number, size: number, o: number, start: number, len: number, wts: number, wstride: number, tmp: number, out: number): void;
  windowedPower(luma: number, n: number, mean: number, win: number, bitrev: number, tw: number, reA: number, imA: number, reB: number, imB: number, power: number): void;
  spectrumSums(power: number, n: number, radius: number, high: number, sum: number, count: number, totals: number): void;
  meanVariance(src: number, count: number, out: number): void;
}

/** A tile's power spectrum and the sums frequencyAnomaly takes from it. */
export interface TileSpectrum {
  /** |F(u,v)|², unshifted, index v·n + u (a view, valid until the next kernel call). */
  power: Float64Array;
  /** Power summed per rounded radius 0..n/2, and the number of bins in each ring. */
  ringSum: Float64Array;
  ringCount: Float64Array;
  /** Power of all non-DC bins, and of those marked in `high`. */
  total: number;
  high: number;
}

export interface AreaWeights { start: Int32Array; len: Int32Array; w: Float64Array; stride: number }

const align = (n: number) => (n + 15) & ~15;

/** Lays regions out one after another from offset 0 (16-byte aligned) and grows memory to fit. */
class Layout {
  private end = 0;
  constructor(private readonly memory: WebAssembly.Memory) {}
  take(bytes: number): number {
    const at = this.end;
    this.end = align(at + bytes);
    return at;
  }
  /** Grows memory to hold everything taken; call before making views. */
  commit(): void {
    const need = Math.ceil(this.end / 65536) - this.memory.buffer.byteLength / 65536;
    if (need > 0) this.memory.grow(need);
  }
}

export class Kernels {
  constructor(private readonly x: Exports) {}

  private copyTile(rgb: Uint8Array, width: number, t: Tile, at: number): void {
    const n = t.size, row = 3 * n, mem = new Uint8Array(this.x.memory.buffer);
    for (let y = 0; y < n; y++) {
      const s = 3 * ((t.y + y) * width + t.x);
      mem.set(rgb.subarray(s, s + row), at + y * row);
    }
  }

  /**
   * One tile of noiseDistribution: the variance of its luminance (as isFlat forms it) and, per b×b
   * block, Σ luma, Σ residual, Σ residual².
   */
  noiseTile(rgb: Uint8Array, width: number, t: Tile, b: number): { variance: number; sums: Float64Array } {
    const n = t.size, count = n * n, blocks = Math.floor(n / b) ** 2;
    const L = new Layout(this.x.memory);
    const pix = L.take(3 * count), luma = L.take(8 * count), med = L.take(8 * count), res = L.take(8 * count);
    const scratch = L.take(3 * 8 * (n + 2)), sums = L.take(24 * blocks), stats = L.take(16);
    L.commit();
    this.copyTile(rgb, width, t, pix);
    this.x.luma(pix, count, luma);
    this.x.meanVariance(luma, count, stats);
    this.x.medianF64(luma, med, n, n, scratch);
    this.x.noiseBlockSums(luma, med, res, n, n, b, sums);
    const buf = this.x.memory.buffer;
    return { variance: new Float64Array(buf, stats, 2)[1], sums: new Float64Array(buf, sums, 3 * blocks) };
  }

  /** Per b×b block of one tile, the nine channel sums of the pixels, then of the median residuals (colorCoherence). */
  colourTile(rgb: Uint8Array, width: number, t: Tile, b: number): Int32Array {
    const n = t.size, count = n * n, blocks = Math.floor(n / b) ** 2;
    const L = new Layout(this.x.memory);
    const pix = L.take(3 * count), planes = L.take(3 * count), med = L.take(3 * count);
    const scratch = L.take(3 * (n + 32)), sums = L.take(72 * blocks);
    L.commit();
    this.copyTile(rgb, width, t, pix);
    this.x.deinterleave(pix, count, planes);
    for (let c = 0; c < 3; c++) this.x.medianU8(planes + c * count, med + c * count, n, n, scratch);
    this.x.colourBlockSums(planes, med, n, n, b, sums);
    return new Int32Array(this.x.memory.buffer, sums, 18 * blocks);
  }

  /** The side×side crop at (x0, y0) area-resized to size×size, /255, as three f32 planes (a copy). */
  areaResize(rgb: Uint8Array, width: number, x0: number, y0: number, side: number, size: number, aw: AreaWeights): Float32Array {
    let maxRows = 0;
    for (const n of aw.len) maxRows = Math.max(maxRows, n);
    const row = 3 * side;
    const L = new Layout(this.x.memory);
    const rows = L.take(maxRows * row), start = L.take(4 * size), len = L.take(4 * size);
    const wts = L.take(8 * aw.w.length), tmp = L.take(8 * row), out = L.take(4 * 3 * size * size);
    L.commit();
    const buf = this.x.memory.buffer, mem = new Uint8Array(buf);
    new Int32Array(buf, start, size).set(aw.start);
    new Int32Array(buf, len, size).set(aw.len);
    new Float64Array(buf, wts, aw.w.length).set(aw.w);
    for (let o = 0; o < size; o++) {
      for (let k = 0; k < aw.len[o]; k++) {
        const s = ((y0 + aw.start[o] + k) * width + x0) * 3;
        mem.set(rgb.subarray(s, s + row), rows + k * row);
      }
      this.x.areaResizeRow(rows, side, size, o, start, len, wts, aw.stride, tmp, out);
    }
    return new Float32Array(buf, out, 3 * size * size).slice();
  }

  /**
   * One tile of frequencyAnomaly: its luminance (as tileLuma8), null when that is flat (variance
   * under `flatVariance`, as isFlat), else the spectrum of (luma − mean)·w(x)·w(y) as powerSpectrum2d
   * gives it (to rounding) with its ring and band sums formed as radialProfile and the detector form them.
   */
  spectrumTile(rgb: Uint8Array, width: number, t: Tile, flatVariance: number, window: Float64Array, radius: Int32Array, high: Uint8Array): TileSpectrum | null {
    const n = t.size, count = n * n, cols = n / 2 + 2, rings = n / 2 + 1;
    const { bitrev, twiddles } = fftTables(n);
    const L = new Layout(this.x.memory);
    const pix = L.take(3 * count), lu = L.take(8 * count), stats = L.take(16);
    const win = L.take(8 * n), br = L.take(4 * n), tw = L.take(8 * n);
    const reA = L.take(8 * count), imA = L.take(8 * count), reB = L.take(8 * n * cols), imB = L.take(8 * n * cols);
    const power = L.take(8 * count), rad = L.take(4 * count), hi = L.take(count);
    const sum = L.take(8 * rings), cnt = L.take(8 * rings), totals = L.take(16);
    L.commit();
    const buf = this.x.memory.buffer;
    this.copyTile(rgb, width, t, pix);
    this.x.luma(pix, count, lu);
    this.x.meanVariance(lu, count, stats);
    const [mean, variance] = new Float64Array(buf, stats, 2);
    if (variance < flatVariance) return null;
    new Float64Array(buf, win, n).set(window);
    new Int32Array(buf, br, n).set(bitrev);
    new Float64Array(buf, tw, n).set(twiddles);
    new Int32Array(buf, rad, count).set(radius);
    new Uint8Array(buf, hi, count).set(high);
    this.x.windowedPower(lu, n, mean, win, br, tw, reA, imA, reB, imB, power);
    this.x.spectrumSums(power, n, rad, hi, sum, cnt, totals);
    const sums = new Float64Array(buf, totals, 2);
    return {
      power: new Float64Array(buf, power, count),
      ringSum: new Float64Array(buf, sum, rings).slice(),
      ringCount: new Float64Array(buf, cnt, rings),
      total: sums[0],
      high: sums[1],
    };
  }
}

const tables = new Map<number, { bitrev: Int32Array; twiddles: Float64Array }>();

/** Bit-reversal permutation and the n/2 twiddles exp(−2πik/n) as (cos, sin) pairs, cached per n. */
function fftTables(n: number): { bitrev: Int32Array; twiddles: Float64Array } {
  let t = tables.get(n);
  if (!t) {
    const bits = Math.log2(n), bitrev = new Int32Array(n), twiddles = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      bitrev[i] = r;
    }
    for (let k = 0; k < n / 2; k++) {
      twiddles[2 * k] = Math.cos((2 * Math.PI * k) / n);
      twiddles[2 * k + 1] = -Math.sin((2 * Math.PI * k) / n);
    }
    t = { bitrev, twiddles };
    tables.set(n, t);
  }
  return t;
}

let loaded: Kernels | null | undefined;
let enabled = true;

/** This thread's kernels, or null when WebAssembly SIMD is unavailable, the module is missing, or XRAY_NO_WASM is set. */
export function wasmKernels(): Kernels | null {
  if (!enabled) return null;
  if (loaded === undefined) loaded = load();
  return loaded;
}

/** Switches this thread between the kernels and the reference code (for tests that compare the two). */
export function useWasm(on: boolean): void {
  enabled = on;
}

function load(): Kernels | null {
  if (process.env.XRAY_NO_WASM) return null;
  try {
    const module = new WebAssembly.Module(readFileSync(WASM_FILE));
    return new Kernels(new WebAssembly.Instance(module, {}).exports as unknown as Exports);
  } catch {
    return null; // the reference code gives the same values, only slower
  }
}
