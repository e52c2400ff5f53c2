import { LIMITS } from './limits.js';
import { addExif, addXmp, emptySegments, keepBytes, warn, type Segments } from './segments.js';

const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];

/**
 * A TIFF file is itself an EXIF structure (read by exifr); besides that, IFD0 may carry XMP (tag 700),
 * IPTC-IIM (33723) and a C2PA manifest store (0xCD41), which we copy out here.
 */
export function walkTiff(b: Uint8Array): Segments {
  const seg = emptySegments('tiff');
  const le = b[0] === 0x49;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ifd = dv.getUint32(4, le);
  if (ifd + 2 > b.length) {
    warn(seg, 'TIFF IFD0 outside the file');
    return seg;
  }
  const n = dv.getUint16(ifd, le);
  for (let i = 0, e = ifd + 2; i < Math.min(n, 1000) && e + 12 <= b.length; i++, e += 12) {
    const tag = dv.getUint16(e, le);
    if (tag !== 700 && tag !== 33723 && tag !== 0xcd41) continue;
    const len = dv.getUint32(e + 4, le) * (TYPE_SIZE[dv.getUint16(e + 2, le)] ?? 0);
    const off = len <= 4 ? e + 8 : dv.getUint32(e + 8, le);
    if (off + len > b.length) {
      warn(seg, `TIFF tag ${tag} points outside the file`);
      continue;
    }
    const data = b.subarray(off, off + len);
    if (tag === 700) addXmp(seg, data);
    else if (tag === 33723) {
      const kept = keepBytes(seg, 'IPTC block', data, LIMITS.maxTextBytes);
      if (kept) seg.iptc.push(kept);
    } else {
      const kept = keepBytes(seg, 'C2PA tag', data, LIMITS.maxJumbfBytes);
      if (kept) seg.jumbf.push(kept);
    }
  }
  // Writers often put IFD0 after the image data, so exifr needs the whole file (a copy: it gets clamped).
  // Taken last so that a large file spends the metadata budget only after the small items are kept.
  addExif(seg, b, LIMITS.maxTotalBytes);
  return seg;
}
