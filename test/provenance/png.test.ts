import { describe, expect, it } from 'vitest';
import { walkPng } from '../../src/provenance/png.ts';
import { readProvenance } from '../../src/provenance/index.ts';
import { box, bytes, cat, c2paStore, iTXt, IPTC, makePng, pngChunk, tEXt, u32, xmpPacket, zTXt } from './build.ts';

const A1111 =
  'a cat on a sofa, best quality\nNegative prompt: blurry\n' +
  'Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 42, Size: 512x512, Model hash: abc123, Model: sd15, Version: v1.10.1';

const COMFY_PROMPT = JSON.stringify({
  '3': { class_type: 'KSampler', inputs: { seed: 1, steps: 20 } },
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sdxl.safetensors' } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a lighthouse at dusk', clip: ['4', 1] } },
});
const COMFY_WORKFLOW = JSON.stringify({ last_node_id: 6, nodes: [{ id: 3, type: 'KSampler', widgets_values: [1, 20] }], links: [] });

describe('PNG walker', () => {
  it('reads tEXt, zTXt and iTXt (plain and compressed) keywords and values', () => {
    const png = makePng([tEXt('a', 'one'), zTXt('b', bytes('two')), iTXt('c', 'drei ü'), iTXt('d', 'vier', true)]);
    const seg = walkPng(png);
    expect(seg.texts.map((t) => [t.key, t.value])).toEqual([
      ['a', 'one'],
      ['b', 'two'],
      ['c', 'drei ü'],
      ['d', 'vier'],
    ]);
    expect(seg.warnings).toEqual([]);
  });

  it('routes XMP iTXt to the XMP reader and caBX to the C2PA reader', () => {
    const xmp = xmpPacket(`<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" Iptc4xmpExt:DigitalSourceType="${IPTC}digitalCapture"/>`);
    const store = c2paStore({ label: 'urn:uuid:1', generator: 'Cam/1', actions: [{ action: 'c2pa.created' }] });
    const seg = walkPng(makePng([iTXt('XML:com.adobe.xmp', xmp), pngChunk('caBX', store)]));
    expect(seg.xmp).toHaveLength(1);
    expect(seg.jumbf).toHaveLength(1);
  });

  it('refuses to inflate a zip bomb past the cap, quickly, and keeps the keyword', () => {
    const bomb = zTXt('parameters', new Uint8Array(16 << 20)); // 16 MB of zeros, ~16 KB compressed
    const t = performance.now();
    const seg = walkPng(makePng([bomb]));
    expect(performance.now() - t).toBeLessThan(2000);
    expect(seg.texts[0]).toMatchObject({ key: 'parameters', truncated: true });
  });

  it('cuts an enormous uncompressed text chunk at 1 MB', () => {
    const seg = walkPng(makePng([tEXt('Comment', 'x'.repeat(3 << 20))]));
    expect(seg.texts[0].value.length).toBe(1 << 20);
    expect(seg.texts[0].truncated).toBe(true);
  });

  it('survives a chunk whose length runs past the file, and still reads the text that is there', () => {
    const png = makePng([tEXt('parameters', A1111)]);
    const cut = png.subarray(0, 33 + 12 + 11 + 100); // inside the tEXt chunk
    const seg = walkPng(cut);
    expect(seg.warnings.join()).toMatch(/past the end/);
    expect(seg.texts[0].value.startsWith('a cat')).toBe(true);
  });

  it('ignores a corrupt zlib stream without throwing', () => {
    const bad = pngChunk('zTXt', cat(bytes('prompt'), Uint8Array.of(0, 0), Uint8Array.of(0x78, 0x9c, 1, 2, 3, 4)));
    expect(() => walkPng(makePng([bad]))).not.toThrow();
  });

  it('stops at a chunk length over 2^31', () => {
    const png = cat(makePng([]).subarray(0, 33), u32(0xfffffff0), bytes('tEXtabc'));
    expect(walkPng(png).warnings.length).toBeGreaterThan(0);
  });
});

