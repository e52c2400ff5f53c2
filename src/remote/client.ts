/**
 * The hosted API as an Analyser: the same seam as the local pool, so scan, reporters and exit codes
 * do not know where a verdict came from. Per file: read (size-checked), POST /analyze as multipart
 * field `image`, map the answer to a Result. Answers that concern the whole run (401/403, 429) are
 * remembered here; scan asks `fatal()` to stop dispatching and later files are not sent.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { FileError, toFileError } from '../errors.js';
import { formatBytes } from '../image/limits.js';
import { sniffFormat } from '../image/sniff.js';
import { readFileLimited } from '../input/read.js';
import type { Analyser } from '../pool/pool.js';
import type { Outcome, Task } from '../pool/worker.js';
import type { AnalysisResult, Result } from '../types.js';
import { redact, type RemoteSettings } from './config.js';
import { ApiRefusedError, bodyStart, detailOf, refusal } from './errors.js';
import { DEFAULT_RETRY, exchange, RETRYABLE_STATUS, TransportError, type ApiResponse, type RetryPolicy } from './http.js';

/** The hosted API refuses larger uploads (413); refusing first spares the upload. */
export const API_MAX_BYTES = 20 * 1024 * 1024;
export const DEFAULT_REMOTE_CONCURRENCY = 4;

export interface RemoteOptions {
  concurrency?: number;
  retry?: RetryPolicy;
  /** Upload cap before sending; the API's 20 MB unless a test lowers or raises it. */
  maxUploadBytes?: number;
}

export interface RemoteAnalyser extends Analyser {
  /** Set once the API refused the key or plan: the run must stop. */
  fatal(): ApiRefusedError | null;
  /** Things the user should hear once, on stderr (quota spent). */
  notes(): string[];
}

export function createRemoteAnalyser(settings: RemoteSettings, opts: RemoteOptions = {}): RemoteAnalyser {
  const concurrency = opts.concurrency ?? DEFAULT_REMOTE_CONCURRENCY;
  const limit = pLimit(concurrency);
  const retry = opts.retry ?? DEFAULT_RETRY;
  const maxUpload = opts.maxUploadBytes ?? API_MAX_BYTES;
  const url = `${settings.baseUrl}/analyze`;
  let fatal: ApiRefusedError | null = null;
  let quotaDetail: string | null = null;
  let notAnalysed = 0;

  async function analyseOne(task: Task): Promise<Result> {
    const skipped = skipReason(task.displayPath);
    if (skipped) return skipped;
    let bytes: Uint8Array;
    try {
      bytes = task.bytes ?? (await readForUpload(task.file!, Math.min(task.options.limits.maxBytes, maxUpload), maxUpload));
      if (task.bytes && bytes.length > maxUpload) return tooLarge(task.displayPath, bytes.length, maxUpload);
    } catch (err) {
      const { status, detail } = toFileError(err);
      return { path: task.displayPath, error: { status, detail } };
    }
    // Checked again after the read: another file may have hit 401/429 meanwhile.
    const skippedNow = skipReason(task.displayPath);
    if (skippedNow) return skippedNow;

    const filename = path.basename(task.displayPath) || 'image';
    const type = sniffFormat(bytes)?.mime ?? 'application/octet-stream';
    let res: ApiResponse;
    try {
      res = await exchange(url, () => {
        // fetch sets multipart/form-data with its boundary itself; a hand-written Content-Type would lack it.
        const form = new FormData();
        form.append('image', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), filename);
        return { method: 'POST', headers: { authorization: `Bearer ${settings.key}`, accept: 'application/json' }, body: form };
      }, retry);
    } catch (err) {
      if (err instanceof TransportError) {
        return fileError(task.displayPath, 500, `the API at ${settings.baseUrl} could not be reached (${err.message}; ${err.tries} tries)`);
      }
      throw err;
    }
    return toResult(task.displayPath, res);
  }

  function toResult(displayPath: string, res: ApiResponse): Result {
    const refused = refusal(res, settings.key, settings.baseUrl);
    if (refused) {
      fatal ??= refused;
      return fileError(displayPath, res.status, `not analysed: ${refused.message}`);
    }
    if (res.status === 429) {
      quotaDetail ??= detailOf(res, settings.key);
      return fileError(displayPath, 429, `the monthly check quota is spent (API: ${detailOf(res, settings.key)}); see \`xray usage\``);
    }
    if (res.status >= 200 && res.status < 300) {
      if (isAnalysis(res.json)) {
        // Unknown keys are kept: the spec allows the API to add them, and scripts may want them.
        const { path: _ignored, ...body } = res.json as AnalysisResult;
        return { path: displayPath, ...body, usage: body.usage ?? null };
      }
      return fileError(displayPath, 502, `the API answered ${res.status} without an analysis result: ${bodyStart(res, settings.key)}`);
    }
    if (res.status >= 500) {
      const tries = RETRYABLE_STATUS.has(res.status) ? ` after ${retry.tries} tries` : '';
      return fileError(displayPath, res.status, `the API failed (${res.status})${tries}: ${detailOf(res, settings.key)}`);
    }
    if (res.status >= 300 && res.status < 400) {
      const to = res.headers.get('location');
      return fileError(displayPath, res.status, `the API redirected (${res.status}${to ? ` to ${redact(to, settings.key)}` : ''}); give that address with --api-url`);
    }
    // 400, 413 and anything else: the API's own words, per file.
    return fileError(displayPath, res.status, detailOf(res, settings.key));
  }

  function skipReason(displayPath: string): Result | null {
    if (fatal) return fileError(displayPath, fatal.status, 'not analysed: the API refused the key or plan');
    if (quotaDetail !== null) {
      notAnalysed++;
      return fileError(displayPath, 429, `not analysed: the monthly check quota is spent (API: ${quotaDetail}); see \`xray usage\``);
    }
    return null;
  }

  return {
    workers: concurrency,
    analyse: (task) => limit(async (): Promise<Outcome> => ({ result: await analyseOne(task), cached: false })),
    close: async () => {
      limit.clearQueue();
    },
    fatal: () => fatal,
    notes: () => (quotaDetail === null ? [] : [
      `the monthly check quota is spent (API: ${quotaDetail})${notAnalysed ? `; ${notAnalysed} file${notAnalysed === 1 ? ' was' : 's were'} not sent` : ''}. See \`xray usage\`.`,
    ]),
  };
}

async function readForUpload(file: string, maxBytes: number, apiMax: number): Promise<Uint8Array> {
  const info = await stat(file).catch(() => null);
  if (info && info.isFile() && info.size > apiMax) throw new FileError(413, tooLargeDetail(info.size, apiMax));
  return readFileLimited(file, maxBytes);
}

const tooLargeDetail = (size: number, max: number) => `file is ${formatBytes(size)}, over the API's ${formatBytes(max)} limit; not uploaded`;
const tooLarge = (displayPath: string, size: number, max: number): Result => fileError(displayPath, 413, tooLargeDetail(size, max));

const fileError = (p: string, status: number, detail: string): Result => ({ path: p, error: { status, detail } });

function isAnalysis(json: unknown): boolean {
  if (json === null || typeof json !== 'object') return false;
  const r = json as Record<string, unknown>;
  return typeof r.verdict === 'string' && typeof r.is_ai === 'boolean' && typeof r.composite === 'number'
    && Array.isArray(r.signals) && r.meta !== null && typeof r.meta === 'object';
}
