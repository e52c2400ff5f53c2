/** Limits that keep one hostile file from taking the machine down. Defaults follow the hosted API. */

export interface Limits {
  /** Largest accepted file, bytes (hosted API: 20 MB → 413). */
  maxBytes: number;
  /** Largest accepted image, pixels (width × height of one frame); checked from the header before decoding. */
  maxPixels: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 100_000_000,
};

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** "20MB", "512k", "1048576" → bytes; null when it does not parse. */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*$/i.exec(text);
  if (!m) return null;
  const bytes = Number(m[1]) * UNITS[m[2].toLowerCase()];
  return Number.isFinite(bytes) && bytes > 0 ? Math.floor(bytes) : null;
}

/** "100M", "24000000", "50mp" → pixels; null when it does not parse. */
export function parsePixels(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(k|m|mp)?\s*$/i.exec(text);
  if (!m) return null;
  const unit = m[2]?.toLowerCase();
  const pixels = Number(m[1]) * (unit === 'k' ? 1e3 : unit === 'm' || unit === 'mp' ? 1e6 : 1);
  return Number.isFinite(pixels) && pixels > 0 ? Math.floor(pixels) : null;
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

/** "file is 25.6 MB, over the 20.0 MB limit"; exact bytes when rounding would show two equal sizes. */
export function overSizeLimit(size: number, limit: number): string {
  const [a, b] = formatBytes(size) === formatBytes(limit) ? [`${size} bytes`, `${limit}-byte`] : [formatBytes(size), formatBytes(limit)];
  return `file is ${a}, over the ${b} limit (--max-size)`;
}
