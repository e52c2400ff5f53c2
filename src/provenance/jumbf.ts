import { LIMITS } from './limits.js';
import { ascii, decodeUtf8, indexOfZero, u32be, u64be } from './bytes.js';

/** One JUMBF superbox (`jumb`): its description (`jumd`) and what it holds. */
export interface JumbfNode {
  /** First four bytes of the description UUID as text: 'c2pa', 'c2ma', 'c2as', 'c2cl', 'c2cs', 'cbor', 'json', ... */
  kind: string;
  label: string;
  children: JumbfNode[];
  /** Content boxes (`cbor`, `json`, `uuid`, `bfdb`, `bidb`, ...), payloads as views into the store. */
  contents: Array<{ type: string; data: Uint8Array }>;
  /** The superbox's bytes after its own box header (description box onwards): what C2PA hashes. */
  body: Uint8Array;
}

export class JumbfError extends Error {}

interface Walk {
  boxes: number;
}

/** Parses a JUMBF superbox with hard limits on depth and box count; malformed input throws JumbfError. */
export function parseJumbf(b: Uint8Array): JumbfNode {
  const w: Walk = { boxes: 0 };
  const top = readBoxHeader(b, 0, b.length);
  if (!top || top.type !== 'jumb') throw new JumbfError('not a JUMBF superbox');
  return superbox(b, top.body, top.end, 0, w);
}

function readBoxHeader(b: Uint8Array, o: number, end: number): { type: string; body: number; end: number } | undefined {
  let size = u32be(b, o);
  if (size === undefined || o + 8 > end) return undefined;
  const type = ascii(b, o + 4, 4);
  let body = o + 8;
  if (size === 1) {
    size = u64be(b, o + 8);
    body = o + 16;
    if (size === undefined) return undefined;
  } else if (size === 0) size = end - o;
  if (size < body - o || o + size > end) return undefined;
  return { type, body, end: o + size };
}

function superbox(b: Uint8Array, from: number, to: number, depth: number, w: Walk): JumbfNode {
  if (depth > LIMITS.maxJumbfDepth) throw new JumbfError('JUMBF nested too deep');
  const node: JumbfNode = { kind: '', label: '', children: [], contents: [], body: b.subarray(from, to) };
  let o = from;
  let first = true;
  while (o + 8 <= to) {
    if (++w.boxes > LIMITS.maxJumbfBoxes) throw new JumbfError('JUMBF has too many boxes');
    const h = readBoxHeader(b, o, to);
    if (!h) throw new JumbfError('JUMBF box runs past its parent');
    if (first) {
      if (h.type !== 'jumd') throw new JumbfError('JUMBF superbox without a description box');
      describe(node, b.subarray(h.body, h.end));
      first = false;
    } else if (h.type === 'jumb') {
      node.children.push(superbox(b, h.body, h.end, depth + 1, w));
    } else {
      node.contents.push({ type: h.type, data: b.subarray(h.body, h.end) });
    }
    o = h.end;
  }
  if (first) throw new JumbfError('empty JUMBF superbox');
  return node;
}

function describe(node: JumbfNode, d: Uint8Array): void {
  if (d.length < 17) throw new JumbfError('JUMBF description box too short');
  node.kind = ascii(d, 0, 4).replace(/[^\x20-\x7e]/g, '?');
  const toggles = d[16];
  if (toggles & 0x02) {
    const z = indexOfZero(d, 17);
    node.label = decodeUtf8(d.subarray(17, z < 0 ? d.length : z)).slice(0, 512);
  }
}

/** Finds a direct child by label, ignoring C2PA's `__N` instance suffix only when asked. */
export function child(node: JumbfNode, label: string): JumbfNode | undefined {
  return node.children.find((c) => c.label === label);
}
