/**
 * Noise Distribution: how the pixel noise is spread over the picture. A camera's noise is
 * signal-dependent (shot noise grows with brightness) and present everywhere; generated images
 * tend to have noise that is uneven in other ways (very clean patches, texture-tied residue) and
 * unrelated to brightness. The residual is luminance minus its 3×3 median; statistics are over
 * 16×16 blocks of a bounded, deterministic set of tiles.
 */
import type { DecodedImage, Detector, DetectorOutput } from '../types.js';
import { FLAT_VARIANCE, floorPow2, isFlat, medianResidual, tileGrid, tileLuma } from './maths/image.js';
import { wasmKernels } from './maths/wasm.js';
import { mean, pearson, quantile, slope, std } from './maths/stats.js';
import { fittedOutput, type FeatureResult } from './fitted.js';

export const NOISE_TILE = 128;
export const NOISE_TILES_PER_SIDE = 4;
export const BLOCK = 16;
export const MIN_SIDE = 32;
/** Residual variance (8-bit levels²) below which a block counts as noiseless. */
const CLEAN_VARIANCE = 0.25;

export const NOISE_FEATURES = ['logNoise', 'cv', 'spread', 'brightCorr', 'brightSlope', 'cleanFrac'] as const;

export interface BlockStats {
  /** Mean luminance of each block. */
  brightness: Float64Array;
  /** Variance of the residual in each block. */
  noiseVar: Float64Array;
}

/** Σ luma, Σ residual, Σ residual² of each non-overlapping b×b block of a w×h plane (blocks row-major). */
export function blockSums(luma: ArrayLike<number>, residual: ArrayLike<number>, w: number, h: number, b: number): Float64Array {
  const bx = Math.floor(w / b), by = Math.floor(h / b);
  const sums = new Float64Array(3 * bx * by);
  for (let j = 0; j < by; j++) {
    for (let i = 0; i < bx; i++) {
      let sl = 0, sr = 0, srr = 0;
      for (let y = j * b; y < (j + 1) * b; y++) {
        for (let x = i * b; x < (i + 1) * b; x++) {
          const k = y * w + x;
          sl += luma[k];
          sr += residual[k];
          srr += residual[k] * residual[k];
        }
      }
      const at = 3 * (j * bx + i);
      sums[at] = sl;
      sums[at + 1] = sr;
      sums[at + 2] = srr;
    }
  }
  return sums;
}

/** Per-block mean brightness and residual variance from blockSums' sums over b×b blocks. */
export function statsFromSums(sums: ArrayLike<number>, b: number): BlockStats {
  const blocks = sums.length / 3, n = b * b;
  const brightness = new Float64Array(blocks), noiseVar = new Float64Array(blocks);
  for (let k = 0; k < blocks; k++) {
    const sl = sums[3 * k], sr = sums[3 * k + 1], srr = sums[3 * k + 2];
    brightness[k] = sl / n;
    noiseVar[k] = Math.max(0, srr / n - (sr / n) ** 2);
  }
  return { brightness, noiseVar };
}

/** Per-block mean of `luma` and variance of `residual` over non-overlapping b×b blocks of a w×h plane. */
export function blockStats(luma: ArrayLike<number>, residual: ArrayLike<number>, w: number, h: number, b: number): BlockStats {
  return statsFromSums(blockSums(luma, residual, w, h, b), b);
}

/** Features from pooled block statistics, in NOISE_FEATURES order. */
export function noiseFeaturesFromBlocks(s: BlockStats): number[] {
  const v = s.noiseVar;
  const logVar = Array.from(v, (x) => Math.log10(x + 0.01));
  const mv = mean(v);
  const cv = mv > 0 ? std(v) / mv : 0;
  const spread = Math.log10((quantile(v, 0.9) + 0.01) / (quantile(v, 0.1) + 0.01));
  const bright = Array.from(s.brightness, (x) => x / 255);
  // Correlation is undefined when every block has one brightness or one noise level: no measurable relation, 0.
  const corr = pearson(bright, logVar);
  const sl = slope(bright, logVar);
  let clean = 0;
  for (const x of v) if (x < CLEAN_VARIANCE) clean++;
  return [
    Math.log10(quantile(v, 0.5) + 0.01),
    cv,
    spread,
    Number.isFinite(corr) ? corr : 0,
    Number.isFinite(sl) ? sl : 0,
    clean / v.length,
  ];
}

export function noiseFeatures(rgb: ArrayLike<number>, width: number, height: number): FeatureResult {
  const side = Math.min(width, height);
  if (side < MIN_SIDE) return { ok: false, reason: `the image is ${width}×${height}, too small for block statistics (needs ${MIN_SIDE} px a side)` };
  const size = Math.min(NOISE_TILE, floorPow2(side));
  const tiles = tileGrid(width, height, size, NOISE_TILES_PER_SIDE);
  const brightness: number[] = [], noiseVar: number[] = [];
  let textured = 0;
  // Decoded images (8-bit) go through the WebAssembly kernels, which give the reference's values.
  const kernels = rgb instanceof Uint8Array ? wasmKernels() : null;
  for (const t of tiles) {
    let s: BlockStats, flat: boolean;
    if (kernels) {
      const k = kernels.noiseTile(rgb as Uint8Array, width, t, BLOCK);
      flat = k.variance < FLAT_VARIANCE;
      s = statsFromSums(k.sums, BLOCK);
    } else {
      const luma = tileLuma(rgb, width, t);
      flat = isFlat(luma);
      s = blockStats(luma, medianResidual(luma, size, size), size, size, BLOCK);
    }
    if (!flat) textured++;
    brightness.push(...s.brightness);
    noiseVar.push(...s.noiseVar);
  }
  // Only an image with no texture anywhere is refused; the fitted features still use every tile.
  if (textured === 0) return { ok: false, reason: 'every sampled tile is flat (no texture), so there is no noise to judge' };
  const features = noiseFeaturesFromBlocks({ brightness: Float64Array.from(brightness), noiseVar: Float64Array.from(noiseVar) });
  return { ok: true, features, names: [...NOISE_FEATURES], tiles: tiles.length, tileSize: size };
}

export const noiseDistribution: Detector = {
  key: 'noiseDistribution',
  name: 'Noise Distribution',
  model: `luminance minus 3×3 median on up to ${NOISE_TILES_PER_SIDE ** 2} ${NOISE_TILE}×${NOISE_TILE} tiles; residual variance over ${BLOCK}×${BLOCK} blocks (level, unevenness, dependence on brightness) → logistic mapping fitted on source-held-out corpus crops (models/statistical.json)`,
  desc: 'Spatial unevenness of pixel noise, block-wise variance over 16×16 px blocks: camera noise depends on the scene',
  analyse(img: DecodedImage): DetectorOutput {
    return fittedOutput('noiseDistribution', noiseFeatures(img.data, img.width, img.height), {
      hi: 'the noise residual is spread over the picture more like a generated image than a camera photo',
      lo: 'the noise residual is spread over the picture more like a camera photo than a generated image',
    });
  },
};
