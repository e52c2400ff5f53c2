/**
 * Timing and memory of child processes. Everything the benchmark reports about xray is measured
 * on a real `node bin/xray.js` child, so start-up, worker threads and output are all counted.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

/** Whether taskset (util-linux) can pin a child to CPUs here. */
export function canPin() {
  return process.platform === 'linux' && existsSync('/usr/bin/taskset');
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs `node args…` and resolves with wall seconds, exit code, stdout lines (each with the second it
 * arrived, for steady-state rates), CPU seconds (user + system, all threads) and peak RSS in MB.
 * Both come from GNU time (the kernel's own accounting) when /usr/bin/time exists; CPU time is what
 * stays meaningful when other jobs load the machine. Without GNU time, CPU is null and VmHWM is
 * polled from /proc/<pid>/status when peakRss is asked, which can miss a spike in the last ~50 ms.
 */
export async function runNode(args, { cwd, env = {}, peakRss = false, timeoutS = 900, keepLines = true, onLine, cpus } = {}) {
  const useTime = existsSync(GNU_TIME);
  const rssFile = join(tmpdir(), `xray-bench-rss-${process.pid}-${Date.now()}`);
  // cpus: run on those CPUs only (taskset -c), so that a scaling run gives each worker one core.
  const node = cpus && canPin() ? ['taskset', '-c', cpus, process.execPath] : [process.execPath];
  const [cmd, argv] = useTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, ...node, ...args]] : [node[0], [...node.slice(1), ...args]];
  const started = performance.now();
  // Own process group, so that a timeout ends node and not only the GNU time wrapper around it.
  const child = spawn(cmd, argv, { cwd, env: { ...process.env, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killGroup = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ } };
  process.once('exit', killGroup);
  const lines = [];
  let lineCount = 0;
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const at = (performance.now() - started) / 1000;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop();
    for (const text of parts) {
      lineCount++;
      if (keepLines) lines.push({ at, text });
      onLine?.(text, at);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { if (stderr.length < 20_000) stderr += chunk; });

  let polledKb = 0;
  const poll = peakRss && !useTime ? setInterval(() => { polledKb = Math.max(polledKb, readHwmKb(child.pid)); }, 50) : null;
  const timer = setTimeout(killGroup, timeoutS * 1000);
  const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? signal)));
  clearTimeout(timer);
  process.off('exit', killGroup);
  if (poll) clearInterval(poll);
  const wallS = (performance.now() - started) / 1000;
  if (partial) {
    lineCount++;
    if (keepLines) lines.push({ at: wallS, text: partial });
    onLine?.(partial, wallS);
  }

  let peakRssMb = null, cpuS = null;
  if (useTime) {
    // GNU time's last line; an earlier one may say "Command exited with non-zero status".
    const [kb, user, sys] = (await readFile(rssFile, 'utf8').catch(() => '')).trim().split('\n').pop().split(' ').map(Number);
    await rm(rssFile, { force: true });
    if (kb > 0) peakRssMb = kb / 1024;
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuS = user + sys;
  } else if (peakRss && polledKb > 0) {
    peakRssMb = polledKb / 1024;
  }
  return { code, wallS, cpuS, lines, lineCount, stderr, peakRssMb, rssMethod: useTime ? 'GNU time (max RSS)' : 'polled VmHWM' };
}

/** Synchronous on purpose: a tiny /proc read, and the interval must not pile up promises. */
function readHwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
