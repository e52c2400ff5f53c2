/**
 * The program: commander wiring, and the one place where errors become exit codes.
 * Exit codes (also in --help and the README):
 *   0 all files analysed, no gate tripped   1 --fail-on gate tripped
 *   2 usage or configuration error          3 some files could not be analysed
 *   130 interrupted (Ctrl-C)
 * When several apply: 2 > 130 > 1 > 3 > 0. A tripped gate outranks file errors because it is the
 * definite finding a pipeline acts on; errors are still listed per file and counted in the summary.
 */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, ExitError } from '../errors.js';
import { SCAN_OPTIONS, type ScanOptions } from './options.js';
import { registerRemoteCommands } from './remote.js';
import { registerEvalCommand } from './eval.js';
import { VERSION } from '../version.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    every file analysed, no gate tripped
  1    --fail-on ai: at least one image judged AI
  2    usage or configuration error (bad flag, nothing matched)
  3    one or more files could not be analysed (the others' results are still printed)
  4    --remote: the API refused the key (401) or the plan has no API access (403)
  130  interrupted (Ctrl-C); results finished so far are printed
  When several apply: 2, then 130, then 1, then 3.`;

export function buildProgram(run: (code: number) => void): Command {
  const program = new Command('xray')
    .description('Tell whether images were made by an AI generator. Offline; every result in the X-RAY API shape.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride();

  const scan = program
    .command('scan')
    .description('analyse images: files, folders (recursive), globs, or - for stdin')
    .argument('[paths...]', 'files, folders, globs, or - for one image on stdin')
    .addHelpText('after', `${EXIT_CODES_HELP}

Examples:
  xray scan ./photos
  xray scan 'uploads/**/*.png' --json -o results.json
  xray scan uploads/ --format json --fail-on ai --threshold 70
  cat image.jpg | xray scan - --stdin-filename image.jpg`)
    .action(async (paths: string[], opts: ScanOptions) => {
      // Loaded on demand: `xray --help` should not pay for sharp and onnxruntime.
      const { runScan } = await import('./scan.js');
      run(await runScan(paths, opts, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }));
    });
  for (const spec of SCAN_OPTIONS) {
    const option = new Option(spec.flags, spec.description).helpGroup(`${spec.group}:`);
    if (spec.default !== undefined) option.default(spec.default, spec.defaultLabel);
    else if (spec.defaultLabel) option.description += ` (default: ${spec.defaultLabel})`;
    if (spec.choices) option.choices(spec.choices);
    if (spec.parse) option.argParser(spec.parse as (value: string, previous: unknown) => unknown);
    scan.addOption(option);
  }

  program
    .command('detectors')
    .description('list the detectors, what each measures and what model runs')
    .option('--json', 'as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { describeDetectors } = await import('./detectors.js');
      process.stdout.write(describeDetectors(Boolean(opts.json)));
      run(ExitCode.ok);
    });

  registerRemoteCommands(program, run);
  registerEvalCommand(program, run);

  program.addHelpText('after', EXIT_CODES_HELP);
  return program;
}


export async function main(argv = process.argv): Promise<void> {
  // `xray … | head -1`: the reader has all it wanted. Go on quietly rather than die with a stack
  // trace; scan notices it too and stops dispatching (see scan.ts). Never process.exit() here: a
  // worker thread inside onnxruntime's session.run() aborts the whole process when torn down.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  let code: number = ExitCode.ok;
  const program = buildProgram((c) => { code = c; });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    code = codeFor(err);
  }
  process.exitCode = code;
}

function codeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version are not errors; commander already printed its message.
    return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (err instanceof ExitError) {
    process.stderr.write(`xray: ${err.message}\n`);
    return err.code;
  }
  // A bug, not the user's mistake: say so plainly, keep the stack for a report.
  process.stderr.write(`xray: internal error: ${(err as Error)?.stack ?? String(err)}\nPlease report this.\n`);
  return 70;
}
