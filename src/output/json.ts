/**
 * One JSON array of Results (the spec's shape plus `path`), sorted by path. Until the scan ends each
 * result is kept as compact UTF-8 bytes (a few KB), not as an object or a pretty-printed string, so
 * memory grows slowly with the file count; it is pretty-printed element by element on the way out,
 * giving exactly what JSON.stringify(results, null, 2) would, at the pace the output takes it.
 */
import { byPath, type ReporterFactory } from './reporter.js';

export const json: ReporterFactory = (ctx) => {
  const entries: { path: string; bytes: Buffer }[] = [];
  return {
    onResult(result) {
      entries.push({ path: result.path, bytes: Buffer.from(JSON.stringify(result)) });
    },
    async finish() {
      if (entries.length === 0) {
        ctx.write('[]\n');
        return;
      }
      entries.sort(byPath);
      ctx.write('[\n');
      for (let i = 0; i < entries.length; i++) {
        const pretty = JSON.stringify(JSON.parse(entries[i].bytes.toString('utf8')), null, 2).replace(/^/gm, '  ');
        // Waiting for the output to drain keeps at most its buffer queued, not the whole report.
        if (ctx.write(i < entries.length - 1 ? `${pretty},\n` : `${pretty}\n`) === false) await ctx.drain();
      }
      ctx.write(']\n');
    },
  };
};
