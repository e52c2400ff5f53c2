/**
 * The ROC and reliability curves of an eval report as one SVG (written by hand: no plotting
 * dependency), or a PNG rendered from that SVG by sharp.
 */
import type { EvalReport } from './report.js';

const W = 880, H = 440, PANEL = 320, TOP = 60, LEFTS = [70, 510];
const f3 = (x: number | null) => (x === null ? '—' : x.toFixed(3));
const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function axes(left: number, title: string, xLabel: string, yLabel: string): string {
  const x = (v: number) => left + v * PANEL, y = (v: number) => TOP + PANEL - v * PANEL;
  const parts = [`<rect x="${left}" y="${TOP}" width="${PANEL}" height="${PANEL}" fill="#fff" stroke="#333"/>`];
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    parts.push(`<line x1="${x(v)}" y1="${TOP}" x2="${x(v)}" y2="${TOP + PANEL}" stroke="#eee"/>`,
      `<line x1="${left}" y1="${y(v)}" x2="${left + PANEL}" y2="${y(v)}" stroke="#eee"/>`,
      `<text x="${x(v)}" y="${TOP + PANEL + 16}" text-anchor="middle">${v.toFixed(1)}</text>`,
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 4"/>`,
    `<text x="${left + PANEL / 2}" y="${TOP - 12}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
    `<text x="${left + PANEL / 2}" y="${TOP + PANEL + 36}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(${left - 40} ${TOP + PANEL / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  return parts.join('\n');
}

export function plotSvg(report: EvalReport): string {
  const [rl, cl] = LEFTS;
  const px = (left: number, v: number) => (left + v * PANEL).toFixed(1);
  const py = (v: number) => (TOP + PANEL - v * PANEL).toFixed(1);
  const roc = report.roc.map((p) => `${px(rl, p.fpr)},${py(p.tpr)}`).join(' ');
  const bins = report.calibration.bins.filter((b) => b.n > 0 && b.meanPredicted !== null && b.fractionAi !== null);
  const maxN = Math.max(1, ...bins.map((b) => b.n));
  const bars = bins.map((b) => {
    const h = (b.n / maxN) * PANEL * 0.25;
    return `<rect x="${px(cl, b.lo)}" y="${(TOP + PANEL - h).toFixed(1)}" width="${(PANEL * (b.hi - b.lo) - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#cfe0f3"/>`;
  }).join('\n');
  const rel = bins.map((b) => `${px(cl, b.meanPredicted!)},${py(b.fractionAi!)}`).join(' ');
  const dots = bins.map((b) => `<circle cx="${px(cl, b.meanPredicted!)}" cy="${py(b.fractionAi!)}" r="3" fill="#c0392b"/>`).join('\n');
  const t = report.atThreshold;
  const mark = t.fpr !== null && t.tpr !== null ? `<circle cx="${px(rl, t.fpr)}" cy="${py(t.tpr)}" r="4" fill="none" stroke="#c0392b" stroke-width="2"/>` : '';
  const view = report.view.shortcutFree ? `shortcut-free view (${report.view.crop} px crop, JPEG q${report.view.jpegQuality})` : 'files as given';
  const c = report.counts;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="#fafafa"/>
<text x="${W / 2}" y="22" text-anchor="middle" font-size="13">${esc(`xray eval · ${c.analysedAi} AI + ${c.analysedReal} real · ${view} · AUC ${f3(report.auc)} · ECE ${f3(report.calibration.ece)}`)}</text>
${axes(rl, `ROC (AUC ${f3(report.auc)})`, 'false-positive rate (real called AI)', 'true-positive rate (AI caught)')}
<polyline points="${roc}" fill="none" stroke="#1f5fa8" stroke-width="2"/>
${mark}
<text x="${rl + PANEL - 6}" y="${TOP + PANEL - 8}" text-anchor="end">○ threshold ${report.threshold}</text>
${axes(cl, `Reliability (ECE ${f3(report.calibration.ece)})`, 'composite / 100 (mean per bin)', 'share of AI images in the bin')}
${bars}
<polyline points="${rel}" fill="none" stroke="#c0392b" stroke-width="2"/>
${dots}
<text x="${cl + 6}" y="${TOP + 14}">bars: images per bin</text>
</svg>
`;
}

/** Writes the plot; the format follows the extension (.svg or .png). */
export async function writePlot(file: string, report: EvalReport): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  const svg = plotSvg(report);
  if (/\.svg$/i.test(file)) return writeFile(file, svg);
  const { default: sharp } = await import('sharp');
  await sharp(Buffer.from(svg), { density: 144 }).png().toFile(file);
}