describe('generator metadata in PNG text', () => {
  it('AUTOMATIC1111 parameters: decisive, with prompt and model', async () => {
    const r = await readProvenance(makePng([tEXt('parameters', A1111)]));
    expect(r.score).toBe(98);
    expect(r.evidence).toMatchObject({ decisive: true, promptPresent: true, model: 'sd15' });
    expect(r.evidence.generator).toMatch(/AUTOMATIC1111.*v1\.10\.1/);
    expect(r.interp).toMatch(/parameters/);
  });

  it('Forge is told apart by its version', async () => {
    const r = await readProvenance(makePng([tEXt('parameters', A1111.replace('v1.10.1', 'f2.0.1v1.10.1-previous-1'))]));
    expect(r.evidence.generator).toMatch(/Forge/);
  });

  it('A1111 settings without a prompt still count, with promptPresent false', async () => {
    const r = await readProvenance(makePng([tEXt('parameters', 'Steps: 30, Sampler: Euler a, CFG scale: 5, Seed: 1')]));
    expect(r.evidence).toMatchObject({ decisive: true, promptPresent: false });
  });

  it('ComfyUI prompt + workflow (zTXt and iTXt too)', async () => {
    for (const chunks of [
      [tEXt('prompt', COMFY_PROMPT), tEXt('workflow', COMFY_WORKFLOW)],
      [zTXt('prompt', bytes(COMFY_PROMPT)), iTXt('workflow', COMFY_WORKFLOW, true)],
    ]) {
      const r = await readProvenance(makePng(chunks));
      expect(r.evidence).toMatchObject({ generator: 'ComfyUI', promptPresent: true, model: 'sdxl.safetensors', decisive: true });
    }
  });

  it('a lone "prompt" text that is not a ComfyUI graph is not taken for one', async () => {
    const r = await readProvenance(makePng([tEXt('prompt', 'my prompt notes')]));
    expect(r.score).toBeNull();
  });

  it('InvokeAI, SwarmUI, Fooocus and NovelAI keys', async () => {
    const cases: Array<[Uint8Array[], string]> = [
      [[tEXt('invokeai_metadata', JSON.stringify({ positive_prompt: 'owl', model: { name: 'sd-1.5' } }))], 'InvokeAI'],
      [[tEXt('sd-metadata', JSON.stringify({ app_id: 'invoke-ai/InvokeAI', image: { prompt: [{ prompt: 'owl' }] } }))], 'InvokeAI'],
      [[tEXt('parameters', JSON.stringify({ sui_image_params: { prompt: 'owl', model: 'flux' } }))], 'SwarmUI'],
      [[tEXt('parameters', JSON.stringify({ prompt: 'owl', Performance: 'Speed', base_model: 'juggernaut' })), tEXt('fooocus_scheme', 'fooocus')], 'Fooocus'],
      [[tEXt('Software', 'NovelAI'), tEXt('Description', 'owl'), tEXt('Source', 'NovelAI Diffusion V4 ABCD'), tEXt('Comment', JSON.stringify({ prompt: 'owl', steps: 28, uc: 'bad' }))], 'NovelAI'],
    ];
    for (const [chunks, name] of cases) {
      const r = await readProvenance(makePng(chunks));
      expect(r.evidence.generator, name).toBe(name);
      expect(r.evidence.decisive, name).toBe(true);
      expect(r.evidence.promptPresent, name).toBe(true);
    }
  });

  it('Software naming an AI tool alone is high but not decisive', async () => {
    const r = await readProvenance(makePng([tEXt('Software', 'NovelAI')]));
    expect(r.score).toBe(90);
    expect(r.evidence.decisive).toBeUndefined();
  });

  it('a PNG with ordinary text (Title, Author, Software: GIMP) yields no score', async () => {
    const r = await readProvenance(makePng([tEXt('Title', 'Holiday'), tEXt('Author', 'Ann'), tEXt('Software', 'GIMP 2.10')]));
    expect(r.score).toBeNull();
    expect(r.evidence.software).toBe('GIMP 2.10');
  });

  it('an oversized ComfyUI pair still names ComfyUI from its keys', async () => {
    const big = new Uint8Array(2 << 20).fill(0x20);
    const r = await readProvenance(makePng([zTXt('prompt', big), zTXt('workflow', big)]));
    expect(r.evidence).toMatchObject({ generator: 'ComfyUI', promptPresent: false });
    expect(String(r.evidence.warnings)).toMatch(/could not be inflated/);
  });
});

describe('hostile generator text', () => {
  it('a megabyte of "Steps: " lines is scanned in linear time', async () => {
    const t = performance.now();
    await readProvenance(makePng([tEXt('parameters', '\nSteps: 1, '.repeat(90_000)), tEXt('Comment', 'Steps: 2, x\n'.repeat(80_000))]));
    expect(performance.now() - t).toBeLessThan(1500);
  });

  it('deeply nested JSON in a ComfyUI key is refused quickly', async () => {
    const t = performance.now();
    const deep = '['.repeat(500_000) + ']'.repeat(500_000);
    const r = await readProvenance(makePng([tEXt('prompt', deep), tEXt('workflow', '{"nodes":')]));
    expect(performance.now() - t).toBeLessThan(300);
    expect(r.score).toBeNull();
    expect(r.evidence.error).toBeUndefined();
  });
});
