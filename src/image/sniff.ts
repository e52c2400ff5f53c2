/**
 * Identifies the format from the first bytes of the file, never from its name:
 * users rename files, and a PNG called .jpg must still be read as a PNG.
 */

export interface SniffedFormat {
  mime: string;
  /** Short name for messages. */
  label: string;
  /** Whether the bundled decoder (sharp's prebuilt libvips) can decode it. */
  decodable: boolean;
}

const fmt = (mime: string, label: string, decodable = true): SniffedFormat => ({ mime, label, decodable });

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
}

function startsWith(bytes: Uint8Array, sig: number[], offset = 0): boolean {
  if (bytes.length < offset + sig.length) return false;
  return sig.every((b, i) => bytes[offset + i] === b);
}

/** ISO-BMFF `ftyp` brands that tell AVIF from HEIC. */
function sniffBmff(bytes: Uint8Array): SniffedFormat | null {
  if (bytes.length < 12 || ascii(bytes, 4, 8) !== 'ftyp') return null;
  const boxSize = Math.min(bytes.length, Math.max(16, (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]));
  const brands = [ascii(bytes, 8, 12)];
  for (let i = 16; i + 4 <= boxSize; i += 4) brands.push(ascii(bytes, i, i + 4));
  if (brands.includes('avif') || brands.includes('avis')) return fmt('image/avif', 'AVIF');
  if (brands.some((b) => ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(b))) {
    return fmt('image/heic', 'HEIC', false);
  }
  return null;
}

function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = ascii(bytes, 0, 1024).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'));
}

export function sniffFormat(bytes: Uint8Array): SniffedFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return fmt('image/jpeg', 'JPEG');
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return fmt('image/png', 'PNG');
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return fmt('image/gif', 'GIF');
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return fmt('image/webp', 'WebP');
  // Classic TIFF (42) and BigTIFF (43), both byte orders; libtiff reads either.
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])
    || startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])) {
    return fmt('image/tiff', 'TIFF');
  }
  const bmff = sniffBmff(bytes);
  if (bmff) return bmff;
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 26) return fmt('image/bmp', 'BMP');
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) {
    return fmt('image/jxl', 'JPEG XL', false);
  }
  if (looksLikeSvg(bytes)) return fmt('image/svg+xml', 'SVG', false);
  return null;
}
