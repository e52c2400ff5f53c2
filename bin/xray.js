#!/usr/bin/env node
// Tiny on purpose: the program lives in dist/ (built by `npm install` through the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('xray: not built yet: run `npm install` (or `npm run build`) in the xray folder first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
await main();
