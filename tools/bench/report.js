/** Plain-text tables and the pass/miss verdicts against the targets of issue 4. */

export const TARGETS = {
  ratio: { text: '≥ 0.33× (aim 0.5×)', pass: (v) => v >= 0.33 },
  cold: { text: '≤ 0.6 s', pass: (v) => v <= 0.6 },
  rss: { text: '≤ 600 MB', pass: (v) => v <= 600 },
  scaling: { text: '≥ 1.7×', pass: (v) => v >= 1.7 },
};

export const verdict = (key, value) => (value === null || value === undefined || Number.isNaN(value) ? 'n/a' : TARGETS[key].pass(value) ? 'PASS' : 'MISS');

export function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const fmt = (v, digits = 2) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits));
