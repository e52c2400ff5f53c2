/**
 * Frequency Anomaly: how the luminance spectrum falls off and whether it carries periodic peaks.
 * Camera images have roughly power-law spectra with sensor noise filling the top band; generators
 * tend to produce smoother (steeper-falling) spectra, and up-sampling layers leave peaks at
 * fractions of the sampling rate. JPEG also removes high frequencies, which is why the score
 * mapping is fitted on JPEG-re-encoded crops of both classes (see tools/fit/).
 */
import type { DecodedImage, Detector, DetectorOutput } from '../types.js';
import { hann, powerSpectrum2d, radialProfile, radiusTable, ringMeans, signedFreq } from './maths/fft.js';
import { FLAT_VARIANCE, floorPow2, isFlat, tileGrid, tileLuma, tileLuma8 } from './maths/image.js';
import { mean, quantile, slope } from './maths/stats.js';
import { fittedOutput, type FeatureResult } from './fitted.js';
import { wasmKernels } from './maths/wasm.js';

export const FREQ_TILE = 128;
export const FREQ_TILES_PER_SIDE = 4;
export const MIN_SIDE = 32;

export const FREQUENCY_FEATURES = ['hfSlope', 'midSlope', 'hfRatio', 'flatness', 'peakMean', 'peakMax'] as const;

/** The windowed tile, reused from tile to tile (powerSpectrum2d does not keep it). */
let windowed = new Float64Array(0);

interface Spectrum { power: Float64Array; prof: Float64Array; total: number; high: number }

/** Spectrum of the mean-removed, Hann-windowed tile and its sums, by fft.js and plain loops (the reference). */
function tileSpectrum(luma: Float64Array, n: number): Spectrum {
  const m = mean(luma);
  const w = hann(n);
  const x = windowed.length === n * n ? windowed : (windowed = new Float64Array(n * n));
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) x[j * n + i] = (luma[j * n + i] - m) * w[i] * w[j];
  const power = powerSpectrum2d(x, n);
  // Same summation order as the kernel's.
  const isHigh = highBins(n);
  let total = 0, high = 0;
  for (let i = 1; i < n * n; i++) {
    const p = power[i];
    total += p;
    if (isHigh[i] === 1) high += p;
  }
  return { power, prof: radialProfile(power, n), total, high };
}

/** Features of one n×n luminance tile, in FREQUENCY_FEATURES order. */
export function tileSpectrumFeatures(luma: Float64Array, n: number): number[] {
  return spectrumFeatures(tileSpectrum(luma, n), n);
}

/** The features of one tile's spectrum, in FREQUENCY_FEATURES order. */
function spectrumFeatures({ power, prof, total, high }: Spectrum, n: number): number[] {
  const tiny = 1e-12;

  const fitBand = (lo: number, hi: number): number => {
    const lx: number[] = [], ly: number[] = [];
    for (let r = Math.max(1, Math.round(lo * n)); r <= Math.round(hi * n); r++) {
      lx.push(Math.log10(r / n));
      ly.push(Math.log10(prof[r] + tiny));
    }
    return slope(lx, ly);
  };
  const hfSlope = fitBand(1 / 8, 1 / 2);
  const midSlope = fitBand(1 / 32, 1 / 8);

  // Share of the (non-DC) energy above a quarter of the sampling rate, from the 2-D bins so the
  // corners (the very highest frequencies) count too.
  const hfRatio = Math.log10((high + tiny) / (total + tiny));

  // Spectral flatness (geometric / arithmetic mean) of the top band of the radial profile.
  let logSum = 0, linSum = 0, count = 0;
  for (let r = n / 4; r <= n / 2; r++) {
    logSum += Math.log(prof[r] + tiny);
    linSum += prof[r] + tiny;
    count++;
  }
  const flatness = Math.exp(logSum / count) / (linSum / count);

  const peaks = periodicPeaks(power, n);
  return [hfSlope, midSlope, hfRatio, flatness, mean(peaks), Math.max(...peaks)];
}

const highMasks = new Map<number, Uint8Array>();

