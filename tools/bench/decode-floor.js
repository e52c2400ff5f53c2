/**
 * Decode-only floor, run as its own process like xray is: read each file and decode it to 8-bit
 * sRGB RGB with sharp (the same call xray's decode makes), keeping `concurrency` pipelines in flight.
 *
 * Why in-flight pipelines and not worker threads: sharp runs each pipeline on libuv's thread pool,
 * so N pipelines in flight keep N cores decoding with no thread start-up or message passing; this
 * is the cheapest way to decode N images at once, hence the strictest floor. The parent sets
 * UV_THREADPOOL_SIZE ≥ N, since the pool's default of 4 threads would cap the floor on big machines.
 *
 * Usage: node decode-floor.js <concurrency> <minSeconds> <file>...   Decodes the files in turn, again
 * and again until minSeconds have passed (decoding is fast: one pass of a small set would be over
 * before the rate settles). Prints one line per decoded image as it finishes, like xray's NDJSON,
 * so that the parent times both the same way.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';

const [concurrencyArg, minSecondsArg, ...files] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const until = performance.now() + Number(minSecondsArg) * 1000;
let next = 0;

async function lane() {
  while (next < files.length || performance.now() < until) {
    const file = files[next++ % files.length];
    const bytes = await readFile(file);
    const { info } = await sharp(bytes, { failOn: 'truncated', pages: 1 })
      .removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    process.stdout.write(`${info.width * info.height}\n`);
  }
}

await Promise.all(Array.from({ length: concurrency }, lane));
