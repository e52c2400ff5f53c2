/**
 * Color Coherence: how tightly R, G and B move together, block by block, in the pixels and in
 * their noise residuals. A camera's colour filter array and demosaicing tie the channels' noise
 * in a particular way; generators are said to produce overly correlated channels. The corpus
 * shows this cue's direction flips between sources (BIASES.md), so its fitted score is weak.
 */
import type { DecodedImage, Detector, DetectorOutput } from '../types.js';
import { floorPow2, medianResidual, tileChannel, tileGrid, tilesAreGray, type Tile } from './maths/image.js';
import { wasmKernels } from './maths/wasm.js';
import { mean, std } from './maths/stats.js';
import { fittedOutput, type FeatureResult } from './fitted.js';

export const COLOR_TILE = 128;
export const COLOR_TILES_PER_SIDE = 4;
export const COLOR_BLOCK = 32;
export const MIN_SIDE = 32;
/** A channel flatter than this (std in 8-bit levels) has no correlation worth measuring. */
const MIN_CHANNEL_STD = 1;
const MIN_RESIDUAL_STD = 0.1;

export const COLOR_FEATURES = ['meanCorr', 'sdCorr', 'minPairCorr', 'meanResCorr', 'sdResCorr'] as const;

type Planes = readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];

/**
 * The nine sums of one b×b block at (x0, y0) of three size×size planes that the correlations need:
 * Σr, Σg, Σb, Σr², Σg², Σb², Σrg, Σrb, Σgb.
 */
export function blockSums(p: Planes, size: number, x0: number, y0: number, b: number): number[] {
  const [R, G, B] = p;
  let sr = 0, sg = 0, sb = 0, srr = 0, sgg = 0, sbb = 0, srg = 0, srb = 0, sgb = 0;
  for (let y = y0; y < y0 + b; y++) {
    for (let k = y * size + x0, end = k + b; k < end; k++) {
      const r = R[k], g = G[k], bl = B[k];
      sr += r; sg += g; sb += bl;
      srr += r * r; sgg += g * g; sbb += bl * bl;
      srg += r * g; srb += r * bl; sgb += g * bl;
    }
  }
  return [sr, sg, sb, srr, sgg, sbb, srg, srb, sgb];
}

/**
 * Mean and minimum of the three pairwise Pearson correlations of a block of n pixels from its nine
 * sums (at s[at..at+8], blockSums' order); null when a channel is too flat (std < minStd).
 */
export function correlationsFromSums(s: ArrayLike<number>, at: number, n: number, minStd: number): { mean: number; min: number } | null {
  const sr = s[at], sg = s[at + 1], sb = s[at + 2], srr = s[at + 3], sgg = s[at + 4], sbb = s[at + 5];
  const srg = s[at + 6], srb = s[at + 7], sgb = s[at + 8];
  const vr = srr - (sr * sr) / n, vg = sgg - (sg * sg) / n, vb = sbb - (sb * sb) / n;
  const floor = minStd * minStd * n;
  if (vr < floor || vg < floor || vb < floor) return null;
  const rg = (srg - (sr * sg) / n) / Math.sqrt(vr * vg);
  const rb = (srb - (sr * sb) / n) / Math.sqrt(vr * vb);
  const gb = (sgb - (sg * sb) / n) / Math.sqrt(vg * vb);
  return { mean: (rg + rb + gb) / 3, min: Math.min(rg, rb, gb) };
}

/** Mean and minimum pairwise correlation of one b×b block at (x0, y0) of three size×size planes. */
export function blockCorrelations(p: Planes, size: number, x0: number, y0: number, b: number, minStd: number): { mean: number; min: number } | null {
  return correlationsFromSums(blockSums(p, size, x0, y0, b), 0, b * b, minStd);
}

