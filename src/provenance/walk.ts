import { startsWith } from './bytes.js';
import { walkBmff } from './bmff.js';
import { walkJpeg } from './jpeg.js';
import { walkPng } from './png.js';
import { walkRiff } from './riff.js';
import { emptySegments, warn, type Segments } from './segments.js';
import { walkTiff } from './tiff.js';

/** Picks the container walker from the file's first bytes (never its name). */
export function walkContainer(b: Uint8Array): Segments {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return walkJpeg(b);
  if (startsWith(b, 0, '\x89PNG\r\n\x1a\n')) return walkPng(b);
  if (startsWith(b, 0, 'RIFF') && startsWith(b, 8, 'WEBP')) return walkRiff(b);
  if (startsWith(b, 4, 'ftyp')) return walkBmff(b);
  if ((startsWith(b, 0, 'II*\0') || startsWith(b, 0, 'MM\0*')) && b.length >= 8) return walkTiff(b);
  const seg = emptySegments('unknown');
  warn(seg, 'container not recognised for metadata');
  return seg;
}
