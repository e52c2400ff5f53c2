/** `xray detectors`: what each signal measures and what really runs. */
import { DETECTORS } from '../detectors/index.js';

export function describeDetectors(asJson: boolean): string {
  const rows = DETECTORS.map(({ key, name, model, desc }) => ({ key, name, model, desc }));
  if (asJson) return `${JSON.stringify(rows, null, 2)}\n`;
  return rows.map((d) => `${d.key}  (${d.name})\n  ${d.desc}\n  model: ${d.model}\n`).join('\n');
}
