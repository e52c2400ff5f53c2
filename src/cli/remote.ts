/**
 * The commands around the hosted API: `usage` and `login` (client side), `serve` and `keys`
 * (server side). Actions live in src/remote and src/serve; this file is commander wiring only.
 */
import { Command, Option } from 'commander';
import { ExitCode, UsageError } from '../errors.js';
import { parsePixels, parseSize } from '../image/limits.js';
import { DEFAULT_API_URL, normaliseBaseUrl, readConfig, resolveRemote, writeConfig, type RemoteFlags } from '../remote/config.js';
import { EXIT_API_REFUSED } from '../remote/errors.js';
import { EXIT_API_UNAVAILABLE, fetchUsage, formatUsage } from '../remote/usage.js';
import { formatKeyList } from '../serve/keys.js';
import type { ServeFlags } from '../serve/run.js';

// The server side (http, the pool, SQLite) loads only for the commands that use it.
const serveSide = () => import('../serve/run.js');
import { PLANS, type Plan } from '../serve/plans.js';

export const REMOTE_EXIT_HELP = `
Exit codes:
  0    done
  2    usage or configuration error (bad flag, no API key, bad --api-url)
  ${EXIT_API_UNAVAILABLE}    the API could not answer (unreachable, 5xx after 3 tries, not the promised JSON)
  ${EXIT_API_REFUSED}    the API refused the key (401) or the plan has no API access (403)`;

const apiOptions = (cmd: Command) => cmd
  .addOption(new Option('--api-url <url>', `API address (env XRAY_API_URL; default ${DEFAULT_API_URL})`))
  .addOption(new Option('--api-key <key>', 'API key (visible in the process list: prefer XRAY_API_KEY or `xray login`)'));

