#!/usr/bin/env node
// Tiny on purpose: the program lives in dist/ (built by `npm install` through the prepare script).
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';

// sharp decodes on libuv's thread pool, shared by all workers; its default of 4 would cap decoding
// on larger machines. Must be set before anything touches the pool.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism()));

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('xray: not built yet: run `npm install` (or `npm run build`) in the xray folder first\n');
  process.exit(2);
}
// `xray scan one.jpg`: start the neural detectors' helper thread now, so that its start-up and its
// onnxruntime sessions overlap the loading of the program (see dist/pool/neural.js). A guess from
// the raw arguments: exactly one operand, an existing file, no option that changes what runs.
// A wrong guess costs a thread that scan closes unused; it never changes a result.
const neural = looksLikeOneFileScan(process.argv.slice(2)) ? await import('../dist/pool/neural.js') : null;
neural?.startNeuralHelperEarly();
const { main } = await import(entry.href);
await main();
await neural?.releaseEarlyHelper();

function looksLikeOneFileScan(args) {
  if (args[0] !== 'scan') return false;
  if (args.some((a) => /^--(detectors|remote|cache|concurrency)\b/.test(a))) return false;
  const operands = args.slice(1).filter((a) => !a.startsWith('-'));
  if (operands.length !== 1) return false;
  try {
    return statSync(operands[0]).isFile();
  } catch {
    return false;
  }
}
