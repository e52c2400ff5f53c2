/** The schema is itself tested: it must accept the spec's shape and reject each way of breaking it. */
import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../helpers/cli.ts';

const signal = (score: number | null, level: string) => ({
  name: 'Frequency Anomaly', key: 'frequencyAnomaly', level, score, model: 'm', desc: 'd', interp: 'i',
});
const result = () => ({
  path: 'photos/photo.jpg',
  verdict: 'Real Photo',
  is_ai: false,
  confidence: 56.5,
  composite: 43.5,
  signals: [signal(51.1, 'hi'), signal(12, 'lo'), signal(null, 'na')],
  meta: { width: 1280, height: 720, file_size: 115335, format: 'image/jpeg', filename: 'photo.jpg' },
  usage: null,
});
type Mutation = [string, (r: any) => void];

describe('docs/result.schema.json', () => {
  it('accepts a local result, a remote one with usage, extra keys, and an error entry', () => {
    expect(schemaErrors(result())).toEqual([]);
    expect(schemaErrors({ ...result(), usage: { used: 4, limit: 500, role: 'pro' } })).toEqual([]);
    expect(schemaErrors({ ...result(), verdict: 'AI Generated', is_ai: true, extra: { any: 1 } })).toEqual([]);
    const withEvidence = result();
    (withEvidence.signals[0] as Record<string, unknown>).evidence = { peaks: 3 };
    expect(schemaErrors(withEvidence)).toEqual([]);
    for (const status of [400, 413, 500]) expect(schemaErrors({ path: 'x.heic', error: { status, detail: 'HEIC cannot be decoded' } })).toEqual([]);
  });

  const broken: Mutation[] = [
    ['verdict outside the enum', (r) => { r.verdict = 'Maybe'; }],
    ['verdict contradicting is_ai', (r) => { r.is_ai = true; }],
    ['confidence under 50', (r) => { r.confidence = 49.9; }],
    ['composite over 100', (r) => { r.composite = 100.1; }],
    ['composite as a string', (r) => { r.composite = '43.5'; }],
    ['level hi with a score under 50', (r) => { r.signals[1].level = 'hi'; }],
    ['level lo with a score of 50 or more', (r) => { r.signals[0].level = 'lo'; }],
    ['level na with a score', (r) => { r.signals[1].level = 'na'; }],
    ['a null score that is not na', (r) => { r.signals[2].level = 'lo'; }],
    ['a level outside the enum', (r) => { r.signals[0].level = 'high'; }],
    ['a signal without interp', (r) => { delete r.signals[0].interp; }],
    ['a score over 100', (r) => { r.signals[0].score = 101; }],
    ['meta without format', (r) => { delete r.meta.format; }],
    ['a fractional width', (r) => { r.meta.width = 10.5; }],
    ['a format that is not a MIME type', (r) => { r.meta.format = 'jpeg'; }],
    ['usage missing', (r) => { delete r.usage; }],
    ['usage of the wrong shape', (r) => { r.usage = { used: 'four' }; }],
    ['path missing', (r) => { delete r.path; }],
    ['result and error at once', (r) => { r.error = { status: 400, detail: 'x' }; }],
  ];
  it.each(broken)('rejects %s', (_what, mutate) => {
    const r = structuredClone(result());
    mutate(r);
    expect(schemaErrors(r)).not.toEqual([]);
  });

  it('rejects error entries with another status, an empty detail or no path', () => {
    expect(schemaErrors({ path: 'x', error: { status: 401, detail: 'no key' } })).not.toEqual([]);
    expect(schemaErrors({ path: 'x', error: { status: 400, detail: '' } })).not.toEqual([]);
    expect(schemaErrors({ error: { status: 400, detail: 'x' } })).not.toEqual([]);
  });
});
