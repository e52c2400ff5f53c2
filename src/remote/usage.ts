/** `GET /me/usage`: the caller's plan and monthly quota, checked against the spec's shape. */
import { ExitError } from '../errors.js';
import type { RemoteSettings } from './config.js';
import { bodyStart, detailOf, refusal } from './errors.js';
import { DEFAULT_RETRY, exchange, TransportError, type RetryPolicy } from './http.js';

/** Exit code when the API cannot give an answer (unreachable, 5xx after retries, not the promised JSON). */
export const EXIT_API_UNAVAILABLE = 3;

export interface ApiUsage {
  plan: string;
  checks_used: number;
  /** 0 = unlimited. */
  checks_limit: number;
  remaining: number | null;
  [extra: string]: unknown;
}

export async function fetchUsage(settings: RemoteSettings, retry: RetryPolicy = DEFAULT_RETRY): Promise<ApiUsage> {
  let res;
  try {
    res = await exchange(`${settings.baseUrl}/me/usage`, () => ({
      headers: { authorization: `Bearer ${settings.key}`, accept: 'application/json' },
    }), retry);
  } catch (err) {
    if (err instanceof TransportError) {
      throw new ExitError(`cannot reach the API at ${settings.baseUrl}: ${err.message} (${err.tries} tries)`, EXIT_API_UNAVAILABLE);
    }
    throw err;
  }
  const refused = refusal(res, settings.key, settings.baseUrl);
  if (refused) throw refused;
  if (res.status !== 200) {
    throw new ExitError(`the API at ${settings.baseUrl} answered ${res.status}: ${detailOf(res, settings.key)}`, EXIT_API_UNAVAILABLE);
  }
  const u = res.json as Partial<ApiUsage> | undefined;
  if (!u || typeof u !== 'object' || typeof u.plan !== 'string' || typeof u.checks_used !== 'number' || typeof u.checks_limit !== 'number') {
    throw new ExitError(`the API at ${settings.baseUrl} answered 200 without a usage object: ${bodyStart(res, settings.key)}`, EXIT_API_UNAVAILABLE);
  }
  return u as ApiUsage;
}

/** The person-readable form: plan, used / limit (∞ when unlimited), remaining. */
export function formatUsage(u: ApiUsage): string {
  const unlimited = u.checks_limit === 0;
  const remaining = unlimited ? '∞' : String(u.remaining ?? Math.max(0, u.checks_limit - u.checks_used));
  return [
    `plan       ${u.plan}`,
    `used       ${u.checks_used} / ${unlimited ? '∞' : u.checks_limit} this month`,
    `remaining  ${remaining}`,
    '',
  ].join('\n');
}
