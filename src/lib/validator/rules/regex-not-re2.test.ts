import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';
import { malformedRegex, nonRe2Construct, re2Problem } from './regex-not-re2.ts';

const ID = 'regex-not-re2';
const pathRoute = (value: string) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: HTTPRoute',
    'metadata: {name: r, namespace: shop}',
    'spec:',
    '  parentRefs: [{group: "", kind: Service, name: api}]',
    '  rules:',
    '  - matches:',
    '    - path:',
    '        type: RegularExpression',
    `        value: ${JSON.stringify(value)}`,
    '    backendRefs: [{name: api, port: 80}]',
  );

describe(`${ID} scanner`, () => {
  // Each unsupported construct next to the closest construct RE2 accepts.
  const pairs: [bad: string, good: string][] = [
    ['/a(?=b)', '/a(?:b)'],
    ['/a(?!b)', '/a(?i:b)'],
    ['/(?<=a)b', '/(?<name>a)b'],
    ['/(?<!a)b', '/(?P<name>a)b'],
    ['/(a)\\1', '/(a)\\\\1'],
    ['/(?<n>a)\\k<n>', '/(?<n>a)\\\\k<n>'],
    ['/(?P=n)', '/(?P<n>x)'],
    ['/a*+', '/a*?'],
    ['/a++', '/a+?'],
    ['/a?+', '/a??'],
    ['/a{2}+', '/a{2}?'],
    ['/(?>ab)', '/(?:ab)'],
    // RE2's repeat limit (1000), for one count and for counts multiplied through nested groups.
    ['/a{1001}', '/a{1000}'],
    ['/a{2,1001}', '/a{2,1000}'],
    ['/a{1001,}', '/a{1000,}'],
    ['/(a{100}){11}', '/(a{100}){10}'],
    ['/(?:a{10}b{101}){10}', '/(?:a{10}b{100}){10}'],
    ['/(a{10}|b{201}){5}', '/(a{10}|b{200}){5}'],
    ['/((a{10}){10}){11}', '/((a{10}){10}){10}'],
    // Only RE2's POSIX class names inside a class.
    ['/[[:letter:]]+', '/[[:alpha:]]+'],
    ['/[^[:digits:]]', '/[^[:^digit:]]'],
    ['/a\\Z', '/a\\z'],
  ];
  // The engine decides (re2Problem); the bad one is rejected *and* named, the good one compiles.
  for (const [bad, good] of pairs)
    it(`${bad} is not RE2; ${good} is`, () => {
      expect(re2Problem(bad)?.construct).toBeDefined();
      expect(re2Problem(good)).toBeUndefined();
    });
  it('repeat-limit and POSIX-class problems are named from the engine error', () => {
    expect(re2Problem('/a{1001}')?.construct).toBe("the repeat count {1001}, above RE2's limit of 1000");
    expect(re2Problem('/(a{100}){11}')?.construct).toBe(
      "nested repeats whose counts multiply past RE2's limit of 1000 (at {11})",
    );
    expect(re2Problem('/[^[:digits:]]')?.construct).toBe('the unknown POSIX class [:digits:]');
    expect(re2Problem('/a{2,1}')).toMatchObject({ construct: undefined });
  });
  it('inside a character class, (?= is a literal character; \\1 is an error in RE2 there too', () => {
    expect(nonRe2Construct('/[(?=]x')).toBeUndefined();
    expect(re2Problem('/[(?=]x')).toBeUndefined();
    expect(re2Problem('/[]?+]x')).toBeUndefined();
    // RE2 reads `\1` in a class as an escape too and rejects it (re2/parse.cc ParseEscape: a lone digit is a
    // backreference); the scanner names nothing there, so the engine's error is the message.
    expect(nonRe2Construct('/[\\1]x')).toBeUndefined();
    expect(re2Problem('/[\\1]x')).toMatchObject({ construct: undefined, error: 'invalid escape sequence: `\\1`' });
  });
  it('sequential and separate repeats do not multiply', () => {
    expect(re2Problem('/x{500}y{500}')).toBeUndefined();
    expect(re2Problem('/(x{500})(y{600})')).toBeUndefined();
    expect(re2Problem('/(a*){1000}')).toBeUndefined();
    expect(re2Problem('/(a{2}){0}')).toBeUndefined();
  });
  it('a literal } is not a quantifier, so }+ after it is fine', () => {
    expect(re2Problem('/a}+')).toBeUndefined();
  });
  it('an octal escape \\12 is not a backreference', () => {
    expect(re2Problem('/\\12')).toBeUndefined();
    expect(re2Problem('/\\8')?.construct).toBeDefined();
  });
  it('the scanner never overrides the engine: a construct-like pattern RE2 accepts is fine', () => {
    expect(re2Problem('/(?i)abc')).toBeUndefined();
    expect(re2Problem('/(?<name>a)(?P<v>b)')).toBeUndefined();
  });
  it('malformed regexes are reported; RE2-only syntax is not mistaken for malformed', () => {
    expect(malformedRegex('/(abc')).toBeDefined();
    expect(malformedRegex('/[abc')).toBeDefined();
    expect(malformedRegex('*abc')).toBeDefined();
    expect(malformedRegex('/[z-a]')).toBeDefined();
    expect(malformedRegex('/(abc)')).toBeUndefined();
    expect(malformedRegex('(?i)/abc')).toBeUndefined();
    expect(malformedRegex('(?P<v>[0-9]+)')).toBeUndefined();
  });
});

