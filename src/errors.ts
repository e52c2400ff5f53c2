/**
 * Typed errors. Deep code throws these; only the CLI turns them into exit codes
 * (see exitCodeFor), so nothing below src/cli calls process.exit.
 */

export const ExitCode = {
  ok: 0,
  gateTripped: 1,
  usage: 2,
  fileErrors: 3,
  interrupted: 130,
} as const;

/** The run as a whole cannot go on (bad flag, nothing matched, bad config). */
export class ExitError extends Error {
  constructor(message: string, readonly code: number = ExitCode.usage) {
    super(message);
    this.name = 'ExitError';
  }
}

export class UsageError extends ExitError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/**
 * One file cannot be analysed. status is what the hosted API would answer:
 * 400 unreadable/unsupported, 413 too large, 500 internal.
 */
export class FileError extends Error {
  constructor(readonly status: 400 | 413 | 500, readonly detail: string) {
    super(detail);
    this.name = 'FileError';
  }
}

/** Turns anything thrown while analysing one file into the spec's error entry. */
export function toFileError(err: unknown): FileError {
  if (err instanceof FileError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FileError(500, `internal error: ${firstLine(message)}`);
}

export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
