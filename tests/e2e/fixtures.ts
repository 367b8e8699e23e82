import AxeBuilder from '@axe-core/playwright';
import { test as base, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';

/** Every page path in the built sitemap, as site-relative paths. */
export function sitemapPaths(): string[] {
  const index = readFileSync('dist/sitemap-index.xml', 'utf8');
  const maps = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname.replace(/^\//, ''));
  const paths: string[] = [];
  for (const map of maps) {
    const xml = readFileSync(`dist/${map}`, 'utf8');
    for (const m of xml.matchAll(/<loc>([^<]+)<\/loc>/g)) paths.push(new URL(m[1]!).pathname);
  }
  return paths.sort();
}

export const test = base.extend<{ axe: (opts?: { include?: string }) => Promise<string[]> }>({
  axe: async ({ page }, use) => {
    await use(async (opts) => {
      let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
      if (opts?.include) builder = builder.include(opts.include);
      const result = await builder.analyze();
      return result.violations.map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} — ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      );
    });
  },
});
export { expect };
