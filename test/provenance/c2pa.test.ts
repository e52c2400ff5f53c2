import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readC2pa } from '../../src/provenance/c2pa.ts';
import { parseJumbf } from '../../src/provenance/jumbf.ts';
import { readProvenance } from '../../src/provenance/index.ts';
import { walkJpeg } from '../../src/provenance/jpeg.ts';
import { app11, box, cat, c2paStore, cborBox, IPTC, jumb, jumd, jpegWith, latin1, makePng, plainJpeg, pngChunk, u32, u32le } from './build.ts';

const aiStore = (v2 = false) =>
  c2paStore({ label: 'urn:uuid:gen', generator: 'GenTool/2.0 c2pa-rs/0.40', v2, actions: [{ action: 'c2pa.created', digitalSourceType: `${IPTC}trainedAlgorithmicMedia`, softwareAgent: 'GenTool' }] });

describe('C2PA manifest store reader', () => {
  it('reads claim generator, actions and source type of the active (last) manifest', () => {
    const store = readC2pa(
      c2paStore(
        { label: 'urn:uuid:a', generator: 'Maker/1', actions: [{ action: 'c2pa.created', digitalSourceType: `${IPTC}digitalCapture` }] },
        { label: 'urn:uuid:b', generator: 'Editor/3', actions: [{ action: 'c2pa.color_adjustments' }] },
      ),
    )!;
    expect(store.manifests).toHaveLength(2);
    expect(store.active!.label).toBe('urn:uuid:b');
    expect(store.active!.claimGenerator).toBe('Editor/3');
    expect(store.manifests[0].sourceTypes).toEqual(['digitalCapture']);
  });

  it('reads v2 claims (claim_generator_info as one map) and actions.v2 with softwareAgent maps', () => {
    const s = c2paStore({ label: 'urn:c2pa:x', generator: 'NewTool', v2: true, actions: [{ action: 'c2pa.created', softwareAgent: { name: 'Model X' }, digitalSourceType: `${IPTC}trainedAlgorithmicMedia` }] });
    const m = readC2pa(s)!.active!;
    expect(m.generatorInfo).toEqual(['NewTool 1.0']);
    expect(m.actions[0]).toMatchObject({ softwareAgent: 'Model X', digitalSourceType: 'trainedAlgorithmicMedia' });
  });

  it('a JUMBF box that is not a C2PA store is ignored', () => {
    expect(readC2pa(cborBox('cbor', 'something.else', { a: 1 }))).toBeUndefined();
  });

  it('a claim with broken CBOR is reported, not thrown', () => {
    const s = jumb('c2pa', 'c2pa', jumb('c2ma', 'urn:uuid:z', jumb('c2cl', 'c2pa.claim', box('cbor', Uint8Array.of(0xa5, 0x61)))));
    const st = readC2pa(s)!;
    expect(st.active!.errors.join()).toMatch(/truncated|unreadable/);
  });
});

describe('C2PA in containers, scored', () => {
  it('JPEG APP11 split over several segments: trainedAlgorithmicMedia -> 99, decisive, unvalidated', async () => {
    const padding = cborBox('cbor', 'c2pa.thumbnail.claim.jpeg', { data: new Uint8Array(150_000) });
    const store = c2paStore({ label: 'urn:uuid:gen', generator: 'GenTool/2.0', actions: [{ action: 'c2pa.created', digitalSourceType: `${IPTC}trainedAlgorithmicMedia` }] });
    // Put a large assertion into the store so that it needs three APP11 segments.
    const big = cat(u32(store.length + padding.length), store.subarray(4, 8), store.subarray(8), padding);
    const segs = app11(big);
    expect(segs.length).toBeGreaterThan(2);
    const jpg = jpegWith(await plainJpeg(), ...segs.reverse());
    expect(walkJpeg(jpg).jumbf[0].length).toBe(big.length);
    const r = await readProvenance(jpg);
    expect(r.score).toBe(99);
    expect(r.evidence).toMatchObject({ decisive: true, sourceType: 'trainedAlgorithmicMedia', claimGenerator: 'GenTool/2.0', c2pa: { present: true, signatureValidated: false } });
    // The test store carries no certificate, so nothing can be checked and the interp says so.
    expect(r.interp).toMatch(/signature not checked/);
  });

  it('PNG caBX: a capture claim whose signature cannot be checked counts like unsigned XMP (25)', async () => {
    const s = c2paStore({ label: 'urn:uuid:cam', generator: 'Camera/1', actions: [{ action: 'c2pa.created', digitalSourceType: `${IPTC}digitalCapture` }] });
    const r = await readProvenance(makePng([pngChunk('caBX', s)]));
    expect(r.score).toBe(25);
    expect(r.evidence.decisive).toBeUndefined();
  });

  it('an AI ingredient under an active manifest without a source type is still decisive', async () => {
    const s = c2paStore(
      { label: 'urn:uuid:gen', generator: 'GenTool', actions: [{ action: 'c2pa.created', digitalSourceType: `${IPTC}trainedAlgorithmicMedia` }] },
      { label: 'urn:uuid:edit', generator: 'Editor', actions: [{ action: 'c2pa.opened' }, { action: 'c2pa.resized' }] },
    );
    const r = await readProvenance(makePng([pngChunk('caBX', s)]));
    expect(r.score).toBe(95);
    expect(r.evidence).toMatchObject({ decisive: true, sourceTypeFrom: 'C2PA ingredient manifest' });
  });

  it('a manifest that declares no AI step is mildly low', async () => {
    const s = c2paStore({ label: 'urn:uuid:e', generator: 'Editor/5', actions: [{ action: 'c2pa.opened' }] });
    const r = await readProvenance(makePng([pngChunk('caBX', s)]));
    expect(r.score).toBe(30);
  });

  it('WebP C2PA chunk', async () => {
    const webp = new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#321' } }).webp().toBuffer());
    const s = aiStore(true);
    const chunk = cat(latin1('C2PA'), u32le(s.length), s, new Uint8Array(s.length & 1));
    const body = cat(webp.subarray(12), chunk);
    const file = cat(latin1('RIFF'), u32le(body.length + 4), latin1('WEBP'), body);
    const r = await readProvenance(file);
    expect(r.evidence).toMatchObject({ container: 'webp', decisive: true, sourceType: 'trainedAlgorithmicMedia' });
  });

  it('BMFF uuid box (AVIF/HEIF)', async () => {
    const avif = new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#321' } }).avif().toBuffer());
    const uuid = Uint8Array.of(0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81);
    const s = aiStore();
    const payload = cat(uuid, new Uint8Array(4), latin1('manifest\0'), new Uint8Array(8), s);
    const r = await readProvenance(cat(avif, box('uuid', payload)));
    expect(r.evidence).toMatchObject({ container: 'bmff', decisive: true, claimGenerator: 'GenTool/2.0 c2pa-rs/0.40' });
  });
});

