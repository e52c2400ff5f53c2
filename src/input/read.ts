/** Reads one source's bytes with the size limit applied before the whole file is in memory. */
import { open } from 'node:fs/promises';
import { FileError } from '../errors.js';
import { formatBytes } from '../image/limits.js';

export async function readFileLimited(file: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, 'r');
    const info = await handle.stat();
    if (info.isDirectory()) throw new FileError(400, 'is a folder, not a file');
    if (info.size > maxBytes) {
      throw new FileError(413, `file is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} limit (--max-size)`);
    }
    return new Uint8Array(await handle.readFile());
  } catch (err) {
    if (err instanceof FileError) throw err;
    throw new FileError(400, `cannot read file: ${describeIoError(err as NodeJS.ErrnoException)}`);
  } finally {
    await handle?.close();
  }
}

/** Reads all of a stream, refusing to hold more than maxBytes (+1 to know it was over). */
export async function readStreamLimited(stream: NodeJS.ReadableStream, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > maxBytes) {
      throw new FileError(413, `input is over the ${formatBytes(maxBytes)} limit (--max-size)`);
    }
    chunks.push(buf);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function describeIoError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a folder, not a file';
    case 'EIO': return 'input/output error';
    default: return err.message;
  }
}
