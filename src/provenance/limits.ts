/**
 * Bounds for reading metadata from files we do not trust. Every walker and reader takes its caps from
 * here so that a hostile file costs at most a few megabytes and a few milliseconds.
 */
export const LIMITS = {
  /** Segments/chunks/boxes a container walker will visit before giving up. */
  maxSegments: 20_000,
  /** Largest text we keep from one metadata item (after inflating). */
  maxTextBytes: 1 << 20,
  /** Total inflated/copied metadata per file, across all items. */
  maxTotalBytes: 24 << 20,
  /** Largest single JUMBF store we reassemble (C2PA stores with thumbnails reach a few MB). */
  maxJumbfBytes: 16 << 20,
  /** JUMBF superbox nesting (a C2PA store needs 4-5 levels). */
  maxJumbfDepth: 12,
  /** JUMBF boxes visited per store. */
  maxJumbfBoxes: 5_000,
  /** CBOR nesting and item count for one claim or assertion. */
  maxCborDepth: 32,
  maxCborItems: 50_000,
  /** CBOR bytes decoded per C2PA store: real claims and assertions take a few KB; decoding costs ~1 s per 10 MB. */
  maxCborBytesPerStore: 1 << 20,
  /** A COSE signature (certificates, timestamps) or hash assertion larger than this is not decoded. */
  maxSignatureBytes: 256 << 10,
  /** BMFF nesting when looking for meta/iinf/iloc. */
  maxBmffDepth: 8,
  /** Items listed in a HEIF item-info box we will look at. */
  maxBmffItems: 4_096,
} as const;

/** Tracks the bytes a file's metadata has cost so far; past the budget, readers stop copying. */
export class Budget {
  used = 0;
  constructor(readonly total: number = LIMITS.maxTotalBytes) {}
  take(n: number): boolean {
    if (this.used + n > this.total) return false;
    this.used += n;
    return true;
  }
}
