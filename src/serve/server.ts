/**
 * `xray serve`: the hosted X-RAY API's endpoints on node:http, backed by the local pipeline.
 * Same paths, shapes, status codes and `detail` messages as the spec (../shared/spec/xray-api.md),
 * so `xray scan --remote` and any client of the hosted API work against it unchanged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AnalyseOptions } from '../analyse.js';
import { formatBytes } from '../image/limits.js';
import { sniffFormat } from '../image/sniff.js';
import type { Analyser } from '../pool/pool.js';
import { isError } from '../types.js';
import { readUpload } from './multipart.js';
import { API_PLANS, type KeyRow, type KeyStore } from './store.js';

export interface ServeOptions {
  store: KeyStore;
  analyser: Analyser;
  /** limits.maxBytes is also the upload cap (413). */
  analyse: AnalyseOptions;
  /** One line per request; never given the key. */
  log?: (line: string) => void;
}

export const DETAIL = {
  missingKey: 'Missing API key',
  invalidKey: 'Invalid API key',
  noApiAccess: 'Your plan does not include API access (pro or enterprise plan required)',
  quota: 'Monthly check limit reached',
  missingField: "Missing file field 'image'",
  notMultipart: "Expected multipart/form-data with a file field 'image'",
  notImage: 'Invalid file type: not an image',
  notFound: 'Not Found',
  methodNotAllowed: 'Method Not Allowed',
  internal: 'Internal server error',
} as const;

/** A body this far past the cap is cut off rather than drained to the end (a client that never stops). */
const DRAIN_SLACK = 1024 * 1024;

class HttpError extends Error {
  constructor(readonly status: number, readonly detail: string, readonly headers: Record<string, string> = {}) {
    super(detail);
  }
}

export function createApiServer(opts: ServeOptions): Server {
  const log = opts.log ?? (() => {});
  const maxBytes = opts.analyse.limits.maxBytes;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<{ status: number; key?: number }> {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const allow = (method: string) => {
      if (req.method !== method) throw new HttpError(405, DETAIL.methodNotAllowed, { allow: method });
    };
    switch (pathname) {
      case '/healthz':
        allow('GET');
        return send(res, 200, { status: 'ok' });
      case '/me/usage': {
        allow('GET');
        const row = authorise(req, opts.store);
        return { ...send(res, 200, opts.store.usage(row.id)), key: row.id };
      }
      case '/analyze': {
        allow('POST');
        const row = authorise(req, opts.store);
        return { ...(await analyze(req, res, row)), key: row.id };
      }
      default:
        throw new HttpError(404, DETAIL.notFound);
    }
  }

  async function analyze(req: IncomingMessage, res: ServerResponse, row: KeyRow): Promise<{ status: number }> {
    // Cheap refusals before the upload is read; the count that matters is the atomic one below.
    if (row.checks_limit !== 0 && row.checks_used >= row.checks_limit) throw new HttpError(429, DETAIL.quota);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes + DRAIN_SLACK) throw new HttpError(413, tooLarge(maxBytes));

    if (!/^multipart\/form-data\s*;/i.test(req.headers['content-type'] ?? '')) throw new HttpError(400, DETAIL.notMultipart);
    const upload = await readUpload(req, 'image', maxBytes);
    if (upload.kind === 'too-large') throw new HttpError(413, tooLarge(maxBytes));
    if (upload.kind === 'malformed') throw new HttpError(400, `Malformed multipart body: ${upload.reason}`);
    if (upload.kind === 'missing') throw new HttpError(400, DETAIL.missingField);
    const format = sniffFormat(upload.bytes);
    if (!format) throw new HttpError(400, upload.bytes.length === 0 ? `${DETAIL.notImage} (empty file)` : DETAIL.notImage);

    const usage = opts.store.consume(row.id);
    if (!usage) throw new HttpError(429, DETAIL.quota);
    const filename = baseName(upload.filename) || 'image';
    let result;
    try {
      ({ result } = await opts.analyser.analyse({ bytes: upload.bytes, displayPath: filename, options: opts.analyse }));
    } catch (err) {
      opts.store.refund(row.id);
      throw err;
    }
    if (isError(result)) {
      // The user is not charged for our failure; a file we judged and could not read still counts.
      if (result.error.status >= 500) opts.store.refund(row.id);
      return send(res, result.error.status, { detail: result.error.detail });
    }
    const { path: _path, ...body } = result;
    return send(res, 200, { ...body, usage: { used: usage.checks_used, limit: usage.checks_limit, role: usage.plan } });
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    // A client that hangs up mid-upload makes req emit 'error'; with no listener that would end the server.
    req.on('error', () => {});
    res.on('error', () => {});
    route(req, res)
      .catch((err: unknown) => {
        if (err instanceof HttpError) return { status: refuse(req, res, err, maxBytes) };
        log(`internal error: ${(err as Error)?.stack ?? String(err)}`);
        return { status: refuse(req, res, new HttpError(500, DETAIL.internal), maxBytes) };
      })
      .then((outcome: { status: number; key?: number }) => {
        const who = outcome.key === undefined ? '' : ` key#${outcome.key}`;
        log(`${req.method} ${req.url} ${outcome.status} ${Math.round(performance.now() - started)}ms${who}`);
      });
  });
  return server;
}

function authorise(req: IncomingMessage, store: KeyStore): KeyRow {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const challenge = { 'www-authenticate': 'Bearer' };
  if (!match) throw new HttpError(401, DETAIL.missingKey, challenge);
  const row = store.authenticate(match[1]);
  if (!row) throw new HttpError(401, DETAIL.invalidKey, challenge);
  if (!API_PLANS.includes(row.plan)) throw new HttpError(403, DETAIL.noApiAccess);
  return row;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): { status: number } {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
  return { status };
}

/**
 * Answers an error, possibly before the request body was read. The rest of the body is drained
 * (read and dropped, never kept) so that the client, still sending, gets to read the answer;
 * a body far past the cap is cut off instead.
 */
function refuse(req: IncomingMessage, res: ServerResponse, err: HttpError, maxBytes: number): number {
  if (!req.complete) {
    let drained = 0;
    req.on('data', (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > maxBytes + DRAIN_SLACK) req.socket.destroy();
    });
    req.resume();
  }
  if (res.headersSent) {
    res.end();
    return res.statusCode;
  }
  return send(res, err.status, { detail: err.detail }, err.headers).status;
}

const tooLarge = (maxBytes: number) => `Image larger than ${formatBytes(maxBytes).replace('.0 ', ' ')}`;

function baseName(name: string): string {
  const parts = name.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}
