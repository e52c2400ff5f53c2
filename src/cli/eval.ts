/**
 * `xray eval` wiring: options and help. The work (sharp, the pool) is in src/eval/run.ts, loaded
 * only when the command runs, so `xray --help` stays light.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { parsePixels, parseSize } from '../image/limits.js';
import { SHORTCUT_FREE } from '../eval/shortcutFree.js';

const fail = (message: string): never => { throw new UsageError(message); };
// No commander defaults for lists and switches: its help would print "(default: [])"; the action below fills them in.
const collect = (value: string, previous?: string[]) => [...(previous ?? []), value];
const list = (value: string, previous?: string[]) => [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
const number = (name: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  return !Number.isFinite(n) || n < min || n > max ? fail(`${name} must be a number from ${min} to ${max}, got "${value}"`) : n;
};
const integer = (name: string, min: number, max: number) => (value: string) => {
  const n = number(name, min, max)(value);
  return Number.isInteger(n) ? n : fail(`${name} must be a whole number, got "${value}"`);
};

const HELP = `
Labelled data:
  --real DIR / --ai DIR     folders (recursive) of real photos / AI-made images; repeatable
  --manifest CSV            columns path,label[,generator][,source]; label real|ai|0|1; paths relative to the CSV

Reported: AUC, accuracy and TPR/FPR at --threshold, the threshold that keeps the false-positive rate
at --target-fpr on this set, TPR at 1 % and 5 % FPR, calibration (ECE, reliability bins), AUC per
signal, and a breakdown per folder (and per generator / source column of a manifest).
--shortcut-free analyses centred ${SHORTCUT_FREE.crop} px square crops re-encoded as JPEG q${SHORTCUT_FREE.jpegQuality} without
metadata, so file format, size, shape and metadata cannot help: what the pixels alone achieve.

Exit codes:
  0    every file analysed
  2    usage or configuration error (bad flag, no labelled data, nothing found)
  3    one or more files could not be analysed (listed, and left out of every number)

Examples:
  xray eval --real photos/ --ai generated/ --target-fpr 0.01
  xray eval --manifest labels.csv --shortcut-free --json -o eval.json --plot eval.svg`;

export function registerEvalCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('eval')
    .description('measure xray on your own labelled images: AUC, rates at a threshold, calibration')
    .addOption(new Option('--real <dir>', 'folder of real images (repeatable)').argParser(collect))
    .addOption(new Option('--ai <dir>', 'folder of AI-made images (repeatable)').argParser(collect))
    .addOption(new Option('--manifest <csv>', 'labelled file list: path,label[,generator][,source]'))
    .addOption(new Option('--threshold <n>', 'composite at or above which an image is called AI').default(50).argParser(number('--threshold', 0, 100)))
    .addOption(new Option('--target-fpr <rate>', 'false-positive rate to find a threshold for (0-1)').default(0.05).argParser(number('--target-fpr', 0, 1)))
    .addOption(new Option('--shortcut-free', `evaluate on ${SHORTCUT_FREE.crop} px centred crops re-encoded as JPEG q${SHORTCUT_FREE.jpegQuality}, no metadata`))
    .addOption(new Option('--json', 'the report as JSON (with per-file composites)'))
    .addOption(new Option('-o, --output <file>', 'write the report to FILE instead of stdout'))
    .addOption(new Option('--plot <file>', 'write ROC and reliability curves (.svg or .png)'))
    .addOption(new Option('-q, --quiet', 'no progress or warnings on stderr'))
    .addOption(new Option('--ignore <glob>', 'skip paths matching GLOB in the folders (repeatable)').argParser(collect))
    .addOption(new Option('--max-size <size>', 'refuse files larger than this').default(20 * 1024 * 1024, '20MB')
      .argParser((v) => parseSize(v) ?? fail(`--max-size takes a size such as 20MB, got "${v}"`)))
    .addOption(new Option('--max-pixels <n>', 'refuse images with more pixels than this').default(100_000_000, '100M')
      .argParser((v) => parsePixels(v) ?? fail(`--max-pixels takes a pixel count such as 100M, got "${v}"`)))
    .addOption(new Option('-j, --concurrency <n>', 'worker threads (default: number of cores)').argParser(integer('--concurrency', 1, 256)))
    .addOption(new Option('--cache', 'reuse results of files already analysed (as scan --cache)'))
    .addOption(new Option('--cache-dir <dir>', 'where --cache keeps results'))
    .addOption(new Option('--detectors <keys>', 'run only these detectors (comma-separated)').argParser(list))
    .addHelpText('after', HELP)
    .action(async (opts) => {
      const { runEval } = await import('../eval/run.js');
      const withDefaults = { real: [], ai: [], ignore: [], detectors: [], shortcutFree: false, json: false, quiet: false, cache: false, ...opts };
      setExit(await runEval(withDefaults, { stdout: process.stdout, stderr: process.stderr, env: process.env }));
    });
}
