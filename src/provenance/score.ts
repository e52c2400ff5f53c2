import type { DetectorOutput } from '../types.js';
import type { C2paManifest } from './c2pa.js';
import type { Findings } from './collect.js';
import type { ExifFacts } from './exif.js';
import { CLASS_WORDS, sourceClass, type SourceClass } from './sourcetype.js';

export const NOTHING_FOUND = 'No provenance metadata found; absence proves nothing (screenshots and re-saves strip it).';

/** Score for an explicit source-type statement, by where it was made and what it says. */
const SOURCE_SCORES: Partial<Record<SourceClass, { c2pa: number; ingredient: number; xmp: number; decisive: boolean }>> = {
  ai: { c2pa: 99, ingredient: 95, xmp: 97, decisive: true },
  algorithmic: { c2pa: 95, ingredient: 92, xmp: 93, decisive: true },
  'ai-composite': { c2pa: 93, ingredient: 92, xmp: 90, decisive: true },
  'synthetic-composite': { c2pa: 65, ingredient: 60, xmp: 62, decisive: false },
  'ai-enhanced': { c2pa: 55, ingredient: 52, xmp: 55, decisive: false },
  capture: { c2pa: 10, ingredient: 20, xmp: 25, decisive: false },
  human: { c2pa: 15, ingredient: 25, xmp: 30, decisive: false },
};

/** A capture claim in a manifest that fails its own integrity checks is worth no more than unsigned XMP. */
const BROKEN_C2PA: Partial<Record<SourceClass, number>> = { capture: 25, human: 30 };

interface Candidate {
  score: number;
  decisive: boolean;
  text: string;
}

/** Weighs what was found into one DetectorOutput. An AI statement outranks any capture claim beside it. */
export function scoreFindings(f: Findings): DetectorOutput {
  const ev: Record<string, unknown> = { container: f.container };
  const cands: Candidate[] = [];
  const captureHints: string[] = [];

  readC2paEvidence(f, ev, cands);

  const xmpTypes = [...new Set(f.xmp.flatMap((x) => x.sourceTypes))];
  if (xmpTypes.length) ev.xmpSourceTypes = xmpTypes;
  for (const t of xmpTypes) {
    const s = SOURCE_SCORES[sourceClass(t)];
    if (!s) continue;
    cands.push({ score: s.xmp, decisive: s.decisive, text: `XMP metadata declares the image ${CLASS_WORDS[sourceClass(t)]} (IPTC digital source type ${t}; unsigned)` });
    ev.sourceType ??= t;
    ev.sourceTypeFrom ??= 'XMP';
  }
  const remote = f.xmp.find((x) => x.remoteManifest)?.remoteManifest;
  if (remote) ev.remoteManifest = remote;

  const gen = f.generators[0];
  if (gen) {
    ev.generator = gen.generator;
    ev.generatorSource = gen.where;
    ev.promptPresent = f.generators.some((g) => g.promptPresent);
    if (gen.model) ev.model = gen.model;
    if (f.generators.length > 1) ev.otherGenerators = f.generators.slice(1, 4).map((g) => `${g.generator} (${g.where})`);
    const prompt = ev.promptPresent ? ' with its prompt' : '';
    cands.push({ score: 98, decisive: true, text: `${gen.where} holds ${gen.generator} generation settings${prompt}: the file was written by an AI image generator` });
  }

  if (f.software) ev.software = f.software;
  const ai = f.aiSoftware[0];
  if (ai) {
    ev.aiSoftware = ai.name;
    cands.push({ score: 90, decisive: false, text: `${ai.where} names the AI image tool ${ai.name}` });
  }

  const cam = camera(f.exif);
  if (cam) {
    Object.assign(ev, cam.evidence);
    captureHints.push(cam.text);
    cands.push({ score: cam.exposure ? 35 : 45, decisive: false, text: `Camera EXIF present (${cam.text}): weak evidence of a real capture, easily forged or copied` });
  }

  if (f.warnings.length) ev.warnings = f.warnings.slice(0, 10);
  if (!cands.length) {
    const c2pa = ev.c2pa as { present: boolean };
    const interp = c2pa.present
      ? 'A C2PA manifest store is present but could not be read (damaged or truncated); it states nothing usable.'
      : NOTHING_FOUND;
    return { score: null, interp, evidence: compact(ev) as Record<string, unknown> };
  }

  const aiSide = cands.filter((c) => c.score >= 50).sort((a, b) => Number(b.decisive) - Number(a.decisive) || b.score - a.score);
  const best = aiSide[0] ?? cands.slice().sort((a, b) => a.score - b.score)[0];
  if (best.decisive) ev.decisive = true;
  let interp = best.text;
  const ingr = ev.c2pa as { ingredientSourceTypes?: string[]; ingredientGenerators?: string[] };
  if (best.text.startsWith('C2PA') && !best.text.includes('ingredient') && ingr.ingredientSourceTypes?.length) {
    const by = ingr.ingredientGenerators?.[0] ? ` by ${ingr.ingredientGenerators[0].split(' ')[0]}` : '';
    interp += `; an earlier manifest${by} declares ${ingr.ingredientSourceTypes.join(', ')}`;
  }
  if (aiSide.length && captureHints.length) interp += `; the file also carries camera EXIF (${captureHints[0]}), which does not outweigh it`;
  return { score: best.score, interp: `${interp}.`, evidence: compact(ev) as Record<string, unknown> };
}

