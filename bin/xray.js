#!/usr/bin/env node
// Tiny on purpose: the program lives in dist/ (built by `npm install` through the prepare script).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

// sharp decodes on libuv's thread pool, shared by all workers; its default of 4 would cap decoding
// on larger machines. Must be set before anything touches the pool.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism()));

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('xray: not built yet: run `npm install` (or `npm run build`) in the xray folder first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
await main();
