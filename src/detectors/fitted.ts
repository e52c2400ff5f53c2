/**
 * Turns a statistical detector's feature vector into a 0-100 score through the logistic mapping
 * stored in models/statistical.json (written by tools/fit/fit-statistical.mjs). No constant here
 * decides a score: without the fitted file a detector reports score null and says why.
 */
import { readFileSync } from 'node:fs';
import { modelPath } from '../models.js';
import type { DetectorOutput } from '../types.js';
import { clamp, logisticScore, standardise } from './maths/stats.js';

export type FeatureResult =
  | { ok: true; features: number[]; names: string[]; tiles: number; tileSize: number }
  | { ok: false; reason: string };

export interface FittedMapping {
  features: string[];
  mean: number[];
  sd: number[];
  weights: number[];
  intercept: number;
  /** Standardised features are clipped to ±zClip so an image far outside the corpus cannot saturate the score by itself. */
  zClip: number;
  /**
   * Source-held-out AUCs measured by the fit: `shortcutFree` on JPEG-q90 crops, `down90` on
   * crops of randomly downscaled images (image scale is a shortcut in the corpus too).
   */
  cv?: { raw?: { auc: number | null }; shortcutFree?: { auc: number | null }; down90?: { auc: number | null } };
}

export interface StatisticalModel {
  version: number;
  detectors: Record<string, FittedMapping>;
  [extra: string]: unknown;
}

export const STATISTICAL_MODEL_FILE = modelPath('statistical.json');

let cached: StatisticalModel | null | undefined;
let loadError = '';

export function loadStatisticalModel(): StatisticalModel | null {
  if (cached !== undefined) return cached;
  try {
    const parsed = JSON.parse(readFileSync(STATISTICAL_MODEL_FILE, 'utf8')) as StatisticalModel;
    if (parsed.version !== 1 || typeof parsed.detectors !== 'object') throw new Error('unknown format');
    cached = parsed;
  } catch (err) {
    loadError = err instanceof Error ? err.message : String(err);
    cached = null;
  }
  return cached;
}

/** For tests and tools: use this model instead of the file (null forgets it and reloads the file next time). */
export function setStatisticalModel(model: StatisticalModel | null): void {
  cached = model ?? undefined;
  loadError = '';
}

export function applyMapping(m: FittedMapping, features: number[]): number {
  const z = standardise(features, m.mean, m.sd).map((v) => clamp(v, -m.zClip, m.zClip));
  return logisticScore(z, m.weights, m.intercept);
}

export interface Phrases {
  hi: string;
  lo: string;
}

/** The DetectorOutput of a fitted statistical detector, with the measured weakness stated. */
export function fittedOutput(key: string, result: FeatureResult, phrases: Phrases): DetectorOutput {
  if (!result.ok) return { score: null, interp: `Not judged: ${result.reason}.` };
  const model = loadStatisticalModel();
  const mapping = model?.detectors[key];
  if (!mapping) {
    const why = model ? `it has no entry for ${key}` : `it could not be read (${loadError})`;
    return { score: null, interp: `Not judged: no fitted score mapping (models/statistical.json: ${why}).` };
  }
  if (mapping.features.join(',') !== result.names.join(',')) {
    return { score: null, interp: `Not judged: models/statistical.json was fitted on other features than this version computes; refit with tools/fit.` };
  }
  const score = Math.round(applyMapping(mapping, result.features) * 10) / 10;
  const evidence: Record<string, unknown> = { tiles: result.tiles, tileSize: result.tileSize };
  const weak = weakness(mapping);
  result.names.forEach((n, i) => { evidence[n] = Number(result.features[i].toPrecision(4)); });
  const lead = score >= 50 ? phrases.hi : phrases.lo;
  return { score, interp: `${lead.charAt(0).toUpperCase()}${lead.slice(1)}${weak}.`, evidence };
}

/** How much the score can be trusted, in words, from the AUCs the fit measured on held-out sources. */
export function weakness(m: FittedMapping): string {
  const aucs = [m.cv?.shortcutFree?.auc, m.cv?.down90?.auc].filter((a): a is number => typeof a === 'number');
  if (aucs.length === 0) return '';
  const lo = Math.min(...aucs), hi = Math.max(...aucs);
  const range = lo === hi ? hi.toFixed(2) : `${lo.toFixed(2)}-${hi.toFixed(2)}`;
  if (hi < 0.55) return `; unreliable: on sources held out of the fit it did no better than chance (AUC ${range})`;
  return `; a weak cue on its own (AUC ${range} on sources held out of the fit)`;
}
