import { describe, expect, it } from 'vitest';
import { compileRe2, RE2_CACHE_SIZE, RE2_MAX_PATTERN, re2Error, re2FullMatch, re2Quote } from './re2.ts';

describe('compileRe2', () => {
  it('compiles an RE2 pattern and matches the whole input (Envoy safe_regex)', () => {
    const c = compileRe2('/v[0-9]+/items(/.*)?');
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.matcher.pattern).toBe('/v[0-9]+/items(/.*)?');
    expect(c.matcher.fullMatch('/v12/items')).toBe(true);
    expect(c.matcher.fullMatch('/v12/items/a/b')).toBe(true);
    expect(c.matcher.fullMatch('/x/v12/items')).toBe(false);
    expect(c.matcher.fullMatch('/v12/itemsX')).toBe(false);
  });
  it('full match considers every alternative, not only the leftmost-first one', () => {
    expect(re2FullMatch('a|ab', 'ab')).toBe(true);
    expect(re2FullMatch('(a|ab)(c|bcd)', 'abcd')).toBe(true);
    expect(re2FullMatch('a*?', 'aaa')).toBe(true);
  });
  it('search finds a match anywhere (RE2::PartialMatch)', () => {
    const c = compileRe2('[0-9]+');
    expect(c.ok && c.matcher.search('/v12/items')).toBe(true);
    expect(c.ok && c.matcher.fullMatch('/v12/items')).toBe(false);
    expect(c.ok && c.matcher.search('/items')).toBe(false);
  });
  it('the empty pattern fully matches only the empty string', () => {
    expect(re2FullMatch('', '')).toBe(true);
    expect(re2FullMatch('', 'x')).toBe(false);
  });
  it('RE2-only syntax: (?i), (?P<name>…), \\z, \\Q…\\E, POSIX and Unicode classes', () => {
    expect(re2FullMatch('(?i)abc', 'ABC')).toBe(true);
    expect(re2FullMatch('(?i:a)b', 'Ab')).toBe(true);
    expect(re2FullMatch('(?i:a)b', 'AB')).toBe(false);
    expect(re2FullMatch('(?P<v>[0-9]+)', '42')).toBe(true);
    expect(re2FullMatch('a\\z', 'a')).toBe(true);
    expect(re2FullMatch('\\Qa.b\\E', 'a.b')).toBe(true);
    expect(re2FullMatch('\\Qa.b\\E', 'axb')).toBe(false);
    expect(re2FullMatch('[[:alpha:]]+', 'abc')).toBe(true);
    expect(re2FullMatch('\\p{Greek}+', 'αβγ')).toBe(true);
  });
  it('caseInsensitive is the same as a leading (?i)', () => {
    expect(re2FullMatch('abc', 'ABC')).toBe(false);
    expect(re2FullMatch('abc', 'ABC', { caseInsensitive: true })).toBe(true);
    // Cached apart: the case-sensitive compile is not reused.
    expect(re2FullMatch('abc', 'ABC')).toBe(false);
  });
  it('. matches one code point, not one UTF-16 unit, and not a newline', () => {
    expect(re2FullMatch('.', '😀')).toBe(true);
    expect(re2FullMatch('..', '😀')).toBe(false);
    expect(re2FullMatch('a.b', 'a\nb')).toBe(false);
    expect(re2FullMatch('(?s)a.b', 'a\nb')).toBe(true);
  });
  it('rejects what RE2 rejects, with RE2 error text', () => {
    const cases: [string, RegExp][] = [
      ['/a(?=b)', /Perl syntax.*\(\?=/],
      ['/(?<=a)b', /\(\?<=/],
      ['(a)\\1', /invalid escape sequence: `\\1`/],
      ['a++', /nested repetition/],
      ['(?>a)', /Perl syntax/],
      ['a{1001}', /repeat count/],
      ['(a{100}){11}', /repeat count/],
      ['[[:letter:]]', /\[:letter:\]/],
      ['a\\Z', /\\Z/],
      ['(abc', /missing closing \)/],
      ['[abc', /missing closing \]/],
      ['*a', /missing argument/],
      ['[z-a]', /range/],
      // C++ RE2 accepts \C (any byte); re2js does not (a known difference, documented in re2.ts).
      ['\\C', /\\C/],
    ];
    for (const [p, msg] of cases) {
      const c = compileRe2(p);
      expect(c.ok, p).toBe(false);
      if (!c.ok) {
        expect(c.error, p).toMatch(msg);
        expect(c.error, p).not.toMatch(/^error parsing regexp/);
      }
      expect(re2Error(p), p).toBeDefined();
      // A pattern RE2 rejects matches nothing.
      expect(re2FullMatch(p, 'a'), p).toBe(false);
    }
    expect(re2Error('a{1000}')).toBeUndefined();
    expect(re2Error('((a{10}){10}){10}')).toBeUndefined();
  });
  it('runs in linear time where a backtracking engine explodes', () => {
    // JavaScript's RegExp takes about a minute on 30 a's; RE2 answers at once, and for far longer inputs.
    for (const n of [30, 10_000]) {
      const input = `/${'a'.repeat(n)}!`;
      expect(re2FullMatch('/(a+)+', input)).toBe(false);
      expect(re2FullMatch('(x+x+)+y', 'x'.repeat(n))).toBe(false);
      expect(re2FullMatch('(.*a){20}', `${'a'.repeat(n)}b`)).toBe(false);
    }
    expect(re2FullMatch('/(a+)+', '/aaaa')).toBe(true);
  });
  it('keeps a bounded cache and answers the same after evictions', () => {
    for (let i = 0; i < RE2_CACHE_SIZE + 10; i++) expect(re2FullMatch(`p${i}`, `p${i}`)).toBe(true);
    expect(re2FullMatch('p0', 'p0')).toBe(true);
    expect(re2FullMatch('p0', 'p1')).toBe(false);
    expect(compileRe2('p1')).toBe(compileRe2('p1'));
  });
  it('refuses patterns longer than any route regex Istio accepts, without compiling them', () => {
    expect(re2FullMatch('a'.repeat(RE2_MAX_PATTERN), 'a'.repeat(RE2_MAX_PATTERN))).toBe(true);
    const long = 'a'.repeat(RE2_MAX_PATTERN + 1);
    expect(re2Error(long)).toMatch(/^longer than 4096 characters/);
    expect(re2FullMatch(long, long)).toBe(false);
  });
  it('re2Quote matches its literal exactly', () => {
    const lit = '/a.b/{*}/c\\E(x)+?';
    expect(re2FullMatch(re2Quote(lit), lit)).toBe(true);
    expect(re2FullMatch(re2Quote('a.b'), 'axb')).toBe(false);
  });
});
