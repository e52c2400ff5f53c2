// AssemblyScript, compiled to dist/detectors/maths/kernels.wasm by `npm run build` (see ../wasm.ts).
//
// The detectors' per-pixel loops with WebAssembly SIMD. Every kernel gives exactly the values of
// the TypeScript reference code it replaces (test/detectors/wasm.test.ts checks them bit for bit):
// medians only select values; sums are formed in the reference order (SIMD lanes run over
// independent sums, never across one); WebAssembly never fuses a multiply into an add.
// Pointers are byte offsets into this module's memory; the caller (wasm.ts) lays out the regions.

// ---- 3×3 median, edges replicated. Each column of three is sorted once; the median of nine is
// med3(max of the column minima, med3 of the column medians, min of the column maxima).

@inline function minU8(a: v128, b: v128): v128 { return i8x16.min_u(a, b); }
@inline function maxU8(a: v128, b: v128): v128 { return i8x16.max_u(a, b); }

/** Median of a w×h plane of u8 at `src` into `dst`. `scratch`: 3·(w + 32) bytes. */
export function medianU8(src: usize, dst: usize, w: i32, h: i32, scratch: usize): void {
  const stride = <usize>(w + 32);
  const lo = scratch, mid = scratch + stride, hi = scratch + 2 * stride;
  const W = <usize>w;
  for (let y = 0; y < h; y++) {
    const above: i32 = y > 0 ? y - 1 : 0, below: i32 = y < h - 1 ? y + 1 : h - 1;
    const r0 = src + <usize>above * W, r1 = src + <usize>y * W, r2 = src + <usize>below * W;
    // Column x is stored at offset 16 + x, so that x − 1 and x + 1 are plain unaligned loads.
    let x: usize = 0;
    for (; x + 16 <= W; x += 16) {
      const a = v128.load(r0 + x), b = v128.load(r1 + x), c = v128.load(r2 + x);
      const mn = minU8(a, b), mx = maxU8(a, b);
      v128.store(lo + 16 + x, minU8(mn, c));
      v128.store(hi + 16 + x, maxU8(mx, c));
      v128.store(mid + 16 + x, maxU8(mn, minU8(mx, c)));
    }
    for (; x < W; x++) {
      const a = load<u8>(r0 + x), b = load<u8>(r1 + x), c = load<u8>(r2 + x);
      const mn = min(a, b), mx = max(a, b);
      store<u8>(lo + 16 + x, min(mn, c));
      store<u8>(hi + 16 + x, max(mx, c));
      store<u8>(mid + 16 + x, max(mn, min(mx, c)));
    }
    store<u8>(lo + 15, load<u8>(lo + 16)); store<u8>(lo + 16 + W, load<u8>(lo + 15 + W));
    store<u8>(mid + 15, load<u8>(mid + 16)); store<u8>(mid + 16 + W, load<u8>(mid + 15 + W));
    store<u8>(hi + 15, load<u8>(hi + 16)); store<u8>(hi + 16 + W, load<u8>(hi + 15 + W));
    const out = dst + <usize>y * W;
    x = 0;
    for (; x + 16 <= W; x += 16) {
      const maxLo = maxU8(maxU8(v128.load(lo + 15 + x), v128.load(lo + 16 + x)), v128.load(lo + 17 + x));
      const minHi = minU8(minU8(v128.load(hi + 15 + x), v128.load(hi + 16 + x)), v128.load(hi + 17 + x));
      const mP = v128.load(mid + 15 + x), mC = v128.load(mid + 16 + x), mN = v128.load(mid + 17 + x);
      const medMid = maxU8(minU8(mP, mC), minU8(maxU8(mP, mC), mN));
      v128.store(out + x, maxU8(minU8(maxLo, medMid), minU8(maxU8(maxLo, medMid), minHi)));
    }
    for (; x < W; x++) {
      const maxLo = max(max(load<u8>(lo + 15 + x), load<u8>(lo + 16 + x)), load<u8>(lo + 17 + x));
      const minHi = min(min(load<u8>(hi + 15 + x), load<u8>(hi + 16 + x)), load<u8>(hi + 17 + x));
      const mP = load<u8>(mid + 15 + x), mC = load<u8>(mid + 16 + x), mN = load<u8>(mid + 17 + x);
      const medMid = max(min(mP, mC), min(max(mP, mC), mN));
      store<u8>(out + x, max(min(maxLo, medMid), min(max(maxLo, medMid), minHi)));
    }
  }
}

