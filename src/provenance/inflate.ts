import { inflateSync } from 'node:zlib';

/**
 * Inflates a zlib stream without letting a small compressed chunk expand into gigabytes:
 * output past `cap` bytes is refused (zip-bomb defence), and a truncated stream yields what it had.
 */
export function inflateBounded(data: Uint8Array, cap: number): { bytes: Uint8Array | null; truncated: boolean } {
  try {
    return { bytes: inflateSync(data, { maxOutputLength: cap }), truncated: false };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return { bytes: null, truncated: true };
    try {
      // A stream cut short still decodes up to the cut with a sync flush.
      const partial = inflateSync(data, { maxOutputLength: cap, finishFlush: 2 /* Z_SYNC_FLUSH */ });
      return { bytes: partial, truncated: true };
    } catch {
      return { bytes: null, truncated: true };
    }
  }
}
