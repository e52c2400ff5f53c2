import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readProvenance } from '../../src/provenance/index.ts';
import { box, cat, cbor, cborBox, IPTC, jumb, makePng, pngChunk } from './build.ts';

/** A throw-away self-signed P-256 certificate made with the openssl CLI; the tests skip without it. */
function makeCert(): { der: Uint8Array; key: string; dir: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'xray-c2pa-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/O=Test Signer Org/CN=xray test',
      '-days', '2', '-keyout', join(dir, 'k.pem'), '-outform', 'DER', '-out', join(dir, 'c.der')], { stdio: 'ignore' });
    return { der: new Uint8Array(readFileSync(join(dir, 'c.der'))), key: readFileSync(join(dir, 'k.pem'), 'utf8'), dir };
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}
const cert = makeCert();
afterAll(() => cert && rmSync(cert.dir, { recursive: true, force: true }));

const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const body = (superbox: Uint8Array) => superbox.subarray(8);

/** Signs a one-manifest store bound to a PNG whose caBX chunk sits right after IHDR (byte 33). */
function signedPng(sourceType: string, tamper: (parts: { actions: Uint8Array }) => void = () => {}): Uint8Array {
  const plain = makePng([]);
  let exclLen = 0;
  for (let round = 0; round < 4; round++) {
    const actions = cborBox('cbor', 'c2pa.actions', { actions: [{ action: 'c2pa.created', digitalSourceType: `${IPTC}${sourceType}` }] });
    const hashData = cborBox('cbor', 'c2pa.hash.data', { exclusions: [{ start: 33, length: exclLen }], name: 'jumbf manifest', alg: 'sha256', hash: sha(plain) });
    const claimBytes = cbor({
      claim_generator: 'TestCam/1.0',
      alg: 'sha256',
      assertions: [
        { url: 'self#jumbf=c2pa.assertions/c2pa.actions', hash: sha(body(actions)) },
        { url: 'self#jumbf=c2pa.assertions/c2pa.hash.data', hash: sha(body(hashData)) },
      ],
    });
    const prot = cbor({ '1': -7, '33': cert!.der });
    const ctx = new TextEncoder().encode('Signature1');
    const tbs = cat(Uint8Array.of(0x84, 0x6a), ctx, cbor(prot), Uint8Array.of(0x40), cbor(claimBytes));
    const sig = new Uint8Array(sign('sha256', tbs, { key: createPrivateKey(cert!.key), dsaEncoding: 'ieee-p1363' }));
    const parts = { actions };
    tamper(parts);
    const store = jumb('c2pa', 'c2pa', jumb('c2ma', 'urn:uuid:t',
      jumb('c2as', 'c2pa.assertions', parts.actions, hashData),
      jumb('c2cl', 'c2pa.claim', box('cbor', claimBytes)),
      cborBox('c2cs', 'c2pa.signature', [prot, {}, null, sig])));
    const chunk = pngChunk('caBX', store);
    if (chunk.length === exclLen) return cat(plain.subarray(0, 33), chunk, plain.subarray(33));
    exclLen = chunk.length;
  }
  throw new Error('exclusion length did not settle');
}

describe.skipIf(!cert)('C2PA integrity checks (signature, assertion hashes, content hash)', () => {
  it('an intact signed capture claim scores 10 and says the checks pass', async () => {
    const r = await readProvenance(signedPng('digitalCapture'));
    expect((r.evidence.c2pa as Record<string, unknown>).integrity).toEqual({ claimSignature: 'valid', certChain: 'single certificate', assertionHashes: 'match', contentHash: 'match' });
    expect(r.score).toBe(10);
    expect(r.interp).toMatch(/Test Signer Org.*check out/);
    expect((r.evidence.c2pa as Record<string, unknown>).signatureValidated).toBe(false);
  });

  it('changing the image after signing breaks the content hash and lifts the score', async () => {
    const f = signedPng('digitalCapture');
    f[f.length - 20] ^= 0xff; // inside IDAT
    const r = await readProvenance(f);
    expect((r.evidence.c2pa as { integrity: Record<string, string> }).integrity.contentHash).toBe('mismatch');
    expect(r.score).toBe(25);
    expect(r.interp).toMatch(/no longer matches/);
  });

  it('swapping the actions assertion is caught by the claim hashes', async () => {
    const swapped = cborBox('cbor', 'c2pa.actions', { actions: [{ action: 'c2pa.created', digitalSourceType: `${IPTC}digitalCaptur_` }] });
    const r = await readProvenance(signedPng('digitalCapture', (p) => (p.actions = swapped)));
    expect((r.evidence.c2pa as { integrity: Record<string, string> }).integrity.assertionHashes).toBe('mismatch');
  });

  it('a damaged signature is reported as invalid; an AI statement stays decisive', async () => {
    const f = signedPng('trainedAlgorithmicMedia');
    const len = new DataView(f.buffer).getUint32(33);
    f[33 + 8 + len - 1] ^= 0x01; // last byte of the signature, the last thing in the caBX chunk
    const r = await readProvenance(f);
    expect((r.evidence.c2pa as { integrity: Record<string, string> }).integrity.claimSignature).toBe('invalid');
    expect(r.interp).toMatch(/does NOT verify/);
    expect(r.evidence.decisive).toBe(true);
  });
});
