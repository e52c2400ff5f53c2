import { decodeCbor, type CborValue } from './cbor.js';
import { LIMITS } from './limits.js';
import { decodeUtf8 } from './bytes.js';
import { checkAssertions, checkContent, checkSignature, type Integrity, type Signer } from './c2pa-verify.js';
import { parseJumbf, type JumbfNode } from './jumbf.js';
import { sourceTerm, sourceTermsIn } from './sourcetype.js';

export interface C2paAction {
  action: string;
  digitalSourceType?: string;
  softwareAgent?: string;
}

export interface C2paManifest {
  label: string;
  claimGenerator?: string;
  /** Names (with versions) from claim_generator_info. */
  generatorInfo: string[];
  title?: string;
  actions: C2paAction[];
  /** Every IPTC source-type term this manifest states, from actions or other assertions. */
  sourceTypes: string[];
  ingredients: Array<{ title?: string; relationship?: string }>;
  /** Subject and issuer of the signing certificate as written in the file; not checked against any trust list. */
  signer?: Signer;
  /** Offline integrity checks; undefined for older manifests we did not check (see MAX_VERIFIED). */
  integrity?: Integrity;
  errors: string[];
}

export interface C2paStore {
  manifests: C2paManifest[];
  /** The last manifest in the store, per the C2PA spec. */
  active?: C2paManifest;
  errors: string[];
}

/** Signature checks cost a public-key operation each; a hostile store could hold thousands of manifests. */
const MAX_VERIFIED = 8;

/**
 * Reads a C2PA manifest store from a JUMBF superbox. With the file's bytes, the active manifest's
 * hard-binding hash is checked too. Never throws; problems land in `errors`.
 */
export function readC2pa(jumbf: Uint8Array, file?: Uint8Array): C2paStore | undefined {
  let root: JumbfNode;
  try {
    root = parseJumbf(jumbf);
  } catch (e) {
    return { manifests: [], errors: [`JUMBF unreadable: ${(e as Error).message}`] };
  }
  if (root.kind !== 'c2pa' && root.label !== 'c2pa') return undefined;
  const store: C2paStore = { manifests: [], errors: [] };
  const nodes = root.children.filter((m) => m.kind === 'c2ma' || m.kind === 'c2um');
  const ctx: Ctx = { cborBytes: 0 };
  // Newest first, so that the active manifest gets the decoding budget before old ingredients.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const last = i === nodes.length - 1;
    store.manifests.unshift(readManifest(nodes[i], i >= nodes.length - MAX_VERIFIED, last ? file : undefined, ctx));
  }
  store.active = store.manifests[store.manifests.length - 1];
  if (!store.active) store.errors.push('C2PA store holds no manifest');
  return store;
}

/** Decoding budget shared by one store's manifests (see LIMITS.maxCborBytesPerStore). */
interface Ctx {
  cborBytes: number;
}

function cbor(node: JumbfNode | undefined, errors: string[], ctx: Ctx): CborValue {
  const box = node?.contents.find((c) => c.type === 'cbor');
  if (!box) return undefined;
  ctx.cborBytes += box.data.length;
  if (ctx.cborBytes > LIMITS.maxCborBytesPerStore) {
    errors.push(`${node!.label}: over the CBOR budget, not decoded`);
    return undefined;
  }
  try {
    return decodeCbor(box.data);
  } catch (e) {
    errors.push(`${node!.label}: ${(e as Error).message}`);
    return undefined;
  }
}

function str(v: CborValue): string | undefined {
  return typeof v === 'string' ? v.slice(0, 300) : undefined;
}

function obj(v: CborValue): { [k: string]: CborValue } | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? v : undefined;
}

function baseLabel(label: string): string {
  return label.replace(/__\d+$/, '');
}

function readManifest(m: JumbfNode, verify: boolean, file: Uint8Array | undefined, ctx: Ctx): C2paManifest {
  const out: C2paManifest = { label: m.label, generatorInfo: [], actions: [], sourceTypes: [], ingredients: [], errors: [] };
  const claimNode = m.children.find((c) => c.kind === 'c2cl' || c.label.startsWith('c2pa.claim'));
  const claim = obj(cbor(claimNode, out.errors, ctx));
  if (claim) {
    out.claimGenerator = str(claim['claim_generator']);
    const info = claim['claim_generator_info'];
    for (const g of Array.isArray(info) ? info : [info]) {
      const o = obj(g);
      const name = o && str(o['name']);
      if (name) out.generatorInfo.push(o['version'] !== undefined ? `${name} ${String(o['version'])}` : name);
    }
    out.title = str(claim['dc:title']);
  } else out.errors.push('claim missing or unreadable');
  const terms = new Set<string>();
  const assertions = m.children.find((c) => c.kind === 'c2as' || c.label === 'c2pa.assertions');
  for (const a of assertions?.children ?? []) readAssertion(a, out, terms, ctx);
  out.sourceTypes = [...terms];
  if (verify) {
    const sigNode = m.children.find((c) => c.kind === 'c2cs' || c.label === 'c2pa.signature');
    const cose = checkSignature(sigNode?.contents.find((c) => c.type === 'cbor')?.data, claimNode?.contents.find((c) => c.type === 'cbor')?.data);
    out.signer = cose.signer;
    out.integrity = {
      claimSignature: cose.claimSignature,
      certChain: cose.certChain,
      assertionHashes: checkAssertions(claim, assertions),
      contentHash: file ? checkContent(assertions, claim, file) : 'not checked',
    };
  }
  return out;
}

function readAssertion(a: JumbfNode, out: C2paManifest, terms: Set<string>, ctx: Ctx): void {
  const label = baseLabel(a.label);
  if (label === 'c2pa.actions' || label === 'c2pa.actions.v2') {
    const body = obj(cbor(a, out.errors, ctx));
    const list = body?.['actions'];
    if (!Array.isArray(list)) return;
    for (const x of list.slice(0, 200)) {
      const act = obj(x);
      if (!act) continue;
      const dst = str(act['digitalSourceType']);
      const term = dst ? sourceTerm(dst) : undefined;
      if (term) terms.add(term);
      const agent = act['softwareAgent'];
      const agentName = str(agent) ?? str(obj(agent)?.['name']);
      out.actions.push({ action: str(act['action']) ?? '?', digitalSourceType: term ?? dst, softwareAgent: agentName });
    }
  } else if (label.startsWith('c2pa.ingredient')) {
    const ing = obj(cbor(a, out.errors, ctx));
    if (ing) out.ingredients.push({ title: str(ing['dc:title']), relationship: str(ing['relationship']) });
  } else {
    // IPTC/schema.org assertions are JSON(-LD) and may state a source type outside the actions.
    const json = a.contents.find((c) => c.type === 'json');
    if (json && json.data.length < 1 << 20) for (const t of sourceTermsIn(decodeUtf8(json.data))) terms.add(t);
  }
}
