/**
 * One HTTP exchange with the X-RAY API, with the retry policy of the spec: 5xx, connection resets
 * and timeouts are retried with exponential backoff and full jitter, at most `tries` attempts,
 * Retry-After honoured. Everything else is answered at once: retrying a 4xx cannot change it.
 */

export interface RetryPolicy {
  tries: number;
  /** First backoff step; doubles each retry. */
  baseDelayMs: number;
  /** Longest wait between tries, also the cap on a server's Retry-After. */
  maxDelayMs: number;
  /** Per attempt, from sending to the end of the body. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { tries: 3, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 60_000 };

export interface ApiResponse {
  status: number;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
  /** The raw body, for messages when it is not the promised JSON. */
  text: string;
  headers: Headers;
}

/** A failure below HTTP (reset, refused, timeout) after the last try. */
export class TransportError extends Error {
  constructor(message: string, readonly tries: number) {
    super(message);
    this.name = 'TransportError';
  }
}

export const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/** `makeInit` is called per attempt: a multipart body is rebuilt rather than replayed. */
export async function exchange(
  url: string,
  makeInit: () => RequestInit,
  policy: RetryPolicy = DEFAULT_RETRY,
  sleep: (ms: number) => Promise<void> = defaultSleep,
): Promise<ApiResponse> {
  for (let attempt = 1; ; attempt++) {
    let response: ApiResponse | null = null;
    let failure: Error | null = null;
    try {
      const res = await fetch(url, { ...makeInit(), redirect: 'manual', signal: AbortSignal.timeout(policy.timeoutMs) });
      const text = await res.text();
      response = { status: res.status, json: parseJson(text), text, headers: res.headers };
    } catch (err) {
      failure = err as Error;
    }
    const retryable = response ? RETRYABLE_STATUS.has(response.status) : true;
    if (!retryable || attempt >= policy.tries) {
      if (response) return response;
      throw new TransportError(describeTransportError(failure!, policy.timeoutMs), attempt);
    }
    await sleep(backoffMs(attempt, policy, response ? retryAfterMs(response.headers.get('retry-after')) : null));
  }
}

/** Full jitter (AWS's scheme): spreads clients that failed together so they do not retry together. */
export function backoffMs(attempt: number, policy: RetryPolicy, retryAfter: number | null, random = Math.random): number {
  if (retryAfter !== null) return Math.min(retryAfter, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeTransportError(err: Error, timeoutMs: number): string {
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${(timeoutMs / 1000).toFixed(timeoutMs < 1000 ? 1 : 0)} s`;
  // undici reports "fetch failed" and keeps the reason in `cause`.
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ECONNRESET': case 'UND_ERR_SOCKET': return 'connection reset by the server';
    case 'ENOTFOUND': return 'host not found';
    case 'UND_ERR_CONNECT_TIMEOUT': return 'could not connect in time';
    default: return cause?.message ?? err.message;
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
