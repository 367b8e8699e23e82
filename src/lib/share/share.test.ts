import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeShare, encodeShare, inflateBounded, sharedIstio } from './index.ts';
import { DEFAULT_ISTIO, ISTIO_VERSIONS } from '../versions.ts';

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

describe('share links carry the Istio version (issue #17)', () => {
  it('round-trips every known line', () => {
    for (const istio of ISTIO_VERSIONS) {
      const state = { yaml: 'kind: Service\n', istio, request: { from: 'a/b', to: 'c' } };
      const decoded = decodeShare('#' + encodeShare(state));
      expect(decoded).toEqual({ state });
      expect('state' in decoded && sharedIstio(decoded.state)).toBe(istio);
    }
  });

  it('gives links without a version the default line', () => {
    // The link from the test above, made before links carried a version.
    const old = decodeShare('#v1.q1aqTMzNUbJSqlCqBQA');
    expect(old).toEqual({ state: { yaml: 'x' } });
    expect('state' in old && sharedIstio(old.state)).toBe(DEFAULT_ISTIO);
  });

  it('drops a version this build does not know instead of refusing the link', () => {
    for (const istio of ['9.99', '', '__proto__', 'constructor', '1.3']) {
      const link = 'v1.' + toLink({ yaml: 'x', istio });
      const decoded = decodeShare(link);
      expect(decoded).toEqual({ state: { yaml: 'x' } });
    }
    // A non-string version is a damaged link, like any other field of the wrong type.
    expect(decodeShare('v1.' + toLink({ yaml: 'x', istio: 1.3 }))).toHaveProperty('error');
  });
});

/** A link body for arbitrary JSON (what a hand-edited or foreign link could hold). */
function toLink(value: unknown): string {
  const bytes = deflateSync(new TextEncoder().encode(JSON.stringify(value)));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
