/**
 * Secondary Neural: the MobileNetV2 bundled in nsfwjs@4.4.0 (MIT, ImageNet-initialised), frozen,
 * with a linear head trained by tools/train/secondary/ on mean/std-pooled features of several
 * depths. It looks at the whole centred square at 224 px, i.e. at content and mid-level texture,
 * where primaryNeural looks at pixel-level up-sampling traces; the two are meant to cross-check.
 *
 * Preprocessing mirrors tools/train/secondary/preprocess.py exactly (parity test in
 * test/detectors/secondaryNeural.test.ts): centred square crop at native resolution (never a
 * stretched whole image), exact area-average resize to 224, /255, NCHW float32.
 */
import type { DecodedImage, Detector, DetectorOutput } from '../types.js';
import { floatTensor, loadSession } from './onnx.js';
import { wasmKernels, type AreaWeights } from './maths/wasm.js';

export const SECONDARY_MODEL_FILE = 'secondary.onnx';
export const SECONDARY_INPUT = 224;
/** Below this the crop would be blown up more than 3.5x: the network would judge the resampling, not the image. */
export const SECONDARY_MIN_SIDE = 64;

/** Per output index, the source indices it covers and their coverage weights (summing to 1). */
export function areaWeights(src: number, dst: number): AreaWeights {
  const scale = src / dst;
  const stride = Math.ceil(scale) + 2;
  const start = new Int32Array(dst);
  const len = new Int32Array(dst);
  const w = new Float64Array(dst * stride);
  for (let o = 0; o < dst; o++) {
    const lo = o * scale;
    const hi = (o + 1) * scale;
    let i = Math.floor(lo);
    start[o] = i;
    let n = 0;
    while (i < hi && i < src) {
      w[o * stride + n] = Math.min(hi, i + 1) - Math.max(lo, i);
      n++;
      i++;
    }
    len[o] = n;
    for (let k = 0; k < n; k++) w[o * stride + k] /= hi - lo;
  }
  return { start, len, w, stride };
}

/** Offsets and side of the centred square crop (floor of half the excess, as in preprocess.py). */
export function centreSquare(width: number, height: number): { x: number; y: number; side: number } {
  const side = Math.min(width, height);
  return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), side };
}

/**
 * RGB interleaved uint8 -> 1x3xSxS float32 in [0, 1]: centred square, area resize (rows, then columns),
 * /255. Pure, so it can be checked against Python on small arrays.
 */
export function secondaryInput(rgb: Uint8Array, width: number, height: number, size = SECONDARY_INPUT): Float32Array {
  const { x: x0, y: y0, side } = centreSquare(width, height);
  const aw = areaWeights(side, size);
  // The WebAssembly kernel gives the same values as the loop below, several times faster.
  const kernels = wasmKernels();
  if (kernels) return kernels.areaResize(rgb, width, x0, y0, side, size, aw);
  return areaResizeReference(rgb, width, x0, y0, side, size, aw);
}

/** secondaryInput's resize in plain TypeScript: the reference the WebAssembly kernel must equal. */
export function areaResizeReference(rgb: Uint8Array, width: number, x0: number, y0: number, side: number, size: number, aw: AreaWeights): Float32Array {
  // Output row o needs only the vertical sum for row o, so one row buffer (side×3, cache-resident)
  // replaces a size×side×3 intermediate; every sum is formed in the same order as before.
  const tmp = new Float64Array(side * 3);
  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  const len = side * 3;
  for (let o = 0; o < size; o++) {
    const base = o * aw.stride;
    // vertical pass over the crop's full width: tmp[x][c]. The first term is stored, not added to 0:
    // 0 + w·v is w·v exactly, since w·v ≥ 0.
    for (let k = 0; k < aw.len[o]; k++) {
      const wk = aw.w[base + k];
      const row = ((y0 + aw.start[o] + k) * width + x0) * 3;
      if (k === 0) for (let j = 0; j < len; j++) tmp[j] = wk * rgb[row + j];
      else for (let j = 0; j < len; j++) tmp[j] += wk * rgb[row + j];
    }
    for (let p = 0; p < size; p++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const pb = p * aw.stride;
      for (let k = 0; k < aw.len[p]; k++) {
        const wk = aw.w[pb + k];
        const t = (aw.start[p] + k) * 3;
        r += wk * tmp[t];
        g += wk * tmp[t + 1];
        b += wk * tmp[t + 2];
      }
      const at = o * size + p;
      out[at] = r / 255;
      out[plane + at] = g / 255;
      out[2 * plane + at] = b / 255;
    }
  }
  return out;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Runs the model on a prepared input; throws with the file name when the model cannot be used. */
export async function secondaryLogit(input: Float32Array, modelFile = SECONDARY_MODEL_FILE): Promise<number> {
  const session = await loadSession(modelFile);
  const feeds = { [session.inputNames[0]]: await floatTensor(input, [1, 3, SECONDARY_INPUT, SECONDARY_INPUT]) };
  let result;
  try {
    result = await session.run(feeds);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300);
    throw new Error(`model file models/${modelFile} failed to run (wrong inputs or corrupt graph): ${reason}`);
  }
  const data = result[session.outputNames[0]].data as Float32Array;
  if (data.length !== 1 || !Number.isFinite(data[0])) {
    throw new Error(`model file models/${modelFile} returned ${data.length} values (expected one finite logit)`);
  }
  return data[0];
}

export async function analyseSecondary(img: DecodedImage, modelFile = SECONDARY_MODEL_FILE): Promise<DetectorOutput> {
  const crop = centreSquare(img.width, img.height);
  if (crop.side < SECONDARY_MIN_SIDE) {
    return { score: null, interp: `The image is ${img.width}×${img.height}; the network needs at least ${SECONDARY_MIN_SIDE} px on the short side.` };
  }
  let logit: number;
  try {
    logit = await secondaryLogit(secondaryInput(img.data, img.width, img.height), modelFile);
  } catch (err) {
    return { score: null, interp: `Secondary network unavailable: ${err instanceof Error ? err.message : String(err)}` };
  }
  const score = 100 * sigmoid(logit);
  const lean = score >= 65 ? 'leans AI-generated' : score <= 35 ? 'leans real' : 'is undecided';
  return {
    score,
    interp: `On the centred ${crop.side} px square (resized to ${SECONDARY_INPUT} px) the network ${lean} (logit ${logit.toFixed(2)}). Weak on generators and sources it never saw; see models/secondary.md.`,
    evidence: { logit, crop, input: SECONDARY_INPUT },
  };
}

export const secondaryNeural: Detector = {
  key: 'secondaryNeural',
  name: 'Secondary Neural',
  model: 'MobileNetV2 (ImageNet features via nsfwjs, frozen) + linear head on mean/std-pooled features of 6 depths · centred square crop → 224 px',
  desc: 'A frozen MobileNetV2 looks at the centred square of the image; a head trained on xray\'s corpus turns its multi-depth features into an AI-likeness score.',
  analyse: (img) => analyseSecondary(img),
};
