/**
 * Fusion: Signals → composite, is_ai, verdict, confidence (spec rules).
 * A logistic stacker over the logits of the signals' scores, fitted on their source-held-out
 * predictions (tools/fit/fit-fusion.mjs, src/fusion/stacker.ts), read from models/fusion.json.
 * Its inputs are scores only, never format, size, shape or metadata presence; a signal the model
 * has no fitted weight for (e.g. a neural one added later) is left out, never hand-weighted.
 * See docs/fusion.md for what the composite means and how well it is calibrated.
 */
import { readFileSync } from 'node:fs';
import { modelPath } from '../models.js';
import type { Signal, Verdict } from '../types.js';

export interface FusionModel {
  version: number;
  kind: 'logistic';
  inputs: string[];
  intercept: number;
  weights: Record<string, number>;
  /** Value of x used when a signal is missing (its mean over the fit data), so absence moves nothing. */
  impute: Record<string, number>;
  /** AI share the intercept was fitted for (0.5 = even odds); absent in version-1 files. */
  prior?: number;
}

let cached: FusionModel | null = null;

export function loadFusionModel(file = modelPath('fusion.json')): FusionModel {
  if (cached) return cached;
  let parsed: FusionModel;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as FusionModel;
  } catch (err) {
    throw new Error(`cannot load the fusion model ${file}: ${(err as Error).message}`);
  }
  if (parsed.kind !== 'logistic' || !Array.isArray(parsed.inputs)) {
    throw new Error(`cannot load the fusion model ${file}: unknown kind ${String(parsed.kind)}`);
  }
  cached = parsed;
  return parsed;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
export const toLogit = (score: number) => {
  const p = clamp(score / 100, 0.001, 0.999);
  return Math.log(p / (1 - p));
};
const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
export const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Probability (0-1) that the image is AI-made, or null when no fused input and no decisive
 * statement is available: then there is nothing honest to say.
 */
export function fusedProbability(signals: Signal[], model: FusionModel): number | null {
  // A file that states its AI origin (C2PA/IPTC source type, generator parameters) decides the verdict:
  // no pixel statistic is as certain as that statement.
  const decisive = signals.find((s) => s.evidence?.decisive === true && s.score !== null);
  if (decisive) return decisive.score! / 100;

  const scores: Record<string, number | null> = {};
  for (const s of signals) if (model.inputs.includes(s.key)) scores[s.key] = s.score;
  return probabilityFromScores(scores, model);
}

/** The model alone, on a key → score map (null or absent = missing); null when no input is present. */
export function probabilityFromScores(scores: Record<string, number | null | undefined>, model: FusionModel): number | null {
  let z = model.intercept;
  let present = 0;
  for (const key of model.inputs) {
    const score = scores[key];
    if (score !== null && score !== undefined) {
      z += (model.weights[key] ?? 0) * toLogit(score);
      present++;
    } else {
      z += (model.weights[key] ?? 0) * (model.impute[key] ?? 0);
    }
  }
  return present === 0 ? null : sigmoid(z);
}

export function verdictFor(probability: number, threshold: number): Verdict {
  const composite = round1(100 * probability);
  const is_ai = composite >= threshold;
  return {
    verdict: is_ai ? 'AI Generated' : 'Real Photo',
    is_ai,
    confidence: round1(100 * Math.max(probability, 1 - probability)),
    composite,
  };
}
