/**
 * The shapes that cross the seams of the data path (see ../shared/design/architecture.md).
 * Result and Signal follow ../shared/spec/xray-api.md exactly; keep them in step with it.
 */

/** What decoding hands to every detector. Pixels are RGB, 8-bit, interleaved, as stored (EXIF orientation not applied). */
export interface DecodedImage {
  /** RGB interleaved, length width*height*3. */
  data: Uint8Array;
  width: number;
  height: number;
  /** True when the file stored one (gray) channel: the colour detector cannot judge it. */
  grayscale: boolean;
  /** MIME type sniffed from the bytes, never from the extension. */
  format: string;
  fileSize: number;
  /** Base name of the file. */
  filename: string;
  /** The original file bytes, for detectors that read metadata (provenance). Never mutate. */
  bytes: Uint8Array;
}

export type Level = 'hi' | 'lo' | 'na';

/** What a detector returns for one image. score is 0-100 (higher = more AI-like) or null when it cannot judge. */
export interface DetectorOutput {
  score: number | null;
  interp: string;
  evidence?: Record<string, unknown>;
}

export interface Detector {
  key: string;
  name: string;
  /** What actually runs, honestly (architecture and input). */
  model: string;
  desc: string;
  analyse(img: DecodedImage): DetectorOutput | Promise<DetectorOutput>;
}

export interface Signal {
  name: string;
  key: string;
  level: Level;
  score: number | null;
  model: string;
  desc: string;
  interp: string;
  evidence?: Record<string, unknown>;
}

export interface Meta {
  width: number;
  height: number;
  file_size: number;
  format: string;
  filename: string;
}

export interface Usage {
  used: number;
  limit: number;
  role: string;
}

export interface Verdict {
  verdict: 'AI Generated' | 'Real Photo';
  is_ai: boolean;
  confidence: number;
  composite: number;
}

export interface AnalysisResult extends Verdict {
  path: string;
  signals: Signal[];
  meta: Meta;
  usage: Usage | null;
}

export interface ErrorResult {
  path: string;
  error: { status: number; detail: string };
}

export type Result = AnalysisResult | ErrorResult;

export function isError(r: Result): r is ErrorResult {
  return (r as ErrorResult).error !== undefined;
}
