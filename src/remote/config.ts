/**
 * Where the API and its key come from. Precedence: flag, then environment, then the config file
 * that `xray login` writes (~/.config/xray/config.json, or under $XDG_CONFIG_HOME), then the default.
 * The key is a secret: it is read here and handed to the client, never printed.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';

export const DEFAULT_API_URL = 'https://xray-ai.xyz';

export interface RemoteFlags {
  apiUrl?: string;
  apiKey?: string;
}

export interface RemoteSettings {
  baseUrl: string;
  key: string;
}

export interface StoredConfig {
  api_key?: string;
  api_url?: string;
}

export function configFile(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homedir(), '.config');
  return path.join(base, 'xray', 'config.json');
}

export async function readConfig(env: NodeJS.ProcessEnv): Promise<StoredConfig> {
  const file = configFile(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as StoredConfig;
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON (${(err as Error).message}); fix it or run \`xray login\` again`);
  }
}

/** Writes the config readable by its owner only: it holds a secret. */
export async function writeConfig(env: NodeJS.ProcessEnv, config: StoredConfig): Promise<string> {
  const file = configFile(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode is masked by the umask and ignored for an existing file: set it outright.
  await chmod(temp, 0o600);
  await rename(temp, file);
  return file;
}

export function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--api-url must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--api-url must be an http(s) URL, got "${raw}"`);
  if (url.username || url.password) throw new UsageError('--api-url must not contain credentials; give the key with XRAY_API_KEY or `xray login`');
  return url.href.replace(/\/+$/, '');
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Resolves URL and key, warning on stderr about choices that expose the key. No key → a usage
 * error (exit 2) that says how to give one.
 */
export async function resolveRemote(flags: RemoteFlags, env: NodeJS.ProcessEnv, warn: (message: string) => void): Promise<RemoteSettings> {
  const stored = await readConfig(env);
  const baseUrl = normaliseBaseUrl(flags.apiUrl ?? env.XRAY_API_URL ?? stored.api_url ?? DEFAULT_API_URL);
  if (flags.apiKey !== undefined) {
    warn('--api-key is visible to other users of this machine in the process list; prefer XRAY_API_KEY or `xray login`');
  }
  const key = (flags.apiKey ?? env.XRAY_API_KEY ?? stored.api_key ?? '').trim();
  if (!key) {
    throw new UsageError(`no API key: set XRAY_API_KEY, run \`xray login\`, or write {"api_key": "xray_sk_..."} to ${configFile(env)} (mode 0600)`);
  }
  const url = new URL(baseUrl);
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    warn(`${url.host} is plain http: the API key and images travel unencrypted`);
  }
  return { baseUrl, key };
}

/** Keeps a secret out of text that will be shown (a proxy may echo headers back in an error page). */
export function redact(text: string, key: string): string {
  return key.length >= 8 ? text.split(key).join('xray_sk_[redacted]') : text;
}
