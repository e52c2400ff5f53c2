/** Small, bounds-checked byte helpers shared by the walkers. Out-of-range reads return undefined, never throw. */

export function u16be(b: Uint8Array, o: number): number | undefined {
  return o >= 0 && o + 2 <= b.length ? (b[o] << 8) | b[o + 1] : undefined;
}

export function u32be(b: Uint8Array, o: number): number | undefined {
  return o >= 0 && o + 4 <= b.length ? ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3] : undefined;
}

export function u32le(b: Uint8Array, o: number): number | undefined {
  return o >= 0 && o + 4 <= b.length ? ((b[o + 3] << 24) >>> 0) + (b[o + 2] << 16) + (b[o + 1] << 8) + b[o] : undefined;
}

/** 64-bit big-endian as a JS number; values past 2^53 are not meaningful sizes in any file we read. */
export function u64be(b: Uint8Array, o: number): number | undefined {
  const hi = u32be(b, o);
  const lo = u32be(b, o + 4);
  return hi === undefined || lo === undefined ? undefined : hi * 2 ** 32 + lo;
}

export function ascii(b: Uint8Array, o: number, n: number): string {
  if (o < 0 || o + n > b.length) return '';
  let s = '';
  for (let i = o; i < o + n; i++) s += String.fromCharCode(b[i]);
  return s;
}

export function startsWith(b: Uint8Array, o: number, sig: string): boolean {
  if (o < 0 || o + sig.length > b.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[o + i] !== sig.charCodeAt(i)) return false;
  return true;
}

/** Index of the first zero byte at or after o (before end), or -1. */
export function indexOfZero(b: Uint8Array, o: number, end = b.length): number {
  for (let i = o; i < Math.min(end, b.length); i++) if (b[i] === 0) return i;
  return -1;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const latin1 = new TextDecoder('latin1');

export function decodeUtf8(b: Uint8Array): string {
  return utf8.decode(b);
}

export function decodeLatin1(b: Uint8Array): string {
  return latin1.decode(b);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
