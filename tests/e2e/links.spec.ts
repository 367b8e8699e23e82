import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';

// URLs are part of the product: every internal link and anchor in the built site must resolve. This reads the
// build output (no browser needed) so a page that links to a missing page or heading fails npm test.
function* htmlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* htmlFiles(p);
    else if (name.endsWith('.html')) yield p;
  }
}

const pages = [...htmlFiles('dist')].filter((f) => !f.endsWith('404.html'));
const ids = new Map<string, Set<string>>();
const idsOf = (file: string) => {
  let set = ids.get(file);
  if (!set) {
    set = new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
    ids.set(file, set);
  }
  return set;
};
const fileFor = (path: string) => {
  const clean = decodeURIComponent(path.split('#')[0]!.split('?')[0]!);
  if (clean.endsWith('/')) return join('dist', clean, 'index.html');
  return join('dist', clean);
};

test('every internal link and anchor in the built site resolves', () => {
  expect(pages.length).toBeGreaterThan(20);
  const broken: string[] = [];
  let checked = 0;
  for (const page of pages) {
    const html = readFileSync(page, 'utf8');
    const pagePath = '/' + page.replace(/^dist\//, '').replace(/index\.html$/, '');
    for (const m of html.matchAll(/<a\s[^>]*href="([^"]+)"/g)) {
      const href = m[1]!.replace(/&amp;/g, '&');
      if (/^(https?:|mailto:|data:|javascript:)/.test(href) || href.startsWith('//')) continue;
      if (href.startsWith('/playground/#') || href.startsWith('/_astro/')) continue; // fragments there are app state, not anchors
      const target = href.startsWith('#')
        ? pagePath + href
        : href.startsWith('/')
          ? href
          : new URL(href, `http://x${pagePath}`).pathname;
      const file = fileFor(target);
      checked++;
      if (!existsSync(file)) {
        broken.push(`${pagePath} → ${href} (no ${file})`);
        continue;
      }
      const anchor = target.split('#')[1];
      if (anchor && file.endsWith('.html') && !idsOf(file).has(decodeURIComponent(anchor)) && anchor !== '_top')
        broken.push(`${pagePath} → ${href} (no id "${anchor}")`);
    }
  }
  expect(broken).toEqual([]);
  // Guard against the check silently matching nothing (e.g. a markup change in how links are rendered).
  expect(checked).toBeGreaterThan(pages.length * 10);
});
