import { describe, expect, it } from 'vitest';
import { readXmp } from '../../src/provenance/xmp.ts';
import { IPTC, xmpPacket } from './build.ts';

describe('readXmp', () => {
  it('reads CreatorTool, Credit, description (rdf:Alt), camera and remote manifest', () => {
    const x = xmpPacket(
      '<rdf:Description xmp:CreatorTool="Adobe Photoshop 26.0" photoshop:Credit="Jo &amp; Co" tiff:Make="FUJIFILM" dcterms:provenance="https://example.org/m.c2pa">' +
        '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">A quiet &lt;street&gt;</rdf:li></rdf:Alt></dc:description>' +
        '<tiff:Model>X-T4</tiff:Model></rdf:Description>',
    );
    expect(readXmp(x)).toMatchObject({
      creatorTool: 'Adobe Photoshop 26.0',
      credit: 'Jo & Co',
      description: 'A quiet <street>',
      make: 'FUJIFILM',
      model: 'X-T4',
      remoteManifest: 'https://example.org/m.c2pa',
    });
  });

  it('takes bare terms and full URIs, ignores unknown terms', () => {
    expect(readXmp(`<a Iptc4xmpExt:DigitalSourceType="trainedAlgorithmicMedia"/>`).sourceTypes).toEqual(['trainedAlgorithmicMedia']);
    expect(readXmp(`<a Iptc4xmpExt:DigitalSourceType="${IPTC}madeUpThing"/>`).sourceTypes).toEqual([]);
  });

  it('deeply nested and huge packets finish quickly', () => {
    const deep = '<rdf:Bag>'.repeat(200_000) + `<Iptc4xmpExt:DigitalSourceType>${IPTC}digitalCapture</Iptc4xmpExt:DigitalSourceType>` + '</rdf:Bag>'.repeat(200_000);
    const t = performance.now();
    const r = readXmp(deep);
    expect(performance.now() - t).toBeLessThan(1000);
    // Past the 1 MB cap the statement is not seen: bounded work beats completeness for a hostile packet.
    expect(r.sourceTypes).toEqual([]);
    const many = 'Iptc4xmpExt:DigitalSourceType="'.repeat(100_000);
    const t2 = performance.now();
    readXmp(many);
    expect(performance.now() - t2).toBeLessThan(1000);
  });

  it('unterminated elements and attributes do not loop or throw', () => {
    expect(readXmp('<Iptc4xmpExt:DigitalSourceType>trainedAlgorithmicMedia').sourceTypes).toEqual([]);
    expect(readXmp('xmp:CreatorTool="never closed').creatorTool).toBeUndefined();
    expect(readXmp('<dc:description').description).toBeUndefined();
  });
});
