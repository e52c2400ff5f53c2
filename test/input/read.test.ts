import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileLimited, readStreamLimited } from '../../src/input/read.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'xray-read-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('readFileLimited', () => {
  it('reads a file whole, into a buffer of its own', async () => {
    const file = path.join(dir, 'a.bin');
    await writeFile(file, Buffer.from([1, 2, 3, 4, 5]));
    const bytes = await readFileLimited(file, 100);
    expect([...bytes]).toEqual([1, 2, 3, 4, 5]);
    expect(bytes.byteOffset).toBe(0); // not a slice of Node's shared pool: it can be transferred to a worker
  });

  it('refuses a file over the limit by its size (413), a folder and a missing file (400)', async () => {
    const file = path.join(dir, 'big.bin');
    await writeFile(file, Buffer.alloc(101));
    await expect(readFileLimited(file, 100)).rejects.toMatchObject({ status: 413, detail: expect.stringMatching(/101 B, over the 100 B limit/) });
    await expect(readFileLimited(dir, 100)).rejects.toMatchObject({ status: 400, detail: 'is a folder, not a file' });
    await expect(readFileLimited(path.join(dir, 'nope'), 100)).rejects.toMatchObject({ status: 400, detail: 'cannot read file: no such file' });
  });

  it('stops reading a device that never ends at the limit', async () => {
    await expect(readFileLimited('/dev/zero', 1 << 20)).rejects.toMatchObject({ status: 413 });
  });
});

describe('readStreamLimited', () => {
  it('joins the chunks into a buffer that owns its memory', async () => {
    const bytes = await readStreamLimited(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 10);
    expect(Buffer.from(bytes).toString()).toBe('abcd');
    expect(bytes.buffer.byteLength).toBe(4);
  });

  it('refuses more than the limit with 413', async () => {
    await expect(readStreamLimited(Readable.from([Buffer.alloc(6), Buffer.alloc(6)]), 10)).rejects.toMatchObject({ status: 413 });
  });
});

describe('special files', () => {
  it('refuses a named pipe at once instead of waiting for a writer', async () => {
    const fifo = path.join(dir, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    await expect(readFileLimited(fifo, 1000)).rejects.toMatchObject({ status: 400, detail: expect.stringMatching(/named pipe/) });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
