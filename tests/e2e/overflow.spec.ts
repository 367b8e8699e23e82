import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

// Layouts that fit (issue #19): no page of the sitemap scrolls sideways at phone, tablet, laptop and desktop widths
// in either theme, and every element that does scroll sideways on purpose can be reached with the keyboard and has
// a name.
//
// Speed (the sweep must fit the e2e budget): one browser context per theme, so the theme is applied the way a
// visitor gets it, and one page that visits every sitemap page once, serially. Each page is loaded at the narrowest
// width and then widened step by step (media queries and resize observers run as they do for a visitor turning a
// tablet or resizing a window): five layouts for one navigation instead of five navigations. Loading narrow first
// is the strict order: a script that sizes something once at load sizes it for the tightest layout.
const WIDTHS = [360, 390, 768, 1366, 1920] as const;
const THEMES = ['light', 'dark'] as const;

/** The site's pages, read from the sitemap the server under test serves. */
async function sitemap(page: Page): Promise<string[]> {
  const locs = async (path: string) => {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(200);
    return [...(await res.text()).matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname);
  };
  const paths: string[] = [];
  for (const map of await locs('/sitemap-index.xml')) paths.push(...(await locs(map)));
  return paths.sort();
}

interface Finding {
  /** Horizontal page scroll: how far the document is wider than the viewport, and the widest culprits. */
  overflow?: { scrollWidth: number; clientWidth: number; culprits: string[] };
  /** Sideways scroll containers that a keyboard cannot reach or that have no name. */
  containers: string[];
}

/** Runs in the page: measures the document and every element that scrolls sideways. */
function measure(): Finding {
  const describe = (el: Element) => {
    const id = el.id ? `#${el.id}` : '';
    const cls = [...el.classList]
      .slice(0, 3)
      .map((c) => `.${c}`)
      .join('');
    const r = el.getBoundingClientRect();
    return `${el.tagName.toLowerCase()}${id}${cls} (${Math.round(r.left)}→${Math.round(r.right)} px)`;
  };
  const doc = document.documentElement;
  const finding: Finding = { containers: [] };
  if (doc.scrollWidth > doc.clientWidth) {
    // The outermost elements sticking out on the right (their descendants would only repeat them).
    const culprits: string[] = [];
    const walk = (el: Element) => {
      if (culprits.length >= 5) return;
      const style = getComputedStyle(el);
      if (style.display === 'none') return;
      if (el.getBoundingClientRect().right > doc.clientWidth + 0.5) {
        culprits.push(describe(el));
        return;
      }
      if (style.overflowX === 'hidden' || style.overflowX === 'clip' || style.overflowX === 'auto') return;
      for (const child of el.children) walk(child);
    };
    for (const child of document.body.children) walk(child);
    // Text can stick out of a box that itself fits (a <pre> without wrapping): name its element.
    if (!culprits.length) {
      const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = texts.nextNode(); n && culprits.length < 5; n = texts.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(n);
        if (range.getBoundingClientRect().right > doc.clientWidth + 0.5 && n.parentElement)
          culprits.push(`text in ${describe(n.parentElement)}`);
      }
    }
    finding.overflow = { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, culprits };
  }
  const focusable =
    'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';
  const named = (el: Element) =>
    Boolean(
      el.getAttribute('aria-label')?.trim() ||
      el.getAttribute('aria-labelledby')?.trim() ||
      (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)),
    );
  for (const el of document.querySelectorAll('body *')) {
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    const style = getComputedStyle(el);
    if (style.overflowX !== 'auto' && style.overflowX !== 'scroll') continue;
    if (style.display === 'none' || style.visibility === 'hidden' || el.closest('[hidden], [inert]')) continue;
    // A scroll container is reachable if it takes focus itself (then it needs its own name) or holds a named control.
    const self = el.matches(focusable);
    const inner = el.querySelector(focusable);
    const ok = self ? named(el) : inner !== null && (named(inner) || named(el));
    if (!ok) finding.containers.push(`${describe(el)}: ${self ? 'focusable but unnamed' : 'not focusable'}`);
  }
  return finding;
}

async function sweep(browser: Browser, theme: (typeof THEMES)[number]) {
  const context = await browser.newContext({ viewport: { width: WIDTHS[0], height: 900 }, colorScheme: theme });
  await context.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
  const page = await context.newPage();
  const problems: string[] = [];
  try {
    const paths = await sitemap(page);
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      if (page.viewportSize()?.width !== WIDTHS[0]) await page.setViewportSize({ width: WIDTHS[0], height: 900 });
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
      expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe(theme);
      for (const width of WIDTHS) {
        // Reading scrollWidth in measure() forces the new layout; waiting for animation frames as well tripled the
        // sweep's time on a loaded machine.
        if (width !== WIDTHS[0]) await page.setViewportSize({ width, height: 900 });
        const f = await page.evaluate(measure);
        const found = [
          ...(f.overflow
            ? [
                `${path} @${width}: page is ${f.overflow.scrollWidth} px wide in a ${f.overflow.clientWidth} px viewport — ${f.overflow.culprits.join('; ')}`,
              ]
            : []),
          ...f.containers.map((c) => `${path} @${width}: scroll container ${c}`),
        ];
        // Printed as found too, so a sweep cut short by its timeout still tells what it saw.
        for (const p of found) console.warn(`[overflow ${theme}] ${p}`);
        problems.push(...found);
      }
    }
  } finally {
    await context.close();
  }
  return problems;
}

test.describe('no sideways page scroll', () => {
  for (const theme of THEMES)
    test(`every sitemap page fits ${WIDTHS.join(', ')} px (${theme})`, async ({ browser }) => {
      // About 90 pages at five widths, serially: under a minute on a quiet machine, several on a loaded one.
      test.setTimeout(600_000);
      expect(await sweep(browser, theme)).toEqual([]);
    });
});

test('the reference table keeps "Programmed at" in view at 1366 px and turns into cards on a phone', async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto('/reference/');
  const header = page.getByRole('columnheader', { name: 'Programmed at' });
  const box = await header.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x + box!.width).toBeLessThanOrEqual(1366);
  const table = page.locator('[data-reference-table]');
  const tableBox = await table.boundingBox();
  const main = await page.locator('main .sl-markdown-content').boundingBox();
  expect(tableBox!.width).toBeLessThanOrEqual(main!.width + 1);
  // AuthorizationPolicy is enforced at ztunnel and at waypoints: both badges, each on one line.
  const badges = table.locator('tr[data-slug="authorizationpolicy"] [data-ep]');
  await expect(badges).toHaveText(['ztunnel', 'waypoint']);
  for (const b of await badges.all()) expect((await b.boundingBox())!.height).toBeLessThan(30);

  await page.setViewportSize({ width: 390, height: 844 });
  const row = table.locator('tr[data-slug="authorizationpolicy"]');
  expect(await row.evaluate((el) => getComputedStyle(el).display)).toBe('block');
  await expect(row.locator('.atlas-card-label').first()).toBeVisible();
  await context.close();
});
