/** The map of output formats: one file per format, added here. */
import { json } from './json.js';
import { ndjson } from './ndjson.js';
import type { ReporterFactory } from './reporter.js';
import { table } from './table.js';

export const REPORTERS: Record<string, ReporterFactory> = { table, json, ndjson };
export const FORMATS = Object.keys(REPORTERS) as readonly string[];
