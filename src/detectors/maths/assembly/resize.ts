// The secondary network's input resize (part of kernels.wasm; see kernels.ts).

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
