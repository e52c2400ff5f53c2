/**
 * The detector registry: one list, in the order signals appear in results.
 * A new detector is one file behind the Detector interface plus one line here.
 */
import type { Detector } from '../types.js';
import { colorCoherence } from './colorCoherence.js';
import { frequencyAnomaly } from './frequencyAnomaly.js';
import { noiseDistribution } from './noiseDistribution.js';
import { primaryNeural } from './primaryNeural.js';
import { secondaryNeural } from './secondaryNeural.js';
import { provenance } from './provenance.js';

export const DETECTORS: readonly Detector[] = [
  primaryNeural, secondaryNeural, frequencyAnomaly, noiseDistribution, colorCoherence, provenance,
];

export const listDetectorKeys = () => DETECTORS.map((d) => d.key);

/** The detectors asked for, in registry order; empty = all. */
export function selectDetectors(keys: string[]): Detector[] {
  return keys.length === 0 ? [...DETECTORS] : DETECTORS.filter((d) => keys.includes(d.key));
}
