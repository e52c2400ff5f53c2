/**
 * From labelled results to the numbers `xray eval` reports. Pure: the CLI collects, this computes.
 * Scores are composites (0-100); a file is called AI when composite >= threshold, as in scan.
 */
import {
  auc, balancedWeights, breakdown, calibration, perSignalAuc, ratesAt, rocCurve, thresholdForFpr,
  type CalibrationBin, type GroupStats, type SignalAuc,
} from './metrics.js';

export interface Scored {
  path: string;
  label: 0 | 1;
  groups: Record<string, string>;
  composite: number;
  /** Signal key → score (null = could not judge). */
  signals: Record<string, number | null>;
  /** A signal with evidence.decisive set the composite (provenance metadata). */
  decisive: boolean;
}

export interface Failed {
  path: string;
  label: 0 | 1;
  status: number;
  detail: string;
}

export interface EvalReport {
  view: { shortcutFree: boolean; crop?: number; jpegQuality?: number };
  counts: { ai: number; real: number; analysedAi: number; analysedReal: number; failed: number; decidedByProvenance: number };
  /** AI share of the analysed files: calibration depends on it (docs/fusion.md). */
  aiShare: number | null;
  auc: number | null;
  threshold: number;
  atThreshold: { accuracy: number | null; tpr: number | null; fpr: number | null; tp: number; fp: number; tn: number; fn: number };
  targetFpr: number;
  forTargetFpr: { threshold: number | null; tpr: number | null; fpr: number | null };
  /** At the lowest threshold keeping the FPR within targetFpr; fpr is the rate reached. */
  tprAtFpr: { targetFpr: number; threshold: number | null; tpr: number | null; fpr: number | null }[];
  calibration: { ece: number | null; eceEvenOdds: number | null; bins: CalibrationBin[] };
  signals: SignalAuc[];
  groups: Record<string, GroupStats[]>;
  /** threshold null = the (0,0) corner, where nothing is called AI. */
  roc: { threshold: number | null; fpr: number; tpr: number }[];
  failed: Failed[];
}

const num = (x: number) => (Number.isFinite(x) ? x : null);

export function buildReport(scored: Scored[], failed: Failed[], opts: { threshold: number; targetFpr: number; shortcutFree?: { crop: number; jpegQuality: number } }): EvalReport {
  const s = scored.map((r) => r.composite);
  const y = scored.map((r) => r.label);
  const nAi = y.filter((v) => v === 1).length;
  const both = nAi > 0 && nAi < y.length;
  const r = ratesAt(s, y, opts.threshold);
  const at = (fpr: number) => {
    const t = thresholdForFpr(s, y, fpr);
    return { threshold: t.threshold, tpr: num(t.tpr), fpr: num(t.fpr) };
  };
  const probs = s.map((v) => v / 100);
  const groupKeys = [...new Set(scored.flatMap((x) => Object.keys(x.groups)))].sort();
  const groups: Record<string, GroupStats[]> = {};
  for (const g of groupKeys) {
    const rows = scored.filter((x) => x.groups[g] !== undefined);
    groups[g] = breakdown(rows.map((x) => x.groups[g]), rows.map((x) => x.composite), rows.map((x) => x.label), opts.threshold);
  }
  const failedAi = failed.filter((f) => f.label === 1).length;
  return {
    view: opts.shortcutFree ? { shortcutFree: true, ...opts.shortcutFree } : { shortcutFree: false },
    counts: {
      ai: nAi + failedAi, real: y.length - nAi + failed.length - failedAi,
      analysedAi: nAi, analysedReal: y.length - nAi, failed: failed.length,
      decidedByProvenance: scored.filter((x) => x.decisive).length,
    },
    aiShare: y.length ? nAi / y.length : null,
    auc: both ? auc(s, y) : null,
    threshold: opts.threshold,
    atThreshold: { accuracy: num(r.accuracy), tpr: num(r.tpr), fpr: num(r.fpr), tp: r.tp, fp: r.fp, tn: r.tn, fn: r.fn },
    targetFpr: opts.targetFpr,
    forTargetFpr: at(opts.targetFpr),
    tprAtFpr: [0.01, 0.05].map((targetFpr) => ({ targetFpr, ...at(targetFpr) })),
    calibration: y.length
      ? (() => {
        const c = calibration(probs, y, 10);
        return { ece: num(c.ece), eceEvenOdds: both ? num(calibration(probs, y, 10, balancedWeights(y)).ece) : null, bins: c.bins };
      })()
      : { ece: null, eceEvenOdds: null, bins: [] },
    signals: perSignalAuc(scored.map((x) => ({ label: x.label, scores: x.signals }))),
    groups,
    roc: rocCurve(s, y).map((p) => ({ ...p, threshold: Number.isFinite(p.threshold) ? p.threshold : null })),
    failed,
  };
}
