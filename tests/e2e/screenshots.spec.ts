/**
 * The screenshots the design pass of issue #19 is judged by: content pages at the five widths of the overflow test,
 * in both themes, full page. Opt-in (they write files and assert little): `ATLAS_SCREENSHOTS=<dir>` turns them on.
 * The playground's are in editor.spec.ts, beside its other tests.
 *
 * Each shot still checks what a person would see first: the page is in the requested theme and does not scroll
 * sideways, so a shot of a broken layout fails instead of being filed as evidence.
 */
import { mkdirSync } from 'node:fs';
import { expect, test } from './fixtures.ts';

const DIR = process.env.ATLAS_SCREENSHOTS;
const WIDTHS = [360, 390, 768, 1366, 1920] as const;
const THEMES = ['light', 'dark'] as const;
/** Page name in the file name → path. */
const PAGES = {
  landing: '/',
  reference: '/reference/',
  authorizationpolicy: '/security/authorizationpolicy/',
  'request-path': '/request-path/',
  'how-it-fits': '/how-it-fits/',
} as const;

/** A device-like viewport height for each width (phones are taller than wide). */
const heightOf = (width: number) => (width < 500 ? 844 : width < 1000 ? 1024 : width < 1600 ? 900 : 1080);

test.describe('screenshots', () => {
  test.skip(!DIR, 'set ATLAS_SCREENSHOTS=dir to write them');
  test.beforeAll(() => {
    if (DIR) mkdirSync(DIR, { recursive: true });
  });
  for (const [name, path] of Object.entries(PAGES))
    for (const theme of THEMES)
      test(`${name}, ${theme}`, async ({ browser }) => {
        test.setTimeout(180_000); // five full-page captures of long pages on a loaded machine
        const context = await browser.newContext({ colorScheme: theme });
        await context.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
        const page = await context.newPage();
        try {
          for (const width of WIDTHS) {
            await page.setViewportSize({ width, height: heightOf(width) });
            // A fresh load per width: what a visitor on that screen gets, scripts that size once at load included.
            await page.goto(path);
            await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
            const sideways = await page.evaluate(
              () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
            );
            expect(sideways, `${path} at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
            await page.screenshot({ path: `${DIR}/${name}-${width}-${theme}.png`, fullPage: true });
          }
        } finally {
          await context.close();
        }
      });
});
