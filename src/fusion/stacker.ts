/**
 * The stacker: a logistic model over the logits of the signals' scores, fitted on their
 * source-held-out predictions. Pure, so tools/fit and the tests share it.
 *
 * Missing scores are imputed with the mean logit of the fit data (equivalently: each input is
 * present·(logit − mean), so a missing signal adds nothing and the composite rests on the
 * others). A learned "missing" indicator was rejected: a detector is missing for reasons that are
 * shortcuts here (grayscale files, tiny or flat images, a model file not installed), and the fit
 * data has almost no missing rows to learn such a weight from.
 */
import { fitLogistic } from './logistic.js';
import { toLogit, type FusionModel } from './composite.js';

export interface StackRow {
  /** Signal key → score 0-100, or null when the signal could not judge. */
  scores: Record<string, number | null>;
  /** 1 = AI. */
  y: number;
}

export interface StackerOptions {
  /** L2 penalty on the weights (mean weighted log-loss); default 0.01. */
  l2?: number;
  /**
   * AI share the intercept is fitted for (classes are re-weighted to it); default 0.5, i.e. the
   * composite reads as a probability at even odds, whatever the class mix of the fit data.
   */
  prior?: number;
}

/** Per-row sample weights that give the AI class `prior` of the total weight. */
export function priorWeights(y: number[], prior: number): number[] {
  const nPos = y.filter((v) => v === 1).length, nNeg = y.length - nPos;
  if (nPos === 0 || nNeg === 0) throw new Error('the stacker needs both classes');
  return y.map((v) => (v === 1 ? (prior * y.length) / nPos : ((1 - prior) * y.length) / nNeg));
}

/** Weighted mean logit of each signal over the rows where it is present (0 when never present). */
export function meanLogits(rows: StackRow[], keys: string[], weights?: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) {
    let s = 0, w = 0;
    rows.forEach((r, i) => {
      const v = r.scores[k];
      if (v === null || v === undefined) return;
      const wi = weights ? weights[i] : 1;
      s += wi * toLogit(v);
      w += wi;
    });
    out[k] = w > 0 ? s / w : 0;
  }
  return out;
}

export function designRow(scores: Record<string, number | null>, keys: string[], impute: Record<string, number>): number[] {
  return keys.map((k) => {
    const v = scores[k];
    return v === null || v === undefined ? impute[k] : toLogit(v);
  });
}

export function fitStacker(rows: StackRow[], keys: string[], opts: StackerOptions = {}): FusionModel {
  const prior = opts.prior ?? 0.5;
  const l2 = opts.l2 ?? 0.01;
  const y = rows.map((r) => r.y);
  const w = priorWeights(y, prior);
  // Imputed at the prior-weighted mean, so a missing signal sits where the fit's average image does.
  const impute = meanLogits(rows, keys, w);
  const X = rows.map((r) => designRow(r.scores, keys, impute));
  const m = fitLogistic(X, y, { l2, sampleWeights: w });
  return {
    version: 2,
    kind: 'logistic',
    inputs: keys,
    intercept: m.intercept,
    weights: Object.fromEntries(keys.map((k, j) => [k, m.weights[j]])),
    impute,
    prior,
  };
}
