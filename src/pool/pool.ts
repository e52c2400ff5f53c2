/**
 * Where analysis runs: a piscina worker pool, or the main thread for a single file (a worker's
 * start-up would double the cold-start time of `xray scan one.jpg`). Callers see one interface.
 * Cancelling is done by not dispatching: a worker is never terminated mid-task, because
 * terminating one inside onnxruntime's session.run() aborts the whole process.
 */
import { availableParallelism } from 'node:os';
import type { Offload } from './neural.js';
import type { Outcome, Task } from './worker.js';

export interface Analyser {
  readonly workers: number;
  analyse(task: Task): Promise<Outcome>;
  /** Waits for in-flight tasks, then releases the threads. */
  close(): Promise<void>;
}

export const defaultConcurrency = () => Math.max(1, availableParallelism());

export async function createPool(workers: number): Promise<Analyser> {
  const { Piscina } = await import('piscina'); // a one-file scan never needs it
  const pool = new Piscina({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    // The queue is bounded by the dispatcher (scan), which keeps only a few tasks per worker in flight.
  });
  return {
    workers,
    async analyse(task) {
      const transferList = task.bytes ? [task.bytes.buffer as ArrayBuffer] : undefined;
      try {
        return (await pool.run(task, { transferList })) as Outcome;
      } catch (err) {
        const detail = `internal error: worker failed: ${(err as Error).message}`;
        return { result: { path: task.displayPath, error: { status: 500, detail } }, cached: false };
      }
    },
    close: () => pool.close(),
  };
}

/**
 * `neuralHelper`: the detector keys of a one-file scan (empty = all). The neural ones among them then
 * run on a helper thread (neural.ts) while this thread decodes and runs the rest.
 */
export async function createInProcess(neuralHelper?: string[]): Promise<Analyser> {
  // Started before the imports below so that its start-up overlaps them.
  let helper: Offload | null = null;
  if (neuralHelper) {
    const neural = await import('./neural.js');
    helper = (await neural.claimEarlyHelper(neuralHelper)) ?? neural.startNeuralHelper(neuralHelper);
  }
  const { runTask } = await import('./worker.js');
  return { workers: 0, analyse: (task) => runTask(task, helper), close: async () => { await helper?.close(); } };
}
