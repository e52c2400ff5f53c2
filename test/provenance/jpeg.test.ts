import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { walkJpeg } from '../../src/provenance/jpeg.ts';
import { readProvenance } from '../../src/provenance/index.ts';
import {
  asciiTag, bytes, cat, exifSegment, IPTC, jpegSegment, jpegWith, latin1, plainJpeg, tiff, u16, u32, userCommentUnicode, xmpPacket, xmpSegment,
} from './build.ts';

const NS = 'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"';

describe('XMP DigitalSourceType in JPEG', () => {
  it('attribute form: trainedAlgorithmicMedia is decisive', async () => {
    const x = xmpPacket(`<rdf:Description ${NS} Iptc4xmpExt:DigitalSourceType="${IPTC}trainedAlgorithmicMedia"/>`);
    const r = await readProvenance(jpegWith(await plainJpeg(), xmpSegment(x)));
    expect(r.score).toBe(97);
    expect(r.evidence).toMatchObject({ decisive: true, sourceType: 'trainedAlgorithmicMedia', sourceTypeFrom: 'XMP' });
    expect(r.interp).toMatch(/generative AI/);
  });

  it('element form with another prefix and a composite', async () => {
    const x = xmpPacket(
      `<rdf:Description xmlns:ext="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"><ext:DigitalSourceType>${IPTC}compositeWithTrainedAlgorithmicMedia</ext:DigitalSourceType></rdf:Description>`,
    );
    const r = await readProvenance(jpegWith(await plainJpeg(), xmpSegment(x)));
    expect(r.score).toBe(90);
    expect(r.evidence.decisive).toBe(true);
  });

  it('rdf:resource form saying digitalCapture is low and not decisive', async () => {
    const x = xmpPacket(`<rdf:Description ${NS}><Iptc4xmpExt:DigitalSourceType rdf:resource="${IPTC}digitalCapture"/></rdf:Description>`);
    const r = await readProvenance(jpegWith(await plainJpeg(), xmpSegment(x)));
    expect(r.score).toBe(25);
    expect(r.evidence.decisive).toBeUndefined();
  });

  it('extended XMP split over two segments is reassembled', async () => {
    const ext = xmpPacket(`<rdf:Description ${NS} Iptc4xmpExt:DigitalSourceType="${IPTC}algorithmicMedia"/>`);
    const b = bytes(ext);
    const guid = 'A'.repeat(32);
    const head = (off: number) => cat(latin1('http://ns.adobe.com/xmp/extension/\0' + guid), u32(b.length), u32(off));
    const half = b.length >> 1;
    const segs = [jpegSegment(0xe1, cat(head(half), b.subarray(half))), jpegSegment(0xe1, cat(head(0), b.subarray(0, half)))];
    const r = await readProvenance(jpegWith(await plainJpeg(), ...segs));
    expect(r.evidence.sourceType).toBe('algorithmicMedia');
  });

  it('XMP written by sharp (withXmp) is found', async () => {
    const x = xmpPacket(`<rdf:Description ${NS} Iptc4xmpExt:DigitalSourceType="${IPTC}trainedAlgorithmicMedia"/>`);
    const jpg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123' } }).jpeg().withXmp(x).toBuffer();
    expect((await readProvenance(new Uint8Array(jpg))).evidence.decisive).toBe(true);
  });
});

describe('camera EXIF', () => {
  it('make/model with exposure written by sharp: mildly low, named in interp', async () => {
    const jpg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#456' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'NIKON CORPORATION', Model: 'NIKON D750' }, IFD2: { ExposureTime: '1/250', FNumber: '8', ISOSpeedRatings: '200' } })
      .toBuffer();
    const r = await readProvenance(new Uint8Array(jpg));
    expect(r.score).toBe(35);
    expect(r.evidence).toMatchObject({ cameraMake: 'NIKON CORPORATION', cameraModel: 'NIKON D750', exposure: '1/250 s f/8 ISO 200' });
    expect(r.interp).toMatch(/NIKON D750/);
  });

  it('make/model without exposure is weaker', async () => {
    const t = tiff([asciiTag(0x010f, 'Apple'), asciiTag(0x0110, 'iPhone 12')]);
    const r = await readProvenance(jpegWith(await plainJpeg(), exifSegment(t)));
    expect(r.score).toBe(45);
  });

  it('an AI statement outranks camera EXIF beside it', async () => {
    const t = tiff([asciiTag(0x010f, 'Canon'), asciiTag(0x0110, 'Canon EOS R5')]);
    const x = xmpPacket(`<rdf:Description ${NS} Iptc4xmpExt:DigitalSourceType="${IPTC}trainedAlgorithmicMedia"/>`);
    const r = await readProvenance(jpegWith(await plainJpeg(), exifSegment(t), xmpSegment(x)));
    expect(r.score).toBe(97);
    expect(r.interp).toMatch(/also carries camera EXIF/);
  });
});

