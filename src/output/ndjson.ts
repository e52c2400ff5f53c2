/** One JSON line per file as soon as it finishes, so a consumer can stream a long scan; nothing is kept. */
import type { ReporterFactory } from './reporter.js';

export const ndjson: ReporterFactory = (ctx) => ({
  onResult(result) {
    ctx.write(`${JSON.stringify(result)}\n`);
  },
  finish() {},
});
