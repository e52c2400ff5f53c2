/**
 * The labelled set for `xray eval`: folders given with --real / --ai, or a manifest CSV with
 * columns path,label[,generator][,source]. Only lists files; nothing is read here.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { discover } from '../input/discover.js';

export interface LabelledItem {
  /** As reported in results (the path to read, relative to the working folder when given so). */
  path: string;
  /** 1 = AI. */
  label: 0 | 1;
  /** Breakdown keys: folder always; generator and source when the manifest has them. */
  groups: Record<string, string>;
}

export interface LabelledSet {
  items: LabelledItem[];
  /** Operands that matched nothing, reported like scan's missing paths. */
  missing: { path: string; detail: string }[];
}

export async function fromFolders(real: string[], ai: string[], ignore: string[] = []): Promise<LabelledSet> {
  const items: LabelledItem[] = [];
  const missing: LabelledSet['missing'] = [];
  for (const [dirs, label] of [[real, 0], [ai, 1]] as const) {
    for (const dir of dirs) {
      for await (const s of discover([dir], { ignore })) {
        if (s.kind === 'missing') missing.push({ path: s.path, detail: s.detail });
        else if (s.kind === 'file') items.push({ path: s.path, label, groups: { folder: `${label ? 'ai' : 'real'}: ${dir}` } });
      }
    }
  }
  return { items: dedupe(items), missing };
}

/** Minimal RFC 4180 reader (quoted fields, doubled quotes); a manifest may have commas in notes. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [head = [], ...body] = rows;
  const names = head.map((h) => h.trim().replace(/^\uFEFF/, '').toLowerCase());
  return body.map((r) => Object.fromEntries(names.map((h, i) => [h, (r[i] ?? '').trim()])));
}

const LABELS: Record<string, 0 | 1> = { real: 0, '0': 0, ai: 1, '1': 1 };

/** Paths in the manifest are relative to the manifest's folder (absolute ones are kept). */
export async function fromManifest(file: string, cwd = process.cwd()): Promise<LabelledSet> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --manifest ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const rows = parseCsv(text);
  if (rows.length && (!('path' in rows[0]) || !('label' in rows[0]))) {
    throw new UsageError(`--manifest ${file} needs the columns path and label (real|ai|0|1); found: ${Object.keys(rows[0]).join(', ')}`);
  }
  const base = path.dirname(path.resolve(cwd, file));
  const sourceColumn = rows.length && 'source' in rows[0] ? 'source' : 'source_repo';
  const items = rows.map((r, i): LabelledItem => {
    const label = LABELS[r.label.toLowerCase()];
    if (label === undefined) throw new UsageError(`--manifest ${file}, row ${i + 2}: label must be real, ai, 0 or 1, got "${r.label}"`);
    if (!r.path) throw new UsageError(`--manifest ${file}, row ${i + 2}: empty path`);
    const abs = path.resolve(base, r.path);
    const rel = path.relative(cwd, abs);
    const groups: Record<string, string> = { folder: `${label ? 'ai' : 'real'}: ${path.dirname(r.path)}` };
    if (r.generator) groups.generator = `${label ? 'ai' : 'real'}: ${r.generator}`;
    if (r[sourceColumn]) groups.source = `${label ? 'ai' : 'real'}: ${r[sourceColumn]}`;
    return { path: rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel, label, groups };
  });
  return { items: dedupe(items), missing: [] };
}

/** One file listed twice keeps its first entry; listed under both labels is a mistake worth stopping for. */
function dedupe(items: LabelledItem[]): LabelledItem[] {
  const seen = new Map<string, LabelledItem>();
  for (const it of items) {
    const key = path.resolve(it.path);
    const prev = seen.get(key);
    if (!prev) seen.set(key, it);
    else if (prev.label !== it.label) throw new UsageError(`${it.path} is labelled both real and ai`);
  }
  return [...seen.values()];
}
