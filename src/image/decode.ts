/**
 * Bytes → DecodedImage. The only module that calls sharp for pixels.
 * Order matters for safety: sniff the bytes, check size, read the header, check pixel count,
 * and only then decode, so a decompression bomb is refused before any pixel exists.
 */
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { FileError, firstLine } from '../errors.js';
import type { DecodedImage } from '../types.js';
import { formatBytes, type Limits } from './limits.js';
import { sniffFormat, type SniffedFormat } from './sniff.js';

const UNDECODABLE_ADVICE: Record<string, string> = {
  HEIC: 'the bundled decoder has no HEVC support (patent-encumbered); convert it first, e.g. `heif-convert photo.heic photo.jpg` or `magick photo.heic photo.jpg`, or use --remote',
  BMP: 'the bundled decoder (libvips) has no BMP loader; convert it to PNG first, e.g. `magick image.bmp image.png`',
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
    throw new FileError(413, `file is ${formatBytes(bytes.length)}, over the ${formatBytes(limits.maxBytes)} limit (--max-size)`);
  }
  const format = sniffFormat(bytes);
  if (!format) throw new FileError(400, 'not an image: the content matches no supported format (JPEG, PNG, WebP, AVIF, GIF, TIFF)');
  if (!format.decodable) {
    throw new FileError(400, `${format.label} cannot be decoded here: ${UNDECODABLE_ADVICE[format.label] ?? 'unsupported'}`);
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new FileError(400, `corrupt ${format.label}: ${describeSharpError(err)}`);
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width <= 0 || height <= 0) throw new FileError(400, `corrupt ${format.label}: the header gives no image size`);
  if (width * height > limits.maxPixels) {
    throw new FileError(413,
      `${width}×${height} is ${(width * height / 1e6).toFixed(0)} megapixels, over the ${(limits.maxPixels / 1e6).toFixed(0)} MP limit (--max-pixels); refused before decoding`);
  }
  return { format, width, height, channels: meta.channels ?? 3 };
}

export async function decode(bytes: Uint8Array, filename: string, limits: Limits): Promise<DecodedImage> {
  const header = await inspect(bytes, limits);
  let raw: { data: Buffer; info: OutputInfo };
  try {
    // failOn 'truncated': a cut-off file would hand the detectors a grey half-image; minor warnings
    // that real cameras produce (extraneous bytes) are tolerated. pages: 1 = first frame of animations.
    const image = sharp(bytes, { failOn: 'truncated', limitInputPixels: limits.maxPixels, pages: 1 });
    raw = await image.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new FileError(400, `corrupt ${header.format.label}: ${describeSharpError(err)}`);
  }
  if (raw.info.channels !== 3) throw new FileError(500, `decoder returned ${raw.info.channels} channels, expected 3`);
  return {
    data: new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength),
    width: raw.info.width,
    height: raw.info.height,
    grayscale: header.channels <= 2,
    format: header.format.mime,
    fileSize: bytes.length,
    filename,
    bytes,
  };
}

/** libvips messages carry the file name, repeats and internal prefixes; keep what helps a person. */
export function describeSharpError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/premature end|truncated|unexpected end|not enough data|end of (file|stream)/i.test(message)) {
    return 'the file is truncated (data ends early)';
  }
  if (/crc/i.test(message)) return 'checksum (CRC) mismatch: the file is damaged';
  const line = firstLine(message.replace(/^(Vips\w*|vips\w*|Input buffer[^:]*):\s*/i, '').replace(/^[^:]*\.(jpe?g|png|gif|webp|tiff?|heic|avif):\s*/i, ''));
  return line || 'the decoder rejected it';
}
