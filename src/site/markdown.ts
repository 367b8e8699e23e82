import { micromark } from 'micromark';

/**
 * Renders the short markdown of rule docs (our own text: paragraphs, lists, inline code, links). micromark
 * escapes raw HTML by default, so even a careless string cannot inject markup into the page.
 */
export function renderMarkdown(text: string): string {
  return micromark(text);
}

/**
 * One line of markdown (a rule's description or summary, an example's title) as inline HTML: the single paragraph
 * micromark wraps it in is unwrapped so it can sit inside a <p>, a table cell or a heading.
 */
export function renderInlineMarkdown(text: string): string {
  const html = micromark(text).trim();
  const m = /^<p>([\s\S]*)<\/p>$/.exec(html);
  return m && !m[1]!.includes('<p>') ? m[1]! : html;
}
