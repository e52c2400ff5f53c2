/**
 * Result cache (--cache): a CI re-run skips files it has already judged. Keyed by the file's
 * SHA-256 and a fingerprint of everything that shapes a result (xray's version, the detectors
 * asked for, the bytes of every model file and of the compiled code), so new models or detectors
 * never serve stale verdicts.
 * Only successful analyses are stored; the verdict is re-derived from the composite at read time,
 * so a different --threshold still applies.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelPath } from '../models.js';
import type { AnalysisResult } from '../types.js';
import { VERSION } from '../version.js';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'xray');
}

let inputsDigest: Promise<string> | null = null;

/**
 * Hash of every model file and of xray's own compiled code, once per thread: a retrained model or a
 * changed detector must never be answered from results of the old one, even at the same version.
 */
function digestInputs(): Promise<string> {
  inputsDigest ??= (async () => {
    const hash = createHash('sha256');
    const codeDir = fileURLToPath(new URL('../', import.meta.url));
    for (const dir of [modelPath(''), codeDir]) {
      const names = (await readdir(dir, { recursive: true }).catch(() => [] as string[]))
        .filter((n) => !n.endsWith('.map')).sort();
      for (const name of names) {
        const bytes = await readFile(path.join(dir, name)).catch(() => null); // folders fail: skipped
        if (bytes) hash.update(name).update('\0').update(bytes);
      }
    }
    return hash.digest('hex');
  })();
  return inputsDigest;
}

export async function configFingerprint(detectors: string[]): Promise<string> {
  const hash = createHash('sha256');
  hash.update(VERSION).update('\0').update([...detectors].sort().join(',')).update('\0').update(await digestInputs());
  return hash.digest('hex').slice(0, 16);
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

type Stored = Omit<AnalysisResult, 'path' | 'usage' | 'is_ai' | 'verdict'>;

function entryPath(dir: string, fileHash: string, fingerprint: string) {
  return path.join(dir, 'results', fileHash.slice(0, 2), `${fileHash}.${fingerprint}.json`);
}

export async function readCached(
  dir: string, fileHash: string, fingerprint: string, displayPath: string, filename: string, threshold: number,
): Promise<AnalysisResult | null> {
  let stored: Stored;
  try {
    stored = JSON.parse(await readFile(entryPath(dir, fileHash, fingerprint), 'utf8')) as Stored;
  } catch {
    return null; // absent or damaged: analyse again
  }
  if (typeof stored.composite !== 'number' || !Array.isArray(stored.signals)) return null;
  const is_ai = stored.composite >= threshold;
  return {
    path: displayPath,
    verdict: is_ai ? 'AI Generated' : 'Real Photo',
    is_ai,
    confidence: stored.confidence,
    composite: stored.composite,
    signals: stored.signals,
    meta: { ...stored.meta, filename },
    usage: null,
  };
}

export async function writeCached(dir: string, fileHash: string, fingerprint: string, result: AnalysisResult): Promise<void> {
  const { path: _p, usage: _u, is_ai: _i, verdict: _v, ...stored } = result;
  const file = entryPath(dir, fileHash, fingerprint);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, JSON.stringify(stored));
    await rename(tmp, file); // atomic: a parallel reader never sees half a file
  } catch {
    // A cache that cannot be written only costs speed; the result itself is fine.
  }
}
