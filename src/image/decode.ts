/**
 * Bytes → DecodedImage. The only module that calls sharp for pixels.
 * Order matters for safety: sniff the bytes, check size, read the header, check pixel count,
 * and only then decode, so a decompression bomb is refused before any pixel exists.
 */
import sharp, { type Metadata } from 'sharp';
import { FileError, firstLine } from '../errors.js';
import type { DecodedImage } from '../types.js';
import { overSizeLimit, type Limits } from './limits.js';
import { sniffFormat, type SniffedFormat } from './sniff.js';
import { checkStructure } from './structure.js';
import { bmpSize, decodeBmp } from './bmp.js';

const UNDECODABLE_ADVICE: Record<string, string> = {
  HEIC: 'the bundled decoder has no HEVC support (patent-encumbered); convert it first, e.g. `heif-convert photo.heic photo.jpg` or `magick photo.heic photo.jpg`',
  'JPEG XL': 'the bundled decoder was built without JPEG XL; convert it first, e.g. `djxl image.jxl image.png`',
  SVG: 'it is a vector drawing: there are no camera or generator pixels to examine; rasterise it yourself if you must',
};

export interface Header {
  format: SniffedFormat;
  width: number;
  height: number;
  /** Channels as stored (1-2 = grayscale), before conversion to sRGB. */
  channels: number;
}

/** Checks everything that can be checked without decoding pixels. Throws FileError. */
export async function inspect(bytes: Uint8Array, limits: Limits): Promise<Header> {
  if (bytes.length === 0) throw new FileError(400, 'empty file (0 bytes)');
  if (bytes.length > limits.maxBytes) {
    throw new FileError(413, overSizeLimit(bytes.length, limits.maxBytes));
  }
  const format = sniffFormat(bytes);
  if (!format) throw new FileError(400, 'not an image: the content matches no supported format (JPEG, PNG, WebP, AVIF, GIF, TIFF, BMP)');
  if (!format.decodable) {
    throw new FileError(400, `${format.label} cannot be decoded here: ${UNDECODABLE_ADVICE[format.label] ?? 'unsupported'}`);
  }
  const damage = checkStructure(bytes, format.mime);
  if (damage) throw new FileError(400, `corrupt ${format.label}: ${damage}`);
  const { width, height, channels } = format.mime === 'image/bmp' ? readBmpHeader(bytes) : await readHeader(bytes, format);
  if (width <= 0 || height <= 0) throw new FileError(400, `corrupt ${format.label}: the header gives no image size`);
  if (width * height > limits.maxPixels) {
    throw new FileError(413,
      `${width}×${height} is ${pixelCount(width * height)}, over the ${pixelCount(limits.maxPixels)} limit (--max-pixels); refused before decoding`);
  }
  return { format, width, height, channels };
}

async function readHeader(bytes: Uint8Array, format: SniffedFormat) {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new FileError(400, `corrupt ${format.label}: ${describeSharpError(err, format.label)}`);
  }
  // pageHeight: one frame of an animation, which is all that is analysed.
  return { width: meta.width ?? 0, height: meta.pageHeight ?? meta.height ?? 0, channels: meta.channels ?? 3 };
}

function readBmpHeader(bytes: Uint8Array) {
  const size = bmpSize(bytes);
  if (!size) throw new FileError(400, 'corrupt BMP: unknown header');
  return { ...size, channels: 3 };
}

export async function decode(bytes: Uint8Array, filename: string, limits: Limits): Promise<DecodedImage> {
  const header = await inspect(bytes, limits);
  let pixels: { data: Uint8Array; width: number; height: number };
  try {
    pixels = header.format.mime === 'image/bmp' ? decodeBmp(bytes) : await decodeWithSharp(bytes, limits);
  } catch (err) {
    if (err instanceof FileError) throw err;
    throw new FileError(400, `corrupt ${header.format.label}: ${describeSharpError(err, header.format.label)}`);
  }
  return {
    data: pixels.data,
    width: pixels.width,
    height: pixels.height,
    grayscale: header.channels <= 2,
    format: header.format.mime,
    fileSize: bytes.length,
    filename,
    bytes,
  };
}

async function decodeWithSharp(bytes: Uint8Array, limits: Limits) {
  // failOn 'truncated': a cut-off file would hand the detectors a grey half-image; minor warnings
  // that real cameras produce (extraneous bytes) are tolerated. pages: 1 = first frame of animations.
  const image = sharp(bytes, { failOn: 'truncated', limitInputPixels: limits.maxPixels, pages: 1 });
  const { data, info } = await image.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new FileError(500, `decoder returned ${info.channels} channels, expected 3`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/** libvips messages carry the file name, repeats and internal prefixes; keep what helps a person. */
export function describeSharpError(err: unknown, label?: string): string {
  const message = ownLines(err instanceof Error ? err.message : String(err), label);
  if (/premature end|truncated|unexpected end|not enough data|end of (file|stream)/i.test(message)) {
    return 'the file is truncated (data ends early)';
  }
  if (/crc/i.test(message)) return 'checksum (CRC) mismatch: the file is damaged';
  // Sniffing already matched the format, so "unsupported" here means the parser gave up on damaged data.
  if (/libpng read error|unable to parse|unsupported image format|not a known file format/i.test(message)) {
    return 'the decoder could not parse it: the file is damaged or truncated';
  }
  const line = firstLine(message.replace(/^(Vips\w*|vips\w*|Input buffer[^:]*):\s*/i, '').replace(/^[^:]*\.(jpe?g|png|gif|webp|tiff?|heic|avif):\s*/i, ''));
  return line || 'the decoder rejected it';
}

const LOADER_WORDS: Record<string, RegExp> = {
  JPEG: /jpe?g/i, PNG: /png/i, GIF: /gif/i, WebP: /webp/i, TIFF: /tiff/i, AVIF: /heif|avif/i, HEIC: /heif|heic/i,
};

/**
 * libvips keeps one error log for the whole process, so when two workers' decodes fail at the same
 * time one error can carry the other's lines too (sharp#902, libvips#707). Lines that name another
 * format's loader are dropped, so that a damaged PNG is not reported with a JPEG's reason.
 */
export function ownLines(message: string, label?: string): string {
  const mine = label ? LOADER_WORDS[label] : undefined;
  if (!mine) return message;
  const others = Object.entries(LOADER_WORDS).filter(([k, re]) => k !== label && re.source !== mine.source).map(([, re]) => re);
  const kept = message.split('\n').filter((l) => mine.test(l) || !others.some((re) => re.test(l)));
  return kept.some((l) => l.trim()) ? kept.join('\n') : message;
}

/** 900 megapixels, 12.5 megapixels, 236,740 pixels: never rounded to a misleading 0. */
function pixelCount(n: number): string {
  if (n >= 10e6) return `${(n / 1e6).toFixed(0)} megapixels`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} megapixels`;
  return `${n.toLocaleString('en-US')} pixels`;
}
