import { LIMITS } from './limits.js';
import { ascii, concat, decodeLatin1, indexOfZero, u16be, u32be, u64be } from './bytes.js';
import { addExif, addXmp, emptySegments, keepBytes, warn, type Segments } from './segments.js';

/** The C2PA ContentProvenanceBox is a `uuid` box with this extended type. */
const C2PA_UUID = [0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81];

interface Box {
  type: string;
  start: number;
  body: number;
  end: number;
}

function* boxes(b: Uint8Array, from: number, to: number, seg: Segments): Generator<Box> {
  let o = from;
  for (let n = 0; n < LIMITS.maxSegments && o + 8 <= to; n++) {
    let size = u32be(b, o)!;
    const type = ascii(b, o + 4, 4);
    let body = o + 8;
    if (size === 1) {
      size = u64be(b, o + 8) ?? 0;
      body = o + 16;
    } else if (size === 0) size = to - o;
    if (size < body - o || o + size > to) {
      warn(seg, `BMFF box ${JSON.stringify(type)} runs past its parent`);
      return;
    }
    yield { type, start: o, body, end: o + size };
    o += size;
  }
}

interface Item {
  id: number;
  type: string;
  contentType?: string;
}

interface Extent {
  method: number;
  base: number;
  parts: Array<[number, number]>;
}

/** Walks ISO-BMFF (HEIF/AVIF): C2PA uuid boxes at the top level, EXIF and XMP items via meta/iinf/iloc. */
export function walkBmff(b: Uint8Array): Segments {
  const seg = emptySegments('bmff');
  for (const box of boxes(b, 0, b.length, seg)) {
    if (box.type === 'uuid') readUuid(seg, b, box);
    else if (box.type === 'meta') readMeta(seg, b, box);
  }
  return seg;
}

function readUuid(seg: Segments, b: Uint8Array, box: Box): void {
  for (let i = 0; i < 16; i++) if (b[box.body + i] !== C2PA_UUID[i]) return;
  // FullBox version/flags, then a NUL-terminated purpose, then (for manifests) a 64-bit merkle offset.
  let o = box.body + 16 + 4;
  const z = indexOfZero(b, o, box.end);
  if (z < 0) return warn(seg, 'C2PA uuid box without a purpose string');
  const purpose = decodeLatin1(b.subarray(o, z));
  o = z + 1;
  if (purpose === 'manifest' || purpose === 'original' || purpose === 'update') o += 8;
  else return;
  const kept = keepBytes(seg, 'C2PA uuid box', b.subarray(o, box.end), LIMITS.maxJumbfBytes);
  if (kept) seg.jumbf.push(kept);
}

function readMeta(seg: Segments, b: Uint8Array, meta: Box): void {
  const items: Item[] = [];
  const locs = new Map<number, Extent>();
  let idat: Box | undefined;
  for (const box of boxes(b, meta.body + 4, meta.end, seg)) {
    if (box.type === 'iinf') readIinf(seg, b, box, items);
    else if (box.type === 'iloc') readIloc(seg, b, box, locs);
    else if (box.type === 'idat') idat = box;
  }
  for (const it of items) {
    const isXmp = it.type === 'mime' && /rdf\+xml|xmp/i.test(it.contentType ?? '');
    if (it.type !== 'Exif' && !isXmp) continue;
    const ext = locs.get(it.id);
    if (!ext) continue;
    const data = extentBytes(seg, b, ext, idat);
    if (!data) continue;
    if (isXmp) addXmp(seg, data);
    else {
      // HEIF Exif items start with a 32-bit offset to the TIFF header.
      const skip = u32be(data, 0);
      if (skip !== undefined && 4 + skip < data.length) addExif(seg, data.subarray(4 + skip));
    }
  }
}

function readIinf(seg: Segments, b: Uint8Array, box: Box, items: Item[]): void {
  const version = b[box.body];
  const first = box.body + 4 + (version === 0 ? 2 : 4);
  for (const infe of boxes(b, first, box.end, seg)) {
    if (items.length >= LIMITS.maxBmffItems) return;
    if (infe.type !== 'infe') continue;
    const v = b[infe.body];
    if (v < 2) continue;
    let o = infe.body + 4;
    const id = v === 2 ? u16be(b, o) : u32be(b, o);
    if (id === undefined) continue;
    o += v === 2 ? 2 : 4;
    o += 2; // protection index
    const type = ascii(b, o, 4);
    o += 4;
    const nameEnd = indexOfZero(b, o, infe.end);
    let contentType: string | undefined;
    if (type === 'mime' && nameEnd >= 0) {
      const ctEnd = indexOfZero(b, nameEnd + 1, infe.end);
      contentType = decodeLatin1(b.subarray(nameEnd + 1, ctEnd < 0 ? infe.end : ctEnd));
    }
    items.push({ id, type, contentType });
  }
}

function readN(b: Uint8Array, o: number, n: number): number | undefined {
  if (n === 0) return 0;
  if (n === 4) return u32be(b, o);
  if (n === 8) return u64be(b, o);
  return undefined;
}

function readIloc(seg: Segments, b: Uint8Array, box: Box, locs: Map<number, Extent>): void {
  const v = b[box.body];
  let o = box.body + 4;
  if (o + 2 > box.end) return;
  const offSize = b[o] >> 4;
  const lenSize = b[o] & 15;
  const baseSize = b[o + 1] >> 4;
  const idxSize = v === 1 || v === 2 ? b[o + 1] & 15 : 0;
  o += 2;
  const count = v < 2 ? u16be(b, o) : u32be(b, o);
  o += v < 2 ? 2 : 4;
  if (count === undefined) return;
  for (let i = 0; i < Math.min(count, LIMITS.maxBmffItems) && o < box.end; i++) {
    const id = v < 2 ? u16be(b, o) : u32be(b, o);
    o += v < 2 ? 2 : 4;
    let method = 0;
    if (v === 1 || v === 2) {
      method = (u16be(b, o) ?? 0) & 15;
      o += 2;
    }
    o += 2; // data reference index
    const base = readN(b, o, baseSize);
    o += baseSize;
    const n = u16be(b, o);
    o += 2;
    if (id === undefined || base === undefined || n === undefined) return warn(seg, 'iloc box truncated');
    const parts: Array<[number, number]> = [];
    for (let e = 0; e < n && o <= box.end; e++) {
      o += idxSize;
      const off = readN(b, o, offSize);
      o += offSize;
      const len = readN(b, o, lenSize);
      o += lenSize;
      if (off === undefined || len === undefined) return warn(seg, 'iloc extent truncated');
      if (parts.length < 64) parts.push([off, len]);
    }
    locs.set(id, { method, base, parts });
  }
}

function extentBytes(seg: Segments, b: Uint8Array, ext: Extent, idat: Box | undefined): Uint8Array | undefined {
  if (ext.method !== 0 && !(ext.method === 1 && idat)) return undefined;
  const origin = ext.method === 1 ? idat!.body : 0;
  const limit = ext.method === 1 ? idat!.end : b.length;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (const [off, len] of ext.parts) {
    const s = origin + ext.base + off;
    // A zero length means "to the end of the source".
    const e = len === 0 ? limit : s + len;
    if (s < origin || e > limit || e < s) return void warn(seg, 'iloc extent outside the file');
    total += e - s;
    if (total > LIMITS.maxTextBytes * 4) return void warn(seg, 'HEIF metadata item too large');
    chunks.push(b.subarray(s, e));
  }
  const whole = chunks.length === 1 ? chunks[0] : concat(chunks);
  return keepBytes(seg, 'HEIF metadata item', whole);
}