const whole = (name: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be a whole number >= ${min}, got "${value}"`);
  return n;
};

export function registerRemoteCommands(program: Command, setExit: (code: number) => void): void {
  const warn = (m: string) => process.stderr.write(`xray: warning: ${m}\n`);

  apiOptions(program.command('usage'))
    .description("show this month's checks on the X-RAY API: plan, used / limit, remaining")
    .option('--json', "print the API's JSON as it came")
    .addHelpText('after', REMOTE_EXIT_HELP)
    .action(async (opts: RemoteFlags & { json?: boolean }) => {
      const usage = await fetchUsage(await resolveRemote(opts, process.env, warn));
      process.stdout.write(opts.json ? `${JSON.stringify(usage, null, 2)}\n` : formatUsage(usage));
      setExit(ExitCode.ok);
    });

  apiOptions(program.command('login'))
    .description('save an API key (read from stdin, or typed at a hidden prompt) to the config file, mode 0600')
    .option('--no-verify', 'save without asking the API whether the key works')
    .addHelpText('after', `\nThe key is read from stdin (e.g. \`xray login < key.txt\`) or typed at the prompt.\n${REMOTE_EXIT_HELP}`)
    .action(async (opts: RemoteFlags & { verify: boolean }) => {
      if (opts.apiKey !== undefined) warn('--api-key is visible to other users of this machine in the process list; prefer piping the key to `xray login`');
      const key = (opts.apiKey ?? (await readSecret('API key (xray_sk_...): '))).trim();
      if (!key) throw new UsageError('no key given: pipe it to `xray login` or type it at the prompt');
      if (!key.startsWith('xray_sk_')) warn('X-RAY keys start with xray_sk_; saving it anyway');
      const stored = await readConfig(process.env);
      const apiUrl = opts.apiUrl === undefined ? stored.api_url : normaliseBaseUrl(opts.apiUrl);
      if (opts.verify) {
        const settings = await resolveRemote({ apiUrl: apiUrl ?? process.env.XRAY_API_URL, apiKey: key }, { ...process.env, XRAY_API_KEY: undefined }, () => {});
        const usage = await fetchUsage(settings);
        process.stderr.write(`xray: the key works: plan ${usage.plan} at ${settings.baseUrl}\n`);
      }
      const file = await writeConfig(process.env, { ...stored, api_key: key, ...(apiUrl ? { api_url: apiUrl } : {}) });
      process.stderr.write(`xray: saved to ${file} (readable by you only)\n`);
      setExit(ExitCode.ok);
    });

  program.command('serve')
    .description('offer the X-RAY API (POST /analyze, GET /me/usage, GET /healthz) from this machine, with xray as the detector')
    .option('--host <host>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--port <n>', 'port (0 = any free one)', whole('--port', 0), 8080)
    .option('--db <file>', 'keys database (env XRAY_DB; default $XDG_DATA_HOME/xray/keys.db, else ~/.local/share/xray/keys.db)')
    .option('-j, --concurrency <n>', 'worker threads (default: number of cores)', whole('--concurrency', 1))
    .option('--max-size <size>', 'largest upload (413 above it)', (v) => parseSize(v) ?? fail(`--max-size takes a size such as 20MB, got "${v}"`), 20 * 1024 * 1024)
    .option('--max-pixels <n>', 'largest image in pixels (413 above it)', (v) => parsePixels(v) ?? fail(`--max-pixels takes a count such as 100M, got "${v}"`), 100_000_000)
    .option('--threshold <n>', 'composite at or above which an image is called AI', (v) => {
      const n = Number(v);
      return Number.isFinite(n) && n >= 0 && n <= 100 ? n : fail(`--threshold must be a number from 0 to 100, got "${v}"`);
    }, 50)
    .option('-q, --quiet', 'no request log on stderr', false)
    .addHelpText('after', `\nMake a key first: xray keys create --plan pro --limit 500\nThen: XRAY_API_URL=http://127.0.0.1:8080 XRAY_API_KEY=xray_sk_... xray scan --remote photos/`)
    .action(async (opts: ServeFlags) => {
      setExit(await (await serveSide()).runServe(opts, process.env, process.stderr));
    });

  const keys = program.command('keys').description('manage the API keys of `xray serve` (create, list, revoke)');
  const dbOption = () => new Option('--db <file>', 'keys database (env XRAY_DB)');

  keys.command('create')
    .description('make a key; it is printed once, on stdout, and only its hash is stored')
    .addOption(new Option('--plan <plan>', 'plan (free has no API access)').choices(PLANS).default('pro'))
    .option('--limit <n>', 'checks per month (0 = unlimited)', whole('--limit', 0), 500)
    .option('--label <text>', 'a note to tell keys apart in `xray keys list`')
    .addOption(dbOption())
    .action(async (opts: { plan: Plan; limit: number; label?: string; db?: string }) => {
      const store = (await serveSide()).openStore(opts.db, process.env);
      try {
        const { key, row } = store.create(opts.plan, opts.limit, opts.label);
        process.stdout.write(`${key}\n`);
        process.stderr.write(`xray: key #${row.id} created (plan ${row.plan}, ${row.checks_limit === 0 ? 'unlimited' : `${row.checks_limit} checks/month`}). Copy it now: it cannot be shown again.\n`);
      } finally {
        store.close();
      }
      setExit(ExitCode.ok);
    });

  keys.command('list')
    .description('list keys (prefix only), plans and this month\'s use')
    .option('--json', 'as JSON')
    .addOption(dbOption())
    .action(async (opts: { json?: boolean; db?: string }) => {
      const store = (await serveSide()).openStore(opts.db, process.env);
      try {
        const rows = store.list();
        process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatKeyList(rows));
      } finally {
        store.close();
      }
      setExit(ExitCode.ok);
    });

  keys.command('revoke')
    .description('revoke a key by its id or listed prefix; requests with it then get 401')
    .argument('<key>', 'id or prefix from `xray keys list`')
    .addOption(dbOption())
    .action(async (which: string, opts: { db?: string }) => {
      const store = (await serveSide()).openStore(opts.db, process.env);
      try {
        const row = store.revoke(which);
        process.stderr.write(`xray: key #${row.id} (${row.prefix}…) revoked\n`);
      } catch (err) {
        throw new UsageError((err as Error).message);
      } finally {
        store.close();
      }
      setExit(ExitCode.ok);
    });
}

const fail = (message: string): never => { throw new UsageError(message); };

/** Reads a secret from stdin: hidden at a terminal, the first line otherwise. */
async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += chunk;
    return text.split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    const done = (err: Error | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
