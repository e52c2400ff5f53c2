/** One JSON array of Results (the spec's shape plus `path`), sorted by path. */
import type { ReporterFactory } from './reporter.js';

export const json: ReporterFactory = (ctx) => ({
  finish(results) {
    ctx.write(`${JSON.stringify(results, null, 2)}\n`);
  },
});
