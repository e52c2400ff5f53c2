/**
 * Time per detector, measured in this process on one thread: xray's own decode() and each entry of
 * the DETECTORS registry called directly, so no pool, I/O or fusion time is mixed in. The first
 * image is a warm-up (JIT, model loading) and is reported apart: it is what a cold start pays once.
 * Wall and CPU time are both kept: when other jobs load the machine, wall time grows and CPU time
 * (process.cpuUsage, all threads of this otherwise idle process) stays close to the true cost.
 */
import { readFile } from 'node:fs/promises';
import { median } from './measure.js';

const LIMITS = { maxBytes: 1 << 30, maxPixels: 1e9 };

export async function timeDetectors(distUrl, sets) {
  const { DETECTORS } = await import(new URL('detectors/index.js', distUrl).href);
  const { decode } = await import(new URL('image/decode.js', distUrl).href);
  const keys = ['decode', ...DETECTORS.map((d) => d.key)];

  const once = async (file) => {
    const bytes = await readFile(file);
    const ms = {}, cpu = {}, judged = {};
    const timed = async (key, fn) => {
      const c = process.cpuUsage(), t = performance.now();
      const out = await fn();
      ms[key] = performance.now() - t;
      const used = process.cpuUsage(c);
      cpu[key] = (used.user + used.system) / 1000;
      return out;
    };
    const img = await timed('decode', () => decode(bytes, file, LIMITS));
    for (const d of DETECTORS) judged[d.key] = (await timed(d.key, () => d.analyse(img))).score !== null;
    return { ms, cpu, judged };
  };

  const warm = await once(sets[0].files[0]);
  const rows = [];
  for (const set of sets) {
    const samples = [];
    for (const file of set.files) samples.push(await once(file));
    const med = (field) => Object.fromEntries(keys.map((k) => [k, median(samples.map((s) => s[field][k]))]));
    const sum = (m) => DETECTORS.reduce((total, d) => total + m[d.key], 0);
    const medianMs = med('ms'), medianCpuMs = med('cpu');
    const notJudged = DETECTORS.filter((d) => samples.some((s) => !s.judged[d.key])).map((d) => d.key);
    rows.push({ set: set.label, images: set.files.length, medianMs, medianCpuMs, detectorsMs: sum(medianMs), detectorsCpuMs: sum(medianCpuMs), notJudged });
  }
  return { keys, warmupMs: warm.ms, rows };
}
