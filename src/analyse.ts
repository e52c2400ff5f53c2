/**
 * One file's whole path through the pipeline: bytes → decode → detectors → fusion → Result.
 * Runs inside a pool worker (or in-process); never throws for a bad file: it returns an error entry.
 */
import { FileError, toFileError } from './errors.js';
import { decode } from './image/decode.js';
import type { Limits } from './image/limits.js';
import { fusedProbability, loadFusionModel, round1, verdictFor } from './fusion/composite.js';
import { selectDetectors } from './detectors/index.js';
import { loadSession } from './detectors/onnx.js';
import { MODEL_FILE } from './detectors/primaryNeural.js';
import { SECONDARY_MODEL_FILE } from './detectors/secondaryNeural.js';
import type { Offload } from './pool/neural.js';
import type { AnalysisResult, DecodedImage, Detector, DetectorOutput, Result, Signal } from './types.js';

const WARM: Array<[string, string]> = [['primaryNeural', MODEL_FILE], ['secondaryNeural', SECONDARY_MODEL_FILE]];

/** Below this, no pixel detector can judge (each says so); one plain sentence beats several. */
const MIN_SIDE = 32;

export interface AnalyseOptions {
  limits: Limits;
  threshold: number;
  /** Detector keys to run; empty = all. */
  detectors: string[];
}

/** `offload`: where some detectors run instead of this thread (the one-file scan's neural helper). */
export async function analyseBytes(bytes: Uint8Array, displayPath: string, opts: AnalyseOptions, offload?: Offload | null): Promise<Result> {
  try {
    const image = await decode(bytes, baseName(displayPath), opts.limits);
    const signals = await runDetectors(selectDetectors(opts.detectors), image, offload);
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

export async function runDetectors(detectors: Detector[], image: DecodedImage, offload?: Offload | null): Promise<Signal[]> {
  // Offloaded detectors start first and run while this thread runs the others; a detector the
  // helper could not run is run here instead. Signals keep registry order either way.
  const remoteKeys = offload ? detectors.filter((d) => offload.keys.includes(d.key)).map((d) => d.key) : [];
  const remote = remoteKeys.length > 0 ? offload!.run(remoteKeys, image) : new Map<string, Promise<DetectorOutput>>();
  for (const p of remote.values()) p.catch(() => {}); // handled below, possibly after other detectors ran
  const outputs = new Map<Detector, Promise<DetectorOutput> | DetectorOutput | Error>();
  for (const d of detectors) {
    if (remote.has(d.key)) continue;
    try {
      outputs.set(d, await d.analyse(image));
    } catch (err) {
      outputs.set(d, asError(err));
    }
  }
  const signals: Signal[] = [];
  for (const d of detectors) {
    let out = outputs.get(d);
    const pending = remote.get(d.key);
    if (pending) {
      try {
        out = await pending;
      } catch {
        try {
          out = await d.analyse(image);
        } catch (err) {
          out = asError(err);
        }
      }
    }
    try {
      signals.push(toSignal(d, out as DetectorOutput | Error));
    } catch (err) {
      signals.push(toSignal(d, asError(err))); // a malformed output counts as a failure
    }
  }
  return signals;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

function toSignal(d: Detector, out: DetectorOutput | Error): Signal {
  let score: number | null = null;
  let interp: string;
  let evidence: Record<string, unknown> | undefined;
  if (out instanceof Error) {
    // One detector's failure must not cost the user the others' findings.
    interp = `This detector failed on this image: ${out.message}`;
  } else {
    score = out.score === null || !Number.isFinite(out.score) ? null : round1(Math.min(100, Math.max(0, out.score)));
    interp = out.interp;
    evidence = out.evidence;
  }
  const signal: Signal = {
    name: d.name, key: d.key, level: score === null ? 'na' : score >= 50 ? 'hi' : 'lo',
    score, model: d.model, desc: d.desc, interp,
  };
  if (evidence) signal.evidence = evidence;
  return signal;
}

/**
 * Starts creating the onnxruntime sessions of the selected neural detectors (once per thread), so
 * that the blocking creation overlaps the file read and the decode, which run off this thread.
 */
export function warmSessions(keys: string[]): void {
  for (const [key, file] of WARM) if (keys.length === 0 || keys.includes(key)) loadSession(file).catch(() => {}); // errors: reported by the detector
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
