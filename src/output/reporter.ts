/** The contract every output format implements; reporters only format Results. */
import type { Result } from '../types.js';

export interface Summary {
  files: number;
  ai: number;
  real: number;
  errors: number;
  seconds: number;
  /** Results served by --cache without running detectors. */
  cached?: number;
}

export interface ReporterContext {
  write(text: string): void;
  color: boolean;
}

export interface Reporter {
  /** Each result as it finishes (in completion order); streaming formats write here. */
  onResult?(result: Result): void;
  /** All results, sorted by path, once the scan ends. */
  finish(results: Result[], summary: Summary): void;
}

export type ReporterFactory = (ctx: ReporterContext) => Reporter;

export function summarise(results: Result[], seconds: number): Summary {
  let ai = 0;
  let real = 0;
  let errors = 0;
  for (const r of results) {
    if ('error' in r) errors++;
    else if (r.is_ai) ai++;
    else real++;
  }
  return { files: results.length, ai, real, errors, seconds };
}

export function summaryLine(s: Summary): string {
  // A rate over a few milliseconds (all files refused at once) is noise, not throughput.
  const rate = s.seconds >= 0.05 ? `${(s.files / s.seconds).toFixed(1)} images/s` : '–';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const cached = s.cached ? ` · ${s.cached} from cache` : '';
  return `${plural(s.files, 'file')} · ${s.ai} AI · ${s.real} real · ${plural(s.errors, 'error')}${cached} · ${s.seconds.toFixed(1)} s · ${rate}`;
}
