import { constants, createHash, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { decodeCbor, type CborValue } from './cbor.js';
import type { JumbfNode } from './jumbf.js';
import { LIMITS } from './limits.js';

/**
 * Integrity checks of one C2PA manifest, all offline: the COSE_Sign1 signature over the claim against
 * the certificate embedded in the file, the claim's hashes of its assertions, and (for the active
 * manifest) the hard-binding hash of the file's bytes. What is NOT checked: whether the certificate
 * chains to a trusted root (no trust list ships with xray), revocation, and timestamps. So a valid
 * result proves the manifest is intact and was signed by whoever holds that certificate's key, not who that is.
 */
export interface Integrity {
  claimSignature: 'valid' | 'invalid' | 'unsupported algorithm' | 'missing';
  assertionHashes: 'match' | 'mismatch' | 'not checked';
  contentHash: 'match' | 'mismatch' | 'not checked';
  /** Certificates in x5chain each signed by the next one (self-consistency only, not trust). */
  certChain: 'consistent' | 'broken' | 'single certificate' | 'missing';
}

export interface Signer {
  subject: string;
  issuer: string;
}

type Obj = { [k: string]: CborValue };
const obj = (v: CborValue): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? v : undefined);

/** COSE algorithm ids used by C2PA. */
const ALGS: Record<string, { hash: string | null; pss?: number }> = {
  '-7': { hash: 'sha256' },
  '-35': { hash: 'sha384' },
  '-36': { hash: 'sha512' },
  '-37': { hash: 'sha256', pss: 32 },
  '-38': { hash: 'sha384', pss: 48 },
  '-39': { hash: 'sha512', pss: 64 },
  '-8': { hash: null },
};
const HASHES = new Set(['sha256', 'sha384', 'sha512']);

function cborHead(major: number, n: number): Uint8Array {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 256) return Uint8Array.of((major << 5) | 24, n);
  if (n < 65536) return Uint8Array.of((major << 5) | 25, n >> 8, n & 255);
  return Uint8Array.of((major << 5) | 26, n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255);
}

/** Sig_structure = ["Signature1", protected, external_aad = h'', payload] (RFC 9052 §4.4). */
function sigStructure(prot: Uint8Array, payload: Uint8Array): Buffer {
  const ctx = Buffer.from('Signature1');
  return Buffer.concat([Uint8Array.of(0x84), cborHead(3, ctx.length), ctx, cborHead(2, prot.length), prot, Uint8Array.of(0x40), cborHead(2, payload.length), payload]);
}

export interface CoseInfo {
  signer?: Signer;
  claimSignature: Integrity['claimSignature'];
  certChain: Integrity['certChain'];
}

export function checkSignature(sigBox: Uint8Array | undefined, claimBytes: Uint8Array | undefined): CoseInfo {
  const none: CoseInfo = { claimSignature: 'missing', certChain: 'missing' };
  if (!sigBox || !claimBytes || sigBox.length > LIMITS.maxSignatureBytes) return none;
  let sign: CborValue;
  let prot: Obj | undefined;
  try {
    sign = decodeCbor(sigBox);
    if (!Array.isArray(sign) || sign.length < 4 || !(sign[0] instanceof Uint8Array) || !(sign[3] instanceof Uint8Array)) return none;
    prot = sign[0].length ? obj(decodeCbor(sign[0])) : undefined;
  } catch {
    return none;
  }
  const unprot = obj(sign[1]);
  const chainV = prot?.['33'] ?? prot?.['x5chain'] ?? unprot?.['33'] ?? unprot?.['x5chain'];
  const ders = (Array.isArray(chainV) ? chainV : [chainV]).filter((c): c is Uint8Array => c instanceof Uint8Array).slice(0, 8);
  let certs: X509Certificate[];
  try {
    certs = ders.map((d) => new X509Certificate(d));
  } catch {
    return { claimSignature: 'missing', certChain: 'broken' };
  }
  if (!certs.length) return none;
  const leaf = certs[0];
  const signer = { subject: oneLine(leaf.subject), issuer: oneLine(leaf.issuer) };
  let certChain: Integrity['certChain'] = certs.length === 1 ? 'single certificate' : 'consistent';
  for (let i = 0; i + 1 < certs.length; i++) {
    try {
      if (!certs[i].checkIssued(certs[i + 1]) || !certs[i].verify(certs[i + 1].publicKey)) certChain = 'broken';
    } catch {
      certChain = 'broken';
    }
  }
  const alg = ALGS[String(prot?.['1'])];
  if (!alg) return { signer, claimSignature: 'unsupported algorithm', certChain };
  const payload = sign[2] instanceof Uint8Array ? sign[2] : claimBytes;
  const key: KeyObject = leaf.publicKey;
  let ok = false;
  try {
    const data = sigStructure(sign[0], payload);
    const opts = alg.pss
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.pss }
      : key.asymmetricKeyType === 'ec'
        ? { key, dsaEncoding: 'ieee-p1363' as const }
        : { key };
    ok = verify(alg.hash, data, opts, sign[3]);
  } catch {
    ok = false;
  }
  return { signer, claimSignature: ok ? 'valid' : 'invalid', certChain };
}

