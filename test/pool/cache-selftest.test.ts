import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, STACK_FRAME, xray } from '../helpers/cli.js';

let work: string;
let env: Record<string, string>;

/** Textured images (the statistical detectors judge nothing flat). */
async function makeImages(dir: string, n: number) {
  for (let i = 0; i < n; i++) {
    await sharp({ create: { width: 96, height: 80, channels: 3, background: { r: 30 * i, g: 90, b: 160 }, noise: { type: 'gaussian', mean: 110 + i, sigma: 30 } } })
      .png().toFile(path.join(dir, `img-${i}.png`));
  }
}

beforeAll(async () => {
  await ensureBuilt();
  work = mkdtempSync(path.join(os.tmpdir(), 'xray-cache-'));
  await makeImages(work, 3);
  // The self-test remembers its verdict under the cache home: keep every run's state in the temp dir.
  env = { XDG_CACHE_HOME: path.join(work, 'xdg') };
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('--cache', () => {
  it('a second run serves every file from the cache, with the same results', async () => {
    const args = ['scan', '.', '--json', '--cache', '--cache-dir', 'c', '--concurrency', '2'];
    const first = await xray(args, { cwd: work, env });
    expect(first.code, first.stderr).toBe(0);
    const table1 = await xray(['scan', '.', '--cache', '--cache-dir', 'c2', '--concurrency', '2'], { cwd: work, env });
    expect(table1.stdout).not.toMatch(/from cache/);
    const table2 = await xray(['scan', '.', '--cache', '--cache-dir', 'c2', '--concurrency', '2'], { cwd: work, env });
    expect(table2.stdout).toMatch(/3 files .* 3 from cache/);
    const second = await xray(args, { cwd: work, env });
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
  });

  it('re-derives the verdict from the cached composite, so --threshold still applies', async () => {
    const args = ['scan', '.', '--json', '--cache', '--cache-dir', 'c3', '--concurrency', '2'];
    await xray(args, { cwd: work, env });
    const strict = JSON.parse((await xray([...args, '--threshold', '100'], { cwd: work, env })).stdout) as { is_ai: boolean; composite: number }[];
    for (const r of strict) expect(r.is_ai).toBe(r.composite >= 100);
    const lax = JSON.parse((await xray([...args, '--threshold', '0'], { cwd: work, env })).stdout) as { is_ai: boolean }[];
    for (const r of lax) expect(r.is_ai).toBe(true);
  });
});

describe('worker self-test', () => {
  it('falls back with a warning, not a crash, when worker threads take the process down', async () => {
    const run = await xray(['scan', '.', '--json', '--concurrency', '2'], { cwd: work, env: { ...env, XRAY_SELFTEST_CRASH: '1' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning: worker self-test failed.*main thread/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect((JSON.parse(run.stdout) as unknown[]).length).toBe(3);
  });
});
