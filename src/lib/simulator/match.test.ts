import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ipMatch, stringMatch } from '../ambient/index.ts';
import { l4View, pathMatch } from './authz.ts';
import { prefixMatches } from './routing.ts';

describe('matchers', () => {
  it('Istio string match: exact, *, prefix*, *suffix', () => {
    expect(stringMatch('*', 'anything')).toBe(true);
    expect(stringMatch('cluster.local/ns/a/*', 'cluster.local/ns/a/sa/x')).toBe(true);
    expect(stringMatch('cluster.local/ns/a/*', 'cluster.local/ns/b/sa/x')).toBe(false);
    expect(stringMatch('*/sa/web', 'cluster.local/ns/a/sa/web')).toBe(true);
    expect(stringMatch('GET', 'get')).toBe(false);
    expect(stringMatch('Example.COM', 'example.com', true)).toBe(true);
  });

  it('path templates {*} (one segment) and {**} (rest)', () => {
    expect(pathMatch('/books/{*}/reviews', '/books/1/reviews')).toBe(true);
    expect(pathMatch('/books/{*}/reviews', '/books/1/2/reviews')).toBe(false);
    expect(pathMatch('/books/{**}', '/books/1/2/reviews')).toBe(true);
    expect(pathMatch('/reviews/*', '/reviews/1')).toBe(true);
    expect(pathMatch('/reviews/*', '/other')).toBe(false);
  });

  it('IPv4 CIDR blocks; an unknown address never matches', () => {
    expect(ipMatch('10.0.0.0/8', '10.1.2.3')).toBe(true);
    expect(ipMatch('10.0.0.0/8', '11.1.2.3')).toBe(false);
    expect(ipMatch('192.168.1.7', '192.168.1.7')).toBe(true);
    expect(ipMatch('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(ipMatch('10.0.0.0/8', undefined)).toBe(false);
  });

  it('PathPrefix matches whole segments and ignores a trailing slash', () => {
    expect(prefixMatches('/api', '/api')).toBe(true);
    expect(prefixMatches('/api', '/api/x')).toBe(true);
    expect(prefixMatches('/api/', '/api')).toBe(true);
    expect(prefixMatches('/api', '/apix')).toBe(false);
    expect(prefixMatches('/', '/anything')).toBe(true);
  });

  it('property: a prefix always matches itself and any path below it, never a longer sibling segment', () => {
    const seg = fc.stringMatching(/^[a-z0-9]{1,6}$/);
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 4 }), seg, seg, (parts, child, extra) => {
        const prefix = '/' + parts.join('/');
        expect(prefixMatches(prefix, prefix)).toBe(true);
        expect(prefixMatches(prefix, `${prefix}/${child}`)).toBe(true);
        expect(prefixMatches(prefix + '/', `${prefix}/${child}`)).toBe(true);
        expect(prefixMatches(prefix, `${prefix}${extra}`)).toBe(false);
      }),
    );
  });
});

describe('how ztunnel sees a rule (l4View)', () => {
  it('ALLOW with any L7 field is dropped; without, kept', () => {
    expect(l4View({ to: [{ operation: { methods: ['GET'] } }] }, 'ALLOW').kind).toBe('dropped');
    expect(l4View({ from: [{ source: { requestPrincipals: ['*'] } }] }, 'ALLOW').kind).toBe('dropped');
    expect(l4View({ from: [{ source: { remoteIpBlocks: ['1.2.3.4'] } }] }, 'ALLOW').kind).toBe('dropped');
    expect(l4View({ when: [{ key: 'source.serviceAccount', values: ['x'] }] }, 'ALLOW').kind).toBe('dropped');
    expect(
      l4View(
        {
          from: [{ source: { principals: ['a'] } }],
          to: [{ operation: { ports: ['80'] } }],
          when: [{ key: 'destination.port', values: ['80'] }],
        },
        'ALLOW',
      ).kind,
    ).toBe('kept');
  });

  it('DENY: L7-only match is a no-op; L7 beside L4 is stripped (kept, broader)', () => {
    expect(l4View({ to: [{ operation: { paths: ['/admin'] } }] }, 'DENY').kind).toBe('noop');
    expect(l4View({ from: [{ source: { requestPrincipals: ['*'] } }] }, 'DENY').kind).toBe('noop');
    expect(l4View({ when: [{ key: 'request.auth.claims[x]', values: ['y'] }] }, 'DENY').kind).toBe('noop');
    const mixed = l4View({ to: [{ operation: { paths: ['/admin'], ports: ['8080'] } }] }, 'DENY');
    expect(mixed).toEqual({ kind: 'kept', stripped: ['operation.paths'] });
  });
});