/** Checks each hashed-URI reference in the claim against the assertion superbox it names. */
export function checkAssertions(claim: Obj | undefined, store: JumbfNode | undefined): Integrity['assertionHashes'] {
  if (!claim || !store) return 'not checked';
  const refs = [claim['assertions'], claim['created_assertions'], claim['gathered_assertions']].flatMap((l) => (Array.isArray(l) ? l : []));
  const fallback = typeof claim['alg'] === 'string' ? claim['alg'] : 'sha256';
  let checked = 0;
  // Many references may name one big box: hash each box once per algorithm.
  const digests = new Map<string, Uint8Array>();
  for (const r of refs.slice(0, 500)) {
    const ref = obj(r);
    const url = typeof ref?.['url'] === 'string' ? ref['url'] : undefined;
    const want = ref?.['hash'];
    if (!url || !(want instanceof Uint8Array)) continue;
    const label = url.split('/').pop()!;
    const node = store.children.find((c) => c.label === label);
    const alg = typeof ref!['alg'] === 'string' ? ref!['alg'] : fallback;
    if (!node || !HASHES.has(alg)) return 'mismatch';
    const key = `${alg}:${label}`;
    const got = digests.get(key) ?? createHash(alg).update(node.body).digest();
    digests.set(key, got);
    if (!equal(got, want)) return 'mismatch';
    checked++;
  }
  return checked ? 'match' : 'not checked';
}

/** c2pa.hash.data: the file's bytes minus the exclusion ranges (where the manifest itself sits). */
export function checkContent(store: JumbfNode | undefined, claim: Obj | undefined, file: Uint8Array | undefined): Integrity['contentHash'] {
  const node = store?.children.find((c) => c.label.replace(/__\d+$/, '') === 'c2pa.hash.data');
  const box = node?.contents.find((c) => c.type === 'cbor');
  if (!box || !file || box.data.length > LIMITS.maxSignatureBytes) return 'not checked';
  let h: Obj | undefined;
  try {
    h = obj(decodeCbor(box.data));
  } catch {
    return 'mismatch';
  }
  const want = h?.['hash'];
  const alg = typeof h?.['alg'] === 'string' ? h['alg'] : typeof claim?.['alg'] === 'string' ? claim['alg'] : 'sha256';
  if (!(want instanceof Uint8Array) || !HASHES.has(alg)) return 'not checked';
  const ranges: Array<[number, number]> = [];
  for (const e of Array.isArray(h!['exclusions']) ? h!['exclusions'].slice(0, 1000) : []) {
    const x = obj(e);
    const s = x?.['start'];
    const l = x?.['length'];
    if (typeof s !== 'number' || typeof l !== 'number' || s < 0 || l < 0) return 'mismatch';
    ranges.push([s, l]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const hash = createHash(alg);
  let o = 0;
  for (const [s, l] of ranges) {
    if (s < o || s + l > file.length) return 'mismatch';
    hash.update(file.subarray(o, s));
    o = s + l;
  }
  hash.update(file.subarray(o));
  return equal(hash.digest(), want) ? 'match' : 'mismatch';
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ').slice(0, 300);
}
