#!/usr/bin/env node
// Fits the fusion stacker (models/fusion.json) on source-held-out signal scores.
//   npm run build && node tools/fit/fit-statistical.mjs   # once: features → tools/fit/.cache
//   node tools/fit/fit-fusion.mjs [--corpus DIR] [--prior P] [--l2 λ] [--oof KEY=FILE.csv ...] [--insample KEY=FILE.csv ...]
// --prior: the AI share the intercept assumes; default the corpus's own share (342/1091 ≈ 0.31).
// Level 1: each statistical detector's mapping refitted with its source held out (cv.mjs), on the
// four crop views of every corpus image. --oof adds a signal's out-of-fold scores from a CSV with
// columns path,view,score (score 0-100, source held out; path as in manifest.csv; view one of
// raw, jpeg90, jpeg75, down90). Level 2: the stacker (src/fusion/stacker.ts), validated by a second
// leave-one-source-out (refitted per held-out source), then fitted on everything.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { featureCacheFile } from './feature-cache.mjs';
import { parseCsv, PROTOCOL, readManifest } from './corpus.mjs';
import { applyFitted, crossValidate } from './cv.mjs';
import { fitStacker } from '../../dist/fusion/stacker.js';
import { probabilityFromScores, round1 } from '../../dist/fusion/composite.js';
import { auc, balancedWeights, calibration, thresholdForFpr } from '../../dist/eval/metrics.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const arg = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const corpusDir = resolve(arg('--corpus', join(root, '../shared/data/corpus')));
const L2 = Number(arg('--l2', '0.01'));
const oofSpecs = args.flatMap((a, i) => (a === '--oof' ? [args[i + 1]] : []));
const inSampleSpecs = args.flatMap((a, i) => (a === '--insample' ? [args[i + 1]] : []));
const STAT_KEYS = ['frequencyAnomaly', 'noiseDistribution', 'colorCoherence'];
const VIEWS = ['raw', 'jpeg90', 'jpeg75', 'down90'];

const { manifestSha, cacheFile } = featureCacheFile(root, here, corpusDir);
if (!existsSync(cacheFile)) {
  console.error(`no cached features for this code and corpus (${cacheFile}): run node tools/fit/fit-statistical.mjs first`);
  process.exit(2);
}
const { rows } = JSON.parse(readFileSync(cacheFile, 'utf8'));
// Default prior = the corpus mix: then the held-out calibration can be checked on the corpus as it
// is (xray eval on it reproduces the card); docs/fusion.md says how to shift it for another base rate.
const corpusShare = rows.filter((r) => r.y === 1).length / rows.length;
const prior = Number(Number(arg('--prior', String(corpusShare))).toFixed(4));
const manifest = new Map(readManifest(corpusDir).map((m) => [m.path, m]));

// Level 1: held-out scores on the 0-100 scale the detectors report (rounded as runDetectors does).
const scores = rows.map(() => ({}));
for (const key of STAT_KEYS) {
  crossValidate(rows, key).forEach((p, i) => { scores[i][key] = p === null ? null : round1(100 * p); });
}
const keys = [...STAT_KEYS];
for (const spec of oofSpecs) {
  const [key, file] = spec.split('=');
  const byRow = new Map(parseCsv(readFileSync(file, 'utf8')).map((r) => [`${r.path}|${r.view}`, Number(r.score)]));
  let found = 0;
  rows.forEach((r, i) => {
    const v = byRow.get(`${r.path}|${r.view}`);
    scores[i][key] = v === undefined || !Number.isFinite(v) ? null : (found++, v);
  });
  console.error(`${key}: ${found} of ${rows.length} rows have an out-of-fold score`);
  keys.push(key);
}
// --insample KEY=FILE.csv: the shipped network's scores on the same views (tools/fit/score-views.mjs),
// used only for the in-sample section; without it that section uses the out-of-fold scores.
const inSampleScores = new Map(inSampleSpecs.map((spec) => {
  const [key, file] = spec.split('=');
  return [key, new Map(parseCsv(readFileSync(file, 'utf8')).map((r) => [`${r.path}|${r.view}`, Number(r.score)]))];
}));
const stackRows = rows.map((r, i) => ({ scores: scores[i], y: r.y }));

