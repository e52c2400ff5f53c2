import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { walkBmff } from '../../src/provenance/bmff.ts';
import { walkRiff } from '../../src/provenance/riff.ts';
import { walkContainer } from '../../src/provenance/walk.ts';
import { readProvenance } from '../../src/provenance/index.ts';
import { box, cat, IPTC, latin1, u16, u32, u32le, xmpPacket } from './build.ts';

const XMP = xmpPacket(`<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" Iptc4xmpExt:DigitalSourceType="${IPTC}trainedAlgorithmicMedia"/>`);
const EXIF = { IFD0: { Make: 'Sony', Model: 'ILCE-7M3' }, IFD2: { ExposureTime: '1/60', FNumber: '2.8' } };
const base = () => sharp({ create: { width: 16, height: 16, channels: 3, background: '#6a6' } });

describe('container walkers find EXIF and XMP that sharp writes', () => {
  for (const fmt of ['webp', 'avif', 'png', 'jpeg'] as const) {
    it(fmt, async () => {
      const withXmp = new Uint8Array(await base().toFormat(fmt).withXmp(XMP).toBuffer());
      expect((await readProvenance(withXmp)).evidence.sourceType).toBe('trainedAlgorithmicMedia');
      const withExif = new Uint8Array(await base().toFormat(fmt).withExif(EXIF).toBuffer());
      const r = await readProvenance(withExif);
      expect(r.evidence).toMatchObject({ cameraModel: 'ILCE-7M3', exposure: '1/60 s f/2.8' });
      expect(r.score).toBe(35);
    });
  }

  it('tiff: XMP from tag 700 (sharp cannot write EXIF into TIFF)', async () => {
    const withXmp = new Uint8Array(await base().tiff().withXmp(XMP).toBuffer());
    const r = await readProvenance(withXmp);
    expect(r.evidence).toMatchObject({ container: 'tiff', sourceType: 'trainedAlgorithmicMedia', decisive: true });
  });

  it('files with no metadata give score null and say absence proves nothing', async () => {
    for (const fmt of ['webp', 'avif', 'png', 'jpeg', 'gif', 'tiff'] as const) {
      const r = await readProvenance(new Uint8Array(await base().toFormat(fmt).toBuffer()));
      expect(r.score, fmt).toBeNull();
      expect(r.interp).toMatch(/absence proves nothing/);
    }
  });
});

describe('hostile RIFF and BMFF', () => {
  it('a RIFF chunk longer than the file is reported, not followed', () => {
    const f = cat(latin1('RIFF'), u32le(100), latin1('WEBP'), latin1('EXIF'), u32le(0x7fffffff), latin1('II*\0'));
    expect(walkRiff(f).warnings.join()).toMatch(/past the end/);
  });

  it('BMFF boxes with lying sizes, a 64-bit size, and iloc extents outside the file', () => {
    const ftyp = box('ftyp', cat(latin1('avif'), u32(0), latin1('avifmif1')));
    const infe = box('infe', cat(Uint8Array.of(2, 0, 0, 0), u16(1), u16(0), latin1('Exif'), Uint8Array.of(0)));
    const iinf = box('iinf', cat(Uint8Array.of(0, 0, 0, 0), u16(1), infe));
    // iloc v0, offset/length 4 bytes, one item with one extent far outside the file.
    const iloc = box('iloc', cat(Uint8Array.of(0, 0, 0, 0), Uint8Array.of(0x44, 0x00), u16(1), u16(1), u16(0), u16(1), u32(0x7ffffff0), u32(100)));
    const meta = box('meta', cat(Uint8Array.of(0, 0, 0, 0), iinf, iloc));
    const seg = walkBmff(cat(ftyp, meta));
    expect(seg.exif).toEqual([]);
    expect(seg.warnings.join()).toMatch(/outside/);
    const lying = cat(ftyp, u32(1), latin1('meta'), u32(0xffffffff), u32(0));
    expect(() => walkBmff(lying)).not.toThrow();
    expect(walkBmff(lying).warnings.join()).toMatch(/past its parent/);
  });

  it('an iloc claiming four billion items stays bounded', () => {
    const ftyp = box('ftyp', cat(latin1('heic'), u32(0)));
    const iloc = box('iloc', cat(Uint8Array.of(2, 0, 0, 0), Uint8Array.of(0x44, 0x00), u32(0xffffffff)));
    const t = performance.now();
    walkBmff(cat(ftyp, box('meta', cat(new Uint8Array(4), iloc))));
    expect(performance.now() - t).toBeLessThan(200);
  });

  it('a TIFF whose XMP tag points outside the file warns and goes on', () => {
    const t = cat(latin1('II*\0'), u32le(8), Uint8Array.of(1, 0), Uint8Array.of(0xbc, 0x02, 7, 0), u32le(5000), u32le(0x7ffffff0), u32le(0));
    const seg = walkContainer(t);
    expect(seg.container).toBe('tiff');
    expect(seg.warnings.join()).toMatch(/outside/);
  });

  it('unknown bytes are not a container', () => {
    expect(walkContainer(latin1('GIF89a')).container).toBe('unknown');
  });
});
