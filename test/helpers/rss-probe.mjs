// Loaded with `node --import` into the CLI under test: records the process's peak resident set
// size (KiB, all threads) on exit, so a test can hold the decompression bomb to a memory budget.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.XRAY_TEST_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
