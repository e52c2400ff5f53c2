/**
 * The contract every output format implements; reporters only format Results.
 * Each reporter keeps only what it needs to print (NDJSON nothing, JSON one string per file), so a
 * scan of 100,000 files does not hold 100,000 result objects.
 */
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
  /** Writes to the output; false when the output's buffer is full (wait for drain before more). */
  write(text: string): boolean | void;
  /** Resolves when the output can take more (or has closed). */
  drain(): Promise<void>;
  color: boolean;
}

export interface Reporter {
  /** Each result as it finishes (in completion order). */
  onResult(result: Result): void;
  /**
   * Once the scan ends; formats that print sorted output print here, sorted by path. Large output
   * must respect write()'s backpressure: pipes and files are written asynchronously, so a loop that
   * ignores it queues the whole report in memory.
   */
  finish(summary: Summary): void | Promise<void>;
}

export type ReporterFactory = (ctx: ReporterContext) => Reporter;

export const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Counts as results arrive, so nobody has to keep them for the summary. */
export class Tally {
  files = 0;
  ai = 0;
  real = 0;
  errors = 0;

  add(r: Result): void {
    this.files++;
    if ('error' in r) this.errors++;
    else if (r.is_ai) this.ai++;
    else this.real++;
  }

  summary(seconds: number, cached = 0): Summary {
    return { files: this.files, ai: this.ai, real: this.real, errors: this.errors, seconds, cached };
  }
}

export function summaryLine(s: Summary): string {
  // A rate over a few milliseconds (all files refused at once) is noise, not throughput.
  const rate = s.seconds >= 0.05 ? `${(s.files / s.seconds).toFixed(1)} images/s` : '–';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const cached = s.cached ? ` · ${s.cached} from cache` : '';
  return `${plural(s.files, 'file')} · ${s.ai} AI · ${s.real} real · ${plural(s.errors, 'error')}${cached} · ${s.seconds.toFixed(1)} s · ${rate}`;
}
