import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeShare, encodeShare, inflateBounded } from '../../src/lib/share/index.ts';

describe('playground share links', () => {
  it('round-trips any text and request', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.option(fc.record({ from: fc.string(), path: fc.string() }), { nil: undefined }),
        (yaml, request) => {
          const state = request ? { yaml, request } : { yaml };
          expect(decodeShare('#' + encodeShare(state))).toEqual({ state });
        },
      ),
    );
  });

  it('uses only URL-fragment-safe characters', () => {
    expect(encodeShare({ yaml: 'a: <b>&"\'/?+=' })).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
  });

  it('reports damaged, foreign and empty fragments instead of throwing', () => {
    expect(decodeShare('#v1.!!!')).toHaveProperty('error');
    expect(decodeShare('#v1.' + encodeShare({ yaml: 'x' }).slice(3, 8))).toHaveProperty('error');
    expect(decodeShare('#something-else')).toHaveProperty('error');
    expect(decodeShare('')).toHaveProperty('error');
  });

  it('inflates exactly up to its limit and refuses one byte more', () => {
    const data = new Uint8Array(100_000).map((_, i) => (i * 7) % 251);
    const packed = deflateSync(data);
    expect(inflateBounded(packed, data.length)).toEqual(data);
    expect(() => inflateBounded(packed, data.length - 1)).toThrow();
    expect(() => inflateBounded(packed.subarray(0, packed.length >> 1), 1e9)).toThrow();
    expect(inflateBounded(deflateSync(new Uint8Array(0)), 0)).toEqual(new Uint8Array(0));
  });

  it('decodes links made before the inflate limit (same format)', () => {
    // A link written by the previous encoder: v1 + base64url(deflate(JSON)).
    expect(decodeShare('#v1.q1aqTMzNUbJSqlCqBQA')).toEqual({ state: { yaml: 'x' } });
  });
});
