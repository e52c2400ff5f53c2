/** Reads one source's bytes with the size limit applied before the whole file is in memory. */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { FileError } from '../errors.js';
import { formatBytes, overSizeLimit } from '../image/limits.js';

export async function readFileLimited(file: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    // Opening a named pipe blocks until a writer appears, which may be never: refuse it before open.
    const kind = await stat(file);
    if (kind.isFIFO() || kind.isSocket()) {
      throw new FileError(400, `is a ${kind.isFIFO() ? 'named pipe' : 'socket'}, not a file (to analyse a stream, pipe it to \`xray scan -\`)`);
    }
    handle = await open(file, 'r');
    const info = await handle.stat();
    if (info.isDirectory()) throw new FileError(400, 'is a folder, not a file');
    if (info.size > maxBytes) {
      throw new FileError(413, overSizeLimit(info.size, maxBytes));
    }
    // stat's size is 0 for devices and pipes (/dev/zero, <(curl …)) and may be stale for a growing
    // file, so the limit is enforced on the bytes actually read, never on the size alone.
    return await readHandleLimited(handle, maxBytes, info.size);
  } catch (err) {
    if (err instanceof FileError) throw err;
    throw new FileError(400, `cannot read file: ${describeIoError(err as NodeJS.ErrnoException)}`);
  } finally {
    await handle?.close();
  }
}

/** sizeHint: stat's size, so a regular file is read in one go into one buffer (no extra copy). */
async function readHandleLimited(handle: FileHandle, maxBytes: number, sizeHint: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  let want = sizeHint > 0 ? sizeHint + 1 : 64 * 1024; // +1 so that the read at EOF can tell the file grew
  for (;;) {
    const chunk = Buffer.allocUnsafeSlow(Math.min(want, maxBytes + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) {
      throw new FileError(413, `input is over the ${formatBytes(maxBytes)} limit (--max-size)`);
    }
    want = 1 << 20;
  }
  return chunks.length === 1 ? new Uint8Array(chunks[0].buffer, 0, total) : join(chunks, total);
}

/**
 * Copies chunks into one Uint8Array that owns its ArrayBuffer. Buffer.concat may hand out a slice
 * of Node's shared pool, which cannot be transferred to a worker (Node >= 21 throws DataCloneError).
 */
function join(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
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
  return join(chunks, total);
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
