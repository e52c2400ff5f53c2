import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { provenance, readProvenance } from '../../src/detectors/provenance.ts';
import type { DecodedImage } from '../../src/types.ts';
import { app11, c2paStore, cat, exifSegment, asciiTag, IPTC, jpegWith, makePng, plainJpeg, pngChunk, tEXt, tiff, xmpPacket, xmpSegment, zTXt, bytes } from '../provenance/build.ts';

function image(bytes: Uint8Array): DecodedImage {
  // Pixels are irrelevant to this detector; it must not look at them.
  return { data: new Uint8Array(3), width: 1, height: 1, grayscale: false, format: 'image/png', fileSize: bytes.length, filename: 'x', bytes };
}

/** Small deterministic PRNG so a failing fuzz case can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

async function samples(): Promise<Uint8Array[]> {
  const jpg = await plainJpeg();
  const store = c2paStore({ label: 'urn:uuid:g', generator: 'Gen/1', actions: [{ action: 'c2pa.created', digitalSourceType: `${IPTC}trainedAlgorithmicMedia` }] });
  const x = xmpPacket(`<rdf:Description Iptc4xmpExt:DigitalSourceType="${IPTC}trainedAlgorithmicMedia"/>`);
  const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).webp().withXmp(x).withExif({ IFD0: { Make: 'A', Model: 'B' } }).toBuffer();
  const avif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).avif().withXmp(x).withExif({ IFD0: { Make: 'A', Model: 'B' } }).toBuffer();
  const tif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).tiff().withXmp(x).toBuffer();
  return [
    new Uint8Array(tif),
    jpegWith(jpg, ...app11(store, 300)),
    jpegWith(jpg, xmpSegment(x), exifSegment(tiff([asciiTag(0x010f, 'Canon'), asciiTag(0x0110, 'EOS')]))),
    makePng([tEXt('parameters', 'cat\nSteps: 20, Sampler: Euler, Seed: 1'), zTXt('prompt', bytes('{"1":{"class_type":"KSampler","inputs":{}}}')), pngChunk('caBX', store)]),
    new Uint8Array(webp),
    new Uint8Array(avif),
  ];
}

/** Raise with PROVENANCE_FUZZ_N for a longer run by hand. */
const FUZZ_N = Number(process.env.PROVENANCE_FUZZ_N ?? 400);
const FUZZ_SEED = Number(process.env.PROVENANCE_FUZZ_SEED ?? 42);

describe('provenance detector', () => {
  it('has the fixed signal identity', () => {
    expect(provenance.key).toBe('provenance');
    expect(provenance.name).toBe('Provenance Metadata');
    expect(provenance.model).toMatch(/not checked against a trust list/);
  });

  it('analyse reads img.bytes and returns the scoring contract', async () => {
    const r = await provenance.analyse(image(makePng([tEXt('parameters', 'a\nSteps: 20, Sampler: Euler, Seed: 1')])));
    expect(r.score).toBe(98);
    expect(r.evidence).toMatchObject({ decisive: true, c2pa: { present: false } });
    expect(typeof r.interp).toBe('string');
  });

  it('nothing found: score null, the fixed sentence, no decisive flag', async () => {
    const r = await provenance.analyse(image(await plainJpeg()));
    expect(r).toMatchObject({ score: null, interp: 'No provenance metadata found; absence proves nothing (screenshots and re-saves strip it).' });
    expect(r.evidence?.decisive).toBeUndefined();
  });

  it('readProvenance works on bytes whose pixels cannot be decoded', async () => {
    const [, c2paJpeg] = await samples();
    const broken = c2paJpeg.subarray(0, c2paJpeg.length - 200); // scan data cut
    await expect(sharp(broken).raw().toBuffer()).rejects.toThrow();
    const r = await readProvenance(broken);
    expect(r.evidence.decisive).toBe(true);
  });

  it('empty, tiny and random inputs never throw', async () => {
    const next = rng(1);
    for (const b of [new Uint8Array(0), Uint8Array.of(0xff), Uint8Array.of(0xff, 0xd8), Uint8Array.from({ length: 5000 }, () => (next() * 256) | 0)]) {
      const r = await readProvenance(b);
      expect(r.score).toBeNull();
      expect(r.evidence.error).toBeUndefined();
    }
  });

  it(`fuzz: ${FUZZ_N} mutated files (byte flips, cuts, splices) never throw and stay fast`, async () => {
    const base = await samples();
    const next = rng(FUZZ_SEED);
    let worst = 0;
    for (let i = 0; i < FUZZ_N; i++) {
      const src = base[i % base.length];
      let b = src.slice();
      const kind = i % 3;
      if (kind === 0) for (let k = 0; k < 1 + next() * 20; k++) b[(next() * b.length) | 0] = (next() * 256) | 0;
      else if (kind === 1) b = b.subarray(0, (next() * b.length) | 0);
      else {
        const at = (next() * b.length) | 0;
        b = cat(b.subarray(0, at), b.subarray((next() * b.length) | 0));
      }
      const t = performance.now();
      const r = await readProvenance(b);
      const dt = performance.now() - t;
      if (dt > 100) console.warn(`slow fuzz case ${i}: ${dt.toFixed(0)} ms`);
      worst = Math.max(worst, dt);
      expect(r.score === null || (r.score >= 0 && r.score <= 100)).toBe(true);
      // The outer catch in readProvenance is a last resort: no reader may need it.
      expect(r.evidence.error, `case ${i}`).toBeUndefined();
    }
    expect(worst).toBeLessThan(500);
  }, 10_000 + FUZZ_N * 20);
});