// f64x2.pmin/pmax are plain compare-and-select (minpd/maxpd); with no NaN among the values (luma
// is a weighted sum of bytes) they are exact min and max.
@inline function minF64(a: v128, b: v128): v128 { return f64x2.pmin(a, b); }
@inline function maxF64(a: v128, b: v128): v128 { return f64x2.pmax(a, b); }

/** Median of a w×h plane of f64 at `src` into `dst`. `scratch`: 3·(w + 2)·8 bytes. */
export function medianF64(src: usize, dst: usize, w: i32, h: i32, scratch: usize): void {
  const W = <usize>w;
  const stride = (W + 2) << 3;
  const lo = scratch, mid = scratch + stride, hi = scratch + 2 * stride;
  for (let y = 0; y < h; y++) {
    const above: i32 = y > 0 ? y - 1 : 0, below: i32 = y < h - 1 ? y + 1 : h - 1;
    const r0 = src + ((<usize>above * W) << 3), r1 = src + ((<usize>y * W) << 3), r2 = src + ((<usize>below * W) << 3);
    let x: usize = 0;
    for (; x + 2 <= W; x += 2) {
      const o = x << 3;
      const a = v128.load(r0 + o), b = v128.load(r1 + o), c = v128.load(r2 + o);
      const mn = minF64(a, b), mx = maxF64(a, b);
      v128.store(lo + 8 + o, minF64(mn, c));
      v128.store(hi + 8 + o, maxF64(mx, c));
      v128.store(mid + 8 + o, maxF64(mn, minF64(mx, c)));
    }
    for (; x < W; x++) {
      const o = x << 3;
      const a = load<f64>(r0 + o), b = load<f64>(r1 + o), c = load<f64>(r2 + o);
      const mn = min(a, b), mx = max(a, b);
      store<f64>(lo + 8 + o, min(mn, c));
      store<f64>(hi + 8 + o, max(mx, c));
      store<f64>(mid + 8 + o, max(mn, min(mx, c)));
    }
    const last = W << 3;
    store<f64>(lo, load<f64>(lo + 8)); store<f64>(lo + 8 + last, load<f64>(lo + last));
    store<f64>(mid, load<f64>(mid + 8)); store<f64>(mid + 8 + last, load<f64>(mid + last));
    store<f64>(hi, load<f64>(hi + 8)); store<f64>(hi + 8 + last, load<f64>(hi + last));
    const out = dst + ((<usize>y * W) << 3);
    x = 0;
    for (; x + 2 <= W; x += 2) {
      const o = x << 3;
      const maxLo = maxF64(maxF64(v128.load(lo + o), v128.load(lo + 8 + o)), v128.load(lo + 16 + o));
      const minHi = minF64(minF64(v128.load(hi + o), v128.load(hi + 8 + o)), v128.load(hi + 16 + o));
      const mP = v128.load(mid + o), mC = v128.load(mid + 8 + o), mN = v128.load(mid + 16 + o);
      const medMid = maxF64(minF64(mP, mC), minF64(maxF64(mP, mC), mN));
      v128.store(out + o, maxF64(minF64(maxLo, medMid), minF64(maxF64(maxLo, medMid), minHi)));
    }
    for (; x < W; x++) {
      const o = x << 3;
      const maxLo = max(max(load<f64>(lo + o), load<f64>(lo + 8 + o)), load<f64>(lo + 16 + o));
      const minHi = min(min(load<f64>(hi + o), load<f64>(hi + 8 + o)), load<f64>(hi + 16 + o));
      const mP = load<f64>(mid + o), mC = load<f64>(mid + 8 + o), mN = load<f64>(mid + 16 + o);
      const medMid = max(min(mP, mC), min(max(mP, mC), mN));
      store<f64>(out + o, max(min(maxLo, medMid), min(max(maxLo, medMid), minHi)));
    }
  }
}

// ---- Noise: luminance, its median residual, per-block sums.

