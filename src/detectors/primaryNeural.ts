/**
 * primaryNeural: the NPR-style network trained in tools/train/primary (model card: models/primary.md).
 * Crops and input scaling mirror tools/train/primary/crops.py exactly; the parity test holds them together.
 */
import type { DecodedImage, Detector, DetectorOutput } from '../types.js';
import { floatTensor, loadSession } from './onnx.js';

export const MODEL_FILE = 'primary.onnx';
export const CROP = 64;
export const GRID = 4;

/** Top-left corners of the GRID×GRID crops, row-major; empty when the image is smaller than one crop. */
export function gridOrigins(width: number, height: number, crop = CROP, grid = GRID): Array<[number, number]> {
  if (width < crop || height < crop) return [];
  const xs = Array.from({ length: grid }, (_, i) => Math.floor((i * (width - crop)) / (grid - 1)));
  const ys = Array.from({ length: grid }, (_, j) => Math.floor((j * (height - crop)) / (grid - 1)));
  const out: Array<[number, number]> = [];
  for (const y of ys) for (const x of xs) out.push([x, y]);
  return out;
}

/** RGB interleaved uint8 → float32 NCHW in [0,1], one plane per channel per crop (the network's only preprocessing). */
export function cropTensor(data: Uint8Array, width: number, origins: Array<[number, number]>, crop = CROP): Float32Array {
  const plane = crop * crop;
  const out = new Float32Array(origins.length * 3 * plane);
  origins.forEach(([x0, y0], n) => {
    const base = n * 3 * plane;
    for (let y = 0; y < crop; y++) {
      let src = ((y0 + y) * width + x0) * 3;
      const row = y * crop;
      for (let x = 0; x < crop; x++, src += 3) {
        out[base + row + x] = data[src] / 255;
        out[base + plane + row + x] = data[src + 1] / 255;
        out[base + 2 * plane + row + x] = data[src + 2] / 255;
      }
    }
  });
  return out;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Per-crop logits of the network for an image; null when the image is smaller than one crop. */
export async function cropLogits(img: DecodedImage, modelFile = MODEL_FILE): Promise<Float32Array | null> {
  const origins = gridOrigins(img.width, img.height);
  if (origins.length === 0) return null;
  const session = await loadSession(modelFile);
  const input = await floatTensor(cropTensor(img.data, img.width, origins), [origins.length, 3, CROP, CROP]);
  const result = await session.run({ [session.inputNames[0]]: input });
  return result[session.outputNames[0]].data as Float32Array;
}

function interpret(score: number): string {
  if (score >= 80) return 'strong up-sampling traces of the kind generator decoders leave';
  if (score >= 60) return 'some up-sampling traces of the kind generator decoders leave';
  if (score > 40) return 'no clear up-sampling traces either way';
  if (score > 20) return 'pixel correlations look more like a camera or ordinary editing';
  return 'pixel correlations look like a camera or ordinary editing';
}

export async function analysePrimary(img: DecodedImage, modelFile = MODEL_FILE): Promise<DetectorOutput> {
  if (img.width < CROP || img.height < CROP) {
    return { score: null, interp: `image is ${img.width}×${img.height}, smaller than the network's ${CROP} px crop: not judged` };
  }
  let logits: Float32Array | null;
  try {
    logits = await cropLogits(img, modelFile);
  } catch (err) {
    return { score: null, interp: `network not run: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!logits || logits.length === 0) return { score: null, interp: 'network returned no output' };
  let sum = 0;
  for (const v of logits) sum += v;
  const meanLogit = sum / logits.length;
  const score = 100 * sigmoid(meanLogit);
  const agree = Array.from(logits).filter((v) => (v > 0) === (meanLogit > 0)).length;
  return {
    score,
    interp: `${interpret(score)} (${agree} of ${logits.length} crops agree)`,
    evidence: { meanLogit, crops: logits.length, cropLogits: Array.from(logits, (v) => Math.round(v * 1000) / 1000) },
  };
}

export const primaryNeural: Detector = {
  key: 'primaryNeural',
  name: 'Primary Neural',
  model: `NPR residual CNN · 0.36 M params · ${GRID * GRID} × ${CROP} px crops`,
  desc:
    'A small network trained by this project on how neighbouring pixels in 2×2 blocks relate (x − nearest-up(down(x))), ' +
    'the trace up-sampling decoders leave. Scores fixed crops at native resolution and averages them. ' +
    'Trained on a small corpus; on sources it never saw it is a weak signal (see models/primary.md).',
  analyse: (img) => analysePrimary(img),
};
