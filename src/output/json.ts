/**
 * One JSON array of Results (the spec's shape plus `path`), sorted by path. Each result is kept as
 * its text, not as an object: the same output as JSON.stringify(results, null, 2) at a fraction
 * of the memory on a large scan.
 */
import { byPath, type ReporterFactory } from './reporter.js';

export const json: ReporterFactory = (ctx) => {
  const entries: { path: string; text: string }[] = [];
  return {
    onResult(result) {
      entries.push({ path: result.path, text: JSON.stringify(result, null, 2).replace(/^/gm, '  ') });
    },
    finish() {
      entries.sort(byPath);
      ctx.write(entries.length === 0 ? '[]\n' : `[\n${entries.map((e) => e.text).join(',\n')}\n]\n`);
    },
  };
};
