/**
 * One onnxruntime session per model file per thread. Module state is per worker thread, so the
 * Map below gives each piscina worker its own session; intraOpNumThreads 1 because the pool already
 * runs one worker per core and session.run() blocks its thread.
 */
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type * as Ort from 'onnxruntime-node';

export type InferenceSession = Ort.InferenceSession;

let runtime: Promise<typeof Ort> | undefined;

/**
 * onnxruntime-node, loaded on first use: a one-file scan runs the networks on a helper thread, and
 * the main thread, which only decodes and runs the statistics there, should not pay for loading it.
 */
export function onnxRuntime(): Promise<typeof Ort> {
  return (runtime ??= import('onnxruntime-node'));
}

/** A float32 tensor (the only kind the networks take). */
export async function floatTensor(data: Float32Array, dims: number[]): Promise<Ort.Tensor> {
  const { Tensor } = await onnxRuntime();
  return new Tensor('float32', data, dims);
}

/** <package root>/models/ from src/detectors/ and dist/detectors/ alike. A file: URL given as modelFile is used as is (tests). */
const MODELS_DIR = new URL('../../models/', import.meta.url);

const sessions = new Map<string, Promise<InferenceSession>>();

export function modelFilePath(modelFile: string): string {
  return fileURLToPath(new URL(modelFile, MODELS_DIR));
}

/**
 * Loads (once) and returns the session for models/<modelFile>. Throws an Error naming the file and
 * why it cannot be used. A failure is cached as well: the file will not appear mid-run, and retrying
 * a corrupt model for every image would only repeat the same error slowly.
 */
export function loadSession(modelFile: string): Promise<InferenceSession> {
  let s = sessions.get(modelFile);
  if (!s) {
    s = create(modelFile);
    sessions.set(modelFile, s);
  }
  return s;
}

async function create(modelFile: string): Promise<InferenceSession> {
  const path = modelFilePath(modelFile);
  try {
    await access(path);
  } catch {
    throw new Error(`model file ${path} is missing; retrain with tools/train/train_all.sh or reinstall xray`);
  }
  const ort = await onnxRuntime();
  try {
    return await ort.InferenceSession.create(path, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300);
    throw new Error(`model file ${path} cannot be loaded (corrupt or incompatible ONNX): ${reason}`);
  }
}

/** For tests: forget cached sessions so a test can point at a different file. */
export function clearSessions(): void {
  sessions.clear();
}
