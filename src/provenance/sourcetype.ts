/**
 * The IPTC Digital Source Type vocabulary (https://cv.iptc.org/newscodes/digitalsourcetype/), used by
 * both XMP (Iptc4xmpExt:DigitalSourceType) and C2PA actions. We keep the bare term.
 */
export type SourceClass = 'ai' | 'ai-composite' | 'algorithmic' | 'ai-enhanced' | 'synthetic-composite' | 'capture' | 'human' | 'other';

const CLASSES: Record<string, SourceClass> = {
  trainedAlgorithmicMedia: 'ai',
  compositeWithTrainedAlgorithmicMedia: 'ai-composite',
  algorithmicMedia: 'algorithmic',
  algorithmicallyEnhanced: 'ai-enhanced',
  compositeSynthetic: 'synthetic-composite',
  digitalCapture: 'capture',
  computationalCapture: 'capture',
  negativeFilm: 'capture',
  positiveFilm: 'capture',
  print: 'capture',
  compositeCapture: 'capture',
  screenCapture: 'other',
  virtualRecording: 'other',
  dataDrivenMedia: 'other',
  digitalArt: 'human',
  digitalCreation: 'human',
  humanEdits: 'human',
  minorHumanEdits: 'human',
  composite: 'other',
};

/** Plain words for each class, for interp sentences. */
export const CLASS_WORDS: Record<SourceClass, string> = {
  ai: 'made by a generative AI model',
  'ai-composite': 'a composite that includes AI-generated content',
  algorithmic: 'created purely by an algorithm',
  'ai-enhanced': 'a capture enhanced by an algorithm',
  'synthetic-composite': 'a composite including synthetic elements',
  capture: 'captured from the real world by a camera or scanner',
  human: 'made or edited by a person',
  other: 'of another declared origin',
};

/** The bare term of a source-type URI or term, or undefined if it is not one we know. */
export function sourceTerm(v: string): string | undefined {
  const m = /(?:digitalsourcetype\/)?([A-Za-z]+)\/?$/.exec(v.trim());
  if (!m) return undefined;
  const t = m[1];
  return t in CLASSES ? t : undefined;
}

export function sourceClass(term: string): SourceClass {
  return CLASSES[term] ?? 'other';
}

/** Finds every source-type URI in a blob of text (JSON-LD assertions, XMP). */
export function sourceTermsIn(text: string): string[] {
  const out = new Set<string>();
  const re = /digitalsourcetype\/([A-Za-z]{3,60})/gi;
  let m: RegExpExecArray | null;
  for (let i = 0; i < 100 && (m = re.exec(text)); i++) if (m[1] in CLASSES) out.add(m[1]);
  return [...out];
}
