/** Builders for test inputs: every file the provenance tests read is made here, byte by byte. */
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

const enc = new TextEncoder();
export const bytes = (s: string): Uint8Array => enc.encode(s);
export const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 255);

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const u16 = (n: number) => Uint8Array.of(n >> 8, n & 255);
export const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255);
export const u32le = (n: number) => Uint8Array.of(n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24);

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC[(c ^ x) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const td = cat(latin1(type), data);
  return cat(u32(data.length), td, u32(crc32(td)));
}

/** A valid 1x1 grey PNG with the given extra chunks before IDAT. */
export function makePng(chunks: Uint8Array[]): Uint8Array {
  const ihdr = cat(u32(1), u32(1), Uint8Array.of(8, 0, 0, 0, 0));
  const idat = deflateSync(Uint8Array.of(0, 128));
  return cat(latin1('\x89PNG\r\n\x1a\n'), pngChunk('IHDR', ihdr), ...chunks, pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array()));
}

export const tEXt = (k: string, v: string) => pngChunk('tEXt', cat(latin1(k), Uint8Array.of(0), bytes(v)));
export const zTXt = (k: string, v: Uint8Array) => pngChunk('zTXt', cat(latin1(k), Uint8Array.of(0, 0), deflateSync(v)));
export const iTXt = (k: string, v: string, compress = false) =>
  pngChunk('iTXt', cat(latin1(k), Uint8Array.of(0, compress ? 1 : 0, 0, 0, 0), compress ? deflateSync(bytes(v)) : bytes(v)));

/** A small real JPEG from sharp, so that walkers see genuine marker layouts. */
export async function plainJpeg(): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#777' } }).jpeg().toBuffer());
}

/** Inserts segments right after SOI. */
export function jpegWith(jpeg: Uint8Array, ...segments: Uint8Array[]): Uint8Array {
  return cat(jpeg.subarray(0, 2), ...segments, jpeg.subarray(2));
}

export function jpegSegment(marker: number, payload: Uint8Array): Uint8Array {
  return cat(Uint8Array.of(0xff, marker), u16(payload.length + 2), payload);
}

export const xmpSegment = (xmp: string) => jpegSegment(0xe1, cat(latin1('http://ns.adobe.com/xap/1.0/\0'), bytes(xmp)));

export function xmpPacket(inner: string): string {
  return (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">' +
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    inner +
    '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
  );
}

/** Splits a JUMBF superbox into APP11 segments the way C2PA writers do (header repeated in each). */
export function app11(jumbf: Uint8Array, maxPayload = 65000, en = 1): Uint8Array[] {
  const head = jumbf.subarray(0, 8);
  const body = jumbf.subarray(8);
  const out: Uint8Array[] = [];
  const step = maxPayload - 16;
  for (let i = 0, z = 1; i < body.length || z === 1; i += step, z++) {
    out.push(jpegSegment(0xeb, cat(latin1('JP'), u16(en), u32(z), head, body.subarray(i, i + step))));
    if (i + step >= body.length) break;
  }
  return out;
}

// ---------- CBOR encoder (enough for claims and assertions) ----------
type C = null | boolean | number | string | Uint8Array | C[] | { [k: string]: C };
function head(major: number, n: number): Uint8Array {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 256) return Uint8Array.of((major << 5) | 24, n);
  if (n < 65536) return cat(Uint8Array.of((major << 5) | 25), u16(n));
  return cat(Uint8Array.of((major << 5) | 26), u32(n));
}
export function cbor(v: C): Uint8Array {
  if (v === null) return Uint8Array.of(0xf6);
  if (v === true) return Uint8Array.of(0xf5);
  if (v === false) return Uint8Array.of(0xf4);
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') {
    const b = bytes(v);
    return cat(head(3, b.length), b);
  }
  if (v instanceof Uint8Array) return cat(head(2, v.length), v);
  if (Array.isArray(v)) return cat(head(4, v.length), ...v.map(cbor));
  const keys = Object.keys(v);
  return cat(head(5, keys.length), ...keys.flatMap((k) => [cbor(/^-?\d+$/.test(k) ? Number(k) : k), cbor(v[k])]));
}

