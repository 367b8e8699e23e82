// The migration assistant (/migrate/assistant/, issue #7) in a real browser, keyboard only.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

async function open(page: Page) {
  await page.goto('/migrate/assistant/');
  await expect(page.locator('[data-migrate-assistant][data-ready="true"]')).toBeAttached({ timeout: 20_000 });
}

/** Press Tab until the element with this accessible name has focus (keyboard-only navigation). */
async function tabTo(page: Page, name: RegExp) {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? (el.getAttribute('aria-label') ?? el.textContent ?? '').trim() : '';
    });
    if (name.test(label)) return;
  }
  throw new Error(`could not reach ${name} with Tab`);
}

test('converts the sample with the keyboard alone: audit, YAML, before/after', async ({ page, axe }) => {
  await open(page);
  await page.getByLabel('Manifests to migrate (YAML)').focus();
  await tabTo(page, /^Load the sample$/);
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Manifests to migrate (YAML)')).toHaveValue(/kind: VirtualService/);
  await tabTo(page, /^Convert$/);
  await page.keyboard.press('Enter');

  await expect(page.locator('[data-ma-status]')).toContainText('0 blockers');
  const audit = page.locator('[data-ma-findings]');
  await expect(audit).toContainText('migrate-virtualservice-converted');
  await expect(audit).toContainText('migrate-l7-policy-retargeted');
  await expect(audit).toContainText('migrate-l4-allow-behind-waypoint');
  const yaml = page.locator('[data-ma-output]');
  await expect(yaml).toContainText('kind: HTTPRoute');
  await expect(yaml).toContainText('name: deny-waypoint-bypass');
  await expect(page.locator('[data-ma-objects]')).toContainText('added HTTPRoute bookinfo/reviews');
  await expect(page.locator('[data-ma-diff] .ma-add').first()).toBeVisible();
  expect(await axe({ include: '.atlas-migrate' })).toEqual([]);
});

test('reports blockers and never renders pasted text as HTML', async ({ page }) => {
  await open(page);
  await page
    .getByLabel('Manifests to migrate (YAML)')
    .fill(
      [
        'apiVersion: networking.istio.io/v1alpha3',
        'kind: EnvoyFilter',
        'metadata: {name: "<img src=x onerror=alert(1)>", namespace: shop}',
        'spec: {configPatches: [{applyTo: HTTP_FILTER, match: {context: SIDECAR_INBOUND}}]}',
      ].join('\n'),
    );
  await page.getByRole('button', { name: 'Convert' }).click();
  await expect(page.locator('[data-ma-status]')).toContainText('1 blocker');
  await expect(page.locator('[data-ma-findings]')).toContainText('migrate-envoyfilter-blocker');
  await expect(page.locator('[data-ma-findings]')).toContainText('<img src=x onerror=alert(1)>');
  await expect(page.locator('.atlas-migrate img')).toHaveCount(0);
});

test('downloads the converted YAML and links to the playground', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Load the sample' }).click();
  await page.getByRole('button', { name: 'Convert' }).click();
  await expect(page.locator('[data-ma-output]')).toContainText('kind: HTTPRoute');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download ambient.yaml' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('ambient.yaml');
  await expect(page.getByRole('link', { name: /playground/ })).toHaveAttribute('href', /^\/playground\/#v1\./);
});
