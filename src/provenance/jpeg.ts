import { LIMITS } from './limits.js';
import { ascii, concat, decodeLatin1, startsWith, u16be, u32be } from './bytes.js';
import { addExif, addXmp, emptySegments, keepBytes, warn, type Segments } from './segments.js';

const XMP_STD = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_EXT = 'http://ns.adobe.com/xmp/extension/\0';
const PHOTOSHOP = 'Photoshop 3.0\0';

/** One APP11 JUMBF fragment: C2PA stores larger than 64 KB are split across many segments. */
interface JumbfPart {
  en: number;
  z: number;
  data: Uint8Array;
}

/** Walks JPEG markers up to the first scan; metadata after SOS is not looked for. */
export function walkJpeg(b: Uint8Array): Segments {
  const seg = emptySegments('jpeg');
  const parts: JumbfPart[] = [];
  const extXmp = new Map<string, { total: number; chunks: Map<number, Uint8Array> }>();
  let o = 2;
  for (let n = 0; n < LIMITS.maxSegments; n++) {
    if (o + 4 > b.length) {
      warn(seg, 'JPEG ends before the image data');
      break;
    }
    if (b[o] !== 0xff) {
      warn(seg, `JPEG marker expected at byte ${o}`);
      break;
    }
    const marker = b[o + 1];
    if (marker === 0xff) {
      o += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      o += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break;
    const len = u16be(b, o + 2)!;
    if (len < 2 || o + 2 + len > b.length) {
      warn(seg, `JPEG segment at byte ${o} runs past the end of the file`);
      break;
    }
    const p = b.subarray(o + 4, o + 2 + len);
    readSegment(seg, marker, p, parts, extXmp);
    o += 2 + len;
  }
  assembleJumbf(seg, parts);
  for (const [guid, x] of extXmp) {
    const chunks = [...x.chunks.entries()].sort((a, c) => a[0] - c[0]).map((e) => e[1]);
    const whole = concat(chunks);
    if (whole.length !== x.total) warn(seg, `extended XMP ${guid} incomplete`);
    addXmp(seg, whole);
  }
  return seg;
}

function readSegment(
  seg: Segments,
  marker: number,
  p: Uint8Array,
  parts: JumbfPart[],
  extXmp: Map<string, { total: number; chunks: Map<number, Uint8Array> }>,
): void {
  if (marker === 0xe1) {
    if (startsWith(p, 0, 'Exif\0')) addExif(seg, p.subarray(6));
    else if (startsWith(p, 0, XMP_STD)) addXmp(seg, p.subarray(XMP_STD.length));
    else if (startsWith(p, 0, XMP_EXT)) {
      const h = XMP_EXT.length;
      const guid = ascii(p, h, 32);
      const total = u32be(p, h + 32);
      const off = u32be(p, h + 36);
      if (total === undefined || off === undefined || total > LIMITS.maxTextBytes) {
        warn(seg, 'extended XMP chunk malformed or too large');
        return;
      }
      const entry = extXmp.get(guid) ?? { total, chunks: new Map() };
      if (!extXmp.has(guid)) {
        if (extXmp.size >= 4) return;
        extXmp.set(guid, entry);
      }
      entry.chunks.set(off, p.subarray(h + 40));
    }
  } else if (marker === 0xed && startsWith(p, 0, PHOTOSHOP)) {
    readPhotoshopIrb(seg, p.subarray(PHOTOSHOP.length));
  } else if (marker === 0xeb && startsWith(p, 0, 'JP') && p.length >= 16) {
    parts.push({ en: u16be(p, 2)!, z: u32be(p, 4)!, data: p.subarray(8) });
  } else if (marker === 0xfe) {
    const kept = keepBytes(seg, 'JPEG comment', p, LIMITS.maxTextBytes);
    if (kept) seg.texts.push({ key: 'JPEG comment', value: decodeLatin1(kept).replace(/\0+$/, ''), truncated: false });
  }
}

/** Photoshop image resource blocks: we want resource 0x0404 (IPTC-IIM). */
export function readPhotoshopIrb(seg: Segments, b: Uint8Array): void {
  let o = 0;
  for (let n = 0; n < 1000 && o + 12 <= b.length; n++) {
    if (!startsWith(b, o, '8BIM')) break;
    const id = u16be(b, o + 4)!;
    const nameLen = b[o + 6];
    let q = o + 6 + 1 + nameLen;
    if ((nameLen + 1) % 2) q++;
    const size = u32be(b, q);
    if (size === undefined || q + 4 + size > b.length) {
      warn(seg, 'Photoshop resource block truncated');
      break;
    }
    if (id === 0x0404) {
      const kept = keepBytes(seg, 'IPTC block', b.subarray(q + 4, q + 4 + size), LIMITS.maxTextBytes);
      if (kept) seg.iptc.push(kept);
    }
    o = q + 4 + size + (size % 2);
  }
}

/**
 * C2PA (ISO 19566-5 in JPEG): every APP11 segment repeats the superbox's LBox/TBox(/XLBox) header, then
 * continues the payload; segments of one box share En and count Z up from 1.
 */
function assembleJumbf(seg: Segments, parts: JumbfPart[]): void {
  const byEn = new Map<number, JumbfPart[]>();
  for (const p of parts) {
    const list = byEn.get(p.en) ?? [];
    list.push(p);
    byEn.set(p.en, list);
  }
  for (const [en, list] of byEn) {
    list.sort((a, c) => a.z - c.z);
    const first = list[0].data;
    const lbox = u32be(first, 0)!;
    const head = lbox === 1 ? 16 : 8;
    const chunks: Uint8Array[] = [first];
    let size = first.length;
    let broken = false;
    for (let i = 1; i < list.length; i++) {
      if (list[i].z === list[i - 1].z) continue; // duplicate packet: keep the first
      size += list[i].data.length - head;
      if (size > LIMITS.maxJumbfBytes) {
        broken = true;
        break;
      }
      chunks.push(list[i].data.subarray(head));
    }
    if (broken) {
      warn(seg, `JUMBF box ${en} larger than ${LIMITS.maxJumbfBytes} bytes skipped`);
      continue;
    }
    const kept = keepBytes(seg, 'JUMBF box', concat(chunks), LIMITS.maxJumbfBytes);
    if (kept) seg.jumbf.push(kept);
  }
}
