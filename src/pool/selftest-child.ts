/** Child process of the self-test (see selftest.ts): N pool threads analyse one generated image each. */
import sharp from 'sharp';
import { DEFAULT_LIMITS } from '../image/limits.js';
import { createPool } from './pool.js';

const workers = Number(process.argv[2]) || 1;
if (process.env.XRAY_SELFTEST_CRASH) process.abort(); // test hook: behave like a native crash

const { data } = await sharp({ create: { width: 96, height: 96, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
  .png().toBuffer({ resolveWithObject: true });
const pool = await createPool(workers);
await Promise.all(
  Array.from({ length: workers }, (_, i) => pool.analyse({
    bytes: new Uint8Array(data),
    displayPath: `selftest-${i}.png`,
    options: { limits: DEFAULT_LIMITS, threshold: 50, detectors: [] },
  })),
);
await pool.close();
// Any answer, even an error entry, proves the threads load and run without taking the process down.
process.exit(0);