/** 1 for the bins of an n×n unshifted spectrum above a quarter of the sampling rate, cached per n. */
function highBins(n: number): Uint8Array {
  let m = highMasks.get(n);
  if (!m) {
    m = new Uint8Array(n * n);
    for (let v = 0; v < n; v++) {
      const fv = signedFreq(v, n);
      for (let u = 0; u < n; u++) {
        const fu = signedFreq(u, n);
        if (fu * fu + fv * fv > (n / 4) * (n / 4)) m[v * n + u] = 1;
      }
    }
    highMasks.set(n, m);
  }
  return m;
}

/**
 * log10(power at k·n/4 / median of the surrounding ring) for the 15 non-DC points of the
 * quarter-rate grid: where 2× and 4× up-sampling (and 8-px block grids at n/8 multiples of n/4)
 * put their replicas.
 */
export function periodicPeaks(power: Float64Array, n: number): number[] {
  const out: number[] = [];
  const ring: number[] = [];
  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 4; b++) {
      if (a === 0 && b === 0) continue;
      const cu = (a * n) / 4, cv = (b * n) / 4;
      ring.length = 0;
      for (let dv = -3; dv <= 3; dv++) {
        for (let du = -3; du <= 3; du++) {
          if (Math.max(Math.abs(du), Math.abs(dv)) < 2) continue; // skip the window's main lobe
          const u = (cu + du + n) % n, v = (cv + dv + n) % n;
          ring.push(power[v * n + u]);
        }
      }
      const ref = quantile(ring, 0.5);
      out.push(Math.log10((power[cv * n + cu] + 1e-12) / (ref + 1e-12)));
    }
  }
  return out;
}

/** Tile-averaged spectral features of an RGB image, or why there are none. */
export function frequencyFeatures(rgb: ArrayLike<number>, width: number, height: number): FeatureResult {
  const side = Math.min(width, height);
  if (side < MIN_SIDE) return { ok: false, reason: `the image is ${width}×${height}, too small for a spectrum (needs ${MIN_SIDE} px a side)` };
  const size = Math.min(FREQ_TILE, floorPow2(side));
  const rows: number[][] = [];
  // WebAssembly for decoded pixels (features within 1e-14 of the reference on the fixtures;
  // test/detectors/wasm.test.ts), else the reference.
  const kernels = rgb instanceof Uint8Array ? wasmKernels() : null;
  const buffer = kernels ? null : new Float64Array(size * size);
  for (const t of tileGrid(width, height, size, FREQ_TILES_PER_SIDE)) {
    if (kernels) {
      const s = kernels.spectrumTile(rgb as Uint8Array, width, t, FLAT_VARIANCE, hann(size), radiusTable(size), highBins(size));
      if (s) rows.push(spectrumFeatures({ power: s.power, prof: ringMeans(s.ringSum, s.ringCount), total: s.total, high: s.high }, size));
      continue;
    }
    const luma = rgb instanceof Uint8Array ? tileLuma8(rgb, width, t, buffer!) : tileLuma(rgb, width, t);
    if (isFlat(luma)) continue; // a flat tile's spectrum is only quantisation
    rows.push(tileSpectrumFeatures(luma, size));
  }
  if (rows.length === 0) return { ok: false, reason: 'every sampled tile is flat (no texture), so there is no spectrum to judge' };
  const features = FREQUENCY_FEATURES.map((_, k) => mean(rows.map((r) => r[k])));
  return { ok: true, features, names: [...FREQUENCY_FEATURES], tiles: rows.length, tileSize: size };
}

export const frequencyAnomaly: Detector = {
  key: 'frequencyAnomaly',
  name: 'Frequency Anomaly',
  model: `2-D FFT (fft.js) of up to ${FREQ_TILES_PER_SIDE ** 2} Hann-windowed ${FREQ_TILE}×${FREQ_TILE} luminance tiles; ${FREQUENCY_FEATURES.length} spectral features → logistic mapping fitted on source-held-out corpus crops (models/statistical.json)`,
  desc: 'Spatial-frequency analysis: generated images tend to have smoother spectra and periodic peaks from up-sampling (JPEG compression can mimic this)',
  analyse(img: DecodedImage): DetectorOutput {
    return fittedOutput('frequencyAnomaly', frequencyFeatures(img.data, img.width, img.height), {
      hi: 'the spectrum falls off more like a generated image than a camera photo',
      lo: 'the spectrum falls off more like a camera photo than a generated image',
    });
  },
};