describe(ID, () => {
  it('HTTPRoute path lookahead is reported at the value', () => {
    expect(linesFor(ID, pathRoute('/v1/(?!internal).*'))).toEqual([10]);
  });
  it('the same path without lookaround is fine (boundary)', () => {
    expect(linesFor(ID, pathRoute('/v1/(internal)?.*'))).toEqual([]);
  });
  it('a path regex over the RE2 repeat limit is reported; at the limit it is fine', () => {
    expect(linesFor(ID, pathRoute('/v1/[a-z]{1001}'))).toEqual([10]);
    expect(linesFor(ID, pathRoute('/v1/[a-z]{1000}'))).toEqual([]);
  });
  it('a malformed path regex is reported', () => {
    expect(linesFor(ID, pathRoute('/v1/(items'))).toEqual([10]);
  });
  it('a non-regex path type is not checked', () => {
    expect(linesFor(ID, pathRoute('/v1/(?!internal)').replace('type: RegularExpression', 'type: PathPrefix'))).toEqual(
      [],
    );
  });
  it('HTTPRoute header and query regexes are checked', () => {
    const yaml = y(
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata: {name: r, namespace: shop}',
      'spec:',
      '  rules:',
      '  - matches:',
      '    - headers:',
      '      - {type: RegularExpression, name: x-user, value: "(a)\\\\1"}',
      '      - {type: Exact, name: x-other, value: "(a)\\\\1"}',
      '      queryParams:',
      '      - {type: RegularExpression, name: q, value: "a++"}',
    );
    expect(linesFor(ID, yaml)).toEqual([8, 11]);
  });
  it('GRPCRoute method regexes are checked', () => {
    const yaml = y(
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: GRPCRoute',
      'metadata: {name: r, namespace: shop}',
      'spec:',
      '  rules:',
      '  - matches:',
      '    - method: {type: RegularExpression, service: "shop\\\\.(?=v1).*", method: "Get.*"}',
    );
    expect(linesFor(ID, yaml)).toEqual([7]);
  });
  it("a VirtualService regex over istiod's 1024-character limit is reported; at the limit, or in an HTTPRoute, not", () => {
    const vsWith = (re: string) =>
      y(
        'apiVersion: networking.istio.io/v1',
        'kind: VirtualService',
        'metadata: {name: v, namespace: shop}',
        'spec:',
        '  hosts: [api]',
        '  http:',
        `  - match: [{headers: {x-id: {regex: ${JSON.stringify(re)}}}}]`,
        '    route: [{destination: {host: api}}]',
      );
    expect(linesFor(ID, vsWith('a'.repeat(1025)))).toEqual([7]);
    expect(linesFor(ID, vsWith('a'.repeat(1024)))).toEqual([]);
    expect(linesFor(ID, pathRoute(`/${'a'.repeat(1100)}`))).toEqual([]);
  });
  it('a regex longer than any Istio accepts (4096) is reported without being compiled', () => {
    expect(linesFor(ID, pathRoute(`/${'(?:\\pL{1000}|a)'.repeat(300)}`))).toEqual([10]);
  });
  it('VirtualService regex matches, CORS origins and regex rewrites are checked', () => {
    const yaml = y(
      'apiVersion: networking.istio.io/v1',
      'kind: VirtualService',
      'metadata: {name: v, namespace: shop}',
      'spec:',
      '  hosts: [api]',
      '  http:',
      '  - match:',
      '    - uri: {regex: "/(?<=x)y"}',
      '      headers:',
      '        x-id: {regex: "[0-9]+"}',
      '        x-bad: {regex: "(?>a)"}',
      '    corsPolicy:',
      '      allowOrigins: [{regex: "https://.*\\\\.example\\\\.com"}, {regex: "https://(?!evil)"}]',
      '    rewrite: {uriRegexRewrite: {match: "^/old(/.*)", rewrite: "/new\\\\1"}}',
      '    route: [{destination: {host: api}}]',
    );
    expect(linesFor(ID, yaml)).toEqual([8, 11, 13]);
  });
});
