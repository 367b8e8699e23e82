import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeShare, encodeShare } from '../../src/lib/share/index.ts';

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
});