describe('generator text in JPEG EXIF and comments', () => {
  const params = 'castle\nNegative prompt: ugly\nSteps: 25, Sampler: Euler a, CFG scale: 6, Seed: 7, Model: dreamshaper, Version: v1.9.4';

  it('A1111 UserComment in UTF-16 (both byte orders) is decoded and decisive', async () => {
    for (const le of [false, true]) {
      const t = tiff([asciiTag(0x0131, 'x')], [userCommentUnicode(params, le)]);
      const r = await readProvenance(jpegWith(await plainJpeg(), exifSegment(t)));
      expect(r.evidence).toMatchObject({ decisive: true, promptPresent: true, model: 'dreamshaper', generatorSource: "EXIF 'UserComment'" });
    }
  });

  it('A1111 text in a JPEG COM segment', async () => {
    const r = await readProvenance(jpegWith(await plainJpeg(), jpegSegment(0xfe, bytes(params))));
    expect(r.evidence.generator).toMatch(/AUTOMATIC1111/);
  });

  it('ComfyUI graph in EXIF Make/Model (as its WebP saver writes) is not mistaken for a camera', async () => {
    const prompt = JSON.stringify({ '6': { class_type: 'CLIPTextEncode', inputs: { text: 'fox' } } });
    const t = tiff([asciiTag(0x010f, 'workflow:{"nodes":[{"type":"KSampler"}]}'), asciiTag(0x0110, `prompt:${prompt}`)]);
    const r = await readProvenance(jpegWith(await plainJpeg(), exifSegment(t)));
    expect(r.evidence.generator).toBe('ComfyUI');
    expect(r.evidence.cameraMake).toBeUndefined();
  });

  it('IPTC-IIM credit "Made with Google AI" in APP13 is read as an AI tool name', async () => {
    const credit = bytes('Made with Google AI');
    const iim = cat(Uint8Array.of(0x1c, 2, 110), u16(credit.length), credit);
    const irb = cat(latin1('Photoshop 3.0\0'), latin1('8BIM'), u16(0x0404), Uint8Array.of(0, 0), u32(iim.length), iim, new Uint8Array(iim.length & 1));
    const r = await readProvenance(jpegWith(await plainJpeg(), jpegSegment(0xed, irb)));
    expect(r.score).toBe(90);
    expect(r.evidence.aiSoftware).toBe('Made with Google AI');
  });
});

describe('malformed JPEG', () => {
  it('a segment length past the end of the file warns and stops', async () => {
    const jpg = await plainJpeg();
    const bad = cat(jpg.subarray(0, 2), Uint8Array.of(0xff, 0xe1, 0xff, 0xff), bytes('Exif\0\0II'));
    const seg = walkJpeg(bad);
    expect(seg.warnings.join()).toMatch(/past the end/);
  });

  it('EXIF that is not TIFF and garbage after SOI do not throw', async () => {
    const jpg = await plainJpeg();
    await expect(readProvenance(jpegWith(jpg, exifSegment(bytes('not a tiff at all'))))).resolves.toBeDefined();
    await expect(readProvenance(cat(Uint8Array.of(0xff, 0xd8, 0xff), new Uint8Array(50).fill(7)))).resolves.toMatchObject({ score: null });
  });

  it('a TIFF whose IFD offsets point outside the block does not throw', async () => {
    const t = cat(latin1('II*\0'), Uint8Array.of(0xff, 0xff, 0xff, 0x7f));
    const r = await readProvenance(jpegWith(await plainJpeg(), exifSegment(t)));
    expect(r.score).toBeNull();
  });
});