/** Rec. 601 luminance (as lumaAt in image.ts) of `count` interleaved RGB pixels into f64. */
export function luma(rgb: usize, count: i32, out: usize): void {
  for (let i: usize = 0; i < <usize>count; i++) {
    const s = rgb + 3 * i;
    store<f64>(out + (i << 3), 0.299 * <f64>load<u8>(s) + 0.587 * <f64>load<u8>(s + 1) + 0.114 * <f64>load<u8>(s + 2));
  }
}

/**
 * For each b×b block of a w×h plane (blocks row-major), in blockStats' order: Σ luma, Σ r, Σ r²
 * with r = luma − median, written as three f64 per block to `out`; `residual` receives r.
 */
export function noiseBlockSums(lumaPtr: usize, medPtr: usize, residual: usize, w: i32, h: i32, b: i32, out: usize): void {
  const W = <usize>w, B = <usize>b;
  for (let i: usize = 0; i < <usize>(w * h); i++) {
    const o = i << 3;
    store<f64>(residual + o, load<f64>(lumaPtr + o) - load<f64>(medPtr + o));
  }
  const bx = W / B, by = <usize>h / B;
  for (let j: usize = 0; j < by; j++) {
    for (let i: usize = 0; i < bx; i++) {
      let sl = 0.0, sr = 0.0, srr = 0.0;
      for (let y = j * B; y < (j + 1) * B; y++) {
        for (let x = i * B; x < (i + 1) * B; x++) {
          const o = (y * W + x) << 3;
          const r = load<f64>(residual + o);
          sl += load<f64>(lumaPtr + o);
          sr += r;
          srr += r * r;
        }
      }
      const q = out + (j * bx + i) * 24;
      store<f64>(q, sl); store<f64>(q + 8, sr); store<f64>(q + 16, srr);
    }
  }
}

// ---- Colour: channel planes, their median residuals, per-block integer sums.

/** Interleaved RGB (`count` pixels) into three u8 planes at planes, planes + count, planes + 2·count. */
export function deinterleave(rgb: usize, count: i32, planes: usize): void {
  const n = <usize>count;
  for (let i: usize = 0; i < n; i++) {
    const s = rgb + 3 * i;
    store<u8>(planes + i, load<u8>(s));
    store<u8>(planes + n + i, load<u8>(s + 1));
    store<u8>(planes + 2 * n + i, load<u8>(s + 2));
  }
}

/**
 * For each b×b block of three w×h u8 planes and of their residuals (plane − median, medians at
 * `med`), the nine sums blockCorrelations forms: Σr, Σg, Σb, Σr², Σg², Σb², Σrg, Σrb, Σgb; 18 i32
 * per block (pixels, then residuals). Integers, so exact: the reference's f64 sums of the same
 * integers are exact too (|Σ| < 2^31 for b ≤ 64).
 */
export function colourBlockSums(planes: usize, med: usize, w: i32, h: i32, b: i32, out: usize): void {
  const W = <usize>w, B = <usize>b, n = W * <usize>h;
  const bx = W / B, by = <usize>h / B;
  for (let j: usize = 0; j < by; j++) {
    for (let i: usize = 0; i < bx; i++) {
      let sr = 0, sg = 0, sb = 0, srr = 0, sgg = 0, sbb = 0, srg = 0, srb = 0, sgb = 0;
      let tr = 0, tg = 0, tb = 0, trr = 0, tgg = 0, tbb = 0, trg = 0, trb = 0, tgb = 0;
      for (let y = j * B; y < (j + 1) * B; y++) {
        for (let x = i * B; x < (i + 1) * B; x++) {
          const k = y * W + x;
          const r = <i32>load<u8>(planes + k), g = <i32>load<u8>(planes + n + k), bl = <i32>load<u8>(planes + 2 * n + k);
          sr += r; sg += g; sb += bl;
          srr += r * r; sgg += g * g; sbb += bl * bl;
          srg += r * g; srb += r * bl; sgb += g * bl;
          const er = r - <i32>load<u8>(med + k), eg = g - <i32>load<u8>(med + n + k), eb = bl - <i32>load<u8>(med + 2 * n + k);
          tr += er; tg += eg; tb += eb;
          trr += er * er; tgg += eg * eg; tbb += eb * eb;
          trg += er * eg; trb += er * eb; tgb += eg * eb;
        }
      }
      const q = out + (j * bx + i) * 72;
      store<i32>(q, sr); store<i32>(q + 4, sg); store<i32>(q + 8, sb);
      store<i32>(q + 12, srr); store<i32>(q + 16, sgg); store<i32>(q + 20, sbb);
      store<i32>(q + 24, srg); store<i32>(q + 28, srb); store<i32>(q + 32, sgb);
      store<i32>(q + 36, tr); store<i32>(q + 40, tg); store<i32>(q + 44, tb);
      store<i32>(q + 48, trr); store<i32>(q + 52, tgg); store<i32>(q + 56, tbb);
      store<i32>(q + 60, trg); store<i32>(q + 64, trb); store<i32>(q + 68, tgb);
    }
  }
}

