// Source-held-out cross-validation and final fits of one detector's logistic mapping.
import { auc, fitLogistic, predictProba } from '../../dist/fusion/logistic.js';

export const L2 = 0.01;
export const Z_CLIP = 5;

/** Weights that give each class the same total, so the fitted intercept assumes even odds. */
export function balancedWeights(y) {
  const nPos = y.filter((v) => v === 1).length, nNeg = y.length - nPos;
  return y.map((v) => (v === 1 ? y.length / (2 * nPos) : y.length / (2 * nNeg)));
}

export function standardiser(X) {
  const d = X[0].length;
  const mean = new Array(d).fill(0), sd = new Array(d).fill(0);
  for (const x of X) for (let j = 0; j < d; j++) mean[j] += x[j] / X.length;
  for (const x of X) for (let j = 0; j < d; j++) sd[j] += (x[j] - mean[j]) ** 2 / X.length;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]);
  return { mean, sd };
}

const z = (x, s) => x.map((v, j) => {
  const t = s.sd[j] > 0 ? (v - s.mean[j]) / s.sd[j] : 0;
  return Math.max(-Z_CLIP, Math.min(Z_CLIP, t));
});

/** Standardise + logistic fit on the given rows of one detector. */
export function fitMapping(X, y) {
  const s = standardiser(X);
  const m = fitLogistic(X.map((x) => z(x, s)), y, { l2: L2, sampleWeights: balancedWeights(y) });
  return { mean: s.mean, sd: s.sd, intercept: m.intercept, weights: m.weights, converged: m.converged };
}

export function applyFitted(m, x) {
  return predictProba(m, z(x, m));
}

/** Generic leave-one-group-out: X[i] may be null (not judged); returns held-out P(AI) per row or null. */
export function leaveOneGroupOut(X, y, groups, fit = fitMapping, apply = applyFitted) {
  const out = new Array(X.length).fill(null);
  for (const g of new Set(groups)) {
    const train = [], test = [];
    X.forEach((x, i) => { if (x !== null) (groups[i] === g ? test : train).push(i); });
    if (test.length === 0) continue;
    const m = fit(train.map((i) => X[i]), train.map((i) => y[i]));
    for (const i of test) out[i] = apply(m, X[i]);
  }
  return out;
}

export function crossValidate(rows, key) {
  return leaveOneGroupOut(rows.map((r) => r.features[key]), rows.map((r) => r.y), rows.map((r) => r.source));
}

export function fitFinal(rows, key) {
  const ok = rows.filter((r) => r.features[key] !== null);
  const m = fitMapping(ok.map((r) => r.features[key]), ok.map((r) => r.y));
  return { mean: m.mean, sd: m.sd, intercept: m.intercept, weights: m.weights, converged: m.converged, trainRows: ok.length };
}

function aucOf(rows, preds, keep) {
  const s = [], y = [];
  rows.forEach((r, i) => { if (preds[i] !== null && keep(r)) { s.push(preds[i]); y.push(r.y); } });
  const nAi = y.filter((v) => v === 1).length;
  const a = auc(s, y);
  return { auc: Number.isNaN(a) ? null : Number(a.toFixed(4)), nAi, nReal: y.length - nAi };
}

/** Pooled held-out AUC per view, and per content on the raw and jpeg90 views. */
export function heldOutReport(rows, preds) {
  const out = {};
  for (const view of ['raw', 'jpeg90', 'jpeg75', 'down90']) out[view] = aucOf(rows, preds, (r) => r.view === view);
  out.byContent = {};
  for (const c of [...new Set(rows.map((r) => r.content))].sort()) {
    const raw = aucOf(rows, preds, (r) => r.view === 'raw' && r.content === c);
    const j90 = aucOf(rows, preds, (r) => r.view === 'jpeg90' && r.content === c);
    const d90 = aucOf(rows, preds, (r) => r.view === 'down90' && r.content === c);
    out.byContent[c] = { raw: raw.auc, jpeg90: j90.auc, down90: d90.auc, nAi: raw.nAi, nReal: raw.nReal };
  }
  // Mean held-out score (0-100) per source on the shortcut-free view: shows which sources a
  // mapping gets wrong as a whole, which pooled AUCs hide.
  out.bySource = {};
  for (const src of [...new Set(rows.map((r) => r.source))].sort()) {
    const s = [];
    rows.forEach((r, i) => { if (preds[i] !== null && r.view === 'jpeg90' && r.source === src) s.push(preds[i]); });
    const label = rows.find((r) => r.source === src).y ? 'ai' : 'real';
    out.bySource[`${label} | ${src}`] = { n: s.length, meanScore: s.length ? Number((100 * s.reduce((a, b) => a + b, 0) / s.length).toFixed(1)) : null };
  }
  return out;
}
