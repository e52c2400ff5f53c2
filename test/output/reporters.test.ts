import { describe, expect, it } from 'vitest';
import { REPORTERS } from '../../src/output/index.js';
import { summaryLine, Tally } from '../../src/output/reporter.js';
import type { Result } from '../../src/types.js';

const ok = (path: string, composite: number): Result => ({
  path,
  verdict: composite >= 50 ? 'AI Generated' : 'Real Photo',
  is_ai: composite >= 50,
  confidence: Math.max(composite, 100 - composite),
  composite,
  signals: [
    { key: 'frequencyAnomaly', name: 'Frequency Anomaly', model: 'm', desc: 'd', interp: 'i', score: composite, level: composite >= 50 ? 'hi' : 'lo' },
    { key: 'colorCoherence', name: 'Color Coherence', model: 'm', desc: 'd', interp: 'gray', score: null, level: 'na' },
  ],
  meta: { width: 10, height: 10, file_size: 100, format: 'image/png', filename: path },
  usage: null,
});
const bad: Result = { path: 'broken.jpg', error: { status: 400, detail: 'the file is truncated (data ends early)' } };

/** Every format's factory, loaded once (the map loads each on demand). */
const FACTORIES = Object.fromEntries(await Promise.all(Object.entries(REPORTERS).map(async ([k, load]) => [k, await load()] as const)));

function summarise(results: Result[], seconds: number) {
  const tally = new Tally();
  for (const r of results) tally.add(r);
  return tally.summary(seconds);
}

function render(format: string, results: Result[], color = false) {
  let text = '';
  const reporter = FACTORIES[format]({ write: (t) => { text += t; }, drain: async () => {}, color });
  for (const r of results) reporter.onResult(r);
  reporter.finish(summarise(results, 2));
  return text;
}

describe('reporters', () => {
  const results = [ok('a.png', 80), bad, ok('c.png', 10)];

  it('json is exactly the array of results, sorted by path, formatted as JSON.stringify would', () => {
    const sorted = [...results].sort((a, b) => (a.path < b.path ? -1 : 1));
    const text = render('json', [results[2], results[0], results[1]]);
    expect(text).toBe(`${JSON.stringify(sorted, null, 2)}\n`);
    expect(render('json', [])).toBe('[]\n');
  });

  it('json waits for the output to drain instead of queueing the whole report', async () => {
    const many = Array.from({ length: 50 }, (_, i) => ok(`f${String(i).padStart(2, '0')}.png`, i));
    let text = '';
    let waiting: (() => void) | null = null;
    let writesWhileFull = 0;
    const reporter = FACTORIES.json({
      // A sink whose buffer is always full: every write asks the writer to wait for drain.
      write: (t) => { if (waiting) writesWhileFull++; text += t; return false; },
      drain: () => new Promise<void>((resolve) => { waiting = () => { waiting = null; resolve(); }; }),
      color: false,
    });
    for (const r of many) reporter.onResult(r);
    const finished = Promise.resolve(reporter.finish(summarise(many, 1)));
    let drains = 0;
    while (await Promise.race([finished.then(() => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]) === false) {
      expect(waiting).not.toBeNull(); // the reporter is parked until the sink drains
      drains++;
      waiting!();
    }
    expect(writesWhileFull).toBe(0);
    expect(drains).toBe(many.length);
    expect(text).toBe(`${JSON.stringify(many, null, 2)}\n`);
  });

  it('ndjson writes one parseable line per result as it arrives', () => {
    const lines = render('ndjson', results).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(results);
  });

  it('table shows every file, the verdicts, n/a for signals that could not judge, errors and the summary', () => {
    const text = render('table', results);
    for (const p of ['a.png', 'broken.jpg', 'c.png', 'AI Generated', 'Real Photo', 'n/a', 'FFT', 'Colour']) expect(text).toContain(p);
    expect(text).toContain('broken.jpg: the file is truncated (data ends early)');
    expect(text).toContain('3 files · 1 AI · 1 real · 1 error');
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('table uses colour only when asked', () => {
    expect(render('table', results, true)).toMatch(/\u001b\[/);
  });
});

describe('summary', () => {
  it('counts and rates', () => {
    const s = summarise([ok('a', 90), ok('b', 20), bad], 1.5);
    expect(s).toEqual({ files: 3, ai: 1, real: 1, errors: 1, seconds: 1.5, cached: 0 });
    expect(summaryLine(s)).toBe('3 files · 1 AI · 1 real · 1 error · 1.5 s · 2.0 images/s');
  });
});

describe('untrusted names', () => {
  it('the table escapes control characters in paths and details instead of printing them', () => {
    const evil: Result = { path: 'a\u001b[31mred\nb.jpg', error: { status: 400, detail: 'bad\rline' } };
    const text = render('table', [evil]);
    expect(text).not.toMatch(/\u001b/);
    expect(text).toContain('a\\x1b[31mred\\x0ab.jpg');
    expect(text).toContain('bad\\x0dline');
  });
});
