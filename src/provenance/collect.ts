import { readC2pa, type C2paStore } from './c2pa.js';
import { readExif, type ExifFacts } from './exif.js';
import { aiToolName, readGeneratorTexts, type GeneratorFinding } from './generators.js';
import { readIptc, type IptcFacts } from './iptc.js';
import type { TextItem } from './segments.js';
import { walkContainer } from './walk.js';
import { readXmp, type XmpFacts } from './xmp.js';

/** Everything the readers found in one file, before any weighing. */
export interface Findings {
  container: string;
  c2pa: C2paStore[];
  xmp: XmpFacts[];
  iptc: IptcFacts[];
  exif: ExifFacts[];
  generators: GeneratorFinding[];
  /** Software fields that name an AI image tool. */
  aiSoftware: Array<{ name: string; where: string }>;
  /** The file's own Software / CreatorTool, whatever it is. */
  software?: string;
  warnings: string[];
}

const LABELS: Record<string, string> = { png: 'PNG text', jpeg: 'JPEG', webp: 'WebP', bmff: 'HEIF', tiff: 'TIFF', unknown: 'file' };

/** Walks the container and runs every segment reader; each reader's failure is caught and noted. */
export async function collectFindings(bytes: Uint8Array): Promise<Findings> {
  const seg = walkContainer(bytes);
  const f: Findings = { container: seg.container, c2pa: [], xmp: [], iptc: [], exif: [], generators: [], aiSoftware: [], warnings: seg.warnings };
  const guard = <T>(what: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      f.warnings.push(`${what}: ${(e as Error).message}`.slice(0, 200));
      return undefined;
    }
  };

  for (const j of seg.jumbf.slice(0, 4)) {
    const store = guard('C2PA', () => readC2pa(j, bytes));
    if (store) f.c2pa.push(store);
  }
  for (const x of seg.xmp.slice(0, 8)) {
    const facts = guard('XMP', () => readXmp(x));
    if (facts) f.xmp.push(facts);
  }
  for (const i of seg.iptc.slice(0, 4)) {
    const facts = guard('IPTC', () => readIptc(i));
    if (facts) f.iptc.push(facts);
  }
  for (const e of seg.exif.slice(0, 2)) {
    try {
      f.exif.push(await readExif(e));
    } catch (err) {
      f.warnings.push(`EXIF: ${(err as Error).message}`.slice(0, 200));
    }
  }

  const label = LABELS[seg.container] ?? seg.container;
  guard('generator text', () => f.generators.push(...readGeneratorTexts(seg.texts, label)));
  guard('EXIF text', () => f.generators.push(...readGeneratorTexts(exifTexts(f.exif), 'EXIF')));
  guard('XMP text', () => f.generators.push(...readGeneratorTexts(xmpTexts(f.xmp), 'XMP')));

  const softwareFields: Array<[string | undefined, string]> = [
    ...f.exif.map((e) => [e.software, 'EXIF Software'] as [string | undefined, string]),
    ...f.xmp.map((x) => [x.creatorTool, 'XMP CreatorTool'] as [string | undefined, string]),
    ...f.xmp.map((x) => [x.credit, 'XMP Credit'] as [string | undefined, string]),
    ...f.iptc.map((i) => [i.program, 'IPTC OriginatingProgram'] as [string | undefined, string]),
    ...f.iptc.map((i) => [i.credit, 'IPTC Credit'] as [string | undefined, string]),
    ...seg.texts.filter((t) => t.key === 'Software').map((t) => [t.value, `${label} 'Software'`] as [string, string]),
  ];
  for (const [value, where] of softwareFields) {
    if (!value) continue;
    if (/Software'?$|CreatorTool$/.test(where)) f.software ??= value.slice(0, 200);
    const name = aiToolName(value);
    if (name) f.aiSoftware.push({ name, where });
  }
  return f;
}

function exifTexts(list: ExifFacts[]): TextItem[] {
  const out: TextItem[] = [];
  for (const e of list) {
    const add = (key: string, value: string | undefined) => value && out.push({ key, value, truncated: false });
    add('UserComment', e.userComment);
    add('ImageDescription', e.imageDescription);
    add('Make', e.make);
    add('Model', e.model);
    add('Software', e.software);
  }
  return out;
}

function xmpTexts(list: XmpFacts[]): TextItem[] {
  const out: TextItem[] = [];
  for (const x of list) {
    if (x.description) out.push({ key: 'dc:description', value: x.description, truncated: false });
    if (x.userComment) out.push({ key: 'exif:UserComment', value: x.userComment, truncated: false });
  }
  return out;
}
