// 3×3 medians (part of kernels.wasm; see kernels.ts).

// 3×3 median, edges replicated. Each column of three is sorted once; the median of nine is
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
