#!/usr/bin/env node
// Fits the score mappings of the three statistical detectors (and reports a baseline fusion).
//   npm run build && node tools/fit/fit-statistical.mjs [corpusDir]
// Features come from the compiled detector code in dist/, so fitting and inference share one
// implementation. Writes models/statistical.json and prints a report; then run fit-fusion.mjs for models/fusion.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { featureCacheFile } from './feature-cache.mjs';
import sharp from 'sharp';
import { frequencyFeatures } from '../../dist/detectors/frequencyAnomaly.js';
import { noiseFeatures } from '../../dist/detectors/noiseDistribution.js';
import { colourFeatures } from '../../dist/detectors/colorCoherence.js';
import { PROTOCOL, VIEWS, readManifest, viewsOf } from './corpus.mjs';
import { crossValidate, fitFinal, heldOutReport, L2, Z_CLIP } from './cv.mjs';
import { fitFusion } from './fusion.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const corpusDir = resolve(process.argv[2] ?? join(root, '../shared/data/corpus'));

const DETECTORS = {
  frequencyAnomaly: frequencyFeatures,
  noiseDistribution: noiseFeatures,
  colorCoherence: colourFeatures,
};

const t0 = Date.now();
const manifest = readManifest(corpusDir);
// Features are cached per (feature code, crop code, manifest): refitting after a change to the
// fitting alone then takes seconds instead of minutes.
const { manifestSha, cacheFile } = featureCacheFile(root, here, corpusDir);

