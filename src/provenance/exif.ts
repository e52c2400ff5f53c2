import exifr from 'exifr';
import { decodeLatin1, decodeUtf8 } from './bytes.js';
import { clampTiff } from './tiffsafe.js';

export interface ExifFacts {
  make?: string;
  model?: string;
  lens?: string;
  exposureTime?: number;
  fNumber?: number;
  iso?: number;
  focalLength?: number;
  dateTimeOriginal?: string;
  software?: string;
  imageDescription?: string;
  userComment?: string;
  artist?: string;
}

/** exifr parses a bare TIFF block; we ask only for IFD0 and the Exif IFD, no GPS, no maker notes. */
const OPTIONS = {
  tiff: true,
  exif: true,
  gps: false,
  interop: false,
  ifd1: false,
  xmp: false,
  iptc: false,
  icc: false,
  jfif: false,
  makerNote: false,
  userComment: true,
  translateValues: false,
  reviveValues: false,
  silentErrors: true,
};

function text(v: unknown, max = 1 << 20): string | undefined {
  if (typeof v === 'string') {
    const s = v.replace(/\0+$/, '').trim();
    return s ? s.slice(0, max) : undefined;
  }
  if (v instanceof Uint8Array) return text(decodeLatin1(v), max);
  return undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  return undefined;
}

/**
 * EXIF UserComment starts with an 8-byte charset code. A1111 writes "UNICODE\0" + UTF-16 (big-endian
 * via piexif, though readers disagree), so we guess the byte order from where the zero bytes fall.
 */
export function decodeUserComment(b: Uint8Array): string | undefined {
  if (b.length <= 8) return undefined;
  const head = decodeLatin1(b.subarray(0, 8));
  const body = b.subarray(8, Math.min(b.length, 8 + (2 << 20)));
  if (head.startsWith('UNICODE')) {
    let zerosEven = 0;
    let zerosOdd = 0;
    for (let i = 0; i < Math.min(body.length, 512); i++) if (body[i] === 0) (i % 2 ? zerosOdd++ : zerosEven++);
    const le = zerosOdd > zerosEven;
    const n = body.length >> 1;
    const units = new Uint16Array(n);
    for (let i = 0; i < n; i++) units[i] = le ? body[2 * i] | (body[2 * i + 1] << 8) : (body[2 * i] << 8) | body[2 * i + 1];
    return text(new TextDecoder('utf-16le').decode(units));
  }
  if (head.startsWith('ASCII') || head === '\0\0\0\0\0\0\0\0') return text(decodeUtf8(body));
  return text(decodeUtf8(b));
}

/** Reads the EXIF facts we weigh. `tiff` is clamped in place first, so pass a copy you own. */
export async function readExif(tiff: Uint8Array): Promise<ExifFacts> {
  clampTiff(tiff);
  const r = (await exifr.parse(tiff, OPTIONS)) as Record<string, unknown> | undefined;
  if (!r) return {};
  const uc = r.userComment ?? r.UserComment;
  return {
    make: text(r.Make, 300),
    model: text(r.Model, 300),
    lens: text(r.LensModel, 200),
    exposureTime: num(r.ExposureTime),
    fNumber: num(r.FNumber),
    iso: num(r.ISO) ?? num(r.ISOSpeedRatings),
    focalLength: num(r.FocalLength),
    dateTimeOriginal: text(r.DateTimeOriginal, 40),
    software: text(r.Software, 300),
    imageDescription: text(r.ImageDescription),
    userComment: uc instanceof Uint8Array ? decodeUserComment(uc) : text(uc),
    artist: text(r.Artist, 300),
  };
}
