/** A progress line on stderr for a person at a terminal; silent otherwise (CI, pipes, --quiet). */
import ora from 'ora';
import { isError, type Result } from '../types.js';

export interface Progress {
  tick(result: Result): void;
  note(message: string): void;
  stop(): void;
}

export function createProgress(opts: { stream: NodeJS.WriteStream; enabled: boolean }): Progress {
  if (!opts.enabled) {
    return { tick() {}, note: (m) => opts.stream.write(`xray: ${m}\n`), stop() {} };
  }
  const started = performance.now();
  let done = 0;
  let errors = 0;
  const spinner = ora({ stream: opts.stream, text: 'scanning…', discardStdin: false }).start();
  return {
    tick(result) {
      done++;
      if (isError(result)) errors++;
      const rate = done / ((performance.now() - started) / 1000);
      spinner.text = `${done} scanned · ${rate.toFixed(1)}/s${errors ? ` · ${errors} error${errors === 1 ? '' : 's'}` : ''} · ${result.path}`;
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
