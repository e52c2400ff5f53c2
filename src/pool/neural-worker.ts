/**
 * Thread entry that runs the neural detectors for a one-file scan, next to the main thread that
 * decodes and runs the statistical ones (see neural.ts). Creating the two onnxruntime sessions
 * (blocking, ~0.2 s) starts as soon as the thread does, while the main thread is still loading
 * modules and decoding the file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analysePrimary, MODEL_FILE } from '../detectors/primaryNeural.js';
import { analyseSecondary, SECONDARY_MODEL_FILE } from '../detectors/secondaryNeural.js';
import { loadSession } from '../detectors/onnx.js';
import type { DecodedImage, DetectorOutput } from '../types.js';
import type { NeuralReply, NeuralRequest } from './neural.js';

const ANALYSERS: Record<string, { file: string; analyse: (img: DecodedImage) => Promise<DetectorOutput> }> = {
  primaryNeural: { file: MODEL_FILE, analyse: (img) => analysePrimary(img) },
  secondaryNeural: { file: SECONDARY_MODEL_FILE, analyse: (img) => analyseSecondary(img) },
};

// A failed load is cached by loadSession and reported by the detector itself on first use.
for (const key of (workerData as { keys: string[] }).keys) {
  const a = ANALYSERS[key];
  if (a) loadSession(a.file).catch(() => {});
}

parentPort!.on('message', async (req: NeuralRequest | 'quit') => {
  if (req === 'quit') {
    parentPort!.close(); // nothing else keeps this thread alive, so it ends
    return;
  }
  // Only the pixels and the size are read by the neural detectors.
  const img = { data: req.data, width: req.width, height: req.height } as DecodedImage;
  const outputs: NeuralReply['outputs'] = {};
  for (const key of req.keys) {
    try {
      const a = ANALYSERS[key];
      if (!a) throw new Error(`no neural detector ${key}`);
      outputs[key] = { ok: true, out: await a.analyse(img) };
    } catch (err) {
      outputs[key] = { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  }
  parentPort!.postMessage({ id: req.id, outputs } satisfies NeuralReply);
});
