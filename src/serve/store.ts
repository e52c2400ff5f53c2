/**
 * API keys, plans and monthly usage for `xray serve`, in SQLite (better-sqlite3 12: 13 needs Node 22).
 * Only a SHA-256 of each key is stored: keys are 192 random bits, so a fast hash is enough to make a
 * stolen database useless (a slow password hash protects guessable secrets; these are not guessable).
 * Counting a check is one UPDATE whose WHERE holds the quota test, so concurrent requests, even
 * from several server processes on one database, can never pass the limit or lose an increment.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

import { PLANS, type Plan } from './plans.js';

export { API_PLANS, PLANS, type Plan } from './plans.js';

export const KEY_PREFIX = 'xray_sk_';

export interface KeyRow {
  id: number;
  /** The first characters of the key, to tell keys apart in `xray keys list`; not enough to use it. */
  prefix: string;
  plan: Plan;
  label: string | null;
  /** 0 = unlimited. */
  checks_limit: number;
  /** Checks used in `period`; a row from an earlier month reads as 0 used. */
  checks_used: number;
  period: string;
  created_at: string;
  revoked_at: string | null;
}

export interface Usage {
  plan: Plan;
  checks_used: number;
  checks_limit: number;
  remaining: number | null;
}

export type Clock = () => Date;

/** The quota month, in UTC so that every server agrees on when it rolls over. */
export const periodOf = (d: Date) => d.toISOString().slice(0, 7);
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

const SCHEMA = `
CREATE TABLE IF NOT EXISTS keys (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  plan TEXT NOT NULL CHECK (plan IN ('pro', 'enterprise', 'admin', 'free')),
  label TEXT,
  checks_limit INTEGER NOT NULL CHECK (checks_limit >= 0),
  checks_used INTEGER NOT NULL DEFAULT 0,
  period TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
)`;

/** Every column but the hash, which never leaves the database. */
const COLUMNS = 'id, prefix, plan, label, checks_limit, checks_used, period, created_at, revoked_at';

export class KeyStore {
  private readonly db: Database.Database;

  constructor(file: string, private readonly now: Clock = () => new Date()) {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    // WAL lets readers (usage) run beside the writer; busy_timeout makes a second process wait, not fail.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  create(plan: Plan, limit: number, label?: string): { key: string; row: KeyRow } {
    if (!PLANS.includes(plan)) throw new Error(`unknown plan "${plan}"; plans: ${PLANS.join(', ')}`);
    if (!Number.isInteger(limit) || limit < 0) throw new Error(`the limit must be a whole number >= 0 (0 = unlimited), got ${limit}`);
    const key = `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
    const now = this.now();
    const info = this.db
      .prepare('INSERT INTO keys (hash, prefix, plan, label, checks_limit, period, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(hashKey(key), key.slice(0, KEY_PREFIX.length + 4), plan, label ?? null, limit, periodOf(now), now.toISOString());
    return { key, row: this.byId(Number(info.lastInsertRowid))! };
  }

  list(): KeyRow[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM keys ORDER BY id`).all() as KeyRow[]).map((r) => this.current(r));
  }

  /** Revokes by id or by the listed prefix; returns the rows revoked (a prefix must be unambiguous). */
  revoke(which: string): KeyRow {
    const rows = /^\d+$/.test(which)
      ? (this.db.prepare(`SELECT ${COLUMNS} FROM keys WHERE id = ?`).all(Number(which)) as KeyRow[])
      : (this.db.prepare(`SELECT ${COLUMNS} FROM keys WHERE prefix = ? OR hash = ?`).all(which, hashKey(which)) as KeyRow[]);
    if (rows.length === 0) throw new Error(`no key ${which}; see \`xray keys list\``);
    if (rows.length > 1) throw new Error(`${which} matches ${rows.length} keys; revoke by id`);
    this.db.prepare('UPDATE keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(this.now().toISOString(), rows[0].id);
    return this.byId(rows[0].id)!;
  }

  /** The live (not revoked) row of a presented key, or null. */
  authenticate(key: string): KeyRow | null {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM keys WHERE hash = ? AND revoked_at IS NULL`).get(hashKey(key)) as KeyRow | undefined;
    return row ? this.current(row) : null;
  }

  /**
   * Counts one check if the quota allows it, in one statement: the month rolls over in the same
   * UPDATE (a new period starts at 1). Returns the usage after counting, or null when the quota is spent.
   */
  consume(id: number): Usage | null {
    const period = periodOf(this.now());
    const row = this.db.prepare(`
      UPDATE keys
         SET checks_used = CASE WHEN period = @period THEN checks_used + 1 ELSE 1 END,
             period = @period
       WHERE id = @id AND revoked_at IS NULL
         AND (checks_limit = 0 OR CASE WHEN period = @period THEN checks_used ELSE 0 END < checks_limit)
   RETURNING ${COLUMNS}`).get({ id, period }) as KeyRow | undefined;
    return row ? usageOf(row) : null;
  }

  /** Gives back a check counted for a request that then failed on the server's side. */
  refund(id: number): void {
    this.db.prepare('UPDATE keys SET checks_used = checks_used - 1 WHERE id = ? AND period = ? AND checks_used > 0')
      .run(id, periodOf(this.now()));
  }

  usage(id: number): Usage | null {
    const row = this.byId(id);
    return row ? usageOf(row) : null;
  }

  close(): void {
    this.db.close();
  }

  private byId(id: number): KeyRow | null {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM keys WHERE id = ?`).get(id) as KeyRow | undefined;
    return row ? this.current(row) : null;
  }

  /** A row as of this month: last month's count does not carry over. */
  private current(row: KeyRow): KeyRow {
    const period = periodOf(this.now());
    return row.period === period ? row : { ...row, checks_used: 0, period };
  }
}

export function usageOf(row: KeyRow): Usage {
  return {
    plan: row.plan,
    checks_used: row.checks_used,
    checks_limit: row.checks_limit,
    remaining: row.checks_limit === 0 ? null : Math.max(0, row.checks_limit - row.checks_used),
  };
}