// ---- Secondary network input: exact area resize of a square u8 RGB crop, one output row a call.

/**
 * Output row `o` of the area resize (as secondaryInput in secondaryNeural.ts) of a side×side
 * interleaved RGB crop to size×size, /255, into three f32 planes at `out`. `rows`: the len[o]
 * crop rows that row o covers, contiguous. Weights as areaWeights gives them: `start`, `len` (i32
 * per output index) and `wts` (f64, `wstride` per output index). `tmp`: side·3 f64. The vertical
 * pass runs two neighbouring values per lane pair; each value's sum is formed in the reference
 * order, its first term stored rather than added to 0.
 */
export function areaResizeRow(rows: usize, side: i32, size: i32, o: i32, start: usize, len: usize, wts: usize, wstride: i32, tmp: usize, out: usize): void {
  const row = <usize>side * 3;
  const S = <usize>size, WS = <usize>wstride, O = <usize>o;
  const n = <usize>load<i32>(len + (O << 2));
  for (let k: usize = 0; k < n; k++) {
    const wk = load<f64>(wts + ((O * WS + k) << 3));
    const wv = f64x2.splat(wk);
    const r = rows + k * row;
    let j: usize = 0;
    if (k == 0) {
      for (; j + 4 <= row; j += 4) {
        const q = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(r + j)));
        v128.store(tmp + (j << 3), f64x2.mul(wv, f64x2.convert_low_i32x4_u(q)));
        v128.store(tmp + ((j + 2) << 3), f64x2.mul(wv, f64x2.convert_low_i32x4_u(i32x4.shuffle(q, q, 2, 3, 0, 1))));
      }
      for (; j < row; j++) store<f64>(tmp + (j << 3), wk * <f64>load<u8>(r + j));
    } else {
      for (; j + 4 <= row; j += 4) {
        const q = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(r + j)));
        const t0 = tmp + (j << 3), t1 = tmp + ((j + 2) << 3);
        v128.store(t0, f64x2.add(v128.load(t0), f64x2.mul(wv, f64x2.convert_low_i32x4_u(q))));
        v128.store(t1, f64x2.add(v128.load(t1), f64x2.mul(wv, f64x2.convert_low_i32x4_u(i32x4.shuffle(q, q, 2, 3, 0, 1)))));
      }
      for (; j < row; j++) store<f64>(tmp + (j << 3), load<f64>(tmp + (j << 3)) + wk * <f64>load<u8>(r + j));
    }
  }
  const plane = (S * S) << 2;
  for (let p: usize = 0; p < S; p++) {
    let rr = 0.0, gg = 0.0, bb = 0.0;
    const m = <usize>load<i32>(len + (p << 2));
    const s0 = <usize>load<i32>(start + (p << 2));
    for (let k: usize = 0; k < m; k++) {
      const wk = load<f64>(wts + ((p * WS + k) << 3));
      const t = tmp + (((s0 + k) * 3) << 3);
      rr += wk * load<f64>(t);
      gg += wk * load<f64>(t + 8);
      bb += wk * load<f64>(t + 16);
    }
    const at = out + ((O * S + p) << 2);
    store<f32>(at, <f32>(rr / 255));
    store<f32>(at + plane, <f32>(gg / 255));
    store<f32>(at + 2 * plane, <f32>(bb / 255));
  }
}

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
