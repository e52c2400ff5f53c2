/**
 * Reads the one file field of a multipart upload as a stream, with a byte cap, using busboy: a
 * small, long-maintained streaming parser (the one under multer and fastify's multipart) that never
 * holds the body in memory and reports a file over the cap as soon as the cap is passed. Parsing
 * multipart by hand is where boundary and header edge cases hide; this is not the place for that.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

export type Upload =
  | { kind: 'file'; bytes: Uint8Array; filename: string }
  | { kind: 'missing' }
  | { kind: 'too-large' }
  | { kind: 'malformed'; reason: string };

/**
 * Resolves once the upload is judged. For 'too-large' it resolves at the moment the cap is passed,
 * while the rest of the body is still arriving: the caller answers at once and drains the rest.
 */
export function readUpload(req: IncomingMessage, field: string, maxBytes: number): Promise<Upload> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (u: Upload) => {
      if (!settled) {
        settled = true;
        resolve(u);
      }
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 64 * 1024, parts: 40, headerPairs: 50 } });
    } catch (err) {
      // busboy throws at once for a missing or non-multipart Content-Type.
      settle({ kind: 'malformed', reason: (err as Error).message });
      req.resume();
      return;
    }
    let file: { chunks: Buffer[]; size: number; filename: string } | null = null;
    parser.on('file', (name, stream, info) => {
      if (name !== field || file) {
        stream.resume();
        return;
      }
      const current = { chunks: [] as Buffer[], size: 0, filename: info.filename ?? '' };
      file = current;
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        current.chunks.push(chunk);
        current.size += chunk.length;
      });
      stream.on('limit', () => {
        current.chunks = [];
        settle({ kind: 'too-large' });
      });
    });
    parser.on('error', (err: Error) => {
      settle({ kind: 'malformed', reason: err.message });
      req.unpipe(parser);
      req.resume();
    });
    parser.on('close', () => {
      if (!file) return settle({ kind: 'missing' });
      // A fresh buffer of its own: the pool transfers it to a worker thread, and a Buffer from
      // Node's shared slab cannot be transferred without detaching its neighbours.
      const bytes = new Uint8Array(file.size);
      let at = 0;
      for (const c of file.chunks) {
        bytes.set(c, at);
        at += c.length;
      }
      settle({ kind: 'file', bytes, filename: file.filename });
    });
    req.pipe(parser);
  });
}