// ---------- JUMBF ----------
export function box(type: string, payload: Uint8Array): Uint8Array {
  return cat(u32(payload.length + 8), latin1(type), payload);
}
/** `jumd`: a UUID whose first four bytes name the content type, toggles 0x03 (requestable + label). */
export function jumd(kind: string, label: string): Uint8Array {
  const uuid = cat(latin1(kind), Uint8Array.of(0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71));
  return box('jumd', cat(uuid, Uint8Array.of(0x03), bytes(label), Uint8Array.of(0)));
}
export const jumb = (kind: string, label: string, ...content: Uint8Array[]) => box('jumb', cat(jumd(kind, label), ...content));
export const cborBox = (kind: string, label: string, v: C) => jumb(kind, label, box('cbor', cbor(v)));

export const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';

/** A C2PA manifest store with one manifest per entry, the last one active. */
export function c2paStore(...manifests: Array<{ label: string; generator: string; actions: Array<Record<string, C>>; v2?: boolean }>): Uint8Array {
  return jumb(
    'c2pa',
    'c2pa',
    ...manifests.map((m) =>
      jumb(
        'c2ma',
        m.label,
        jumb('c2as', 'c2pa.assertions', cborBox('cbor', m.v2 ? 'c2pa.actions.v2' : 'c2pa.actions', { actions: m.actions })),
        cborBox('c2cl', m.v2 ? 'c2pa.claim.v2' : 'c2pa.claim', m.v2
          ? { claim_generator_info: { name: m.generator, version: '1.0' }, 'dc:title': 'x.jpg', created_assertions: [] }
          : { claim_generator: m.generator, 'dc:title': 'x.jpg', assertions: [] }),
        cborBox('c2cs', 'c2pa.signature', [cbor({ '1': -7 }), {}, null, new Uint8Array(64)]),
      ),
    ),
  );
}

// ---------- TIFF/EXIF ----------
/** A little-endian TIFF with IFD0 entries and an Exif IFD; values are [tag, type, bytes]. */
export function tiff(ifd0: Array<[number, number, Uint8Array]>, exif: Array<[number, number, Uint8Array]> = []): Uint8Array {
  const entries0 = exif.length ? [...ifd0, [0x8769, 4, new Uint8Array(4)] as [number, number, Uint8Array]] : ifd0;
  const size = (n: number) => 2 + n * 12 + 4;
  const ifd0At = 8;
  const exifAt = ifd0At + size(entries0.length);
  let dataAt = exifAt + (exif.length ? size(exif.length) : 0);
  const data: Uint8Array[] = [];
  const unit: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1 };
  const ifd = (list: Array<[number, number, Uint8Array]>, patchExif: boolean) => {
    const parts: Uint8Array[] = [Uint8Array.of(list.length & 255, list.length >> 8)];
    for (const [tag, type, v] of [...list].sort((a, b) => a[0] - b[0])) {
      const count = tag === 0x8769 && patchExif ? 1 : v.length / unit[type];
      let value: Uint8Array;
      if (tag === 0x8769 && patchExif) value = u32le(exifAt);
      else if (v.length <= 4) value = cat(v, new Uint8Array(4 - v.length));
      else {
        value = u32le(dataAt);
        data.push(v);
        dataAt += v.length + (v.length & 1);
        if (v.length & 1) data.push(new Uint8Array(1));
      }
      parts.push(Uint8Array.of(tag & 255, tag >> 8, type, 0), u32le(count), value);
    }
    parts.push(u32le(0));
    return cat(...parts);
  };
  const a = ifd(entries0, true);
  const b = exif.length ? ifd(exif, false) : new Uint8Array();
  return cat(latin1('II*\0'), u32le(ifd0At), a, b, ...data);
}
export const asciiTag = (tag: number, s: string): [number, number, Uint8Array] => [tag, 2, cat(bytes(s), Uint8Array.of(0))];
/** EXIF UserComment as A1111 (piexif) writes it: "UNICODE\0" then UTF-16 big-endian. */
export function userCommentUnicode(s: string, littleEndian = false): [number, number, Uint8Array] {
  const u = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    u[2 * i + (littleEndian ? 1 : 0)] = c >> 8;
    u[2 * i + (littleEndian ? 0 : 1)] = c & 255;
  }
  return [0x9286, 7, cat(latin1('UNICODE\0'), u)];
}
export const exifSegment = (t: Uint8Array) => jpegSegment(0xe1, cat(latin1('Exif\0\0'), t));
