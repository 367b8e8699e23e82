import { micromark } from 'micromark';

/**
 * Renders the short markdown of rule docs (our own text: paragraphs, lists, inline code, links). micromark
 * escapes raw HTML by default, so even a careless string cannot inject markup into the page.
 */
export function renderMarkdown(text: string): string {
  return micromark(text);
}
