// Per-block sums for noiseDistribution and colorCoherence (part of kernels.wasm; see kernels.ts).

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
