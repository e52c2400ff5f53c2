// Runs the original nsfwjs MobileNetV2 in TensorFlow.js (pure-JS CPU backend) on inputs written by
// convert.py, so the PyTorch rebuild can be checked against the reference implementation.
// Needs @tensorflow/tfjs installed in a scratch folder (not a project dependency):
//   mkdir -p /tmp/tfjs-check && (cd /tmp/tfjs-check && npm init -y && npm install --no-save @tensorflow/tfjs@4)
// Usage: node verify_tfjs.mjs <tfjs dir> <extract dir> <input.bin NHWC f32> <n> <layer,layer,...> <out prefix>
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [tfDir, extractDir, inputFile, nStr, layerList, outPrefix] = process.argv.slice(2);
const tf = createRequire(join(tfDir, 'package.json'))('@tensorflow/tfjs');
await tf.setBackend('cpu');
const topo = JSON.parse(readFileSync(join(extractDir, 'topology.json'), 'utf8'));
const bin = readFileSync(join(extractDir, 'weights.bin'));
const weightSpecs = topo.weightsManifest.flatMap((g) => g.weights);
const model = await tf.loadLayersModel(tf.io.fromMemory({
  modelTopology: topo.modelTopology,
  weightSpecs,
  weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
}));
const n = Number(nStr);
const buf = readFileSync(inputFile);
const x = tf.tensor4d(new Float32Array(buf.buffer, buf.byteOffset, n * 224 * 224 * 3), [n, 224, 224, 3]);
const layers = layerList.split(',');
const sub = tf.model({ inputs: model.inputs, outputs: layers.map((l) => model.getLayer(l).output) });
let outs = sub.predict(x);
if (!Array.isArray(outs)) outs = [outs];
layers.forEach((l, i) => {
  const d = outs[i].dataSync();
  writeFileSync(`${outPrefix}.${l}.bin`, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  console.log(l, outs[i].shape.join('x'));
});