/** Per-block correlations over one tile's channel planes (pixels and residuals). */
export function tileColourBlocks(px: Planes, res: Planes, size: number, b: number) {
  const pix: { mean: number; min: number }[] = [];
  const resid: number[] = [];
  for (let y0 = 0; y0 + b <= size; y0 += b) {
    for (let x0 = 0; x0 + b <= size; x0 += b) {
      const p = blockCorrelations(px, size, x0, y0, b, MIN_CHANNEL_STD);
      if (p) pix.push(p);
      const q = blockCorrelations(res, size, x0, y0, b, MIN_RESIDUAL_STD);
      if (q) resid.push(q.mean);
    }
  }
  return { pix, resid };
}

export function colourFeatures(rgb: ArrayLike<number>, width: number, height: number): FeatureResult {
  const side = Math.min(width, height);
  if (side < MIN_SIDE) return { ok: false, reason: `the image is ${width}×${height}, too small for block correlations (needs ${MIN_SIDE} px a side)` };
  const size = Math.min(COLOR_TILE, floorPow2(side));
  const block = Math.min(COLOR_BLOCK, size);
  const tiles: Tile[] = tileGrid(width, height, size, COLOR_TILES_PER_SIDE);
  if (tilesAreGray(rgb, width, tiles)) return { ok: false, reason: 'the image is grayscale (R = G = B), so there is no colour to correlate' };
  const pix: { mean: number; min: number }[] = [];
  const resid: number[] = [];
  // Decoded images (8-bit) go through the WebAssembly kernels, which give the reference's values.
  const kernels = rgb instanceof Uint8Array ? wasmKernels() : null;
  for (const t of tiles) {
    if (kernels) {
      const sums = kernels.colourTile(rgb as Uint8Array, width, t, block);
      for (let at = 0; at < sums.length; at += 18) {
        const p = correlationsFromSums(sums, at, block * block, MIN_CHANNEL_STD);
        if (p) pix.push(p);
        const q = correlationsFromSums(sums, at + 9, block * block, MIN_RESIDUAL_STD);
        if (q) resid.push(q.mean);
      }
    } else {
      const px = [0, 1, 2].map((c) => tileChannel(rgb, width, t, c)) as unknown as Planes;
      const res = px.map((p) => medianResidual(p, size, size)) as unknown as Planes;
      const r = tileColourBlocks(px, res, size, block);
      pix.push(...r.pix);
      resid.push(...r.resid);
    }
  }
  if (pix.length === 0) return { ok: false, reason: 'no sampled block has enough colour variation to correlate' };
  const means = pix.map((p) => p.mean);
  // Residuals can all be zero (clean flat art); then "no residual correlation measurable" reads as 0.
  const features = [
    mean(means),
    std(means),
    mean(pix.map((p) => p.min)),
    resid.length > 0 ? mean(resid) : 0,
    resid.length > 1 ? std(resid) : 0,
  ];
  return { ok: true, features, names: [...COLOR_FEATURES], tiles: tiles.length, tileSize: size };
}

export const colorCoherence: Detector = {
  key: 'colorCoherence',
  name: 'Color Coherence',
  model: `Pearson correlation between R, G, B (pixels and 3×3-median residuals) over ${COLOR_BLOCK}×${COLOR_BLOCK} blocks of up to ${COLOR_TILES_PER_SIDE ** 2} ${COLOR_TILE}×${COLOR_TILE} tiles → logistic mapping fitted on source-held-out corpus crops (models/statistical.json)`,
  desc: 'Pearson correlation between the R, G and B channels: generators often produce overly correlated channels',
  analyse(img: DecodedImage): DetectorOutput {
    if (img.grayscale) return { score: null, interp: 'Not judged: the image is stored as grayscale, so there is no colour to correlate.' };
    return fittedOutput('colorCoherence', colourFeatures(img.data, img.width, img.height), {
      hi: 'the colour channels move together more like a generated image than a camera photo',
      lo: 'the colour channels move together more like a camera photo than a generated image',
    });
  },
};
