import { LIMITS } from './limits.js';
import { ascii, decodeLatin1, decodeUtf8, indexOfZero, u32be } from './bytes.js';
import { inflateBounded } from './inflate.js';
import { addExif, emptySegments, keepBytes, warn, type Segments } from './segments.js';

const XMP_KEY = 'XML:com.adobe.xmp';

/** Walks PNG chunks; CRCs are not checked (a bad CRC does not make the text less telling). */
export function walkPng(b: Uint8Array): Segments {
  const seg = emptySegments('png');
  let o = 8;
  for (let n = 0; n < LIMITS.maxSegments * 5; n++) {
    const len = u32be(b, o);
    if (len === undefined || o + 8 > b.length) {
      warn(seg, 'PNG ends without IEND');
      break;
    }
    const type = ascii(b, o + 4, 4);
    const end = o + 8 + len;
    if (len > 0x7fffffff || end > b.length) {
      warn(seg, `PNG chunk ${JSON.stringify(type)} runs past the end of the file`);
      // Still read what is there: a cut text chunk can carry a whole prompt.
      readChunk(seg, type, b.subarray(o + 8, Math.min(end, b.length)), true);
      break;
    }
    if (type === 'IEND') break;
    readChunk(seg, type, b.subarray(o + 8, end), false);
    o = end + 4;
  }
  return seg;
}

function readChunk(seg: Segments, type: string, d: Uint8Array, cut: boolean): void {
  switch (type) {
    case 'tEXt':
      return readText(seg, d, cut);
    case 'zTXt':
      return readZtxt(seg, d);
    case 'iTXt':
      return readItxt(seg, d, cut);
    case 'eXIf':
      return addExif(seg, d);
    case 'caBX': {
      const kept = keepBytes(seg, 'caBX chunk', d, LIMITS.maxJumbfBytes);
      if (kept) seg.jumbf.push(kept);
      return;
    }
  }
}

function keyword(d: Uint8Array): { key: string; at: number } | undefined {
  const z = indexOfZero(d, 0, Math.min(d.length, 80));
  return z <= 0 ? undefined : { key: decodeLatin1(d.subarray(0, z)), at: z + 1 };
}

function pushText(seg: Segments, key: string, raw: Uint8Array, utf8: boolean, truncated: boolean): void {
  const cut = raw.length > LIMITS.maxTextBytes;
  const body = cut ? raw.subarray(0, LIMITS.maxTextBytes) : raw;
  if (!seg.budget.take(body.length)) {
    warn(seg, `text chunk ${key} skipped (metadata budget spent)`);
    seg.texts.push({ key, value: '', truncated: true });
    return;
  }
  const value = utf8 ? decodeUtf8(body) : decodeLatin1(body);
  if (key === XMP_KEY) seg.xmp.push(value);
  else seg.texts.push({ key, value, truncated: truncated || cut });
}

function readText(seg: Segments, d: Uint8Array, cut: boolean): void {
  const k = keyword(d);
  if (!k) return warn(seg, 'tEXt chunk without a keyword');
  // Many generators write UTF-8 into tEXt despite the spec's Latin-1; UTF-8 is the better guess when valid.
  const body = d.subarray(k.at);
  pushText(seg, k.key, body, looksUtf8(body), cut);
}

function readZtxt(seg: Segments, d: Uint8Array): void {
  const k = keyword(d);
  if (!k) return warn(seg, 'zTXt chunk without a keyword');
  const inf = inflateBounded(d.subarray(k.at + 1), LIMITS.maxTextBytes);
  if (!inf.bytes) {
    warn(seg, `zTXt ${k.key} could not be inflated within ${LIMITS.maxTextBytes} bytes`);
    seg.texts.push({ key: k.key, value: '', truncated: true });
    return;
  }
  pushText(seg, k.key, inf.bytes, looksUtf8(inf.bytes), inf.truncated);
}

function readItxt(seg: Segments, d: Uint8Array, cut: boolean): void {
  const k = keyword(d);
  if (!k || k.at + 2 > d.length) return warn(seg, 'iTXt chunk malformed');
  const compressed = d[k.at] === 1;
  const lang = indexOfZero(d, k.at + 2);
  const tkey = lang < 0 ? -1 : indexOfZero(d, lang + 1);
  if (tkey < 0) return warn(seg, `iTXt ${k.key} malformed`);
  const body = d.subarray(tkey + 1);
  if (!compressed) return pushText(seg, k.key, body, true, cut);
  const inf = inflateBounded(body, LIMITS.maxTextBytes);
  if (!inf.bytes) {
    warn(seg, `iTXt ${k.key} could not be inflated within ${LIMITS.maxTextBytes} bytes`);
    seg.texts.push({ key: k.key, value: '', truncated: true });
    return;
  }
  pushText(seg, k.key, inf.bytes, true, inf.truncated);
}

function looksUtf8(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) return decodeUtf8(b).indexOf('\ufffd') < 0;
  return true;
}
