/**
 * Container-level checks that libvips either skips or reports opaquely: with failOn 'truncated'
 * libpng silently uses chunks whose CRC is wrong, and a cut-off PNG or WebP comes back as
 * "libpng read error" / "unable to parse image". Walking the container first lets the user hear
 * what is actually wrong. Pure functions over the file's bytes; nothing is decoded.
 */
import zlib from 'node:zlib';

/** Chunks whose damage changes the pixels; damage elsewhere (text, EXIF) is dropped by readers and tolerated here. */
const PNG_CRITICAL = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as PNG defines it; zlib's native one when this Node has it (>= 20.15). */
export function crc32(bytes: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (native) return native(bytes) >>> 0;
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const u32be = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const u32le = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
const chunkType = (b: Uint8Array, o: number) => String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);

const TRUNCATED = 'the file is truncated (data ends early)';

/** Returns what is wrong with a PNG's chunk structure, or null when it is sound. */
export function checkPng(bytes: Uint8Array): string | null {
  let off = 8; // after the signature
  while (off < bytes.length) {
    if (off + 8 > bytes.length) return TRUNCATED;
    const length = u32be(bytes, off);
    const type = chunkType(bytes, off + 4);
    const end = off + 8 + length + 4;
    if (length > 0x7fffffff || end > bytes.length) return TRUNCATED;
    if (PNG_CRITICAL.has(type) && crc32(bytes.subarray(off + 4, off + 8 + length)) !== u32be(bytes, off + 8 + length)) {
      return `checksum (CRC) mismatch in its ${type} chunk: the file is damaged`;
    }
    if (type === 'IEND') return null;
    off = end;
  }
  return TRUNCATED;
}

/** A RIFF container states its own length; a WebP shorter than that was cut off. */
export function checkWebp(bytes: Uint8Array): string | null {
  if (bytes.length < 12) return TRUNCATED;
  return bytes.length < u32le(bytes, 4) + 8 ? TRUNCATED : null;
}

/** Structural problem of a file in a sniffed format (by MIME type), or null when none is found. */
export function checkStructure(bytes: Uint8Array, mime: string): string | null {
  switch (mime) {
    case 'image/png': return checkPng(bytes);
    case 'image/webp': return checkWebp(bytes);
    default: return null;
  }
}
