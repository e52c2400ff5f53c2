/**
 * A real `xray serve` (the same createApiServer the CLI runs) on 127.0.0.1, port 0, with a SQLite
 * keys store in a temp folder and the real analysis pipeline on the main thread (vitest cannot
 * load the TypeScript worker; the pool seam is the same Analyser interface).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { AnalyseOptions } from '../../src/analyse.ts';
import { createInProcess } from '../../src/pool/pool.ts';
import { createApiServer } from '../../src/serve/server.ts';
import { KeyStore } from '../../src/serve/store.ts';
import { noise } from '../helpers/hostile.ts';

export interface Harness {
  url: string;
  store: KeyStore;
  dir: string;
  /** Request lines the server logged (method, path, status), in order. */
  log: string[];
  analyse: AnalyseOptions;
  close(): Promise<void>;
}

export async function startServe(opts: { maxBytes?: number } = {}): Promise<Harness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'xray-serve-'));
  const store = new KeyStore(path.join(dir, 'keys.db'));
  const analyser = await createInProcess();
  const log: string[] = [];
  const analyse: AnalyseOptions = { limits: { maxBytes: opts.maxBytes ?? 20 * 1024 * 1024, maxPixels: 100_000_000 }, threshold: 50, detectors: [] };
  const server = createApiServer({ store, analyser, analyse, log: (line) => log.push(line) });
  const url = await listen(server);
  return {
    url, store, dir, log, analyse,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await analyser.close();
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A small PNG of seeded noise: different seeds give different images (and different scores). */
export async function noisePng(seed: number, width = 96, height = 64): Promise<Buffer> {
  return sharp(noise(width, height, 3, seed), { raw: { width, height, channels: 3 } }).png().toBuffer();
}

export function upload(url: string, key: string | null, bytes: Uint8Array, field = 'image', filename = 'a.png'): Promise<Response> {
  const form = new FormData();
  form.append(field, new Blob([bytes as Uint8Array<ArrayBuffer>]), filename);
  return fetch(`${url}/analyze`, { method: 'POST', headers: key ? { authorization: `Bearer ${key}` } : {}, body: form });
}
