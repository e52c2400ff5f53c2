import { LIMITS } from './limits.js';
import { sourceTerm } from './sourcetype.js';

export interface XmpFacts {
  sourceTypes: string[];
  creatorTool?: string;
  credit?: string;
  description?: string;
  userComment?: string;
  make?: string;
  model?: string;
  /** dcterms:provenance: where a remote C2PA manifest lives (never fetched: xray is offline). */
  remoteManifest?: string;
}

const MAX_VALUE = 4000;

/**
 * Reads a handful of properties from an XMP packet without an XML parser: linear indexOf scans only,
 * so deep nesting or a huge packet costs time proportional to its (capped) size and nothing more.
 * Handles both the attribute form (ns:Prop="v") and the element form (<ns:Prop>v</ns:Prop>, incl. rdf:Alt).
 */
export function readXmp(packet: string): XmpFacts {
  const x = packet.length > LIMITS.maxTextBytes ? packet.slice(0, LIMITS.maxTextBytes) : packet;
  const types = new Set<string>();
  // Writers differ in the prefix bound to the IPTC Extension namespace; take whichever is used.
  const prefixes = new Set<string>(['Iptc4xmpExt']);
  const re = /([A-Za-z][\w-]{0,39}):DigitalSourceType/g;
  let m: RegExpExecArray | null;
  for (let n = 0; n < 16 && (m = re.exec(x)); n++) prefixes.add(m[1]);
  for (const p of prefixes) {
    for (const v of values(x, `${p}:DigitalSourceType`, 8)) {
      const t = sourceTerm(v);
      if (t) types.add(t);
    }
  }
  return {
    sourceTypes: [...types],
    creatorTool: values(x, 'xmp:CreatorTool', 1)[0],
    credit: values(x, 'photoshop:Credit', 1)[0],
    description: values(x, 'dc:description', 1)[0],
    userComment: values(x, 'exif:UserComment', 1)[0],
    make: values(x, 'tiff:Make', 1)[0],
    model: values(x, 'tiff:Model', 1)[0],
    remoteManifest: values(x, 'dcterms:provenance', 1)[0],
  };
}

/** Up to `max` values of a property, whichever syntax the writer used. */
function values(x: string, name: string, max: number): string[] {
  const out: string[] = [];
  let from = 0;
  for (let n = 0; n < 1000 && out.length < max; n++) {
    const i = x.indexOf(name, from);
    if (i < 0) break;
    from = i + name.length;
    const prev = x.charCodeAt(i - 1);
    const after = x.slice(from, from + 3);
    if (prev === 60 /* < */) {
      const gt = x.indexOf('>', from);
      if (gt < 0) break;
      if (x[gt - 1] === '/') {
        // <ns:Prop rdf:resource="..."/>
        const r = /rdf:resource\s*=\s*["']([^"']{0,2000})["']/.exec(x.slice(from, gt));
        if (r) out.push(unescape(r[1]));
        continue;
      }
      const close = x.indexOf(`</${name}`, gt);
      if (close < 0) break;
      const inner = x.slice(gt + 1, Math.min(close, gt + 1 + MAX_VALUE * 4));
      const text = unescape(inner.replace(/<[^>]{0,2000}>/g, ' ').replace(/\s+/g, ' ').trim());
      if (text) out.push(text.slice(0, MAX_VALUE));
      else {
        const r = /rdf:resource\s*=\s*["']([^"']{0,2000})["']/.exec(x.slice(from, gt));
        if (r) out.push(unescape(r[1]));
      }
      from = close;
    } else if (/^\s*=/.test(after)) {
      const m = /^\s*=\s*(["'])/.exec(x.slice(from, from + 8));
      if (!m) continue;
      const start = from + m[0].length;
      const end = x.indexOf(m[1], start);
      if (end < 0) break;
      out.push(unescape(x.slice(start, Math.min(end, start + MAX_VALUE))));
      from = end + 1;
    }
  }
  return out;
}

function unescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(x[0-9a-fA-F]{1,6}|\d{1,7});/g, (_, c: string) => {
      const cp = c[0] === 'x' ? parseInt(c.slice(1), 16) : parseInt(c, 10);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    })
    .replace(/&amp;/g, '&');
}