describe('hostile JUMBF', () => {
  it('deeply nested superboxes stop at the depth limit', () => {
    let b = jumb('c2pa', 'leaf');
    for (let i = 0; i < 200; i++) b = jumb('c2pa', 'c2pa', b);
    expect(() => parseJumbf(b)).toThrow(/deep/);
    expect(readC2pa(b)!.errors.join()).toMatch(/deep/);
  });

  it('too many boxes stop at the count limit', () => {
    const many = new Array(6000).fill(0).map(() => box('free', new Uint8Array(0)));
    expect(() => parseJumbf(jumb('c2pa', 'c2pa', ...many))).toThrow(/too many/);
  });

  it('a box claiming to be larger than its parent, a zero-size box, and a store cut in half', async () => {
    const lying = cat(u32(1000), latin1('jumb'), jumd('c2pa', 'c2pa'));
    expect(() => parseJumbf(lying)).toThrow();
    const s = aiStore();
    const cut = s.subarray(0, s.length >> 1);
    const r = await readProvenance(makePng([pngChunk('caBX', cut)]));
    expect(r.evidence.c2pa).toMatchObject({ present: true });
    expect(String((r.evidence.c2pa as { errors: string[] }).errors)).toMatch(/JUMBF/);
    // LBox 0 means "to the end"; an empty description is rejected, not looped on.
    expect(() => parseJumbf(cat(u32(0), latin1('jumb'), u32(0), latin1('jumd')))).toThrow();
  });

  it('APP11 segments repeated are read once; a missing one leaves the store unreadable, not a crash', async () => {
    const segs = app11(aiStore(), 200);
    expect(segs.length).toBeGreaterThan(3);
    const dup = await readProvenance(jpegWith(await plainJpeg(), segs[0], ...segs));
    expect(dup.evidence.decisive).toBe(true);
    const gap = await readProvenance(jpegWith(await plainJpeg(), segs[0], ...segs.slice(2)));
    expect(gap.score).toBeNull();
    expect(gap.interp).toMatch(/could not be read/);
  });
});

describe('C2PA decoding budget', () => {
  it('a store stuffed with large CBOR assertions is cut off at the budget, quickly', async () => {
    // { "l": [1, 1, ... 60 000 times] } written directly: the test encoder is too slow for this.
    const big = cat(Uint8Array.of(0xa1, 0x61, 0x6c, 0x9a), u32(60_000), new Uint8Array(60_000).fill(1));
    const fat = new Array(40).fill(0).map((_, i) => jumb('cbor', `c2pa.ingredient__${i}`, box('cbor', big)));
    const s = jumb('c2pa', 'c2pa', jumb('c2ma', 'urn:uuid:f', jumb('c2as', 'c2pa.assertions', ...fat)));
    const t = performance.now();
    const st = readC2pa(s)!;
    expect(performance.now() - t).toBeLessThan(1000);
    expect(st.active!.errors.join()).toMatch(/budget|too many/);
  });
});