function describeManifest(m: C2paManifest): Record<string, unknown> {
  return {
    label: m.label,
    claimGenerator: m.claimGenerator,
    generatorInfo: m.generatorInfo.length ? m.generatorInfo : undefined,
    sourceTypes: m.sourceTypes,
    actions: m.actions.slice(0, 12).map((a) => [a.action, a.digitalSourceType && `(${a.digitalSourceType})`, a.softwareAgent && `by ${a.softwareAgent}`].filter(Boolean).join(' ')),
    signer: m.signer?.subject,
    signerIssuer: m.signer?.issuer,
  };
}

function readC2paEvidence(f: Findings, ev: Record<string, unknown>, cands: Candidate[]): void {
  const store = f.c2pa.find((s) => s.active) ?? f.c2pa[0];
  if (!store) {
    ev.c2pa = { present: false };
    return;
  }
  const active = store.active;
  const others = store.manifests.filter((m) => m !== active);
  const errors = [...store.errors, ...store.manifests.flatMap((m) => m.errors)].slice(0, 8);
  ev.c2pa = {
    present: true,
    signatureValidated: false,
    trust: 'not checked (no trust list offline)',
    integrity: active?.integrity,
    manifests: store.manifests.length,
    active: active && describeManifest(active),
    ingredientSourceTypes: [...new Set(others.flatMap((m) => m.sourceTypes))],
    ingredientGenerators: others.map((m) => m.claimGenerator).filter(Boolean).slice(0, 6),
    errors: errors.length ? errors : undefined,
  };
  if (!active) return;
  ev.claimGenerator = active.claimGenerator ?? active.generatorInfo[0];
  const { pre, intact } = manifestWords(active, ev.claimGenerator as string | undefined);
  for (const t of active.sourceTypes) {
    const s = SOURCE_SCORES[sourceClass(t)];
    if (!s) continue;
    const score = intact ? s.c2pa : BROKEN_C2PA[sourceClass(t)] ?? s.c2pa;
    cands.push({ score, decisive: s.decisive, text: `${pre} declares the image ${CLASS_WORDS[sourceClass(t)]} (${t})` });
    ev.sourceType ??= t;
    ev.sourceTypeFrom ??= 'C2PA active manifest';
  }
  for (const t of new Set(others.flatMap((m) => m.sourceTypes))) {
    const s = SOURCE_SCORES[sourceClass(t)];
    if (!s || active.sourceTypes.length) continue;
    cands.push({ score: s.ingredient, decisive: s.decisive, text: `${pre} lists an ingredient declared ${CLASS_WORDS[sourceClass(t)]} (${t})` });
    ev.sourceType ??= t;
    ev.sourceTypeFrom ??= 'C2PA ingredient manifest';
  }
  const agents = [active.claimGenerator, ...active.generatorInfo, ...active.actions.map((a) => a.softwareAgent)];
  const aiAgent = agents.map((a) => a && /firefly|dall|openai|chatgpt|imagen|google ai|midjourney|stable diffusion|sora/i.exec(a)?.[0]).find(Boolean);
  if (aiAgent && !cands.some((c) => c.decisive)) cands.push({ score: 90, decisive: false, text: `${pre} names the AI tool ${aiAgent}` });
  if (!cands.length) cands.push({ score: 30, decisive: false, text: `${pre} records the image's history and declares no AI step` });
}

