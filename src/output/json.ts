/**
 * One JSON array of Results (the spec's shape plus `path`), sorted by path. Until the scan ends each
 * result is kept as compact UTF-8 bytes (a few KB), not as an object or a pretty-printed string, so
 * memory grows slowly with the file count; it is pretty-printed element by element on the way out,
 * giving exactly what JSON.stringify(results, null, 2) would.
 */
import { byPath, type ReporterFactory } from './reporter.js';

export const json: ReporterFactory = (ctx) => {
  const entries: { path: string; bytes: Buffer }[] = [];
  return {
    onResult(result) {
      entries.push({ path: result.path, bytes: Buffer.from(JSON.stringify(result)) });
    },
    finish() {
      if (entries.length === 0) return ctx.write('[]\n');
      entries.sort(byPath);
      ctx.write('[\n');
      entries.forEach((e, i) => {
        const pretty = JSON.stringify(JSON.parse(e.bytes.toString('utf8')), null, 2).replace(/^/gm, '  ');
        ctx.write(i < entries.length - 1 ? `${pretty},\n` : `${pretty}\n`);
      });
      ctx.write(']\n');
    },
  };
};
