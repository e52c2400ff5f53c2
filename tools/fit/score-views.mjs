#!/usr/bin/env node
// Scores the fusion's crop views (tools/fit/export-views.mjs) with the shipped detectors, as a scan
// would: fit-fusion.mjs --insample KEY=CSV then reports what `xray eval --shortcut-free` on the
// corpus reproduces. In-sample for a network trained on the corpus: a consistency check, not an estimate.
//   npm run build && node tools/fit/score-views.mjs primaryNeural [viewsDir] > primary-insample.csv
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { parseCsv } from './corpus.mjs';
import { DETECTORS } from '../../dist/detectors/index.js';
import { round1 } from '../../dist/fusion/composite.js';

const here = dirname(fileURLToPath(import.meta.url));
const [key, dirArg] = process.argv.slice(2);
const viewsDir = resolve(dirArg ?? join(here, '.cache', 'views'));
const detector = DETECTORS.find((d) => d.key === key);
if (!detector) {
  console.error(`usage: score-views.mjs <${DETECTORS.map((d) => d.key).join('|')}> [viewsDir]`);
  process.exit(2);
}
const quote = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const index = parseCsv(readFileSync(join(viewsDir, 'index.csv'), 'utf8'));
const out = ['path,view,score'];
const t0 = Date.now();
for (const [i, v] of index.entries()) {
  const file = join(viewsDir, v.file);
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const bytes = readFileSync(file);
  const r = await detector.analyse({
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height,
    grayscale: false, format: 'image/png', fileSize: bytes.length, filename: v.file, bytes,
  });
  if (r.score !== null) out.push([quote(v.path), v.view, round1(Math.min(100, Math.max(0, r.score)))].join(','));
  if (i % 500 === 0) process.stderr.write(`${key} ${i}/${index.length} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}
process.stdout.write(`${out.join('\n')}\n`);
