import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../src/image/sniff.js';
import { parsePixels, parseSize } from '../../src/image/limits.js';

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));

describe('sniffFormat reads the bytes, not the name', () => {
  it.each([
    [bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg', true],
    [bytes([0x89], 'PNG\r\n', [0x1a, 0x0a]), 'image/png', true],
    [bytes('GIF89a'), 'image/gif', true],
    [bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp', true],
    [bytes('II*', [0]), 'image/tiff', true],
    [bytes([0, 0, 0, 0x1c], 'ftypavif', [0, 0, 0, 0], 'avifmif1'), 'image/avif', true],
    [bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'), 'image/heic', false],
    [bytes([0, 0, 0, 0x18], 'ftypmif1', [0, 0, 0, 0], 'mif1heic'), 'image/heic', false],
    [bytes('BM', new Array(30).fill(0)), 'image/bmp', true],
    [bytes([0xff, 0x0a]), 'image/jxl', false],
    [bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml', false],
  ])('%#: %s', (input, mime, decodable) => {
    expect(sniffFormat(input)).toMatchObject({ mime, decodable });
  });

  it('says nothing for text, empty or short input', () => {
    expect(sniffFormat(bytes('hello, I am not an image'))).toBeNull();
    expect(sniffFormat(new Uint8Array(0))).toBeNull();
    expect(sniffFormat(bytes([0xff, 0xd8]))).toBeNull();
  });
});

describe('size and pixel flags', () => {
  it('parses sizes', () => {
    expect(parseSize('20MB')).toBe(20 * 1024 * 1024);
    expect(parseSize('512k')).toBe(512 * 1024);
    expect(parseSize('1000')).toBe(1000);
    expect(parseSize('lots')).toBeNull();
    expect(parseSize('-5')).toBeNull();
  });
  it('parses pixel counts', () => {
    expect(parsePixels('100M')).toBe(100_000_000);
    expect(parsePixels('24mp')).toBe(24_000_000);
    expect(parsePixels('5000')).toBe(5000);
    expect(parsePixels('0')).toBeNull();
  });
});

describe('size messages', () => {
  it('never shows a size equal to the limit it is over', async () => {
    const { overSizeLimit } = await import('../../src/image/limits.js');
    expect(overSizeLimit(26138, 26137)).toBe('file is 26138 bytes, over the 26137-byte limit (--max-size)');
    expect(overSizeLimit(25 * 1024 * 1024, 20 * 1024 * 1024)).toBe('file is 25.0 MB, over the 20.0 MB limit (--max-size)');
  });
});
