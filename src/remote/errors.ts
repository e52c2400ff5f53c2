/** How the API's answers that concern the whole run (not one file) become typed errors and exit codes. */
import { ExitError } from '../errors.js';
import type { ApiResponse } from './http.js';
import { redact } from './config.js';

/** Exit code when the API refuses the key (401) or the plan (403): nothing can succeed until the user acts. */
export const EXIT_API_REFUSED = 4;

export class ApiRefusedError extends ExitError {
  constructor(message: string, readonly status: 401 | 403) {
    super(message, EXIT_API_REFUSED);
    this.name = 'ApiRefusedError';
  }
}

/** The API's `detail`, or the status and the start of the body when it did not send one. */
export function detailOf(res: ApiResponse, key: string): string {
  const detail = (res.json as { detail?: unknown } | undefined)?.detail;
  if (typeof detail === 'string' && detail.trim()) return redact(detail.trim(), key);
  // FastAPI validation errors carry a list; keep them readable rather than drop them.
  if (detail !== undefined && detail !== null) return redact(JSON.stringify(detail).slice(0, 300), key);
  return `HTTP ${res.status} ${bodyStart(res, key)}`;
}

export function bodyStart(res: ApiResponse, key: string): string {
  const text = res.text.replace(/\s+/g, ' ').trim();
  if (!text) return '(empty body)';
  return `"${redact(text.length > 200 ? `${text.slice(0, 200)}…` : text, key)}"`;
}

/** 401/403 → the error that stops the run, saying what to do; anything else → null. */
export function refusal(res: ApiResponse, key: string, baseUrl: string): ApiRefusedError | null {
  if (res.status === 401) {
    return new ApiRefusedError(
      `the API at ${baseUrl} refused the key (401: ${detailOf(res, key)}). Check XRAY_API_KEY or run \`xray login\` with a valid xray_sk_... key from the web cabinet.`,
      401,
    );
  }
  if (res.status === 403) {
    return new ApiRefusedError(
      `the API at ${baseUrl} accepted the key but its plan has no API access (403: ${detailOf(res, key)}). API access needs the pro or enterprise plan.`,
      403,
    );
  }
  return null;
}
