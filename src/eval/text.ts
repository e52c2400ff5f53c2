/** The eval report as text for people: headline numbers, calibration bins, signals, breakdowns, failures. */
import Table from 'cli-table3';
import { printable } from '../output/sanitize.js';
import type { EvalReport } from './report.js';

const f3 = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));
const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);
const plain = () => new Table({ style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });

export function formatReport(r: EvalReport): string {
  const c = r.counts;
  const view = r.view.shortcutFree
    ? `shortcut-free view: centred ${r.view.crop} px square crops, JPEG q${r.view.jpegQuality}, no metadata`
    : 'files as given (format, size and metadata included)';
  const t = r.atThreshold;
  const lines = [
    `xray eval: ${c.analysedAi} AI + ${c.analysedReal} real images analysed${c.failed ? `, ${c.failed} failed` : ''}; ${view}`,
    c.decidedByProvenance ? `  ${c.decidedByProvenance} decided by provenance metadata (a file that states its origin)` : '',
    '',
    `AUC                 ${f3(r.auc)}`,
    `at threshold ${r.threshold}`.padEnd(20) + `accuracy ${f3(t.accuracy)} · TPR ${pct(t.tpr)} (${t.tp}/${t.tp + t.fn} AI caught) · FPR ${pct(t.fpr)} (${t.fp}/${t.fp + t.tn} real flagged)`,
    `for FPR ≤ ${pct(r.targetFpr)}`.padEnd(20) + (r.forTargetFpr.threshold === null
      ? 'no threshold on these scores keeps FPR that low'
      : `--threshold ${r.forTargetFpr.threshold} → TPR ${pct(r.forTargetFpr.tpr)}, FPR ${pct(r.forTargetFpr.fpr)} on this set`),
    ...r.tprAtFpr.map((a) => `TPR at ${pct(a.targetFpr)} FPR`.padEnd(20) + `${pct(a.tpr)} (threshold ${a.threshold ?? '—'})`),
    `calibration         ECE ${f3(r.calibration.ece)} at this set's mix (${pct(r.aiShare)} AI); ${f3(r.calibration.eceEvenOdds)} with classes weighted equally`,
    '',
  ];
  const bins = plain();
  bins.push(['composite', ...r.calibration.bins.map((b) => `${Math.round(100 * b.lo)}-${Math.round(100 * b.hi)}`)]);
  bins.push(['images', ...r.calibration.bins.map((b) => String(b.n))]);
  bins.push(['% AI', ...r.calibration.bins.map((b) => (b.fractionAi === null ? '—' : (100 * b.fractionAi).toFixed(0)))]);
  lines.push('Reliability (share of AI images per composite bin):', bins.toString(), '');

  const sig = plain();
  sig.push(['signal', 'AUC', 'judged', 'AI', 'real']);
  for (const s of r.signals) sig.push([s.key, f3(s.auc), String(s.n), String(s.nAi), String(s.nReal)]);
  lines.push('Per signal (over the images each could judge):', sig.toString(), '');

  for (const [name, rows] of Object.entries(r.groups)) {
    const g = plain();
    g.push([`by ${name}`, 'n', 'AUC', `TPR@${r.threshold}`, `FPR@${r.threshold}`, 'mean composite']);
    for (const x of rows) g.push([printable(x.group), String(x.n), f3(x.auc), pct(x.tpr), pct(x.fpr), x.meanScore.toFixed(1)]);
    lines.push(g.toString(), '');
  }
  if (r.failed.length) {
    lines.push(`Could not analyse (${r.failed.length}, left out of every number above):`);
    for (const x of r.failed) lines.push(`  ✗ ${printable(x.path)}: ${printable(x.detail)} (${x.status})`);
    lines.push('');
  }
  return `${lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n')}\n`;
}
