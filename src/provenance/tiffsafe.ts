/**
 * Clamps TIFF IFD entries so that no value reaches past the block, before exifr sees it. exifr trusts
 * entry counts: one flipped byte can ask it to read ten million rationals (half a second of work).
 * Mutates `t` in place; the caller passes its own copy.
 */
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];
const SUB_IFDS = new Set([0x8769, 0x8825, 0xa005]);

export function clampTiff(t: Uint8Array): void {
  if (t.length < 8) return;
  const le = t[0] === 0x49;
  const dv = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const u16 = (o: number) => dv.getUint16(o, le);
  const u32 = (o: number) => dv.getUint32(o, le);
  const queue = [u32(4)];
  const seen = new Set<number>();
  while (queue.length && seen.size < 16) {
    const ifd = queue.shift()!;
    if (seen.has(ifd) || ifd < 8 || ifd + 2 > t.length) continue;
    seen.add(ifd);
    const n = u16(ifd);
    let e = ifd + 2;
    for (let i = 0; i < n && e + 12 <= t.length; i++, e += 12) {
      const tag = u16(e);
      const type = u16(e + 2);
      const size = TYPE_SIZE[type] ?? 0;
      const count = u32(e + 4);
      let fit = 0;
      if (size) {
        if (count * size <= 4) fit = count;
        else {
          const off = u32(e + 8);
          fit = off < t.length ? Math.min(count, Math.floor((t.length - off) / size)) : 0;
        }
      }
      if (fit !== count) dv.setUint32(e + 4, fit, le);
      if (SUB_IFDS.has(tag) && fit > 0) queue.push(u32(e + 8));
    }
    if (e + 4 <= t.length && n > 0) queue.push(u32(e));
  }
}
