/**
 * Every hostile or unusual input kind of issue 2, built in the test: first straight through
 * decode() (fast, exact), then once through the real CLI to see the whole scan survive them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.ts';
import { decode, describeSharpError } from '../../src/image/decode.ts';
import { DEFAULT_LIMITS } from '../../src/image/limits.ts';
import { sniffFormat } from '../../src/image/sniff.ts';
import { checkPng, checkWebp } from '../../src/image/structure.ts';
import { IMAGE_EXTENSIONS } from '../../src/input/discover.ts';
import type { AnalysisResult, DecodedImage, ErrorResult, Result } from '../../src/types.ts';
import { ensureBuilt, modelsFitted, schemaErrors, STACK_FRAME, xray } from '../helpers/cli.ts';
import { bombPng, heicBytes, hostileCases, type HostileCase } from '../helpers/hostile.ts';

let cases: HostileCase[];
const byName = (name: string) => cases.find((c) => c.name === name)!;

async function decodeCase(c: HostileCase, limits = DEFAULT_LIMITS): Promise<DecodedImage | FileError> {
  try {
    return await decode(new Uint8Array(c.bytes), c.name, limits);
  } catch (err) {
    if (err instanceof FileError) return err;
    throw err; // anything else is a crash the pipeline would turn into a 500: fail loudly
  }
}
const mean = (img: DecodedImage, channel: number) => {
  let s = 0;
  for (let i = channel; i < img.data.length; i += 3) s += img.data[i];
  return s / (img.width * img.height);
};

beforeAll(async () => {
  cases = await hostileCases();
}, 60_000);

describe('decode: every hostile kind yields pixels or a FileError with a clear detail', () => {
  it('covers each kind once', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each([
    'plain.jpg', 'plain.png', 'zero-bytes.jpg', 'text.jpg', 'truncated.jpg', 'truncated.png', 'bad-crc.png',
    'bad-crc-ancillary.png', 'truncated.gif', 'truncated.webp', 'truncated.tiff', 'truncated.avif', 'drawing.svg',
    'cmyk.jpg', 'sixteen-bit.png', 'palette-transparent.png', 'rgba.png', 'gray.png', 'gray.jpg', 'animated.gif',
    'animated.webp', 'exif-orientation-6.jpg', 'progressive.jpg', 'one-pixel.png', 'eight-by-eight.png',
    'strip-10000x4.png', 'png-named-as.jpg', 'photo.heic', 'image.bmp', 'bigtiff.tif', 'image.tiff', 'image.webp',
    'image.avif', 'bomb-30000x30000.png',
  ])('%s', async (name) => {
    const c = byName(name);
    const out = await decodeCase(c);
    if (c.orDecoded && !(out instanceof FileError)) {
      expect({ width: out.width, height: out.height, format: out.format }).toEqual(c.orDecoded);
      expect(out.data.length).toBe(out.width * out.height * 3);
    } else if (c.expect.ok) {
      if (out instanceof FileError) throw new Error(`expected pixels, got ${out.status}: ${out.detail}`);
      expect({ width: out.width, height: out.height, format: out.format }).toEqual({ width: c.expect.width, height: c.expect.height, format: c.expect.format });
      expect(out.data.length).toBe(out.width * out.height * 3);
      expect(out.fileSize).toBe(c.bytes.length);
      expect(out.filename).toBe(c.name);
      if (c.expect.grayscale !== undefined) expect(out.grayscale).toBe(c.expect.grayscale);
    } else {
      if (!(out instanceof FileError)) throw new Error(`expected a ${c.expect.status} error, got a ${out.width}×${out.height} image`);
      expect(out.status).toBe(c.expect.status);
      expect(out.detail).toMatch(c.expect.detail);
      expect(out.detail).not.toMatch(/Vips\w*:|vipspng|read error|Input buffer|\n/); // a person reads this, not a C library's log
    }
  });

  it('converts CMYK to sRGB (a red CMYK JPEG stays red)', async () => {
    expect((await sharp(byName('cmyk.jpg').bytes).metadata()).space).toBe('cmyk'); // the input really is CMYK
    const img = (await decodeCase(byName('cmyk.jpg'))) as DecodedImage;
    expect(mean(img, 0)).toBeGreaterThan(170);
    expect(mean(img, 1)).toBeLessThan(60);
    expect(mean(img, 2)).toBeLessThan(60);
  });

  it('scales 16-bit samples to 8 bits instead of clipping them', async () => {
    const img = (await decodeCase(byName('sixteen-bit.png'))) as DecodedImage;
    // The source is an 8-bit ramp x*4 (+0..3 of noise) widened to 16 bits; decoding must give the ramp back.
    for (const x of [0, 10, 32, 63]) expect(img.data[(5 * 64 + x) * 3] - x * 4).toSatisfy((d: number) => d >= -1 && d <= 4);
  });

  it('gives grayscale images three equal channels and flags them', async () => {
    for (const name of ['gray.png', 'gray.jpg']) {
      const img = (await decodeCase(byName(name))) as DecodedImage;
      expect(img.grayscale).toBe(true);
      for (let i = 0; i < img.data.length; i += 3 * 97) expect([img.data[i + 1], img.data[i + 2]]).toEqual([img.data[i], img.data[i]]);
    }
  });

  it('takes the first frame of animations, one frame high', async () => {
    for (const name of ['animated.gif', 'animated.webp']) {
      const img = (await decodeCase(byName(name))) as DecodedImage;
      expect(img.height).toBe(48);
      // Frame 1 is tinted red, frames 2 and 3 green and blue.
      expect(mean(img, 0)).toBeGreaterThan(170);
      expect(Math.max(mean(img, 1), mean(img, 2))).toBeLessThan(60);
    }
  });

  it('counts one frame of an animation against --max-pixels, not the whole strip of frames', async () => {
    const out = await decodeCase(byName('animated.gif'), { ...DEFAULT_LIMITS, maxPixels: 64 * 48 });
    expect(out).not.toBeInstanceOf(FileError);
  });

  it('keeps pixels as stored when EXIF says orientation 6 (meta reports the stored size)', async () => {
    const img = (await decodeCase(byName('exif-orientation-6.jpg'))) as DecodedImage;
    expect([img.width, img.height]).toEqual([80, 48]);
  });

  it('refuses the 30000×30000 bomb from its header, quickly', async () => {
    const started = performance.now();
    const out = await decodeCase(byName('bomb-30000x30000.png'));
    expect(out).toBeInstanceOf(FileError);
    expect((out as FileError).status).toBe(413);
    expect(byName('bomb-30000x30000.png').bytes.length).toBeLessThan(1024 * 1024);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('applies --max-size and --max-pixels', async () => {
    const big = await decodeCase(byName('plain.png'), { maxBytes: 1000, maxPixels: DEFAULT_LIMITS.maxPixels });
    expect(big).toMatchObject({ status: 413, detail: expect.stringMatching(/over the 1000 B limit \(--max-size\)/) });
    const wide = await decodeCase(byName('plain.png'), { maxBytes: DEFAULT_LIMITS.maxBytes, maxPixels: 4000 });
    expect(wide).toMatchObject({ status: 413, detail: expect.stringMatching(/64×64 is 4,096 pixels, over the 4,000 pixels limit \(--max-pixels\)/) });
  });

  it('reads the format from the bytes, not the name', () => {
    expect(sniffFormat(byName('png-named-as.jpg').bytes)?.mime).toBe('image/png');
    expect(sniffFormat(heicBytes())?.label).toBe('HEIC');
    const mif1 = Buffer.from(heicBytes());
    mif1.write('mif1', 8, 'latin1'); // major brand mif1, heic only among the compatible brands
    expect(sniffFormat(mif1)?.label).toBe('HEIC');
    const mp4 = Buffer.from(heicBytes());
    mp4.write('isom', 8, 'latin1');
    mp4.write('isomiso2', 16, 'latin1');
    expect(sniffFormat(mp4)).toBeNull(); // a video is not an image
  });
});

describe('structure checks', () => {
  it('accepts sound PNG and WebP files and finds truncation and critical CRC damage', () => {
    expect(checkPng(byName('plain.png').bytes)).toBeNull();
    expect(checkPng(byName('bad-crc-ancillary.png').bytes)).toBeNull();
    expect(checkPng(byName('truncated.png').bytes)).toMatch(/truncated/);
    expect(checkPng(byName('bad-crc.png').bytes)).toMatch(/CRC.*IDAT/);
    const noIend = byName('plain.png').bytes.subarray(0, byName('plain.png').bytes.length - 12);
    expect(checkPng(noIend)).toMatch(/truncated/);
    expect(checkWebp(byName('image.webp').bytes)).toBeNull();
    expect(checkWebp(byName('truncated.webp').bytes)).toMatch(/truncated/);
  });

  const shared = fileURLToPath(new URL('../../../shared/data/hostile', import.meta.url));
  it.skipIf(!existsSync(shared))('handles the shared hostile samples (../shared/data/hostile)', async () => {
    const expected: Record<string, number | 'ok'> = {
      'base.jpg': 'ok', 'cmyk.jpg': 'ok', 'sixteen-bit.png': 'ok', 'animated.gif': 'ok', 'rotated-exif6.jpg': 'ok',
      'one-pixel.png': 'ok', 'png-named-as.jpg': 'ok', 'empty.jpg': 400, 'not-an-image.jpg': 400, 'truncated.jpg': 400, 'base.heic': 400,
    };
    for (const [name, want] of Object.entries(expected)) {
      if (!existsSync(path.join(shared, name))) continue;
      const bytes = readFileSync(path.join(shared, name));
      const out = await decodeCase({ name, bytes, expect: { ok: false, status: 400, detail: /./ } });
      if (want === 'ok') expect(out, name).not.toBeInstanceOf(FileError);
      else expect((out as FileError).status, name).toBe(want);
    }
  });
});

describe('decode errors under concurrency', () => {
  it("reports a file's own reason when libvips' shared error log also holds another decode's lines", () => {
    // Two workers failing at once: libvips keeps one error log per process (sharp#902).
    const mixed = new Error('VipsJpeg: premature end of JPEG image\nvipspng: libpng read error');
    expect(describeSharpError(mixed, 'PNG')).toMatch(/could not parse/);
    expect(describeSharpError(mixed, 'JPEG')).toMatch(/truncated/);
    expect(describeSharpError(new Error('VipsJpeg: premature end of JPEG image'), 'PNG')).toMatch(/truncated/); // nothing of its own: keep all
  });
});

describe('the CLI over a folder of hostile files', () => {
  let dir: string;
  let run: Awaited<ReturnType<typeof xray>>;
  let results: Result[];
  const find = (p: string) => results.find((r) => r.path === p);

  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(path.join(tmpdir(), 'xray-hostile-'));
    const h = path.join(dir, 'h');
    await mkdir(path.join(h, 'sub'), { recursive: true });
    await mkdir(path.join(h, '.hidden'));
    await mkdir(path.join(h, 'skipme'));
    for (const c of cases) await writeFile(path.join(h, c.name), c.bytes);
    const plain = byName('plain.png').bytes;
    for (const name of ['with space.png', 'ünïcödé 图像.png', '-dash.png', 'sub/nested.png', '.hidden/secret.png', 'skipme/ignored.png', '-explicit.png', 'notes.txt']) {
      await writeFile(path.join(name.startsWith('-explicit') || name === 'notes.txt' ? dir : h, name), plain);
    }
    await writeFile(path.join(dir, 'readme.txt'), 'plain text\n');
    await symlink('..', path.join(h, 'sub', 'loop')); // h/sub/loop -> h: a cycle
    await symlink('missing-target.png', path.join(dir, 'dangling.png'));
    await writeFile(path.join(h, 'over-20mb.jpg'), '');
    await truncate(path.join(h, 'over-20mb.jpg'), 21 * 1024 * 1024); // sparse: costs no disk
    run = await xray(['scan', 'h', '--json', '--ignore', 'skipme', '--', '-explicit.png', 'notes.txt', 'readme.txt', 'dangling.png'], { cwd: dir, timeoutMs: 90_000 });
    results = JSON.parse(run.stdout);
  }, 150_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finishes with exit code 3, JSON only on stdout, and no stack trace on stderr', () => {
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stderr).not.toMatch(/internal error/i);
    for (const r of results) expect(schemaErrors(r), r.path).toEqual([]);
    expect(results.filter((r) => 'error' in r && r.error.status === 500)).toEqual([]);
  });

  it('reports every file once, sorted, skipping hidden and ignored ones and cutting the symlink cycle', () => {
    const inFolder = cases.map((c) => c.name).filter((n) => IMAGE_EXTENSIONS.includes(path.extname(n).slice(1).toLowerCase()));
    const expected = [
      ...inFolder, 'with space.png', 'ünïcödé 图像.png', '-dash.png', 'sub/nested.png', 'over-20mb.jpg',
    ].map((n) => `h/${n}`).concat(['-explicit.png', 'notes.txt', 'readme.txt', 'dangling.png']);
    const paths = results.map((r) => r.path);
    expect([...paths].sort()).toEqual([...expected].sort());
    expect(paths).toEqual([...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('gives each kind the outcome decode gives it, with a clear detail', () => {
    const fitted = modelsFitted();
    for (const c of cases.filter((k) => find(`h/${k.name}`))) {
      const r = find(`h/${c.name}`)!;
      if (c.orDecoded && !('error' in r)) {
        expect(r.meta, c.name).toMatchObject(c.orDecoded);
        continue;
      }
      if (!c.expect.ok) {
        expect(r, c.name).toMatchObject({ error: { status: c.expect.status, detail: expect.stringMatching(c.expect.detail) } });
        continue;
      }
      const small = Math.min(c.expect.width, c.expect.height) < 32;
      if ('error' in r) {
        // Decodable but not judged: only because it is too small, or (before the fit) no mapping exists.
        expect(r.error.status, c.name).toBe(400);
        if (!small && fitted) throw new Error(`${c.name} decodes, yet the scan says: ${r.error.detail}`);
        expect(r.error.detail, c.name).toMatch(small ? /too small/ : /no detector could judge/);
      } else {
        expect(small, `${c.name} is too small to judge, yet it got a verdict`).toBe(false);
        expect(r.meta, c.name).toEqual({ width: c.expect.width, height: c.expect.height, file_size: c.bytes.length, format: c.expect.format, filename: c.name });
      }
    }
  });

  it('names its reasons: too large, missing, not an image; attempts explicit files of any extension', () => {
    expect(find('h/over-20mb.jpg')).toMatchObject({ error: { status: 413, detail: expect.stringMatching(/21\.0 MB.*20\.0 MB.*--max-size/) } });
    expect(find('h/bomb-30000x30000.png')).toMatchObject({ error: { status: 413, detail: expect.stringMatching(/30000×30000/) } });
    expect(find('dangling.png')).toMatchObject({ error: { status: 400, detail: expect.stringMatching(/no such file/) } });
    expect(find('readme.txt')).toMatchObject({ error: { status: 400, detail: expect.stringMatching(/not an image/) } });
    const notes = find('notes.txt')!;
    if ('error' in notes) expect(notes.error.detail).not.toMatch(/not an image/);
    else expect((notes as AnalysisResult).meta.format).toBe('image/png');
    for (const p of ['h/-dash.png', '-explicit.png', 'h/with space.png', 'h/ünïcödé 图像.png']) {
      const r = find(p)!;
      if (!('error' in r)) expect(r.meta.filename).toBe(path.basename(p));
      else if (modelsFitted()) throw new Error(`${p} decodes, yet the scan says: ${(r as ErrorResult).error.detail}`);
      else expect((r as ErrorResult).error.detail, p).toMatch(/no detector could judge/);
    }
  });

  it('keeps the decompression bomb well under 1 GB of peak memory, and fast', async () => {
    const rssFile = path.join(dir, 'rss.txt');
    const bomb = await xray(['scan', 'h/bomb-30000x30000.png', '--json'], {
      cwd: dir, env: { XRAY_TEST_RSS_FILE: rssFile }, nodeArgs: ['--import', new URL('../helpers/rss-probe.mjs', import.meta.url).href],
    });
    expect(bomb.code, bomb.stderr).toBe(3);
    expect(JSON.parse(bomb.stdout)[0]).toMatchObject({ error: { status: 413 } });
    const peakMiB = Number(await readFile(rssFile, 'utf8')) / 1024;
    expect(peakMiB).toBeGreaterThan(10); // the probe measured something
    expect(peakMiB).toBeLessThan(512);
    expect(bomb.ms).toBeLessThan(20_000);
  }, 60_000);

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file (permission denied) and goes on', async () => {
    const locked = path.join(dir, 'locked.png');
    await writeFile(locked, byName('plain.png').bytes);
    await chmod(locked, 0o000);
    const r = await xray(['scan', 'locked.png', 'readme.txt', '--json'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toContainEqual({ path: 'locked.png', error: { status: 400, detail: expect.stringMatching(/permission denied/) } });
  }, 60_000);
});
