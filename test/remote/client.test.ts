/**
 * The --remote client against a real `xray serve` on loopback (never a mocked fetch), and against
 * a tiny loopback server that misbehaves on purpose for what a healthy server never does
 * (500s, resets, silence, HTML).
 */
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseBytes } from '../../src/analyse.ts';
import { createRemoteAnalyser, type RemoteAnalyser } from '../../src/remote/client.ts';
import { EXIT_API_REFUSED } from '../../src/remote/errors.ts';
import { backoffMs, retryAfterMs, type RetryPolicy } from '../../src/remote/http.ts';
import { formatUsage } from '../../src/remote/usage.ts';
import { DETAIL } from '../../src/serve/server.ts';
import { isError, type Result } from '../../src/types.ts';
import { listen, noisePng, startServe, type Harness } from '../serve/harness.ts';

const FAST: RetryPolicy = { tries: 3, baseDelayMs: 10, maxDelayMs: 3000, timeoutMs: 3000 };
const CAP = 64 * 1024;
let h: Harness;
let dir: string;
let png: Buffer;
/** Everything the client produced, searched for keys at the end. */
const seen: string[] = [];
const keys: string[] = [];

beforeAll(async () => {
  h = await startServe({ maxBytes: CAP });
  dir = await mkdtemp(path.join(tmpdir(), 'xray-remote-'));
  png = await noisePng(3);
  await writeFile(path.join(dir, 'a.png'), png);
  await writeFile(path.join(dir, 'text.png'), 'not an image at all');
  const big = Buffer.alloc(CAP * 2);
  png.copy(big);
  await writeFile(path.join(dir, 'big.png'), big);
  // Sparse: 21 MB on paper, no disk used; the client must refuse it from its size alone.
  const handle = await open(path.join(dir, 'huge.png'), 'w');
  await handle.truncate(21 * 1024 * 1024);
  await handle.close();
});
afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

function client(key: string, baseUrl = h.url, concurrency = 4): RemoteAnalyser {
  keys.push(key);
  return createRemoteAnalyser({ baseUrl, key }, { concurrency, retry: FAST });
}
async function run(c: RemoteAnalyser, name: string): Promise<Result> {
  const file = path.join(dir, name);
  const { result } = await c.analyse({ file, displayPath: file, options: scanOptions() });
  seen.push(JSON.stringify(result));
  return result;
}
/** What `xray scan` passes by default: its own --max-size is 20 MB, whatever the server's cap. */
const scanOptions = () => ({ ...h.analyse, limits: { ...h.analyse.limits, maxBytes: 20 * 1024 * 1024 } });
const requests = () => h.log.filter((l) => l.startsWith('POST /analyze')).length;
const errorOf = (r: Result) => (isError(r) ? r.error : null);

