import { LIMITS } from './limits.js';
import { decodeUtf8 } from './bytes.js';

/**
 * A small CBOR (RFC 8949) decoder for C2PA claims and assertions. Written here rather than taken from
 * npm because we need hard bounds on depth, item count and lengths for hostile input, and only plain
 * values out (maps become objects with string keys, byte strings stay Uint8Array, tags are dropped).
 * It throws CborError on anything malformed; callers catch.
 */
export class CborError extends Error {}

export type CborValue = null | undefined | boolean | number | string | Uint8Array | CborValue[] | { [k: string]: CborValue };

export function decodeCbor(b: Uint8Array): CborValue {
  const st = { b, o: 0, items: 0 };
  return item(st, 0);
}

interface State {
  b: Uint8Array;
  o: number;
  items: number;
}

const BREAK = Symbol('break');

function need(st: State, n: number): void {
  if (n < 0 || st.o + n > st.b.length) throw new CborError('CBOR truncated');
}

function arg(st: State, info: number): number {
  if (info < 24) return info;
  const n = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : -1;
  if (n < 0) throw new CborError(`CBOR additional info ${info} not allowed here`);
  need(st, n);
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + st.b[st.o + i];
  st.o += n;
  return v;
}

function item(st: State, depth: number): CborValue {
  const v = itemOrBreak(st, depth);
  if (v === BREAK) throw new CborError('unexpected CBOR break');
  return v;
}

function itemOrBreak(st: State, depth: number): CborValue | typeof BREAK {
  if (depth > LIMITS.maxCborDepth) throw new CborError('CBOR nested too deep');
  if (++st.items > LIMITS.maxCborItems) throw new CborError('CBOR has too many items');
  need(st, 1);
  const ib = st.b[st.o++];
  const major = ib >> 5;
  const info = ib & 31;
  if (info === 31) return indefinite(st, major, depth);
  switch (major) {
    case 0:
      return arg(st, info);
    case 1:
      return -1 - arg(st, info);
    case 2:
    case 3: {
      const n = arg(st, info);
      need(st, n);
      const s = st.b.subarray(st.o, st.o + n);
      st.o += n;
      return major === 2 ? s : decodeUtf8(s);
    }
    case 4: {
      const n = arg(st, info);
      // Each element takes at least one byte: a length beyond the remaining input is a lie.
      need(st, n);
      const a: CborValue[] = [];
      for (let i = 0; i < n; i++) a.push(item(st, depth + 1));
      return a;
    }
    case 5: {
      const n = arg(st, info);
      need(st, 2 * n);
      const m: { [k: string]: CborValue } = {};
      for (let i = 0; i < n; i++) setKey(m, item(st, depth + 1), item(st, depth + 1));
      return m;
    }
    case 6:
      arg(st, info);
      return item(st, depth + 1);
    default:
      return simple(st, info);
  }
}

function setKey(m: { [k: string]: CborValue }, k: CborValue, v: CborValue): void {
  const key = typeof k === 'string' ? k : typeof k === 'number' ? String(k) : '?';
  if (key === '__proto__') return;
  m[key] = v;
}

function indefinite(st: State, major: number, depth: number): CborValue | typeof BREAK {
  if (major === 7) return BREAK;
  if (major === 2 || major === 3) {
    const parts: Uint8Array[] = [];
    for (;;) {
      const p = itemOrBreak(st, depth + 1);
      if (p === BREAK) break;
      if (!(p instanceof Uint8Array) && typeof p !== 'string') throw new CborError('bad CBOR string chunk');
      parts.push(typeof p === 'string' ? new TextEncoder().encode(p) : p);
    }
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    return major === 2 ? all : decodeUtf8(all);
  }
  if (major === 4) {
    const a: CborValue[] = [];
    for (;;) {
      const v = itemOrBreak(st, depth + 1);
      if (v === BREAK) return a;
      a.push(v);
    }
  }
  if (major === 5) {
    const m: { [k: string]: CborValue } = {};
    for (;;) {
      const k = itemOrBreak(st, depth + 1);
      if (k === BREAK) return m;
      setKey(m, k, item(st, depth + 1));
    }
  }
  throw new CborError('indefinite length not allowed for this CBOR type');
}

function simple(st: State, info: number): CborValue {
  if (info === 20) return false;
  if (info === 21) return true;
  if (info === 22) return null;
  if (info === 23) return undefined;
  if (info < 24) return undefined;
  if (info === 24) {
    need(st, 1);
    st.o++;
    return undefined;
  }
  const n = info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : -1;
  if (n < 0) throw new CborError('bad CBOR simple value');
  need(st, n);
  const dv = new DataView(st.b.buffer, st.b.byteOffset + st.o, n);
  st.o += n;
  if (n === 2) return half(dv.getUint16(0));
  return n === 4 ? dv.getFloat32(0) : dv.getFloat64(0);
}

function half(h: number): number {
  const e = (h >> 10) & 31;
  const f = h & 1023;
  const s = h & 0x8000 ? -1 : 1;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}
