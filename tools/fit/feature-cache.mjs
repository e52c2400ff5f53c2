// Where the statistical features of one (feature code, crop code, manifest) live, so that
// fit-statistical.mjs (which writes them) and fit-fusion.mjs (which reads them) agree.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function featureCacheFile(root, here, corpusDir) {
  const manifestSha = createHash('sha256').update(readFileSync(join(corpusDir, 'manifest.csv'))).digest('hex');
  const codeHash = createHash('sha256');
  const featureCode = ['frequencyAnomaly.js', 'noiseDistribution.js', 'colorCoherence.js',
    ...readdirSync(join(root, 'dist/detectors/maths')).filter((f) => f.endsWith('.js') || f.endsWith('.wasm')).sort().map((f) => `maths/${f}`)];
  for (const f of featureCode) codeHash.update(readFileSync(join(root, 'dist/detectors', f)));
  codeHash.update(readFileSync(join(here, 'corpus.mjs'))).update(manifestSha);
  return { manifestSha, cacheFile: join(here, '.cache', `rows-${codeHash.digest('hex').slice(0, 16)}.json`) };
}
