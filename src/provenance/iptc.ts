import { decodeUtf8 } from './bytes.js';

export interface IptcFacts {
  credit?: string;
  source?: string;
  caption?: string;
  program?: string;
  byline?: string;
}

/** Record 2 datasets we look at (IPTC-IIM 4.2). */
const DATASETS: Record<number, keyof IptcFacts> = { 110: 'credit', 115: 'source', 120: 'caption', 65: 'program', 80: 'byline' };

/** Reads IPTC-IIM records; IIM has no digital-source-type field, so this only yields text clues. */
export function readIptc(b: Uint8Array): IptcFacts {
  const out: IptcFacts = {};
  let o = 0;
  for (let n = 0; n < 5000 && o + 5 <= b.length; n++) {
    if (b[o] !== 0x1c) break;
    const rec = b[o + 1];
    const ds = b[o + 2];
    let len = (b[o + 3] << 8) | b[o + 4];
    let body = o + 5;
    if (len & 0x8000) {
      // Extended dataset: the low bits give how many bytes hold the length.
      const k = len & 0x7fff;
      if (k > 4 || body + k > b.length) break;
      len = 0;
      for (let i = 0; i < k; i++) len = len * 256 + b[body + i];
      body += k;
    }
    if (body + len > b.length) break;
    const key = rec === 2 ? DATASETS[ds] : undefined;
    if (key && out[key] === undefined) out[key] = decodeUtf8(b.subarray(body, body + Math.min(len, 4000))).trim();
    o = body + len;
  }
  return out;
}
