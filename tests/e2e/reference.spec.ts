import { readdirSync } from 'node:fs';
import { CATALOG } from '../../src/lib/catalog/index.ts';
import { ENFORCEMENT_TOKENS } from '../../src/lib/catalog/enforcement-tokens.ts';
import { expect, test } from './fixtures.ts';

test.describe('/reference/', () => {
  test('has one row per catalog entry, each linking to its page', async ({ page }) => {
    await page.goto('/reference/');
    const table = page.getByRole('table', { name: /where it is enforced/ });
    const rows = table.locator('tbody tr');
    await expect(rows).toHaveCount(CATALOG.length);
    for (const entry of CATALOG) {
      const row = table.locator(`tbody tr[data-slug="${entry.slug}"]`);
      await expect(row.getByRole('rowheader').getByRole('link')).toHaveAttribute('href', entry.docs);
      await expect(row.locator('td[data-col="where"] [data-ep]')).toHaveText(
        entry.programmedAt.map((w) => ENFORCEMENT_TOKENS[w].label),
      );
    }
  });

  test('filters by group and by enforcement point, and keeps the filter in the URL', async ({ page }) => {
    await page.goto('/reference/');
    await page.getByLabel('Group').selectOption('security');
    const visible = page.locator('[data-reference-table] tbody tr:visible');
    await expect(visible).toHaveCount(CATALOG.filter((e) => e.group === 'security').length);
    await page.getByLabel('Group').selectOption('');
    await page.getByLabel('Programmed at').selectOption('ztunnel');
    await expect(visible).toHaveCount(CATALOG.filter((e) => e.programmedAt.includes('ztunnel')).length);
    await expect(page.getByRole('status')).toContainText(`of ${CATALOG.length} rows shown`);
    expect(page.url()).toContain('where=ztunnel');
    await page.reload();
    await expect(visible).toHaveCount(CATALOG.filter((e) => e.programmedAt.includes('ztunnel')).length);
  });

  test('every catalog page exists and shows its programmed-at badges', async ({ page }) => {
    for (const entry of CATALOG) {
      const res = await page.goto(entry.docs);
      expect(res?.status(), entry.docs).toBe(200);
      await expect(page.locator('.atlas-entry-facts').first()).toContainText(
        ENFORCEMENT_TOKENS[entry.programmedAt[0]].label,
      );
    }
  });
});

test('every exercise is linked from a reference page and the link opens it', async ({ page }) => {
  // Exercise ids are the folders of src/content/exercises (their definitions need Vite to load).
  const ids = readdirSync('src/content/exercises', { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const pages = [
    '/security/authorizationpolicy/',
    '/request-path/',
    '/gateway-api/httproute/',
    '/security/requestauthentication/',
    '/security/peerauthentication/',
  ];
  const linked = new Set<string>();
  for (const path of pages) {
    await page.goto(path);
    for (const href of await page
      .locator('main a[href^="/exercises/"]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')!)))
      linked.add(href.replace(/^\/exercises\/|\/$/g, ''));
  }
  expect(ids.length).toBeGreaterThanOrEqual(8);
  expect([...linked].sort()).toEqual(ids.sort());
  await page.goto('/gateway-api/httproute/');
  await page.getByRole('link', { name: /Exercise: .*header/i }).click();
  await expect(page).toHaveURL(/\/exercises\/header-routing\/$/);
});
