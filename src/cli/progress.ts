/** A progress line on stderr for a person at a terminal; silent otherwise (CI, pipes, --quiet). */
import { printable } from '../output/sanitize.js';
import { isError, type Result } from '../types.js';

export interface Progress {
  readonly enabled: boolean;
  tick(result: Result): void;
  setTotal(total: number): void;
  note(message: string): void;
  stop(): void;
}

export async function createProgress(opts: { stream: NodeJS.WriteStream; enabled: boolean }): Promise<Progress> {
  if (!opts.enabled) {
    return { enabled: false, tick() {}, setTotal() {}, note: (m) => opts.stream.write(`xray: ${m}\n`), stop() {} };
  }
  const { default: ora } = await import('ora'); // only a person at a terminal pays for it
  const started = performance.now();
  let done = 0;
  let errors = 0;
  let total: number | null = null;
  const spinner = ora({ stream: opts.stream, text: 'scanning…', discardStdin: false }).start();
  return {
    enabled: true,
    tick(result) {
      done++;
      if (isError(result)) errors++;
      spinner.text = progressText({ done, total, errors, seconds: (performance.now() - started) / 1000, current: result.path });
    },
    setTotal(n) {
      total = n;
    },
    note(message) {
      spinner.warn(message);
      spinner.start();
    },
    stop() {
      spinner.stop();
    },
  };
}

export function progressText(p: { done: number; total: number | null; errors: number; seconds: number; current: string }): string {
  const rate = p.seconds > 0 ? p.done / p.seconds : 0;
  const count = p.total === null ? `${p.done}` : `${p.done}/${p.total}`;
  const eta = p.total !== null && rate > 0 && p.total > p.done ? ` · ETA ${formatDuration((p.total - p.done) / rate)}` : '';
  const errs = p.errors ? ` · ${p.errors} error${p.errors === 1 ? '' : 's'}` : '';
  return `${count} · ${rate.toFixed(1)}/s${eta}${errs} · ${printable(p.current)}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
