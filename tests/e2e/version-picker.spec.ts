import type { Page } from '@playwright/test';
import { decodeShare, encodeShare } from '../../src/lib/share/index.ts';
import { expect as baseExpect, test } from './fixtures.ts';

// Pages hydrate late when the machine is busy (these runs share two cores with builds): wait longer than the
// default 5 s for each state, and give each test room for several page loads.
const expect = baseExpect.configure({ timeout: 15_000 });
test.describe.configure({ timeout: 120_000 });

// The header's Istio version picker (issue #17): chosen with the keyboard alone, kept in the URL and in
// localStorage, changing the facts a page shows; without JavaScript pages show the default line.

const HTTPROUTE = '/gateway-api/httproute/';
const fact131 = (page: Page) => page.getByText('Istio 1.31 answers 500.');
const fact130 = (page: Page) => page.getByText('Istio 1.30 answers 404.');
const picker = (page: Page) => page.getByRole('combobox', { name: 'Istio version the site describes' });

/** Tab from the top of the page until the version picker has focus (no mouse). */
async function tabToPicker(page: Page): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.closest('atlas-version-picker') !== null);
    if (focused) return;
  }
  throw new Error('the version picker never received keyboard focus');
}

test('keyboard only: choose Istio 1.30, the page fact changes, a reload and other pages keep it', async ({ page }) => {
  await page.goto(HTTPROUTE);
  await expect(picker(page)).toHaveValue('1.31');
  await expect(fact131(page)).toBeVisible();
  await expect(fact130(page)).toBeHidden();

  await tabToPicker(page);
  await expect(picker(page)).toBeFocused();
  // Options are oldest first: one step up from the default (1.31) is 1.30.
  await page.keyboard.press('ArrowUp');
  await expect(picker(page)).toHaveValue('1.30');
  await expect(page).toHaveURL(/[?&]istio=1\.30(&|#|$)/);
  await expect(page.locator('html')).toHaveAttribute('data-istio', '1.30');
  await expect(fact130(page)).toBeVisible();
  await expect(fact131(page)).toBeHidden();
  // The callout leads with the chosen line.
  const callout = page.locator('[data-changed-in="backendless-rule-500"]');
  await expect(callout.locator('[data-istio-only="1.30"]')).toBeVisible();
  await expect(callout.locator('[data-istio-only="1.30"] p').first()).toContainText(
    'Istio 1.30 (the version this page shows)',
  );
  await expect(callout.locator('[data-istio-only="1.31"]')).toBeHidden();

  await page.reload();
  await expect(picker(page)).toHaveValue('1.30');
  await expect(fact130(page)).toBeVisible();

  // Another page, reached without the parameter: localStorage carries the choice, and the URL then says it.
  await page.goto('/gateway-api/tcproute-tlsroute-grpcroute/');
  await expect(picker(page)).toHaveValue('1.30');
  await expect(page).toHaveURL(/[?&]istio=1\.30/);
  await expect(
    page.getByRole('cell', { name: /gateway\.networking\.k8s\.io\/v1alpha2 \(Gateway API v1\.5\)/ }),
  ).toBeVisible();

  // Back to 1.31 with the keyboard.
  await tabToPicker(page);
  await page.keyboard.press('ArrowDown');
  await expect(page).toHaveURL(/[?&]istio=1\.31/);
  await expect(
    page.getByRole('cell', { name: /gateway\.networking\.k8s\.io\/v1 \(Gateway API v1\.6\)/ }),
  ).toBeVisible();
});

test('the URL wins over storage; corrupt storage and unknown URL values fall back to the default', async ({ page }) => {
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('ambient-atlas:istio', '{"istio":"1.30"}');
      sessionStorage.setItem('seeded', '1');
    }
  });
  await page.goto(`${HTTPROUTE}?istio=9.99`);
  await expect(picker(page)).toHaveValue('1.31');
  await expect(fact131(page)).toBeVisible();
  await expect(page).toHaveURL(/[?&]istio=1\.31/);

  await page.evaluate(() => localStorage.setItem('ambient-atlas:istio', '1.31'));
  await page.goto(`${HTTPROUTE}?istio=1.30`);
  await expect(picker(page)).toHaveValue('1.30');
  await expect(fact130(page)).toBeVisible();
});

test('without JavaScript pages show Istio 1.31 and no dead picker', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${HTTPROUTE}?istio=1.30`);
  await expect(fact131(page)).toBeVisible();
  await expect(fact130(page)).toBeHidden();
  await expect(picker(page)).toBeHidden();
  await context.close();
});

test('the playground link carries the chosen version, and opening one switches the site to it', async ({ page }) => {
  await page.goto('/playground/?istio=1.30');
  await expect(picker(page)).toHaveValue('1.30');
  // The share link is written once the playground has loaded its preset, with the chosen line in it.
  await expect
    .poll(() => {
      const d = decodeShare(new URL(page.url()).hash);
      return 'state' in d ? d.state.istio : undefined;
    })
    .toBe('1.30');

  // A link made on 1.30 opened by a reader whose last choice was 1.31: the link's line wins, and its text stays.
  await page.evaluate(() => localStorage.setItem('ambient-atlas:istio', '1.31'));
  const yaml = '# version-link-marker\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n';
  await page.goto(`/playground/#${encodeShare({ yaml, istio: '1.30' })}`);
  await expect(picker(page)).toHaveValue('1.30', { timeout: 15_000 });
  await expect
    .poll(() => {
      const d = decodeShare(new URL(page.url()).hash);
      return 'state' in d && d.state.istio === '1.30' && d.state.yaml.includes('version-link-marker');
    })
    .toBe(true);
});

for (const path of ['/istio-1-31/', '/waypoint-flavours/']) {
  for (const istio of ['1.31', '1.30']) {
    test(`${path} on Istio ${istio} has no WCAG A/AA violations`, async ({ page, axe }) => {
      const response = await page.goto(`${path}?istio=${istio}`);
      expect(response?.status()).toBe(200);
      await expect(page.locator('html')).toHaveAttribute('data-istio', istio);
      expect(await axe()).toEqual([]);
    });
  }
}

test('the new pages are in the search index', async ({ page }) => {
  await page.goto('/');
  const found = await page.evaluate(async () => {
    // Pagefind's own API, as the search dialog uses it.
    const pagefind = (await import('/pagefind/pagefind.js' as string)) as {
      search: (q: string) => Promise<{ results: { data: () => Promise<{ url: string }> }[] }>;
    };
    const urls = async (q: string) =>
      Promise.all((await pagefind.search(q)).results.slice(0, 10).map(async (r) => (await r.data()).url));
    return { agw: await urls('EnterpriseAgentgatewayPolicy'), visibility: await urls('serviceEntryVisibility') };
  });
  expect(found.agw.some((u) => u.includes('/waypoint-flavours/'))).toBe(true);
  expect(found.visibility.some((u) => u.includes('/istio-1-31/'))).toBe(true);
});