// rows: one per (image, view); features[key] = number[] or null (detector could not judge).
let rows = [];
const upscaled = { ai: 0, real: 0 };
const failed = [];
let featureSeconds = null;
if (existsSync(cacheFile)) {
  const cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
  rows = cached.rows;
  failed.push(...cached.failed);
  Object.assign(upscaled, cached.upscaled);
  featureSeconds = cached.featureSeconds ?? null;
  process.stderr.write(`features: reusing ${cacheFile}\n`);
} else {
  for (const [i, item] of manifest.entries()) {
    let v;
    try {
      v = await viewsOf(join(corpusDir, item.path), item.path);
    } catch (err) {
      failed.push(`${item.path}: ${err.message}`);
      continue;
    }
    if (v.upscaled) upscaled[item.label]++;
    for (const view of VIEWS) {
      const img = v.views[view.name];
      const features = {};
      for (const [key, fn] of Object.entries(DETECTORS)) {
        const r = fn(img.data, img.width, img.height);
        features[key] = r.ok ? r.features : null;
      }
      rows.push({ path: item.path, y: item.label === 'ai' ? 1 : 0, source: item.source_repo, content: item.content, view: view.name, scale: v.scale, features });
    }
    if ((i + 1) % 100 === 0) process.stderr.write(`features: ${i + 1}/${manifest.length} images (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  mkdirSync(dirname(cacheFile), { recursive: true });
  featureSeconds = Math.round((Date.now() - t0) / 1000);
  writeFileSync(cacheFile, JSON.stringify({ rows, failed, upscaled, featureSeconds }));
}
const tFeatures = (Date.now() - t0) / 1000;

const featureNames = {
  frequencyAnomaly: (await import('../../dist/detectors/frequencyAnomaly.js')).FREQUENCY_FEATURES,
  noiseDistribution: (await import('../../dist/detectors/noiseDistribution.js')).NOISE_FEATURES,
  colorCoherence: (await import('../../dist/detectors/colorCoherence.js')).COLOR_FEATURES,
};

const detectors = {};
const heldOut = {}; // key → per-row held-out probability (or null)
for (const key of Object.keys(DETECTORS)) {
  heldOut[key] = crossValidate(rows, key);
  const report = heldOutReport(rows, heldOut[key]);
  detectors[key] = {
    features: [...featureNames[key]],
    ...fitFinal(rows, key),
    zClip: Z_CLIP,
    cv: { raw: report.raw, shortcutFree: report.jpeg90, jpeg75: report.jpeg75, down90: report.down90, byContent: report.byContent, bySource: report.bySource },
  };
}

const count = (pred) => rows.filter((r) => r.view === 'raw' && pred(r)).length;
const bySource = {};
for (const r of rows) if (r.view === 'raw') bySource[`${r.y ? 'ai' : 'real'} | ${r.source}`] = (bySource[`${r.y ? 'ai' : 'real'} | ${r.source}`] ?? 0) + 1;
const byContent = {};
for (const r of rows) if (r.view === 'raw') byContent[`${r.y ? 'ai' : 'real'} | ${r.content}`] = (byContent[`${r.y ? 'ai' : 'real'} | ${r.content}`] ?? 0) + 1;
const sharpVersion = sharp.versions;

const data = {
  corpus: 'shared/data/corpus (manifest.csv)',
  manifestSha256: manifestSha,
  images: { ai: count((r) => r.y === 1), real: count((r) => r.y === 0), failedToDecode: failed },
  upscaledToCrop: upscaled,
  bySource,
  byContent,
  protocol: PROTOCOL,
  fit: `per detector: standardise (mean/sd of all training rows, all views) then logistic regression, L2 λ=${L2} on the mean log-loss, classes weighted to equal total weight; trained on all three views so compression does not move the score`,
  validation: 'leave-one-source-out over source_repo (every view of a source held out together); AUC over the pooled held-out predictions, AI positive',
  sharp: sharpVersion,
  fittedAt: new Date().toISOString(),
};

data.featureSeconds = featureSeconds; // when the features were computed (not read from the cache): 2-core shared machine
writeFileSync(join(root, 'models/statistical.json'), JSON.stringify({ version: 1, data, detectors }, null, 1) + '\n');

const fusion = fitFusion(rows, heldOut, Object.keys(DETECTORS));
fusion.metrics.data = { manifestSha256: manifestSha, images: data.images, protocol: PROTOCOL.crop };
// models/fusion.json is the stacker's (tools/fit/fit-fusion.mjs, run after this); this baseline is reported only.

const tTotal = (Date.now() - t0) / 1000;
const fmt = (x) => (x === null || Number.isNaN(x) ? '  —  ' : x.toFixed(3));
console.log(`\nfeatures ${tFeatures.toFixed(0)} s, total ${tTotal.toFixed(0)} s; ${data.images.ai} AI + ${data.images.real} real images, ${failed.length} failed; upscaled ${JSON.stringify(upscaled)}`);
console.log('\n| signal | raw crop | JPEG q90 crop (shortcut-free) | JPEG q75 | downscaled + q90 |');
console.log('|---|---|---|---|---|');
for (const [key, d] of Object.entries(detectors)) console.log(`| ${key} | ${fmt(d.cv.raw.auc)} | ${fmt(d.cv.shortcutFree.auc)} | ${fmt(d.cv.jpeg75.auc)} | ${fmt(d.cv.down90.auc)} |`);
console.log(`| fusion (refitted per fold, LOSO) | ${fmt(fusion.metrics.raw.auc)} | ${fmt(fusion.metrics.shortcutFree.auc)} | ${fmt(fusion.metrics.jpeg75.auc)} | ${fmt(fusion.metrics.down90.auc)} |`);
for (const [name, m] of [['final weights', fusion.metrics.finalWeightsOnHeldOutScores], ['equal weights', fusion.metrics.equalWeightsOnHeldOutScores]]) {
  console.log(`| fusion, ${name} on held-out scores | ${fmt(m.raw)} | ${fmt(m.jpeg90)} | ${fmt(m.jpeg75)} | ${fmt(m.down90)} |`);
}
console.log('\nmean held-out score per source on the jpeg90 view (n):');
for (const src of Object.keys(fusion.metrics.bySource)) {
  console.log(`  ${src}: ` + Object.entries(detectors).map(([k, d]) => `${k.slice(0, 5)} ${d.cv.bySource[src].meanScore}`).join(' ') + ` fusion ${fusion.metrics.bySource[src].meanScore} (${fusion.metrics.bySource[src].n})`);
}
console.log('\nby content (raw / jpeg90 / down90), n ai/real:');
const byC = (name, bc) => console.log(`  ${name}: ` + Object.entries(bc).map(([c, m]) => `${c} ${fmt(m.raw)}/${fmt(m.jpeg90)}/${fmt(m.down90)} (${m.nAi}/${m.nReal})`).join('; '));
for (const [key, d] of Object.entries(detectors)) byC(key, d.cv.byContent);
byC('fusion', fusion.metrics.byContent);
byC('fusion (final weights)', fusion.metrics.finalWeightsOnHeldOutScores.byContent);
console.log('\nfinal weights:');
for (const [key, d] of Object.entries(detectors)) console.log(`  ${key}: b=${d.intercept.toFixed(3)} ` + d.features.map((f, i) => `${f}=${d.weights[i].toFixed(3)}`).join(' '));
console.log(`  fusion: b=${fusion.intercept.toFixed(3)} ` + Object.entries(fusion.weights).map(([k, w]) => `${k}=${w.toFixed(3)}`).join(' '));
if (failed.length) console.log('\nfailed:\n  ' + failed.join('\n  '));
