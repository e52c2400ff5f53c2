/** `xray keys create|list|revoke`: the text the commands print, kept apart from commander. */
import type { KeyRow } from './store.js';

export function formatKeyList(rows: KeyRow[]): string {
  if (rows.length === 0) return 'no keys yet; make one with `xray keys create --plan pro --limit 500`\n';
  const header = ['id', 'key', 'plan', 'used / limit', 'month', 'created', 'status', 'label'];
  const lines = rows.map((r) => [
    String(r.id),
    `${r.prefix}…`,
    r.plan,
    `${r.checks_used} / ${r.checks_limit === 0 ? '∞' : r.checks_limit}`,
    r.period,
    r.created_at.slice(0, 10),
    r.revoked_at ? `revoked ${r.revoked_at.slice(0, 10)}` : 'active',
    r.label ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return `${[row(header), ...lines.map(row)].join('\n')}\n`;
}
