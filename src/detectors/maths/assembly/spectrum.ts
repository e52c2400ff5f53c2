// frequencyAnomaly's tile spectrum (part of kernels.wasm; see kernels.ts).

// ---- Frequency: windowed 2-D power spectrum of a luminance tile.

/**
 * In-place radix-2 FFT along the first index of an n × cols complex array in split planes (row-
 * major, `cols` f64 a row, cols even), all columns at once: two columns per lane pair, so every
 * butterfly is plain lane-wise arithmetic. Rows must already be in bit-reversed order. `tw`: n/2
 * twiddles exp(−2πik/n) as (cos, sin) pairs.
 */
function fftAlongRows(re: usize, im: usize, n: i32, cols: i32, tw: usize): void {
  const rowBytes = <usize>cols << 3;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1, step = n / len;
    for (let s = 0; s < n; s += len) {
      for (let k = 0; k < half; k++) {
        const t = tw + (<usize>(k * step) << 4);
        const wr = f64x2.splat(load<f64>(t)), wi = f64x2.splat(load<f64>(t + 8));
        const a = <usize>(s + k) * rowBytes, b = <usize>(s + k + half) * rowBytes;
        for (let c: usize = 0; c < rowBytes; c += 16) {
          const br = v128.load(re + b + c), bi = v128.load(im + b + c);
          const tr = f64x2.sub(f64x2.mul(br, wr), f64x2.mul(bi, wi));
          const ti = f64x2.add(f64x2.mul(br, wi), f64x2.mul(bi, wr));
          const ar = v128.load(re + a + c), ai = v128.load(im + a + c);
          v128.store(re + a + c, f64x2.add(ar, tr));
          v128.store(im + a + c, f64x2.add(ai, ti));
          v128.store(re + b + c, f64x2.sub(ar, tr));
          v128.store(im + b + c, f64x2.sub(ai, ti));
        }
      }
    }
  }
}

/**
 * |F(u,v)|² (unshifted, index v·n + u) of the n×n tile (luma − mean)·w[x]·w[y], as powerSpectrum2d
 * gives it for frequencyAnomaly (equal to rounding, not bit for bit: the butterflies differ).
 * Rows are transformed first (transposed, so that they too run along the first index), then the
 * n/2 + 1 distinct columns; the other columns are mirrors of those. `bitrev`: n i32; work planes
 * reA/imA n·n f64, reB/imB n·(n/2 + 2) f64.
 */
export function windowedPower(lumaPtr: usize, n: i32, mean: f64, win: usize, bitrev: usize, tw: usize,
  reA: usize, imA: usize, reB: usize, imB: usize, power: usize): void {
  const N = <usize>n, half = N >> 1, cols = half + 2;
  for (let y: usize = 0; y < N; y++) {
    const wy = load<f64>(win + (y << 3));
    for (let x: usize = 0; x < N; x++) {
      const v = (load<f64>(lumaPtr + ((y * N + x) << 3)) - mean) * load<f64>(win + (x << 3)) * wy;
      const o = ((<usize>load<i32>(bitrev + (x << 2)) * N + y) << 3);
      store<f64>(reA + o, v);
      store<f64>(imA + o, 0.0);
    }
  }
  fftAlongRows(reA, imA, n, n, tw);
  for (let y: usize = 0; y < N; y++) {
    const o = (<usize>load<i32>(bitrev + (y << 2)) * cols) << 3;
    for (let k: usize = 0; k <= half; k++) {
      store<f64>(reB + o + (k << 3), load<f64>(reA + ((k * N + y) << 3)));
      store<f64>(imB + o + (k << 3), load<f64>(imA + ((k * N + y) << 3)));
    }
    store<f64>(reB + o + ((half + 1) << 3), 0.0);
    store<f64>(imB + o + ((half + 1) << 3), 0.0);
  }
  fftAlongRows(reB, imB, n, <i32>cols, tw);
  for (let v: usize = 0; v < N; v++) {
    for (let u: usize = 0; u <= half; u++) {
      const re = load<f64>(reB + ((v * cols + u) << 3)), im = load<f64>(imB + ((v * cols + u) << 3));
      store<f64>(power + ((v * N + u) << 3), re * re + im * im);
    }
  }
  for (let v: usize = 0; v < N; v++) {
    const mirror = ((N - v) % N) * N;
    for (let u = half + 1; u < N; u++) store<f64>(power + ((v * N + u) << 3), load<f64>(power + ((mirror + N - u) << 3)));
  }
}

/**
 * radialProfile's ring sums and counts (`sum`, `count`: n/2 + 1 f64 each, zeroed here) and
 * frequencyAnomaly's total and high-band power over the non-DC bins (`totals`: 2 f64), every sum
 * formed in the reference code's order, so the values are identical.
 */
export function spectrumSums(power: usize, n: i32, radius: usize, high: usize, sum: usize, count: usize, totals: usize): void {
  const N = <usize>n, half = <i32>(N >> 1), bins = N * N;
  memory.fill(sum, 0, ((half + 1) << 3));
  memory.fill(count, 0, ((half + 1) << 3));
  for (let i: usize = 0; i < bins; i++) {
    const r = load<i32>(radius + (i << 2));
    if (r > half) continue;
    const s = sum + (<usize>r << 3), c = count + (<usize>r << 3);
    store<f64>(s, load<f64>(s) + load<f64>(power + (i << 3)));
    store<f64>(c, load<f64>(c) + 1.0);
  }
  let total = 0.0, hi = 0.0;
  for (let i: usize = 1; i < bins; i++) {
    const p = load<f64>(power + (i << 3));
    total += p;
    if (load<u8>(high + i) == 1) hi += p;
  }
  store<f64>(totals, total);
  store<f64>(totals + 8, hi);
}

/** Mean and population variance of `count` f64 (as stats.mean and isFlat form them), to out[0], out[1]. */
export function meanVariance(src: usize, count: i32, out: usize): void {
  const C = <usize>count;
  let s = 0.0;
  for (let i: usize = 0; i < C; i++) s += load<f64>(src + (i << 3));
  const m = s / <f64>count;
  let v = 0.0;
  for (let i: usize = 0; i < C; i++) {
    const d = load<f64>(src + (i << 3)) - m;
    v += d * d;
  }
  store<f64>(out, m);
  store<f64>(out + 8, v / <f64>count);
}