// Level 2, strict: the stacker refitted without each source, applied to that source.
const heldOut = new Array(rows.length).fill(null);
for (const src of new Set(rows.map((r) => r.source))) {
  const train = [], test = [];
  rows.forEach((r, i) => (r.source === src ? test : train).push(i));
  const m = fitStacker(train.map((i) => stackRows[i]), keys, { l2: L2, prior });
  for (const i of test) heldOut[i] = probabilityFromScores(scores[i], m);
}
const model = fitStacker(stackRows, keys, { l2: L2, prior });
const finalOnHeldOut = rows.map((_, i) => probabilityFromScores(scores[i], model));
// In sample: the shipped mappings (models/statistical.json) and the shipped stacker on the corpus
// crops, i.e. what `xray eval --shortcut-free` on the corpus computes. A check that inference
// reproduces the fit, not an estimate for unseen data (the held-out numbers are that).
const statistical = JSON.parse(readFileSync(join(root, 'models/statistical.json'), 'utf8')).detectors;
const inSample = rows.map((r, i) => {
  const s = { ...scores[i] };
  for (const k of STAT_KEYS) s[k] = r.features[k] === null ? null : round1(100 * applyFitted(statistical[k], r.features[k]));
  for (const [k, byRow] of inSampleScores) s[k] = byRow.get(`${r.path}|${r.view}`) ?? null;
  return probabilityFromScores(s, model);
});

const r4 = (v) => (v === null || Number.isNaN(v) ? null : Number(v.toFixed(4)));
/** Card numbers for the rows kept by `keep`, on the composite scale (round1(100p)), as xray eval computes them. */
function card(preds, keep) {
  const s = [], y = [];
  rows.forEach((r, i) => { if (preds[i] !== null && keep(r)) { s.push(round1(100 * preds[i])); y.push(r.y); } });
  const nAi = y.filter((v) => v === 1).length;
  if (nAi === 0 || nAi === y.length) return { nAi, nReal: y.length - nAi, auc: null };
  const p = s.map((v) => v / 100);
  const at = (fpr) => { const t = thresholdForFpr(s, y, fpr); return { threshold: t.threshold, tpr: r4(t.tpr), fpr: r4(t.fpr) }; };
  const cal = calibration(p, y, 10);
  return {
    nAi, nReal: y.length - nAi,
    auc: r4(auc(s, y)),
    ece: r4(cal.ece),
    eceEvenOdds: r4(calibration(p, y, 10, balancedWeights(y)).ece),
    at1pctFpr: at(0.01),
    at5pctFpr: at(0.05),
    at50: { tpr: r4(s.filter((v, i) => y[i] === 1 && v >= 50).length / nAi), fpr: r4(s.filter((v, i) => y[i] === 0 && v >= 50).length / (y.length - nAi)) },
    bins: cal.bins.filter((b) => b.n > 0).map((b) => ({ lo: b.lo, hi: b.hi, n: b.n, meanPredicted: r4(b.meanPredicted), fractionAi: r4(b.fractionAi) })),
  };
}
const contents = [...new Set(rows.map((r) => r.content))].sort();
function report(preds) {
  const out = {};
  for (const v of VIEWS) out[v] = card(preds, (r) => r.view === v);
  out.byContent = {};
  for (const c of contents) out.byContent[c] = Object.fromEntries(['raw', 'jpeg90', 'down90'].map((v) => {
    const { bins: _b, ...rest } = card(preds, (r) => r.view === v && r.content === c);
    return [v, rest];
  }));
  out.bySource = {};
  for (const src of [...new Set(rows.map((r) => r.source))].sort()) {
    const v = [];
    rows.forEach((r, i) => { if (r.view === 'jpeg90' && r.source === src && preds[i] !== null) v.push(100 * preds[i]); });
    out.bySource[`${rows.find((r) => r.source === src).y ? 'ai' : 'real'} | ${src}`] = { n: v.length, meanComposite: Number((v.reduce((a, b) => a + b, 0) / v.length).toFixed(1)) };
  }
  return out;
}
const signalAuc = Object.fromEntries(keys.map((k) => [k, Object.fromEntries(VIEWS.map((v) => {
  const s = [], y = [];
  rows.forEach((r, i) => { if (r.view === v && scores[i][k] !== null) { s.push(scores[i][k]); y.push(r.y); } });
  return [v, r4(auc(s, y))];
}))]));

