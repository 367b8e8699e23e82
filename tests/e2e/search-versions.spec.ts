import { expect as baseExpect, test } from './fixtures.ts';

// Search covers both Istio lines (issue #17): Pagefind indexes every ForIstio variant, and following a result for
// text only the hidden line's variant says opens the page on that line (src/components/version/search-landing.ts).
const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

const PAGE = '/gateway-api/tcproute-tlsroute-grpcroute/';
const ONLY_130 = 'the standard channel has no TCPRoute at all';
const ONLY_131 = 'bundle 1.6.0 or later; an older CRD makes istiod ignore';

async function search(page: import('@playwright/test').Page, query: string) {
  await page.goto('/');
  await page.locator('button[data-open-modal]').first().click();
  const input = page.locator('.pagefind-ui__search-input');
  await input.fill(query);
  const result = page.locator(`a.pagefind-ui__result-link[href*="${PAGE}"]`).first();
  await expect(result).toBeVisible();
  return result;
}

test('a phrase only the 1.30 variant says is found, and its result opens the page on 1.30', async ({ page }) => {
  const result = await search(page, 'standard channel has no TCPRoute at all');
  await result.click();
  await expect(page).toHaveURL(/[?&]istio=1\.30/);
  await expect(page).not.toHaveURL(/atlas-q=/);
  await expect(page.getByText(ONLY_130)).toBeVisible();
  await expect(page.getByText(ONLY_131)).toBeHidden();
});

test('a phrase the default line shows opens the page on the default line', async ({ page }) => {
  const result = await search(page, 'older CRD makes istiod ignore every TCPRoute');
  await result.click();
  await expect(page.getByText(ONLY_131)).toBeVisible();
  await expect(page.getByText(ONLY_130)).toBeHidden();
  await expect(page).not.toHaveURL(/istio=1\.30/);
});
