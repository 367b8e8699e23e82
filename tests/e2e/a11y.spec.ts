import { expect, sitemapPaths, test } from './fixtures.ts';

// An accessibility sweep over every page the site publishes, in both colour schemes.
const paths = sitemapPaths();

test('the sitemap lists the site', () => {
  expect(paths.length).toBeGreaterThan(20);
  expect(paths).toContain('/reference/');
});

for (const theme of ['light', 'dark'] as const) {
  test.describe(`axe (${theme})`, () => {
    for (const path of paths) {
      test(`${path} has no WCAG A/AA violations`, async ({ page, axe }) => {
        await page.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
        const response = await page.goto(path);
        expect(response?.status()).toBe(200);
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
        expect(await axe()).toEqual([]);
      });
    }
  });
}