const count = (pred) => rows.filter((r) => r.view === 'raw' && pred(r)).length;
const fusion = {
  version: 2,
  kind: 'logistic',
  inputs: keys,
  intercept: r4(model.intercept),
  weights: Object.fromEntries(keys.map((k) => [k, r4(model.weights[k])])),
  impute: Object.fromEntries(keys.map((k) => [k, r4(model.impute[k])])),
  prior,
  note: 'x_k = logit(clamp(score_k/100, 0.001, 0.999)), or impute[k] (the fit\'s mean x_k) when signal k gave no score; '
    + 'p = sigmoid(intercept + Σ weights[k]·x_k); composite = 100·p. The intercept assumes an AI share of `prior` (0.5: even odds); '
    + 'for a base rate π add log(π/(1−π)) − log(prior/(1−prior)) to z. A signal with evidence.decisive (provenance) sets the composite instead. '
    + 'Inputs are signal scores only. See docs/fusion.md.',
  data: {
    corpus: 'shared/data/corpus (manifest.csv)',
    manifestSha256: manifestSha,
    images: { ai: count((r) => r.y === 1), real: count((r) => r.y === 0) },
    sources: new Set(rows.map((r) => r.source)).size,
    rows: rows.length,
    views: VIEWS,
    protocol: PROTOCOL,
    inputs: keys.map((k) => (STAT_KEYS.includes(k) ? `${k}: leave-one-source-out predictions of its mapping (tools/fit/cv.mjs)` : `${k}: out-of-fold scores from --oof`)),
    neuralSignals: oofSpecs.length ? 'included: see inputs' : 'none: no out-of-fold neural predictions existed when this was fitted, so primaryNeural and secondaryNeural have no weight and are left out of the composite',
    fit: `logistic regression (src/fusion/stacker.ts), classes weighted to an AI share of ${prior}, L2 λ=${L2}, all four views together`,
    missing: 'mean imputation of the logit (see src/fusion/stacker.ts for why not an indicator)',
    missingRows: Object.fromEntries(keys.map((k) => [k, scores.filter((s) => s[k] === null).length])),
    fittedAt: new Date().toISOString(),
  },
  metrics: {
    validation: 'second-level leave-one-source-out: the stacker refitted without each source and applied to it (strict); composite = round1(100p); '
      + 'AI positive; ECE over 10 equal bins at the corpus mix, eceEvenOdds with the classes re-weighted to equal totals (the prior the intercept assumes); '
      + 'thresholds on the composite scale (an image is AI when composite ≥ threshold)',
    heldOut: report(heldOut),
    finalWeightsOnHeldOutScores: report(finalOnHeldOut),
    inSample: {
      note: 'shipped mappings and stacker applied to the corpus crops they were fitted on: what xray eval --shortcut-free on the corpus should reproduce (jpeg90); optimistic for new data. '
        + `Neural inputs: ${keys.filter((k) => !STAT_KEYS.includes(k)).map((k) => `${k} ${inSampleScores.has(k) ? 'shipped model' : 'out-of-fold scores (no --insample given)'}`).join(', ') || 'none'}`,
      ...report(inSample),
    },
    signalAuc,
  },
};
writeFileSync(join(root, 'models/fusion.json'), JSON.stringify(fusion, null, 1) + '\n');

const f = (x) => (x === null || x === undefined ? '—' : typeof x === 'number' ? x.toFixed(3) : String(x));
console.log(`weights: b=${fusion.intercept} ${keys.map((k) => `${k}=${fusion.weights[k]}`).join(' ')}  prior=${prior}`);
for (const [name, rep] of [['held-out (strict)', fusion.metrics.heldOut], ['final weights on held-out scores', fusion.metrics.finalWeightsOnHeldOutScores], ['in sample (shipped models)', fusion.metrics.inSample]]) {
  console.log(`\n${name}\n| view | AUC | ECE | ECE even odds | TPR@1%FPR (thr) | TPR@5%FPR (thr) | TPR/FPR at 50 |`);
  for (const v of VIEWS) {
    const c = rep[v];
    console.log(`| ${v} | ${f(c.auc)} | ${f(c.ece)} | ${f(c.eceEvenOdds)} | ${f(c.at1pctFpr.tpr)} (${c.at1pctFpr.threshold}) | ${f(c.at5pctFpr.tpr)} (${c.at5pctFpr.threshold}) | ${f(c.at50.tpr)}/${f(c.at50.fpr)} |`);
  }
  for (const c of contents) console.log(`  ${c}: ` + ['raw', 'jpeg90', 'down90'].map((v) => { const m = rep.byContent[c][v]; return `${v} AUC ${f(m.auc)} ECE ${f(m.ece)} TPR@5% ${f(m.at5pctFpr?.tpr)}`; }).join('; ') + ` (${rep.byContent[c].raw.nAi}/${rep.byContent[c].raw.nReal})`);
}
console.log('\nsignal AUC (level-1 held out):', JSON.stringify(signalAuc));
console.log('\nreliability (held out, jpeg90):', JSON.stringify(fusion.metrics.heldOut.jpeg90.bins));
