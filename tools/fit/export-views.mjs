#!/usr/bin/env node
// Writes the fusion's crop views of every corpus image as lossless PNGs, so that the neural
// detectors' training code (Python) can score exactly the pixels the statistical detectors were
// fitted on (corpus.mjs cuts them; a JPEG view is stored decoded, so its pixels stay the same).
//   npm run build && node tools/fit/export-views.mjs [corpusDir] [outDir]
// Writes outDir/index.csv (path,view,file); outDir defaults to tools/fit/.cache/views.
// The out-of-fold scorers read it: tools/train/primary/train.py --oof-views, tools/train/secondary/oof.py.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { VIEWS, readManifest, viewsOf } from './corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const corpusDir = resolve(process.argv[2] ?? join(root, '../shared/data/corpus'));
const outDir = resolve(process.argv[3] ?? join(here, '.cache', 'views'));
mkdirSync(outDir, { recursive: true });

const lines = ['path,view,file'];
const quote = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const t0 = Date.now();
const manifest = readManifest(corpusDir);
for (const [i, item] of manifest.entries()) {
  let v;
  try {
    v = await viewsOf(join(corpusDir, item.path), item.path);
  } catch (err) {
    process.stderr.write(`skipped ${item.path}: ${err.message}\n`);
    continue;
  }
  for (const view of VIEWS) {
    const img = v.views[view.name];
    const file = `${String(i).padStart(5, '0')}-${view.name}.png`;
    await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).png({ compressionLevel: 1 }).toFile(join(outDir, file));
    lines.push([quote(item.path), view.name, file].join(','));
  }
  if (i % 100 === 0) process.stderr.write(`views ${i}/${manifest.length} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}
writeFileSync(join(outDir, 'index.csv'), `${lines.join('\n')}\n`);
process.stderr.write(`wrote ${lines.length - 1} views to ${outDir} in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
