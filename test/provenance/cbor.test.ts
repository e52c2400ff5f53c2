import { describe, expect, it } from 'vitest';
import { CborError, decodeCbor } from '../../src/provenance/cbor.ts';
import { cbor } from './build.ts';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));

describe('decodeCbor', () => {
  it('decodes what the test encoder writes', () => {
    const v = { claim_generator: 'Tool/1.0', n: 300, neg: -70000, list: [1, 'two', true, null], bin: new Uint8Array([1, 2]) };
    expect(decodeCbor(cbor(v))).toEqual(v);
  });

  it('decodes RFC 8949 appendix A examples: floats, 64-bit ints, indefinite lengths, tags', () => {
    expect(decodeCbor(hex('f93c00'))).toBe(1);
    expect(decodeCbor(hex('f9c400'))).toBe(-4);
    expect(decodeCbor(hex('fa47c35000'))).toBe(100000);
    expect(decodeCbor(hex('fb3ff199999999999a'))).toBeCloseTo(1.1);
    expect(decodeCbor(hex('1b000000e8d4a51000'))).toBe(1000000000000);
    expect(decodeCbor(hex('7f657374726561646d696e67ff'))).toBe('streaming');
    expect(decodeCbor(hex('9f018202039f0405ffff'))).toEqual([1, [2, 3], [4, 5]]);
    expect(decodeCbor(hex('bf61610161629f0203ffff'))).toEqual({ a: 1, b: [2, 3] });
    expect(decodeCbor(hex('c074323031332d30332d32315432303a30343a30305a'))).toBe('2013-03-21T20:04:00Z');
  });

  it('rejects truncated input and lying lengths', () => {
    expect(() => decodeCbor(hex('83010203').subarray(0, 3))).toThrow(CborError);
    expect(() => decodeCbor(hex('5a7fffffff00'))).toThrow(CborError);
    expect(() => decodeCbor(hex('9b00000000ffffffff'))).toThrow(CborError);
    expect(() => decodeCbor(hex('1c'))).toThrow(CborError);
  });

  it('stops at the depth limit instead of recursing without end', () => {
    const deep = new Uint8Array(100_000).fill(0x81); // [[[[...
    expect(() => decodeCbor(deep)).toThrow(/deep/);
  });

  it('does not let a map key pollute the prototype', () => {
    const v = decodeCbor(cbor({ __proto__x: 1 })) as Record<string, unknown>;
    const polluted = decodeCbor(hex('a1695f5f70726f746f5f5fa16161' + '01')) as Record<string, unknown>;
    expect(v.__proto__x).toBe(1);
    expect(Object.getPrototypeOf(polluted)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });
});
