/**
 * The editor (issue #19): monospace, colours that follow Starlight's theme live, search, completion from the
 * known-field tables, quick fixes that remove their finding, and the screenshots the design pass is judged by.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { decodeShare, encodeShare } from '../../src/lib/share/index.ts';
import type { SharedState } from '../../src/lib/share/index.ts';
import { expect, test } from './fixtures.ts';

const base = (f: string) => readFileSync(`labs/base/${f}.yaml`, 'utf8').trimEnd();
const BOOKINFO_WAYPOINT = ['bookinfo', 'clients', 'waypoint'].map(base).join('\n---\n');

const MISSING_GROUP = `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
  namespace: bookinfo
spec:
  parentRefs:
  - kind: Service
    name: reviews
    port: 9080
  rules:
  - backendRefs:
    - name: reviews
      port: 9080
`;

const editor = (page: Page) => page.getByRole('textbox', { name: 'YAML editor', exact: true });

async function open(page: Page, state?: SharedState) {
  await page.goto(state ? `/playground/#${encodeShare(state)}` : '/playground/');
  await expect(page.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: 20_000 });
}

test.describe('playground editor', () => {
  test('monospace, and its colours follow the site theme without a reload', async ({ page }) => {
    await open(page);
    const scroller = page.locator('[data-playground] .cm-scroller');
    const font = await scroller.evaluate((e) => getComputedStyle(e).fontFamily);
    expect(font).toMatch(/mono|Menlo|Consolas|Courier/i);
    const bg = () => page.locator('[data-playground] .cm-editor').evaluate((e) => getComputedStyle(e).backgroundColor);
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
    expect(await bg()).toBe('rgb(255, 255, 255)');
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
    expect(await bg()).toBe('rgb(23, 24, 28)');
  });

  test('search opens with Ctrl+F and finds text', async ({ page }) => {
    await open(page);
    await editor(page).click();
    await page.keyboard.press('Control+f');
    const field = page.getByRole('textbox', { name: 'Find' });
    await expect(field).toBeFocused();
    await field.fill('productpage');
    await page.keyboard.press('Enter');
    await expect(page.locator('.cm-searchMatch').first()).toBeVisible();
  });

  test('completes field names from the CRD schema at the cursor', async ({ page }) => {
    await open(page, {
      yaml: 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: x\nspec:\n  ',
    });
    await editor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('tar');
    const list = page.getByRole('listbox');
    await expect(list.getByRole('option', { name: 'targetRefs', exact: true })).toBeVisible();
    await expect(list.getByRole('option', { name: 'targetRef', exact: true })).toBeVisible();
    // Typing on narrows the list; Enter takes the selected (best) match.
    await page.keyboard.type('getRefs');
    await expect(list.getByRole('option', { name: 'targetRefs', exact: true })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await page.keyboard.press('Enter');
    await expect(editor(page)).toContainText('targetRefs: ');
  });

  test('a quick fix removes its finding (findings panel and editor tooltip)', async ({ page }) => {
    await open(page, { yaml: BOOKINFO_WAYPOINT + MISSING_GROUP });
    const row = page
      .getByRole('region', { name: 'Findings' })
      .getByRole('listitem')
      .filter({ hasText: 'parentref-service-missing-group' });
    await expect(row).toHaveCount(1);
    await row.getByRole('button', { name: /Quick fix/ }).click();
    await expect(row).toHaveCount(0);
    // The edit itself (the editor draws only the lines in view; the share link holds the whole text).
    await expect
      .poll(() => {
        const d = decodeShare(new URL(page.url()).hash);
        return 'state' in d && d.state.yaml.includes('  parentRefs:\n  - group: ""\n    kind: Service\n');
      })
      .toBe(true);
    await expect(page.locator('[data-pg-status]')).toContainText('Applied the quick fix');
  });

  test('no axe violations with the editor in dark mode', async ({ page, axe }) => {
    test.setTimeout(90_000); // axe over the playground takes most of 30 s on a loaded machine
    await page.addInitScript(() => localStorage.setItem('starlight-theme', 'dark'));
    await open(page, { yaml: BOOKINFO_WAYPOINT + MISSING_GROUP });
    expect(await axe({ include: '[data-playground]' })).toEqual([]);
  });
});

test.describe('screenshots of the playground with a trace', () => {
  for (const width of [390, 1366])
    for (const theme of ['light', 'dark'])
      test(`${width} px, ${theme}`, async ({ page }) => {
        test.skip(!process.env.ATLAS_SCREENSHOTS, 'set ATLAS_SCREENSHOTS=dir to write them');
        await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
        await page.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
        const state: SharedState = {
          yaml:
            BOOKINFO_WAYPOINT +
            '\n---\n' +
            readFileSync('labs/waypoint-l7-authz/manifests/reviews-read-only.yaml', 'utf8'),
          request: { from: 'bookinfo/curl', to: 'reviews.bookinfo:9080', method: 'POST', path: '/reviews/0' },
        };
        // On a phone the intro puts the island below the fold, and it loads only once scrolled to.
        await page.goto(`/playground/#${encodeShare(state)}`);
        await page.locator('[data-playground]').scrollIntoViewIfNeeded();
        await expect(page.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: 20_000 });
        const trace = page.locator('[data-pg-result] [data-trace]');
        await expect(trace).toBeVisible();
        await page.screenshot({ path: `${process.env.ATLAS_SCREENSHOTS}/playground-${width}-${theme}.png` });
        await trace.scrollIntoViewIfNeeded();
        await trace.screenshot({ path: `${process.env.ATLAS_SCREENSHOTS}/trace-${width}-${theme}.png` });
      });
});
