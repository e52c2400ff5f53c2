/**
 * One file's whole path through the pipeline: bytes → decode → detectors → fusion → Result.
 * Runs inside a pool worker (or in-process); never throws for a bad file: it returns an error entry.
 */
import { FileError, toFileError } from './errors.js';
import { decode } from './image/decode.js';
import type { Limits } from './image/limits.js';
import { fusedProbability, loadFusionModel, round1, verdictFor } from './fusion/composite.js';
import { selectDetectors } from './detectors/index.js';
import type { AnalysisResult, DecodedImage, Detector, Result, Signal } from './types.js';

/** Below this, no pixel detector can judge (each says so); one plain sentence beats several. */
const MIN_SIDE = 32;

export interface AnalyseOptions {
  limits: Limits;
  threshold: number;
  /** Detector keys to run; empty = all. */
  detectors: string[];
}

export async function analyseBytes(bytes: Uint8Array, displayPath: string, opts: AnalyseOptions): Promise<Result> {
  try {
    const image = await decode(bytes, baseName(displayPath), opts.limits);
    const signals = await runDetectors(selectDetectors(opts.detectors), image);
    const probability = fusedProbability(signals, loadFusionModel());
    if (probability === null) {
      const size = `${image.width}×${image.height}`;
      throw new FileError(400, Math.min(image.width, image.height) < MIN_SIDE
        ? `the image is ${size}: too small to analyse (the detectors need at least ${MIN_SIDE} px on each side)`
        : `no detector could judge this ${size} image: ${commonReason(signals)}`);
    }
    const result: AnalysisResult = {
      path: displayPath,
      ...verdictFor(probability, opts.threshold),
      signals,
      meta: {
        width: image.width,
        height: image.height,
        file_size: image.fileSize,
        format: image.format,
        filename: image.filename,
      },
      usage: null,
    };
    return result;
  } catch (err) {
    const { status, detail } = toFileError(err);
    return { path: displayPath, error: { status, detail } };
  }
}

export async function runDetectors(detectors: Detector[], image: DecodedImage): Promise<Signal[]> {
  const signals: Signal[] = [];
  for (const d of detectors) {
    let score: number | null = null;
    let interp: string;
    let evidence: Record<string, unknown> | undefined;
    try {
      const out = await d.analyse(image);
      score = out.score === null || !Number.isFinite(out.score) ? null : round1(Math.min(100, Math.max(0, out.score)));
      interp = out.interp;
      evidence = out.evidence;
    } catch (err) {
      // One detector's failure must not cost the user the others' findings.
      interp = `This detector failed on this image: ${(err as Error).message}`;
    }
    const signal: Signal = {
      name: d.name, key: d.key, level: score === null ? 'na' : score >= 50 ? 'hi' : 'lo',
      score, model: d.model, desc: d.desc, interp,
    };
    if (evidence) signal.evidence = evidence;
    signals.push(signal);
  }
  return signals;
}

/** Detectors usually fail for one shared reason (too small, model missing); say it once. */
function commonReason(signals: Signal[]): string {
  const reason = (s: Signal) => s.interp.replace(/^Not judged:\s*/i, '');
  const unique = new Set(signals.map(reason));
  return unique.size === 1 ? [...unique][0] : signals.map((s) => `${s.key}: ${reason(s)}`).join('; ');
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}
