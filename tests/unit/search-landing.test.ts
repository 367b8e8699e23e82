// A search result opens its page on the Istio line whose variant holds the searched words (issue #17):
// src/components/version/search-landing.ts, used by the version picker's script.
import { describe, expect, it } from 'vitest';
import {
  lineForQuery,
  queryWords,
  SEARCH_PARAM,
  withSearchParam,
} from '../../src/components/version/search-landing.ts';

const v130 = { lines: ['1.30'], text: 'The standard channel has no TCPRoute at all.', shown: false };
const v131 = { lines: ['1.31'], text: 'TCPRoute is v1 in the standard channel of Gateway API v1.6.', shown: true };

describe('search landing', () => {
  it('switches to the hidden line whose variant holds every word', () => {
    expect(lineForQuery(queryWords('no TCPRoute at all'), v131.text, [v131, v130])).toBe('1.30');
  });
  it('compares variants, not the whole page: common words elsewhere on the page do not keep the reader', () => {
    const page = 'Install the standard channel; it has all routes, and no TCPRoute is at the gateway.';
    expect(lineForQuery(queryWords('standard channel has no TCPRoute at all'), page, [v131, v130])).toBe('1.30');
  });
  it('keeps the line when the page shows the query as a phrase', () => {
    const page = `Intro. ${v130.text} Outro.`;
    expect(lineForQuery(queryWords('no TCPRoute at all'), page, [v131, v130])).toBeUndefined();
  });
  it('keeps the line when the text shown already matches, or nothing matches', () => {
    expect(lineForQuery(queryWords('standard channel'), v131.text, [v131, v130])).toBeUndefined();
    expect(lineForQuery(queryWords('grpcroute method'), v131.text, [v131, v130])).toBeUndefined();
    expect(lineForQuery([], v131.text, [v131, v130])).toBeUndefined();
  });
  it('ignores unknown lines in a block and matches case-insensitively', () => {
    expect(lineForQuery(['tcproute', 'all'], '', [{ lines: ['9.99', '1.30'], text: v130.text, shown: false }])).toBe(
      '1.30',
    );
  });
  it('bounds hostile queries: at most 8 words of the first 100 characters, one-letter words dropped', () => {
    expect(queryWords('a '.repeat(5000) + 'x')).toEqual([]);
    expect(queryWords(Array.from({ length: 50 }, (_, i) => `w${i}`).join(' '))).toHaveLength(8);
    expect(queryWords(null)).toEqual([]);
    expect(queryWords('<script>alert(1)</script>')).toEqual(['script', 'alert', 'script']);
  });
  it('tags a result link with the query, keeping its fragment', () => {
    const href = withSearchParam('https://atlas.example/gateway-api/x/#tcproute', 'no TCPRoute');
    expect(new URL(href).searchParams.get(SEARCH_PARAM)).toBe('no TCPRoute');
    expect(new URL(href).hash).toBe('#tcproute');
    expect(withSearchParam('not a url', 'q')).toBe('not a url');
  });
});
