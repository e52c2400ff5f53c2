/** `xray serve` over real HTTP: every status of the spec, its `detail`, and what is counted. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseBytes } from '../../src/analyse.ts';
import { createApiServer, DETAIL } from '../../src/serve/server.ts';
import { isError } from '../../src/types.ts';
import { listen, noisePng, startServe, upload, type Harness } from './harness.ts';

const CAP = 64 * 1024;
let h: Harness;
let png: Buffer;

beforeAll(async () => {
  h = await startServe({ maxBytes: CAP });
  png = await noisePng(1);
});
afterAll(async () => h?.close());

const used = (id: number) => h.store.usage(id)!.checks_used;
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });

describe('xray serve', () => {
  it('answers /healthz without a key', async () => {
    expect(await json(await fetch(`${h.url}/healthz`))).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('returns the analysis in the API shape, without path, with usage; it matches local analysis', async () => {
    const { key, row } = h.store.create('pro', 10);
    const res = await json(await upload(h.url, key, png, 'image', 'photo.png'));
    const local = await analyseBytes(new Uint8Array(png), 'photo.png', h.analyse);
    if (isError(local)) {
      // Without fitted models the pipeline cannot judge; the server must say the same thing.
      expect(res).toEqual({ status: local.error.status, body: { detail: local.error.detail } });
      return;
    }
    expect(res.status).toBe(200);
    const { path: _p, usage: _u, ...expected } = local;
    expect(res.body).toEqual({ ...expected, usage: { used: 1, limit: 10, role: 'pro' } });
    expect(used(row.id)).toBe(1);
  });

  it('GET /me/usage has the spec shape; 0 = unlimited gives remaining null', async () => {
    const { key } = h.store.create('enterprise', 0);
    const res = await json(await fetch(`${h.url}/me/usage`, { headers: { authorization: `Bearer ${key}` } }));
    expect(res).toEqual({ status: 200, body: { plan: 'enterprise', checks_used: 0, checks_limit: 0, remaining: null } });
  });

  it('401 without a key, with a bad key and with a revoked key', async () => {
    const { key, row } = h.store.create('pro', 10);
    expect(await json(await upload(h.url, null, png))).toEqual({ status: 401, body: { detail: DETAIL.missingKey } });
    expect(await json(await upload(h.url, 'xray_sk_nope', png))).toEqual({ status: 401, body: { detail: DETAIL.invalidKey } });
    h.store.revoke(String(row.id));
    const res = await fetch(`${h.url}/me/usage`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await json(res)).toEqual({ status: 401, body: { detail: DETAIL.invalidKey } });
  });

  it('403 for a plan without API access', async () => {
    const { key } = h.store.create('free', 10);
    expect(await json(await upload(h.url, key, png))).toEqual({ status: 403, body: { detail: DETAIL.noApiAccess } });
    expect((await fetch(`${h.url}/me/usage`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(403);
  });

  it('400 for a missing field, a non-image and a body that is not multipart; none is counted', async () => {
    const { key, row } = h.store.create('pro', 10);
    expect(await json(await upload(h.url, key, png, 'file'))).toEqual({ status: 400, body: { detail: DETAIL.missingField } });
    expect(await json(await upload(h.url, key, new TextEncoder().encode('hello, not an image')))).toEqual({ status: 400, body: { detail: DETAIL.notImage } });
    const raw = await fetch(`${h.url}/analyze`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{}' });
    expect(await json(raw)).toEqual({ status: 400, body: { detail: DETAIL.notMultipart } });
    expect(used(row.id)).toBe(0);
  });

  it('413 for an upload over the cap, answered before the body is all read, not counted', async () => {
    const { key, row } = h.store.create('pro', 10);
    const big = new Uint8Array(CAP * 4);
    big.set(png.subarray(0, 16));
    expect(await json(await upload(h.url, key, big))).toEqual({ status: 413, body: { detail: 'Image larger than 64 KB' } });
    // Without Content-Length (chunked), the cap is found while streaming.
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="image"; filename="x.png"\r\n\r\n'));
        c.enqueue(big);
        c.enqueue(new TextEncoder().encode('\r\n--b--\r\n'));
        c.close();
      },
    });
    const res = await fetch(`${h.url}/analyze`, {
      method: 'POST', body: chunked, duplex: 'half',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'multipart/form-data; boundary=b' },
    } as RequestInit);
    expect(await json(res)).toEqual({ status: 413, body: { detail: 'Image larger than 64 KB' } });
    expect(used(row.id)).toBe(0);
  });

  it('429 once the monthly quota is spent; the refused request is not counted', async () => {
    const { key, row } = h.store.create('pro', 1);
    expect((await upload(h.url, key, png)).status).not.toBe(429);
    expect(await json(await upload(h.url, key, png))).toEqual({ status: 429, body: { detail: DETAIL.quota } });
    expect(h.store.usage(row.id)).toEqual({ plan: 'pro', checks_used: 1, checks_limit: 1, remaining: 0 });
  });

  it('404 and 405 in the same JSON shape', async () => {
    expect(await json(await fetch(`${h.url}/nope`))).toEqual({ status: 404, body: { detail: DETAIL.notFound } });
    const res = await fetch(`${h.url}/analyze`);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await json(res)).toEqual({ status: 405, body: { detail: DETAIL.methodNotAllowed } });
  });

  it('gives the check back when the pipeline fails inside (500)', async () => {
    const { key, row } = h.store.create('pro', 10);
    // The one stand-in in these tests: the pipeline has no switch to make it fail on purpose.
    const failing = createApiServer({
      store: h.store,
      analyse: h.analyse,
      analyser: { workers: 0, close: async () => {}, analyse: async (t) => ({ result: { path: t.displayPath, error: { status: 500, detail: 'internal error: worker failed' } }, cached: false }) },
    });
    const url = await listen(failing);
    expect(await json(await upload(url, key, png))).toEqual({ status: 500, body: { detail: 'internal error: worker failed' } });
    expect(used(row.id)).toBe(0);
    failing.closeAllConnections();
    await new Promise((r) => failing.close(r));
  });

  it('never logs a key', async () => {
    const { key } = h.store.create('pro', 10);
    await fetch(`${h.url}/me/usage`, { headers: { authorization: `Bearer ${key}` } });
    expect(h.log.length).toBeGreaterThan(0);
    expect(h.log.join('\n')).not.toContain(key);
    expect(h.log.join('\n')).not.toContain('xray_sk_');
  });
});
