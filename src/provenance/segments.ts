import { Budget, LIMITS } from './limits.js';
import { decodeUtf8 } from './bytes.js';

/** A key/value text item found in a file (PNG tEXt/zTXt/iTXt, JPEG COM, ...). */
export interface TextItem {
  key: string;
  value: string;
  /** True when the value was cut at LIMITS.maxTextBytes or could not be inflated within it. */
  truncated: boolean;
}

/**
 * What a container walker hands to the segment readers: raw metadata payloads, not yet interpreted.
 * Walkers only locate and copy (within the budget); readers decide what the bytes mean.
 */
export interface Segments {
  container: string;
  /** TIFF-structured EXIF blocks (starting at the II/MM byte-order mark). */
  exif: Uint8Array[];
  xmp: string[];
  /** IPTC-IIM record streams (the payload of Photoshop resource 0x0404). */
  iptc: Uint8Array[];
  /** Complete JUMBF superboxes (C2PA manifest stores). */
  jumbf: Uint8Array[];
  texts: TextItem[];
  /** Problems met while walking (truncation, bad lengths); reported, never thrown. */
  warnings: string[];
  budget: Budget;
}

export function emptySegments(container: string): Segments {
  return { container, exif: [], xmp: [], iptc: [], jumbf: [], texts: [], warnings: [], budget: new Budget() };
}

export function warn(seg: Segments, msg: string): void {
  if (seg.warnings.length < 20) seg.warnings.push(msg);
}

/** Copies a payload if the file's metadata budget allows; otherwise records a warning. */
export function keepBytes(seg: Segments, what: string, b: Uint8Array, cap: number = LIMITS.maxTextBytes * 4): Uint8Array | undefined {
  if (b.length > cap || !seg.budget.take(b.length)) {
    warn(seg, `${what} of ${b.length} bytes skipped (over the size limit)`);
    return undefined;
  }
  return b.slice();
}

export function addXmp(seg: Segments, b: Uint8Array): void {
  const kept = keepBytes(seg, 'XMP packet', b, LIMITS.maxTextBytes);
  if (kept) seg.xmp.push(decodeUtf8(kept));
}

/** EXIF payloads may or may not carry the "Exif\0\0" prefix depending on the writer. */
export function addExif(seg: Segments, b: Uint8Array, cap?: number): void {
  let o = 0;
  if (b.length >= 6 && b[0] === 0x45 && b[1] === 0x78 && b[2] === 0x69 && b[3] === 0x66 && b[4] === 0 && b[5] === 0) o = 6;
  const tiff = b.subarray(o);
  const mark = tiff.length >= 4 && ((tiff[0] === 0x49 && tiff[1] === 0x49) || (tiff[0] === 0x4d && tiff[1] === 0x4d));
  if (!mark) {
    warn(seg, 'EXIF block without a TIFF header ignored');
    return;
  }
  const kept = keepBytes(seg, 'EXIF block', tiff, cap);
  if (kept) seg.exif.push(kept);
}
