/**
 * Builds every hostile or unusual input kind as bytes, in the test itself, so the suite needs no
 * shared data. sharp encodes what it can; the rest (HEIC, BMP, the decompression bomb, broken
 * files) is crafted byte by byte.
 */
import { deflateRawSync, constants as zlibConstants } from 'node:zlib';
import sharp from 'sharp';

/** Deterministic texture (a seeded LCG), so decoders and detectors have something real to chew on. */
export function noise(width: number, height: number, channels: 1 | 3 | 4, seed = 1): Buffer {
  const buf = Buffer.alloc(width * height * channels);
  let s = seed >>> 0;
  for (let i = 0; i < buf.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    buf[i] = s >>> 24;
  }
  if (channels === 4) for (let i = 3; i < buf.length; i += 4) buf[i] = 255;
  return buf;
}

const raw = (width: number, height: number, channels: 1 | 3 | 4, data = noise(width, height, channels)) =>
  sharp(data, { raw: { width, height, channels } });

/**
 * Noise tinted towards one colour per frame (a channel at 1 is 160-255, at 0 is 0-63), frames
 * stacked vertically: what sharp takes as an animation with pageHeight. Texture keeps the frames
 * judgeable; the tint tells which frame was decoded.
 */
function frames(width: number, pageHeight: number, tints: [number, number, number][]): Buffer {
  const buf = noise(width, pageHeight * tints.length, 4, 3);
  tints.forEach((tint, f) => {
    for (let p = 0; p < width * pageHeight; p++) {
      const o = (f * width * pageHeight + p) * 4;
      for (let c = 0; c < 3; c++) buf[o + c] = tint[c] ? 160 + (buf[o + c] % 96) : buf[o + c] >> 2;
      buf[o + 3] = 255;
    }
  });
  return buf;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A zlib stream of rowBytes×rows zero bytes, without deflating 100+ MB: one block of rows is
 * compressed (ending on a sync flush, so it is not final), repeated, closed with an empty final
 * block; the Adler-32 of n zeros is (n mod 65521) << 16 | 1.
 */
function zerosZlib(rowBytes: number, rows: number): Buffer {
  const perPiece = 1000;
  const piece = deflateRawSync(Buffer.alloc(rowBytes * perPiece), { level: 9, finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const parts: Buffer[] = [Buffer.from([0x78, 0xda])];
  for (let done = 0; done < rows; done += perPiece) {
    const n = Math.min(perPiece, rows - done);
    parts.push(n === perPiece ? piece : deflateRawSync(Buffer.alloc(rowBytes * n), { level: 9, finishFlush: zlibConstants.Z_SYNC_FLUSH }));
  }
  parts.push(Buffer.from([0x03, 0x00])); // empty final block (fixed Huffman, end-of-block)
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((rowBytes * rows) % 65521) * 65536 + 1) >>> 0);
  parts.push(adler);
  return Buffer.concat(parts);
}

/**
 * A valid 1-bit grayscale PNG of side×side pixels whose rows are all zero: a few hundred KB that
 * claim `side²` pixels (30000² = 900 MP) — the classic decompression bomb.
 */
export function bombPng(side = 30000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  const rowBytes = 1 + Math.ceil(side / 8); // filter byte + packed bits
  const idat = zerosZlib(rowBytes, side);
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/** Flips one bit inside the first IDAT chunk's stored CRC, leaving the pixels intact. */
export function breakIdatCrc(png: Buffer): Buffer {
  const out = Buffer.from(png);
  let off = 8;
  while (off + 8 <= out.length) {
    const len = out.readUInt32BE(off);
    const type = out.toString('latin1', off + 4, off + 8);
    if (type === 'IDAT') {
      out[off + 8 + len] ^= 0x01;
      return out;
    }
    off += 12 + len;
  }
  throw new Error('no IDAT chunk');
}

/** Adds a tEXt chunk whose CRC is wrong: ancillary, so readers may drop it and keep the pixels. */
export function withBadTextChunk(png: Buffer): Buffer {
  const chunk = pngChunk('tEXt', Buffer.from('Comment\0damaged', 'latin1'));
  chunk[chunk.length - 1] ^= 0x01;
  const ihdrEnd = 8 + 12 + 13;
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

/** An ISO-BMFF file that starts like an iPhone photo: ftyp heic, then a box we never get to. */
export function heicBytes(): Buffer {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1')]);
  const meta = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('meta', 'latin1'), Buffer.alloc(8)]);
  return Buffer.concat([ftyp, meta]);
}

/** A correct 24-bit BMP (BITMAPINFOHEADER), bottom-up rows padded to 4 bytes. */
export function bmpBytes(width = 64, height = 64): Buffer {
  const rowSize = Math.ceil((width * 3) / 4) * 4;
  const pixels = noise(rowSize, height, 1, 11);
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  return Buffer.concat([header, pixels]);
}

export interface HostileCase {
  /** File name (also what the test reports). */
  name: string;
  bytes: Buffer;
  /** Decode-level outcome: decoded (with what we know about it), or the error status. */
  expect:
    | { ok: true; width: number; height: number; format: string; grayscale?: boolean }
    | { ok: false; status: 400 | 413; detail: RegExp };
  /** Also right: decoded like this (a format whose decoder may be added, e.g. BMP). */
  orDecoded?: { width: number; height: number; format: string };
}

/** Every hostile kind that fits in memory comfortably (the >20 MB file is made sparse on disk by the tests). */
export async function hostileCases(): Promise<HostileCase[]> {
  const jpeg = await raw(64, 64, 3).jpeg({ quality: 90 }).toBuffer();
  const png = await raw(64, 64, 3).png().toBuffer();
  const gif = await raw(64, 64, 3).gif().toBuffer();
  const webp = await raw(64, 64, 3).webp().toBuffer();
  const tiff = await raw(64, 64, 3).tiff().toBuffer();
  const avif = await raw(64, 64, 3).avif({ effort: 0 }).toBuffer();
  const red = frames(64, 64, [[1, 0, 0]]);
  // A ramp x*4 plus noise in the two low bits: decoding must give back the ramp, not clip or shift it.
  const gradient16 = noise(64, 64, 3, 5);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) for (let c = 0; c < 3; c++) gradient16[(y * 64 + x) * 3 + c] = x * 4 + (gradient16[(y * 64 + x) * 3 + c] & 3);
  const rgbaHoles = noise(64, 64, 4);
  for (let i = 3; i < rgbaHoles.length; i += 16) rgbaHoles[i] = 0; // every fourth pixel fully transparent
  const anim: [number, number, number][] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const animRaw = { raw: { width: 64, height: 48 * 3, channels: 4 as const, pageHeight: 48 } };

  const ok = (width: number, height: number, format: string, grayscale?: boolean) =>
    ({ ok: true as const, width, height, format, grayscale });
  const err = (status: 400 | 413, detail: RegExp) => ({ ok: false as const, status, detail });

  return [
    { name: 'plain.jpg', bytes: jpeg, expect: ok(64, 64, 'image/jpeg', false) },
    { name: 'plain.png', bytes: png, expect: ok(64, 64, 'image/png', false) },
    { name: 'zero-bytes.jpg', bytes: Buffer.alloc(0), expect: err(400, /empty/i) },
    { name: 'text.jpg', bytes: Buffer.from('this is not an image, just some text\n'), expect: err(400, /not an image/i) },
    { name: 'truncated.jpg', bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)), expect: err(400, /JPEG.*truncated/i) },
    { name: 'truncated.png', bytes: png.subarray(0, Math.floor(png.length / 2)), expect: err(400, /PNG.*truncated/i) },
    { name: 'bad-crc.png', bytes: breakIdatCrc(png), expect: err(400, /PNG.*(CRC|checksum)/i) },
    { name: 'bad-crc-ancillary.png', bytes: withBadTextChunk(png), expect: ok(64, 64, 'image/png', false) },
    { name: 'truncated.gif', bytes: gif.subarray(0, Math.floor(gif.length / 2)), expect: err(400, /GIF.*truncated/i) },
    { name: 'truncated.webp', bytes: webp.subarray(0, Math.floor(webp.length / 2)), expect: err(400, /WebP.*truncated/i) },
    { name: 'truncated.tiff', bytes: tiff.subarray(0, Math.floor(tiff.length / 2)), expect: err(400, /TIFF.*truncated/i) },
    { name: 'truncated.avif', bytes: avif.subarray(0, Math.floor(avif.length / 2)), expect: err(400, /AVIF/i) },
    { name: 'drawing.svg', bytes: Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>\n'), expect: err(400, /SVG/) },
    { name: 'cmyk.jpg', bytes: await sharp(red, { raw: { width: 64, height: 64, channels: 4 } }).removeAlpha().toColourspace('cmyk').jpeg().toBuffer(), expect: ok(64, 64, 'image/jpeg', false) },
    { name: 'sixteen-bit.png', bytes: await raw(64, 64, 3, gradient16).toColourspace('rgb16').png().toBuffer(), expect: ok(64, 64, 'image/png', false) },
    { name: 'palette-transparent.png', bytes: await raw(64, 64, 4, rgbaHoles).png({ palette: true, colours: 16 }).toBuffer(), expect: ok(64, 64, 'image/png', false) },
    { name: 'rgba.png', bytes: await raw(64, 64, 4, rgbaHoles).png().toBuffer(), expect: ok(64, 64, 'image/png', false) },
    { name: 'gray.png', bytes: await raw(64, 64, 1).toColourspace('b-w').png().toBuffer(), expect: ok(64, 64, 'image/png', true) },
    { name: 'gray.jpg', bytes: await raw(64, 64, 1).toColourspace('b-w').jpeg().toBuffer(), expect: ok(64, 64, 'image/jpeg', true) },
    { name: 'animated.gif', bytes: await sharp(frames(64, 48, anim), animRaw).gif().toBuffer(), expect: ok(64, 48, 'image/gif') },
    { name: 'animated.webp', bytes: await sharp(frames(64, 48, anim), animRaw).webp({ lossless: true }).toBuffer(), expect: ok(64, 48, 'image/webp') },
    { name: 'exif-orientation-6.jpg', bytes: await raw(80, 48, 3).jpeg().withMetadata({ orientation: 6 }).toBuffer(), expect: ok(80, 48, 'image/jpeg', false) },
    { name: 'progressive.jpg', bytes: await raw(64, 64, 3).jpeg({ progressive: true }).toBuffer(), expect: ok(64, 64, 'image/jpeg', false) },
    { name: 'one-pixel.png', bytes: await raw(1, 1, 3).png().toBuffer(), expect: ok(1, 1, 'image/png', false) },
    { name: 'eight-by-eight.png', bytes: await raw(8, 8, 3).png().toBuffer(), expect: ok(8, 8, 'image/png', false) },
    { name: 'strip-10000x4.png', bytes: await raw(10000, 4, 3).png().toBuffer(), expect: ok(10000, 4, 'image/png', false) },
    { name: 'png-named-as.jpg', bytes: png, expect: ok(64, 64, 'image/png', false) },
    { name: 'photo.heic', bytes: heicBytes(), expect: err(400, /HEIC.*(convert|heif-convert)/i) },
    { name: 'image.bmp', bytes: bmpBytes(), expect: err(400, /BMP.*convert/i), orDecoded: { width: 64, height: 64, format: 'image/bmp' } },
    { name: 'bigtiff.tif', bytes: await raw(64, 64, 3).tiff({ bigtiff: true }).toBuffer(), expect: ok(64, 64, 'image/tiff', false) },
    { name: 'image.tiff', bytes: tiff, expect: ok(64, 64, 'image/tiff', false) },
    { name: 'image.webp', bytes: webp, expect: ok(64, 64, 'image/webp', false) },
    { name: 'image.avif', bytes: avif, expect: ok(64, 64, 'image/avif', false) },
    { name: 'bomb-30000x30000.png', bytes: bombPng(), expect: err(413, /30000×30000.*max-pixels/) },
  ];
}