describe('remote client against xray serve', () => {
  it('returns what local analysis returns for the same file, with the API usage kept', async () => {
    const { key } = h.store.create('pro', 100);
    const remote = await run(client(key), 'a.png');
    const file = path.join(dir, 'a.png');
    const local = await analyseBytes(new Uint8Array(png), file, h.analyse);
    if (isError(local)) {
      expect(remote).toEqual(local);
      return;
    }
    expect(isError(remote)).toBe(false);
    expect({ ...remote, usage: null }).toEqual(local);
    expect((remote as { usage: unknown }).usage).toEqual({ used: 1, limit: 100, role: 'pro' });
  });

  it('maps 400 and 413 to per-file errors carrying the API detail', async () => {
    const { key } = h.store.create('pro', 100);
    const c = client(key);
    expect(errorOf(await run(c, 'text.png'))).toEqual({ status: 400, detail: DETAIL.notImage });
    expect(errorOf(await run(c, 'big.png'))).toEqual({ status: 413, detail: 'Image larger than 64 KB' });
    expect(c.fatal()).toBeNull();
  });

  it('refuses a file over 20 MB before uploading it', async () => {
    const { key } = h.store.create('pro', 100);
    const before = requests();
    const err = errorOf(await run(client(key), 'huge.png'));
    expect(err?.status).toBe(413);
    expect(err?.detail).toMatch(/21\.0 MB, over the API's 20\.0 MB limit; not uploaded/);
    expect(requests()).toBe(before);
  });

  it('401 stops the run: fatal error saying what to do, later files not sent', async () => {
    const c = client('xray_sk_thisKeyDoesNotExist000000000000');
    expect(errorOf(await run(c, 'a.png'))?.status).toBe(401);
    const fatal = c.fatal();
    expect(fatal?.code).toBe(EXIT_API_REFUSED);
    expect(fatal?.message).toMatch(/refused the key \(401: Invalid API key\).*XRAY_API_KEY.*xray login/);
    seen.push(fatal!.message);
    const before = requests();
    expect(errorOf(await run(c, 'a.png'))?.detail).toMatch(/not analysed/);
    expect(requests()).toBe(before);
  });

  it('403 stops the run and names the plans with API access', async () => {
    const { key } = h.store.create('free', 100);
    const c = client(key);
    expect(errorOf(await run(c, 'a.png'))?.status).toBe(403);
    expect(c.fatal()?.code).toBe(EXIT_API_REFUSED);
    expect(c.fatal()?.message).toMatch(/no API access .*pro or enterprise/);
    seen.push(c.fatal()!.message);
  });

  it('429 stops sending: the rest are reported as not analysed, the quota as spent', async () => {
    const { key } = h.store.create('pro', 1);
    const c = client(key, h.url, 1);
    expect(errorOf(await run(c, 'a.png'))?.status).not.toBe(429);
    const spent = errorOf(await run(c, 'a.png'));
    expect(spent).toEqual({ status: 429, detail: `the monthly check quota is spent (API: ${DETAIL.quota}); see \`xray usage\`` });
    const before = requests();
    expect(errorOf(await run(c, 'a.png'))?.detail).toMatch(/^not analysed: the monthly check quota is spent/);
    expect(requests()).toBe(before);
    expect(c.notes().join('\n')).toMatch(/quota is spent .*1 file was not sent/);
    expect(c.fatal()).toBeNull();
  });

  it('50 concurrent requests against a limit of 30: exactly 30 answered, 20 refused with 429, usage 30', async () => {
    const { key, row } = h.store.create('pro', 30);
    const file = path.join(dir, 'a.png');
    const local = await analyseBytes(new Uint8Array(png), file, h.analyse);
    const c = client(key, h.url, 50);
    const results = await Promise.all(Array.from({ length: 50 }, () => c.analyse({ file, displayPath: file, options: h.analyse })));
    const refused = results.filter((o) => errorOf(o.result)?.status === 429);
    const answered = results.filter((o) => errorOf(o.result)?.status !== 429);
    expect(refused).toHaveLength(20);
    expect(answered).toHaveLength(30);
    // Each answer is the real analysis (or, without fitted models, the same error local analysis gives).
    for (const o of answered) {
      if (isError(local)) expect(o.result).toEqual(local);
      else expect({ ...o.result, usage: null }).toEqual(local);
    }
    expect(h.store.usage(row.id)).toEqual({ plan: 'pro', checks_used: 30, checks_limit: 30, remaining: 0 });
    if (!isError(local)) {
      const counts = answered.map((o) => (o.result as { usage: { used: number } }).usage.used).sort((a, b) => a - b);
      expect(counts).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    }
  });
});

/** A loopback server that answers attempt n with script[n] (the last entry repeats). */
async function misbehaving(script: ((req: IncomingMessage, res: ServerResponse) => void)[]) {
  let attempts = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => script[Math.min(attempts++, script.length - 1)](req, res));
  });
  const url = await listen(server);
  return {
    url,
    attempts: () => attempts,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const CANNED = {
  verdict: 'Real Photo', is_ai: false, confidence: 56.5, composite: 43.5,
  signals: [{ name: 'Primary Neural', key: 'primaryNeural', level: 'lo', score: 43.5, model: 'm', desc: 'd', interp: 'i' }],
  meta: { width: 96, height: 64, file_size: 100, format: 'image/png', filename: 'a.png' },
  usage: { used: 4, limit: 500, role: 'pro' },
  brand_new_field: { tolerated: true },
};
const reply = (status: number, body: string, headers: Record<string, string> = {}) => (_: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
};
const KEY = 'xray_sk_misbehavingServerKey1234567890';

describe('remote client against a misbehaving server', () => {
  it('retries 500 with backoff and succeeds on the third try, keeping unknown fields', async () => {
    const s = await misbehaving([reply(500, '{"detail":"boom"}'), reply(500, '{"detail":"boom"}'), reply(200, JSON.stringify(CANNED))]);
    const r = await run(client(KEY, s.url), 'a.png');
    expect(s.attempts()).toBe(3);
    expect(r).toEqual({ path: path.join(dir, 'a.png'), ...CANNED });
    await s.close();
  });

  it('gives up after 3 tries of 500 with the API detail', async () => {
    const s = await misbehaving([reply(500, '{"detail":"Internal error while analysing"}')]);
    const err = errorOf(await run(client(KEY, s.url), 'a.png'));
    expect(s.attempts()).toBe(3);
    expect(err).toEqual({ status: 500, detail: 'the API failed (500) after 3 tries: Internal error while analysing' });
    await s.close();
  });

  it('retries a connection reset', async () => {
    const s = await misbehaving([(req) => req.socket.destroy(), reply(200, JSON.stringify(CANNED))]);
    const r = await run(client(KEY, s.url), 'a.png');
    expect(s.attempts()).toBe(2);
    expect(isError(r)).toBe(false);
    await s.close();
  });

  it('retries a timeout, then reports it per file', async () => {
    const s = await misbehaving([() => {}]);
    const c = createRemoteAnalyser({ baseUrl: s.url, key: KEY }, { retry: { ...FAST, timeoutMs: 300 } });
    const file = path.join(dir, 'a.png');
    const { result } = await c.analyse({ file, displayPath: file, options: h.analyse });
    seen.push(JSON.stringify(result));
    expect(s.attempts()).toBe(3);
    expect(errorOf(result)).toEqual({ status: 500, detail: `the API at ${s.url} could not be reached (no answer within 0.3 s; 3 tries)` });
    await s.close();
  });

  it('honours Retry-After', async () => {
    const s = await misbehaving([reply(503, '{"detail":"busy"}', { 'retry-after': '1' }), reply(200, JSON.stringify(CANNED))]);
    const started = performance.now();
    expect(isError(await run(client(KEY, s.url), 'a.png'))).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    await s.close();
  });

  it('reports a body that is not the promised JSON with its status and start', async () => {
    const s = await misbehaving([reply(200, '<html><body>Welcome to nginx!</body></html>', { 'content-type': 'text/html' })]);
    const err = errorOf(await run(client(KEY, s.url), 'a.png'));
    expect(err?.status).toBe(502);
    expect(err?.detail).toBe('the API answered 200 without an analysis result: "<html><body>Welcome to nginx!</body></html>"');
    await s.close();
    const g = await misbehaving([reply(502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' })]);
    expect(errorOf(await run(client(KEY, g.url), 'a.png'))).toEqual({ status: 502, detail: 'the API failed (502) after 3 tries: HTTP 502 "<html>Bad Gateway</html>"' });
    await g.close();
  });

  it('keeps the key out of details even when a server echoes it back', async () => {
    const s = await misbehaving([(req, res) => reply(400, JSON.stringify({ detail: `bad request from ${req.headers.authorization}` }))(req, res)]);
    const err = errorOf(await run(client(KEY, s.url), 'a.png'));
    expect(err?.detail).toBe('bad request from Bearer xray_sk_[redacted]');
    await s.close();
  });

  it('never shows a key in any result, error or note', () => {
    const text = seen.join('\n');
    expect(seen.length).toBeGreaterThan(10);
    for (const key of [...keys, KEY]) expect(text).not.toContain(key);
  });
});

describe('retry timing', () => {
  const policy: RetryPolicy = { tries: 3, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 1000 };
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Thu, 03 Dec 2026 12:00:10 GMT', Date.parse('Thu, 03 Dec 2026 12:00:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffMs(1, policy, null, () => 1)).toBe(500);
    expect(backoffMs(3, policy, null, () => 1)).toBe(2000);
    expect(backoffMs(3, policy, null, () => 0.5)).toBe(1000);
    expect(backoffMs(20, policy, null, () => 1)).toBe(30_000);
    expect(backoffMs(1, policy, 120_000)).toBe(30_000);
  });
});

describe('xray usage text', () => {
  it('shows ∞ for an unlimited plan', () => {
    expect(formatUsage({ plan: 'admin', checks_used: 7, checks_limit: 0, remaining: null })).toBe('plan       admin\nused       7 / ∞ this month\nremaining  ∞\n');
    expect(formatUsage({ plan: 'pro', checks_used: 47, checks_limit: 500, remaining: 453 })).toBe('plan       pro\nused       47 / 500 this month\nremaining  453\n');
  });
});
