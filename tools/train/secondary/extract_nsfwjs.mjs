// Unpacks the MobileNetV2 that nsfwjs@4.4.0 (MIT) bundles as UMD JavaScript modules into plain files
// Python can read: topology.json (Keras layer config + weights manifest) and weights.bin (uint8 codes).
// Usage: node extract_nsfwjs.mjs <unpacked nsfwjs package dir> <out dir>
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [pkgDir, outDir] = process.argv.slice(2);
if (!pkgDir || !outDir) {
  console.error('usage: node extract_nsfwjs.mjs <nsfwjs package dir> <out dir>');
  process.exit(2);
}
const modelDir = resolve(pkgDir, 'dist/models/mobilenet_v2');
const require = createRequire(import.meta.url);
const model = require(join(modelDir, 'model.min.js'));
const manifest = model.weightsManifest;
const chunks = [];
for (const group of manifest) {
  for (const p of group.paths) {
    // The shard modules export the shard's bytes as one base64 string.
    const b64 = require(join(modelDir, `${p}.min.js`));
    if (typeof b64 !== 'string') throw new Error(`shard ${p} is not a base64 string`);
    chunks.push(Buffer.from(b64, 'base64'));
  }
}
const bin = Buffer.concat(chunks);
let expected = 0;
for (const g of manifest) for (const w of g.weights) {
  if (!w.quantization || w.quantization.dtype !== 'uint8') throw new Error(`${w.name}: expected uint8 quantisation`);
  expected += w.shape.reduce((a, b) => a * b, 1);
}
if (expected !== bin.length) throw new Error(`weights.bin has ${bin.length} bytes, manifest needs ${expected}`);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'topology.json'), JSON.stringify({ modelTopology: model.modelTopology, weightsManifest: manifest }));
writeFileSync(join(outDir, 'weights.bin'), bin);
console.log(`extracted ${manifest.reduce((a, g) => a + g.weights.length, 0)} tensors, ${bin.length} bytes from ${readdirSync(modelDir).length} files`);
