import type { DetectorOutput } from '../types.js';
import { collectFindings } from './collect.js';
import { scoreFindings } from './score.js';

/** What readProvenance returns: a detector output whose evidence is always present. */
export type Evidence = DetectorOutput & { evidence: Record<string, unknown> };

/**
 * Reads what a file says about its own origin from its bytes alone (no pixel decoding), so it works
 * even when decoding fails. Never throws: a reader that breaks leaves a warning and the rest stands.
 */
export async function readProvenance(bytes: Uint8Array): Promise<Evidence> {
  try {
    const out = scoreFindings(await collectFindings(bytes));
    return { ...out, evidence: out.evidence ?? {} };
  } catch (e) {
    return {
      score: null,
      interp: 'Provenance metadata could not be read (malformed file); absence proves nothing.',
      evidence: { error: String((e as Error)?.message ?? e).slice(0, 200) },
    };
  }
}
