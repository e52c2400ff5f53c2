/**
 * For a one-file scan (run on the main thread, see pool.ts), the neural detectors run on a helper
 * thread while the main thread decodes and runs the statistical detectors: on two free cores the
 * cold start pays max(neural, rest) instead of their sum. The helper creates its onnxruntime
 * sessions as soon as it starts. Results are the same as in-thread: the same code runs there.
 * If the helper cannot start or dies, the caller runs the detectors itself (runDetectors).
 */
import { Worker } from 'node:worker_threads';
import type { DecodedImage, DetectorOutput } from '../types.js';

export const NEURAL_KEYS = ['primaryNeural', 'secondaryNeural'];

export interface NeuralRequest { id: number; keys: string[]; data: Uint8Array; width: number; height: number }
export interface NeuralReply {
  id: number;
  outputs: Record<string, { ok: true; out: DetectorOutput } | { ok: false; message: string }>;
}

/** Runs some detectors elsewhere; each promise rejects when that place cannot (the caller then runs it locally). */
export interface Offload {
  readonly keys: readonly string[];
  run(keys: string[], image: DecodedImage): Map<string, Promise<DetectorOutput>>;
  close(): Promise<void>;
}

/** Starts the helper thread for the neural detectors among `selected` (empty = all); null when none is selected. */
export function startNeuralHelper(selected: string[]): Offload | null {
  const keys = NEURAL_KEYS.filter((k) => selected.length === 0 || selected.includes(k));
  if (keys.length === 0) return null;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./neural-worker.js', import.meta.url), { workerData: { keys } });
  } catch {
    return null;
  }
  let nextId = 0;
  let dead: Error | null = null;
  const waiting = new Map<number, { resolve: (r: NeuralReply) => void; reject: (e: Error) => void }>();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fail = (err: Error) => {
    dead ??= err;
    for (const w of waiting.values()) w.reject(dead);
    waiting.clear();
  };
  worker.on('message', (reply: NeuralReply) => {
    waiting.get(reply.id)?.resolve(reply);
    waiting.delete(reply.id);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`neural helper thread exited (${code})`)));

  return {
    keys,
    run(runKeys, image) {
      const reply = new Promise<NeuralReply>((resolve, reject) => {
        if (dead) return reject(dead);
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        // The pixels are copied, not transferred: the main thread's detectors read them meanwhile.
        worker.postMessage({ id, keys: runKeys, data: image.data, width: image.width, height: image.height } satisfies NeuralRequest);
      });
      return new Map(runKeys.map((k) => [k, reply.then((r) => {
        const o = r.outputs[k];
        if (!o) throw new Error(`neural helper returned nothing for ${k}`);
        if (!o.ok) throw new Error(o.message);
        return o.out;
      })]));
    },
    // Asks the thread to exit rather than terminating it: it may still be creating a session, and
    // terminating a thread inside onnxruntime aborts the process. Messages are only handled between
    // native calls, so the exit comes after the current one.
    async close() {
      dead ??= new Error('neural helper closed');
      worker.postMessage('quit');
      await exited;
    },
  };
}

let early: { helper: Offload | null } | null = null;

/**
 * Called by bin/xray.js before the program's modules load, when the command line looks like a
 * one-file scan: the helper's start-up and session creation then overlap that loading too.
 */
export function startNeuralHelperEarly(): void {
  early ??= { helper: startNeuralHelper([]) };
}

/**
 * The early helper if it suits `selected` (it runs every neural detector, so only for all
 * detectors); null otherwise. Either way it is claimed: later calls return null.
 */
export async function claimEarlyHelper(selected: string[]): Promise<Offload | null> {
  const helper = early?.helper ?? null;
  early = { helper: null };
  if (helper && selected.length === 0) return helper;
  await helper?.close();
  return null;
}

/** Closes an early helper nobody claimed (a scan of several files, --remote, another command). */
export async function releaseEarlyHelper(): Promise<void> {
  await claimEarlyHelper(['none']);
}