/** How far the active manifest can be believed, in words, and whether it passed every offline check. */
function manifestWords(m: C2paManifest, generator: string | undefined): { pre: string; intact: boolean } {
  const who = generator ? `claim generator ${generator.split(' ')[0]}` : 'no claim generator';
  const by = m.signer ? ` signed by ${orgOf(m.signer.subject)}` : '';
  const i = m.integrity;
  if (!i || i.claimSignature === 'missing' || i.claimSignature === 'unsupported algorithm')
    return { pre: `C2PA manifest${by} (${who}; signature not checked)`, intact: false };
  if (i.claimSignature === 'invalid') return { pre: `C2PA manifest (${who}) whose signature does NOT verify (tampered or damaged)`, intact: false };
  if (i.assertionHashes === 'mismatch') return { pre: `C2PA manifest (${who}) whose assertions do not match their signed hashes (tampered)`, intact: false };
  if (i.contentHash === 'mismatch')
    return { pre: `C2PA manifest${by} (${who}) whose signed content hash no longer matches the image (changed after signing)`, intact: false };
  return { pre: `C2PA manifest${by} (${who}; signature and hashes check out, signer not checked against a trust list)`, intact: true };
}

function orgOf(dn: string): string {
  return /(?:^|, )O=([^,]+)/.exec(dn)?.[1] ?? /(?:^|, )CN=([^,]+)/.exec(dn)?.[1] ?? 'an unknown signer';
}

function camera(list: ExifFacts[]): { text: string; exposure: boolean; evidence: Record<string, unknown> } | undefined {
  const e = list.find((x) => x.make || x.model);
  if (!e) return undefined;
  const looksGenerated = (s?: string) => !!s && /^(prompt|workflow):/.test(s);
  if (looksGenerated(e.make) || looksGenerated(e.model)) return undefined;
  const parts: string[] = [];
  if (e.exposureTime) parts.push(e.exposureTime < 1 ? `1/${Math.round(1 / e.exposureTime)} s` : `${e.exposureTime} s`);
  if (e.fNumber) parts.push(`f/${e.fNumber}`);
  if (e.iso) parts.push(`ISO ${e.iso}`);
  const name = e.model && e.make && e.model.toLowerCase().startsWith(e.make.toLowerCase().split(' ')[0]) ? e.model : [e.make, e.model].filter(Boolean).join(' ');
  const evidence: Record<string, unknown> = { cameraMake: e.make, cameraModel: e.model };
  if (e.lens) evidence.lens = e.lens;
  if (parts.length) evidence.exposure = parts.join(' ');
  if (e.dateTimeOriginal) evidence.dateTimeOriginal = e.dateTimeOriginal;
  return { text: [name, ...parts].join(', '), exposure: parts.length > 0, evidence };
}

/** Drops undefined fields and empty lists so the JSON evidence shows only what was found. */
function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(compact);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined || (Array.isArray(x) && x.length === 0)) continue;
      out[k] = compact(x);
    }
    return out;
  }
  return v;
}
