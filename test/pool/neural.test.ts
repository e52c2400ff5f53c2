/**
 * The one-file scan's neural helper: runDetectors uses what the helper returns, runs a detector
 * itself when the helper cannot, and keeps registry order. The real helper thread is tested
 * through dist/ (a worker thread cannot load the .ts sources); that part skips when dist/ is not built.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../../src/analyse.ts';
import type { Offload } from '../../src/pool/neural.ts';
import type { DecodedImage, Detector, DetectorOutput } from '../../src/types.ts';

const image = (w: number, h: number, data = new Uint8Array(w * h * 3)): DecodedImage =>
  ({ data, width: w, height: h, grayscale: false, format: 'image/png', fileSize: 0, filename: 'x.png', bytes: new Uint8Array(0) });

const det = (key: string, score: number, calls: string[]): Detector => ({
  key, name: key, model: 'm', desc: 'd',
  analyse: () => { calls.push(key); return { score, interp: `local ${key}` }; },
});

function fakeOffload(keys: string[], answer: (key: string) => Promise<DetectorOutput>): Offload {
  return { keys, run: (runKeys) => new Map(runKeys.map((k) => [k, answer(k)])), close: async () => {} };
}

describe('runDetectors with an offload', () => {
  it('takes offloaded outputs, runs the rest here, keeps registry order', async () => {
    const calls: string[] = [];
    const dets = [det('a', 10, calls), det('b', 20, calls), det('c', 30, calls)];
    const off = fakeOffload(['b'], async () => ({ score: 77, interp: 'remote b' }));
    const signals = await runDetectors(dets, image(4, 4), off);
    expect(signals.map((s) => [s.key, s.score, s.interp])).toEqual([['a', 10, 'local a'], ['b', 77, 'remote b'], ['c', 30, 'local c']]);
    expect(calls).toEqual(['a', 'c']);
  });

  it('runs a detector here when the helper fails', async () => {
    const calls: string[] = [];
    const dets = [det('a', 10, calls), det('b', 20, calls)];
    const off = fakeOffload(['a', 'b'], async (k) => { if (k === 'a') throw new Error('helper died'); return { score: 5, interp: 'remote b' }; });
    const signals = await runDetectors(dets, image(4, 4), off);
    expect(signals.map((s) => [s.key, s.score])).toEqual([['a', 10], ['b', 5]]);
    expect(calls).toEqual(['a']);
  });
});

const DIST_NEURAL = fileURLToPath(new URL('../../dist/pool/neural.js', import.meta.url));

describe.skipIf(!existsSync(DIST_NEURAL))('the helper thread (dist/)', () => {
  it('gives the same outputs as running the detectors in this thread', async () => {
    const { startNeuralHelper } = await import(DIST_NEURAL);
    const { analysePrimary } = await import('../../dist/detectors/primaryNeural.js');
    const { analyseSecondary } = await import('../../dist/detectors/secondaryNeural.js');
    let s = 9;
    const data = Uint8Array.from({ length: 160 * 120 * 3 }, (_, i) => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24) ^ (i % 97));
    const img = image(160, 120, data);
    const helper: Offload = startNeuralHelper([]);
    try {
      const out = helper.run(['primaryNeural', 'secondaryNeural'], img);
      expect(await out.get('primaryNeural')).toEqual(await analysePrimary(img));
      expect(await out.get('secondaryNeural')).toEqual(await analyseSecondary(img));
    } finally {
      await helper.close();
    }
    // Closed: later requests reject, so the caller falls back to running them itself.
    await expect(helper.run(['primaryNeural'], img).get('primaryNeural')).rejects.toThrow();
  }, 30_000);
});
