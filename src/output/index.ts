/**
 * The map of output formats: one file per format, added here. Each is loaded when chosen, so that
 * `--json` does not load the table's terminal libraries.
 */
import type { ReporterFactory } from './reporter.js';

export const REPORTERS: Record<string, () => Promise<ReporterFactory>> = {
  table: async () => (await import('./table.js')).table,
  json: async () => (await import('./json.js')).json,
  ndjson: async () => (await import('./ndjson.js')).ndjson,
};
export const FORMATS = Object.keys(REPORTERS) as readonly string[];
