// Interim fusion: a logistic model over the three statistical scores, fitted on their
// source-held-out predictions (so it learns how far each score can be trusted on unseen sources).
import { fitLogistic, predictProba } from '../../dist/fusion/logistic.js';
import { balancedWeights, heldOutReport, L2, leaveOneGroupOut } from './cv.mjs';

const logitScore = (p) => {
  const q = Math.min(0.999, Math.max(0.001, p));
  return Math.log(q / (1 - q));
};

export function fitFusion(rows, heldOut, keys) {
  const xs = keys.map((k) => heldOut[k].map((p) => (p === null ? null : logitScore(p))));
  const impute = {};
  keys.forEach((k, j) => {
    const v = xs[j].filter((x) => x !== null);
    impute[k] = v.reduce((a, b) => a + b, 0) / v.length;
  });
  const X = rows.map((_, i) => keys.map((k, j) => xs[j][i] ?? impute[k]));
  const y = rows.map((r) => r.y);
  const fit = (Xt, yt) => fitLogistic(Xt, yt, { l2: L2, sampleWeights: balancedWeights(yt) });
  const cvPreds = leaveOneGroupOut(X, y, rows.map((r) => r.source), fit, predictProba);
  const report = heldOutReport(rows, cvPreds);
  const m = fit(X, y);
  // Ranking power of the combination itself, without the fold-to-fold shifts of a refit: the
  // final weights (which saw every source, 3 numbers) and plain equal weights, applied to the
  // first-level held-out scores.
  const fixed = heldOutReport(rows, X.map((x) => predictProba(m, x)));
  const equal = heldOutReport(rows, X.map((x) => x.reduce((a, b) => a + b, 0)));
  const brief = (rep) => ({ raw: rep.raw.auc, jpeg90: rep.jpeg90.auc, jpeg75: rep.jpeg75.auc, down90: rep.down90.auc,
    byContent: Object.fromEntries(Object.entries(rep.byContent).map(([c, v]) => [c, { raw: v.raw, jpeg90: v.jpeg90, down90: v.down90, nAi: v.nAi, nReal: v.nReal }])) });
  const r4 = (v) => Number(v.toFixed(4));
  return {
    version: 1,
    kind: 'logistic',
    inputs: keys,
    intercept: r4(m.intercept),
    weights: Object.fromEntries(keys.map((k, j) => [k, r4(m.weights[j])])),
    impute: Object.fromEntries(keys.map((k) => [k, r4(impute[k])])),
    note: 'x_k = logit(clamp(score_k/100, 0.001, 0.999)); composite = 100*sigmoid(intercept + sum_k weights[k]*x_k); a missing score uses impute[k] (its mean x). '
      + `Fitted by tools/fit/fit-statistical.mjs on the leave-one-source-out scores of the three statistical detectors over all crop views, classes balanced, L2 λ=${L2}. `
      + 'Interim: these inputs are weak (see metrics); a calibrated stacker with the neural signals replaces it.',
    metrics: {
      validation: 'second-level leave-one-source-out over the held-out detector scores (fusion refitted per fold); AUC, AI positive. '
        + 'Most held-out sources hold one class, so a pooled AUC also counts fold-to-fold shifts of the refitted intercept and weights against the fusion; '
        + 'finalWeightsOnHeldOutScores and equalWeightsOnHeldOutScores show the ranking power of the combination without those shifts.',
      raw: report.raw,
      shortcutFree: report.jpeg90,
      jpeg75: report.jpeg75,
      down90: report.down90,
      byContent: report.byContent,
      bySource: report.bySource,
      finalWeightsOnHeldOutScores: brief(fixed),
      equalWeightsOnHeldOutScores: brief(equal),
    },
  };
}
