import { LIMITS } from './limits.js';
import { ascii, u32le } from './bytes.js';
import { addExif, addXmp, emptySegments, keepBytes, warn, type Segments } from './segments.js';

/** Walks the top-level chunks of a RIFF/WebP file: EXIF, "XMP " and C2PA. */
export function walkRiff(b: Uint8Array): Segments {
  const seg = emptySegments('webp');
  let o = 12;
  for (let n = 0; n < LIMITS.maxSegments && o + 8 <= b.length; n++) {
    const id = ascii(b, o, 4);
    const size = u32le(b, o + 4)!;
    const end = o + 8 + size;
    if (end > b.length) {
      warn(seg, `RIFF chunk ${JSON.stringify(id)} runs past the end of the file`);
      break;
    }
    const d = b.subarray(o + 8, end);
    if (id === 'EXIF') addExif(seg, d);
    else if (id === 'XMP ') addXmp(seg, d);
    else if (id === 'C2PA') {
      const kept = keepBytes(seg, 'C2PA chunk', d, LIMITS.maxJumbfBytes);
      if (kept) seg.jumbf.push(kept);
    }
    o = end + (size & 1);
  }
  return seg;
}
