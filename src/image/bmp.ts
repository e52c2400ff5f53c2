/**
 * BMP, which libvips (and so sharp) cannot load. bmp-ts reads every bit depth and RLE; the size is
 * read from the header first so the pixel limit applies before anything is allocated.
 */
import { decode as decodeBmpFile } from 'bmp-ts';

/** Width and height from a BITMAPINFOHEADER (or later) header; null when it is not one. */
export function bmpSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 26) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = view.getUint32(14, true);
  if (headerSize === 12) return { width: view.getUint16(18, true), height: view.getUint16(20, true) }; // OS/2 core header
  if (headerSize < 40) return null;
  // Negative height marks a top-down bitmap.
  return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
}

/** RGB interleaved pixels. Throws on a damaged file. */
export function decodeBmp(bytes: Uint8Array): { data: Uint8Array; width: number; height: number } {
  const decoded = decodeBmpFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { toRGBA: true });
  const { width, height } = decoded;
  const rgba = decoded.data as Uint8Array;
  if (rgba.length < width * height * 4) throw new Error('pixel data ends early');
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  return { data: rgb, width, height };
}
