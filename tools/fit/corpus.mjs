// Reading the corpus and cutting the fixed-size views every fit uses. Kept apart from the fitting
// so the crop protocol is written once and recorded in the model files as it ran.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { parseCsv } from '../../dist/eval/labelled.js';

export const CROP = 256;
export const VIEWS = [
  { name: 'raw', jpeg: null, down: false },
  { name: 'jpeg90', jpeg: 90, down: false },
  { name: 'jpeg75', jpeg: 75, down: false },
  { name: 'down90', jpeg: 90, down: true },
];
/** Smallest downscale factor of the down90 view. */
export const MIN_SCALE = 0.25;

export const PROTOCOL = {
  crop: `centred ${CROP}×${CROP} square at native resolution (images with a side under ${CROP} px are first scaled up with lanczos3 so the short side is ${CROP}; both classes alike)`,
  decode: "sharp(file, { pages: 1 }).removeAlpha().toColourspace('srgb') as src/image/decode.ts (EXIF orientation not applied)",
  views: 'raw = the crop; jpeg90 / jpeg75 = the crop re-encoded by sharp (libjpeg, 4:2:0) at quality 90 / 75 and decoded, no metadata; '
    + `down90 = the whole image first scaled down (lanczos3) by a factor drawn per file (hash of its path) uniformly from [max(${MIN_SCALE}, ${256}/short side), 1], then cropped and re-encoded at q90: `
    + 'most real photos here were downscaled by their publishers and most AI images are at native size, so this keeps "downscaled ⇒ real" from being learnable',
  shortcutFree: 'jpeg90: shape, size, format and metadata are the same for every image',
};

// One CSV reader for the CLI and the fit scripts: xray eval's, compiled.
export { parseCsv };

export function readManifest(corpusDir) {
  return parseCsv(readFileSync(join(corpusDir, 'manifest.csv'), 'utf8'));
}

async function rawOf(pipeline) {
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/** A deterministic number in [0, 1) from a string (FNV-1a), so every run draws the same scale per file. */
export function unitHash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h / 4294967296;
}

function centreCrop(img) {
  const left = Math.floor((img.width - CROP) / 2), top = Math.floor((img.height - CROP) / 2);
  const data = new Uint8Array(CROP * CROP * 3);
  for (let y = 0; y < CROP; y++) {
    const from = ((top + y) * img.width + left) * 3;
    data.set(img.data.subarray(from, from + CROP * 3), y * CROP * 3);
  }
  return { data, width: CROP, height: CROP };
}

async function jpegRoundTrip(img, quality) {
  const jpg = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality }).toBuffer();
  return rawOf(sharp(jpg).toColourspace('srgb'));
}

/** The views of one corpus image (`id` = its manifest path, which seeds the down90 scale): { upscaled, scale, views: { name: {data,width,height} } }. */
export async function viewsOf(file, id) {
  const img = await rawOf(sharp(file, { pages: 1 }).removeAlpha().toColourspace('srgb'));
  const side = Math.min(img.width, img.height);
  const rawInput = { raw: { width: img.width, height: img.height, channels: 3 } };
  const crop = side < CROP
    ? await rawOf(sharp(img.data, rawInput).resize(CROP, CROP, { fit: 'cover', position: 'centre', kernel: 'lanczos3' }))
    : centreCrop(img);
  const lo = Math.min(1, Math.max(MIN_SCALE, CROP / side));
  const scale = lo + (1 - lo) * unitHash(id);
  const views = {};
  for (const v of VIEWS) {
    if (v.down) {
      const w = Math.max(CROP, Math.round(img.width * scale)), h = Math.max(CROP, Math.round(img.height * scale));
      const small = scale < 1 && side >= CROP ? await rawOf(sharp(img.data, rawInput).resize(w, h, { fit: 'fill', kernel: 'lanczos3' })) : null;
      views[v.name] = await jpegRoundTrip(small ? centreCrop(small) : crop, v.jpeg);
    } else {
      views[v.name] = v.jpeg === null ? crop : await jpegRoundTrip(crop, v.jpeg);
    }
  }
  return { upscaled: side < CROP, scale, views };
}
