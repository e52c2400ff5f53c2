/** A table for people: one row per file, one compact column per signal, errors listed below, a summary line. */
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { isError, type AnalysisResult, type Result, type Signal } from '../types.js';
import { byPath, summaryLine, type ReporterFactory } from './reporter.js';
import { printable } from './sanitize.js';

/** Short column headers; an unknown signal key is shown as its key. */
const SHORT: Record<string, string> = {
  primaryNeural: 'Neural 1',
  secondaryNeural: 'Neural 2',
  frequencyAnomaly: 'FFT',
  noiseDistribution: 'Noise',
  colorCoherence: 'Colour',
  provenance: 'Prov.',
};

export const table: ReporterFactory = (ctx) => {
  const results: Result[] = [];
  return {
  onResult(result) {
    results.push(slim(result));
  },
  finish(summary) {
    results.sort(byPath);
    const c = new Chalk({ level: ctx.color ? 1 : 0 });
    const analysed = results.filter((r): r is AnalysisResult => !isError(r));
    const keys = signalKeys(analysed);
    if (results.length > 0) {
      const t = new Table({
        head: ['File', 'Verdict', 'AI %', 'Conf.', ...keys.map((k) => SHORT[k] ?? k)].map((h) => c.bold(h)),
        style: { head: [], border: ctx.color ? ['grey'] : [] },
      });
      for (const r of results) t.push(isError(r) ? errorRow(printable(r.path), r.error.status, keys.length, c) : row(r, keys, c));
      ctx.write(`${t.toString()}\n`);
    }
    const failed = results.filter(isError);
    if (failed.length) {
      ctx.write(`\n${c.red.bold('Could not analyse:')}\n`);
      for (const f of failed) ctx.write(`  ${c.red('✗')} ${printable(f.path)}: ${printable(f.error.detail)} ${c.dim(`(${f.error.status})`)}\n`);
    }
    ctx.write(`\n${summaryLine(summary)}\n`);
  },
  };
};

/** What a row needs; the long model/desc/interp/evidence texts are dropped so a big scan stays small. */
function slim(r: Result): Result {
  if (isError(r)) return r;
  const signals = r.signals.map(({ key, score, level }) => ({ key, score, level }) as Signal);
  return { ...r, signals };
}

function signalKeys(results: AnalysisResult[]): string[] {
  const keys: string[] = [];
  for (const r of results) for (const s of r.signals) if (!keys.includes(s.key)) keys.push(s.key);
  return keys;
}

function row(r: AnalysisResult, keys: string[], c: ChalkInstance): string[] {
  const verdict = r.is_ai ? c.red.bold(r.verdict) : c.green(r.verdict);
  return [
    printable(r.path),
    verdict,
    r.composite.toFixed(1),
    r.confidence.toFixed(1),
    ...keys.map((k) => cell(r.signals.find((s) => s.key === k), c)),
  ];
}

function cell(s: Signal | undefined, c: ChalkInstance): string {
  if (!s || s.score === null) return c.dim('n/a');
  const text = s.score.toFixed(0);
  return s.level === 'hi' ? c.yellow(text) : text;
}

function errorRow(path: string, status: number, signalColumns: number, c: ChalkInstance) {
  return [path, c.red(`error ${status}`), { colSpan: 2 + signalColumns, content: c.dim('see below') }] as never;
}
