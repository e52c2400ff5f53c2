/**
 * Metrics for a labelled set of scores (AI = 1 is the positive class). Pure functions over
 * parallel arrays, so each can be checked by hand on a few numbers. The decision rule everywhere
 * is the scan's: an image is called AI when its score is at or above the threshold.
 */
import { auc } from '../fusion/logistic.js';

export { auc };

export interface Rates {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** NaN when the set has no AI (tpr) or no real (fpr) image. */
  tpr: number;
  fpr: number;
  accuracy: number;
}

export function ratesAt(scores: number[], labels: number[], threshold: number): Rates {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const called = scores[i] >= threshold;
    if (labels[i] === 1) called ? tp++ : fn++;
    else called ? fp++ : tn++;
  }
  return { threshold, tp, fp, tn, fn, tpr: tp / (tp + fn), fpr: fp / (fp + tn), accuracy: (tp + tn) / scores.length };
}

export interface RocPoint {
  /** Images scoring at or above this are called AI; Infinity = none is. */
  threshold: number;
  fpr: number;
  tpr: number;
}

/** ROC points from (0,0) to (1,1), one per distinct score, thresholds descending. Empty when a class is absent. */
export function rocCurve(scores: number[], labels: number[]): RocPoint[] {
  const nPos = labels.filter((y) => y === 1).length, nNeg = labels.length - nPos;
  if (nPos === 0 || nNeg === 0) return [];
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const points: RocPoint[] = [{ threshold: Infinity, fpr: 0, tpr: 0 }];
  let tp = 0, fp = 0;
  for (let k = 0; k < order.length; ) {
    const t = scores[order[k]];
    // Tied scores move together: a threshold cannot split them.
    while (k < order.length && scores[order[k]] === t) {
      if (labels[order[k]] === 1) tp++; else fp++;
      k++;
    }
    points.push({ threshold: t, fpr: fp / nNeg, tpr: tp / nPos });
  }
  return points;
}

/**
 * The lowest threshold (among the scores seen) whose false-positive rate on this set is at most
 * `targetFpr`, with the rates it gives. threshold is null when even the highest score lets too many
 * real images through (then no threshold on the seen scores meets the target; tpr is 0 above them).
 */
export function thresholdForFpr(scores: number[], labels: number[], targetFpr: number): { threshold: number | null; fpr: number; tpr: number } {
  const roc = rocCurve(scores, labels);
  if (roc.length === 0) return { threshold: null, fpr: NaN, tpr: NaN };
  let best = roc[0];
  for (const p of roc) if (p.fpr <= targetFpr + 1e-12) best = p;
  return { threshold: Number.isFinite(best.threshold) ? best.threshold : null, fpr: best.fpr, tpr: best.tpr };
}

export interface CalibrationBin {
  lo: number;
  hi: number;
  /** Weighted count (plain count without weights). */
  n: number;
  meanPredicted: number | null;
  fractionAi: number | null;
}

export interface Calibration {
  /** Expected calibration error: Σ_b (n_b / N)·|mean predicted_b − fraction AI_b|. */
  ece: number;
  bins: CalibrationBin[];
}

/**
 * Reliability bins of equal width over [0, 1] (the last bin includes 1) and the ECE. `weights`
 * lets a caller re-weight the classes, e.g. to equal totals to judge a model fitted for even odds.
 */
export function calibration(probs: number[], labels: number[], nBins = 10, weights?: number[]): Calibration {
  const sums = Array.from({ length: nBins }, () => ({ w: 0, p: 0, y: 0 }));
  let total = 0;
  for (let i = 0; i < probs.length; i++) {
    const w = weights ? weights[i] : 1;
    const b = Math.min(nBins - 1, Math.max(0, Math.floor(probs[i] * nBins)));
    sums[b].w += w;
    sums[b].p += w * probs[i];
    sums[b].y += w * labels[i];
    total += w;
  }
  let ece = 0;
  const bins = sums.map((s, b) => {
    if (s.w > 0) ece += (s.w / total) * Math.abs(s.p / s.w - s.y / s.w);
    return { lo: b / nBins, hi: (b + 1) / nBins, n: s.w, meanPredicted: s.w > 0 ? s.p / s.w : null, fractionAi: s.w > 0 ? s.y / s.w : null };
  });
  return { ece: total > 0 ? ece : NaN, bins };
}

/** Weights giving each class the same total weight (sum = n), for a calibration check at even odds. */
export function balancedWeights(labels: number[]): number[] {
  const nPos = labels.filter((y) => y === 1).length, nNeg = labels.length - nPos;
  return labels.map((y) => (y === 1 ? labels.length / (2 * nPos) : labels.length / (2 * nNeg)));
}

export interface GroupStats {
  group: string;
  n: number;
  nAi: number;
  nReal: number;
  /** null when the group holds one class only. */
  auc: number | null;
  /** Share of the group's AI images called AI at the threshold (null without AI images). */
  tpr: number | null;
  /** Share of the group's real images called AI at the threshold (null without real images). */
  fpr: number | null;
  accuracy: number;
  meanScore: number;
}

/** Per-group numbers at one threshold, groups in name order. Most groups hold one class, hence TPR/FPR per group. */
export function breakdown(groups: string[], scores: number[], labels: number[], threshold: number): GroupStats[] {
  const idx = new Map<string, number[]>();
  groups.forEach((g, i) => idx.set(g, [...(idx.get(g) ?? []), i]));
  return [...idx.keys()].sort().map((group) => {
    const ii = idx.get(group)!;
    const s = ii.map((i) => scores[i]), y = ii.map((i) => labels[i]);
    const r = ratesAt(s, y, threshold);
    const a = auc(s, y);
    return {
      group, n: ii.length, nAi: r.tp + r.fn, nReal: r.fp + r.tn,
      auc: Number.isNaN(a) ? null : a,
      tpr: Number.isNaN(r.tpr) ? null : r.tpr,
      fpr: Number.isNaN(r.fpr) ? null : r.fpr,
      accuracy: r.accuracy,
      meanScore: s.reduce((p, q) => p + q, 0) / s.length,
    };
  });
}

export interface SignalAuc {
  key: string;
  /** Images the signal could judge. */
  n: number;
  nAi: number;
  nReal: number;
  auc: number | null;
}

/** AUC of each signal over the images where it gave a score (null scores are left out, and counted). */
export function perSignalAuc(rows: { label: number; scores: Record<string, number | null> }[]): SignalAuc[] {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(r.scores)) if (!keys.includes(k)) keys.push(k);
  return keys.map((key) => {
    const s: number[] = [], y: number[] = [];
    for (const r of rows) {
      const v = r.scores[key];
      if (v !== null && v !== undefined) { s.push(v); y.push(r.label); }
    }
    const a = auc(s, y);
    const nAi = y.filter((v) => v === 1).length;
    return { key, n: s.length, nAi, nReal: s.length - nAi, auc: Number.isNaN(a) ? null : a };
  });
}
