/**
 * The shortcut-free view of a file: a centred square crop of one size, re-encoded as JPEG at one
 * quality with no metadata, so shape, size, format and metadata are the same for every image and
 * only the pixels can tell the classes apart. The same protocol as the fusion fit
 * (tools/fit/corpus.mjs): crop at native resolution; an image with a side under the crop size is
 * first scaled up with lanczos3 so its short side fits (both classes alike).
 */
import type { Limits } from '../image/limits.js';

export const SHORTCUT_FREE = { crop: 256, jpegQuality: 90 } as const;

export async function shortcutFreeBytes(bytes: Uint8Array, filename: string, limits: Limits, view = SHORTCUT_FREE): Promise<Uint8Array> {
  // Loaded here: the CLI's option table imports this module for SHORTCUT_FREE and must stay light.
  const [{ default: sharp }, { decode }] = await Promise.all([import('sharp'), import('../image/decode.js')]);
  // decode() applies the same safety checks and first-frame/alpha/sRGB rules as a scan.
  const img = await decode(bytes, filename, limits);
  const raw = { raw: { width: img.width, height: img.height, channels: 3 as const } };
  const side = Math.min(img.width, img.height);
  const crop = side < view.crop
    ? sharp(img.data, raw).resize(view.crop, view.crop, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    : sharp(img.data, raw).extract({
      left: Math.floor((img.width - view.crop) / 2), top: Math.floor((img.height - view.crop) / 2), width: view.crop, height: view.crop,
    });
  // sharp writes no metadata unless asked (withMetadata), so EXIF/XMP/C2PA are gone.
  const jpeg = await crop.jpeg({ quality: view.jpegQuality }).toBuffer();
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}
