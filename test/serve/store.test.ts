/** The keys store: only hashes kept, the quota counted in one step, the month rolling over. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyStore, periodOf } from '../../src/serve/store.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempStore(clock?: () => Date): Promise<{ store: KeyStore; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'xray-store-'));
  dirs.push(dir);
  return { store: new KeyStore(path.join(dir, 'keys.db'), clock), dir };
}

describe('KeyStore', () => {
  it('hands out xray_sk_ keys and stores only their hash', async () => {
    const { store, dir } = await tempStore();
    const { key, row } = store.create('pro', 500, 'ci');
    expect(key).toMatch(/^xray_sk_[A-Za-z0-9_-]{32}$/);
    expect(store.authenticate(key)?.id).toBe(row.id);
    expect(store.authenticate(`${key}x`)).toBeNull();
    expect(JSON.stringify(store.list())).not.toContain(key);
    expect(store.list()[0]).not.toHaveProperty('hash');
    store.close();
    for (const f of await readdir(dir)) {
      const bytes = await readFile(path.join(dir, f));
      expect(bytes.includes(Buffer.from(key)), f).toBe(false);
      expect(bytes.includes(Buffer.from(key.slice(8))), f).toBe(false);
    }
  });

  it('counts up to the limit and no further; 0 means unlimited', async () => {
    const { store } = await tempStore();
    const limited = store.create('pro', 3).row;
    const outcomes = Array.from({ length: 5 }, () => store.consume(limited.id));
    expect(outcomes.map((u) => u?.checks_used ?? null)).toEqual([1, 2, 3, null, null]);
    expect(store.usage(limited.id)).toEqual({ plan: 'pro', checks_used: 3, checks_limit: 3, remaining: 0 });
    const open = store.create('admin', 0).row;
    for (let i = 0; i < 10; i++) store.consume(open.id);
    expect(store.usage(open.id)).toEqual({ plan: 'admin', checks_used: 10, checks_limit: 0, remaining: null });
    store.close();
  });

  it('does not let two connections to one database pass the limit together', async () => {
    const { store, dir } = await tempStore();
    const other = new KeyStore(path.join(dir, 'keys.db'));
    const { row } = store.create('pro', 7);
    let passed = 0;
    for (let i = 0; i < 10; i++) {
      if ((i % 2 ? store : other).consume(row.id)) passed++;
    }
    expect(passed).toBe(7);
    expect(other.usage(row.id)?.checks_used).toBe(7);
    other.close();
    store.close();
  });

  it('rolls over at the start of a UTC month', async () => {
    let now = new Date('2026-11-30T23:59:00Z');
    const { store } = await tempStore(() => now);
    const { row } = store.create('pro', 2);
    store.consume(row.id);
    store.consume(row.id);
    expect(store.consume(row.id)).toBeNull();
    now = new Date('2026-12-01T00:00:30Z');
    expect(periodOf(now)).toBe('2026-12');
    expect(store.usage(row.id)?.checks_used).toBe(0);
    expect(store.consume(row.id)?.checks_used).toBe(1);
    expect(store.list()[0].period).toBe('2026-12');
    store.close();
  });

  it('refunds within the month only, never below zero', async () => {
    const { store } = await tempStore();
    const { row } = store.create('pro', 5);
    store.consume(row.id);
    store.refund(row.id);
    store.refund(row.id);
    expect(store.usage(row.id)?.checks_used).toBe(0);
    store.close();
  });

  it('revokes by id or listed prefix, refuses ambiguous or unknown ones', async () => {
    const { store } = await tempStore();
    const a = store.create('pro', 5);
    expect(() => store.revoke('999')).toThrow(/no key 999/);
    expect(store.revoke(a.row.prefix).revoked_at).not.toBeNull();
    expect(store.authenticate(a.key)).toBeNull();
    expect(store.consume(a.row.id)).toBeNull();
    expect(() => store.create('gold' as 'pro', 5)).toThrow(/unknown plan/);
    store.close();
  });
});
