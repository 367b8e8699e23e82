/**
 * Search lands on the version that holds the text (issue #17). Pagefind indexes every `ForIstio` variant of a page
 * (all are in the HTML), so a search for a phrase that only the Istio 1.30 variant says finds the page — which then
 * opens on the reader's line, where that variant is hidden. The version picker's script tags the search result the
 * reader follows with the query (`?atlas-q=`), and on arrival, when the query's words are in a hidden variant and
 * not in what is shown, switches to that variant's line. The query is user input: bounded, matched as plain words.
 */
import { isIstioVersion } from '../../lib/version-lines.ts';
import type { IstioVersion } from '../../lib/version-lines.ts';

/** The query parameter a followed search result carries. */
export const SEARCH_PARAM = 'atlas-q';
const MAX_QUERY = 100;
const MAX_WORDS = 8;
const SPLIT = /[^\p{L}\p{N}._/-]+/u;
/** Words keep inner dots and slashes (`v1.6`, `api.stripe.com`) but not a sentence's trailing full stop. */
const words = (text: string): string[] =>
  text
    .toLowerCase()
    .split(SPLIT)
    .map((w) => w.replace(/^[._/-]+|[._/-]+$/g, ''))
    .filter(Boolean);

/** A query's words, lower-cased; at most MAX_WORDS from the first MAX_QUERY characters. */
export function queryWords(query: string | null | undefined): readonly string[] {
  if (typeof query !== 'string') return [];
  return words(query.slice(0, MAX_QUERY))
    .filter((w) => w.length > 1)
    .slice(0, MAX_WORDS);
}

export interface VariantText {
  /** The block's `data-istio-only` lines. */
  readonly lines: readonly string[];
  readonly text: string;
  readonly shown: boolean;
}

/** Whether `text` holds every word, as whole words (`at` does not match inside `that`). */
function holdsWords(text: string, wanted: readonly string[]): boolean {
  const tokens = new Set(words(text));
  return wanted.every((w) => tokens.has(w));
}

/**
 * The line to switch to, or undefined to stay: the first line of the first hidden variant that holds every word of
 * the query, unless the page already shows the query as a phrase or a shown variant holds every word too (a query
 * that matches what is on screen must not move the reader). Variants are compared with each other, not with the
 * whole page, whose common words would match almost any query.
 */
export function lineForQuery(
  query: readonly string[],
  shownText: string,
  variants: readonly VariantText[],
): IstioVersion | undefined {
  if (!query.length) return undefined;
  if (` ${words(shownText).join(' ')} `.includes(` ${query.join(' ')} `)) return undefined;
  if (variants.some((v) => v.shown && holdsWords(v.text, query))) return undefined;
  for (const v of variants) if (!v.shown && holdsWords(v.text, query)) return v.lines.find(isIstioVersion);
  return undefined;
}

/** `href` with the query attached (other parameters and the fragment kept); `href` itself when it cannot be parsed. */
export function withSearchParam(href: string, query: string): string {
  try {
    const url = new URL(href);
    url.searchParams.set(SEARCH_PARAM, query.slice(0, MAX_QUERY));
    return url.toString();
  } catch {
    return href;
  }
}
