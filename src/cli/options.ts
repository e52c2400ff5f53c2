/**
 * The one declarative table of `xray scan` options: it drives commander (flags, help text,
 * defaults, parsing) so help, parsing and validation cannot drift apart.
 */
import { UsageError } from '../errors.js';
import { parsePixels, parseSize } from '../image/limits.js';
import { FORMATS } from '../output/index.js';

export interface ScanOptions {
  format?: string;
  json: boolean;
  output?: string;
  threshold: number;
  failOn: 'ai' | 'none';
  maxSize: number;
  maxPixels: number;
  concurrency?: number;
  ignore: string[];
  stdinFilename?: string;
  detectors: string[];
  quiet: boolean;
  cache: boolean;
  cacheDir?: string;
  color?: boolean;
  remote: boolean;
  apiUrl?: string;
  apiKey?: string;
}

export interface OptionSpec {
  flags: string;
  description: string;
  group: 'Output' | 'Gating' | 'Input' | 'Limits' | 'Performance' | 'Detectors' | 'Remote';
  default?: unknown;
  /** Shown in help instead of the raw default. */
  defaultLabel?: string;
  parse?: (value: string, previous: unknown) => unknown;
  choices?: readonly string[];
}

const number = (name: string, min: number, max: number) => (value: string) => {
  // Number('') is 0 and Number('0x40') is 64: accept plain decimals only.
  const n = /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
};
const integer = (name: string, min: number, max: number) => (value: string) => {
  const n = number(name, min, max)(value);
  if (!Number.isInteger(n)) throw new UsageError(`${name} must be a whole number, got "${value}"`);
  return n;
};
const size = (value: string) => parseSize(value) ?? fail(`--max-size takes a size such as 20MB or 512k, got "${value}"`);
const pixels = (value: string) => parsePixels(value) ?? fail(`--max-pixels takes a pixel count such as 100M or 24000000, got "${value}"`);
const collect = (value: string, previous: unknown) => [...(previous as string[]), value];
const list = (value: string, previous: unknown) => [...(previous as string[]), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
const fail = (message: string): never => { throw new UsageError(message); };

export const SCAN_OPTIONS: OptionSpec[] = [
  { flags: '-f, --format <format>', description: 'output format', group: 'Output', defaultLabel: 'table', choices: FORMATS },
  { flags: '--json', description: 'shorthand for --format json', group: 'Output', default: false },
  { flags: '-o, --output <file>', description: 'write results to FILE instead of stdout (never over an existing image)', group: 'Output' },
  { flags: '-q, --quiet', description: 'no progress or notices on stderr (errors still shown)', group: 'Output', default: false },
  { flags: '--no-color', description: 'no colour in the table (also when NO_COLOR is set or stdout is not a terminal)', group: 'Output' },
  { flags: '--threshold <n>', description: 'composite (0-100) at or above which an image is called AI', group: 'Gating', default: 50, parse: number('--threshold', 0, 100) },
  { flags: '--fail-on <what>', description: 'exit 1 when any image is judged AI ("ai"), or never ("none")', group: 'Gating', default: 'none', choices: ['ai', 'none'] },
  { flags: '--ignore <glob>', description: 'skip paths matching GLOB (repeatable)', group: 'Input', default: [], parse: collect },
  { flags: '--stdin-filename <name>', description: 'name to report for an image read from stdin (-)', group: 'Input' },
  { flags: '--max-size <size>', description: 'refuse files larger than this (413)', group: 'Limits', default: 20 * 1024 * 1024, defaultLabel: '20MB', parse: size },
  { flags: '--max-pixels <n>', description: 'refuse images with more pixels than this, checked before decoding (413)', group: 'Limits', default: 100_000_000, defaultLabel: '100M', parse: pixels },
  { flags: '-j, --concurrency <n>', description: 'worker threads', group: 'Performance', defaultLabel: 'number of cores', parse: integer('--concurrency', 1, 256) },
  { flags: '--cache', description: 'reuse results of files already analysed with the same xray and models (keyed by SHA-256)', group: 'Performance', default: false },
  { flags: '--cache-dir <dir>', description: 'where --cache keeps results', group: 'Performance', defaultLabel: '$XDG_CACHE_HOME/xray or ~/.cache/xray' },
  { flags: '--detectors <keys>', description: 'run only these detectors (comma-separated keys; see `xray detectors`)', group: 'Detectors', default: [], parse: list },
  { flags: '--remote', description: 'send each image to the X-RAY API instead of analysing here (see docs/remote.md)', group: 'Remote', default: false },
  { flags: '--api-url <url>', description: 'API address for --remote (env XRAY_API_URL)', group: 'Remote', defaultLabel: 'https://xray-ai.xyz' },
  { flags: '--api-key <key>', description: 'API key for --remote; visible in the process list, so prefer XRAY_API_KEY or `xray login`', group: 'Remote' },
];
