import { CATALOG } from '../../src/lib/catalog/index.ts';
import { expect, test } from './fixtures.ts';

test.describe('/how-it-fits/ diagram', () => {
  for (const [label, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    test(`has one link per catalog entry, named with where it is programmed (${label})`, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.goto('/how-it-fits/');
      const diagram = page.getByRole('group', { name: /How the pieces fit/ });
      await expect(diagram).toHaveCount(1); // the other layout is hidden on this screen size
      const links = diagram.getByRole('link');
      await expect(links).toHaveCount(CATALOG.length);
      for (const e of CATALOG) {
        const name = e.type === 'label' ? e.key : e.title;
        const link = diagram.getByRole('link', {
          name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (at|not used)`),
        });
        await expect(link).toHaveAttribute('href', e.docs);
        if (!e.programmedAt.includes('n/a in ambient'))
          for (const at of e.programmedAt) await expect(link).toHaveAccessibleName(new RegExp(at));
      }
      const box = await diagram.boundingBox();
      expect(box!.width).toBeLessThanOrEqual(viewport.width);
    });
  }

  test('has a text alternative listing every resource', async ({ page }) => {
    await page.goto('/how-it-fits/');
    await page.getByText('Text version of the diagram').click();
    const text = page.locator('.atlas-diagram-text');
    for (const e of CATALOG)
      await expect(text.getByRole('link', { name: e.type === 'label' ? e.key : e.title, exact: true })).toHaveAttribute(
        'href',
        e.docs,
      );
  });

  test('no accessibility violations in light and dark themes', async ({ page, axe }) => {
    for (const theme of ['light', 'dark']) {
      await page.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
      await page.goto('/how-it-fits/');
      expect(await axe({ include: '.atlas-diagram' }), theme).toEqual([]);
    }
  });
});

test.describe('/request-path/ traces', () => {
  const hops = (page: import('@playwright/test').Page, name: string, claim: number) =>
    page
      .locator(`[data-example-trace="${name}"][data-claim="${claim}"]`)
      .getByRole('list', { name: 'Hops' })
      .locator(':scope > li > .atlas-trace-title');

  test('each scenario shows its hops, rendered without client JavaScript', async ({ page }) => {
    await page.goto('/request-path/');
    await expect(hops(page, 'request-path/fast-path', 0)).toHaveText([
      'Source ztunnel (client node)',
      'Destination ztunnel (server node)',
      /^Pod bookinfo\/reviews-v1/,
    ]);
    await expect(hops(page, 'request-path/waypoint-l7', 0)).toHaveText([
      'Source ztunnel (client node)',
      'Waypoint bookinfo/reviews-waypoint',
      'Destination ztunnel (server node)',
      /^Pod bookinfo\/reviews-v1/,
    ]);
    // DELETE stops at the waypoint with a 403
    await expect(hops(page, 'request-path/waypoint-l7', 1)).toHaveText([
      'Source ztunnel (client node)',
      'Waypoint bookinfo/reviews-waypoint',
    ]);
    await expect(page.locator('[data-example-trace="request-path/waypoint-l7"][data-claim="1"]')).toContainText(
      'HTTP 403',
    );
    // missing waypoint: direct
    await expect(hops(page, 'request-path/missing-waypoint', 0)).toHaveText([
      'Source ztunnel (client node)',
      'Destination ztunnel (server node)',
      /^Pod bookinfo\/reviews-v1/,
    ]);
    // non-mesh client: no source ztunnel, no waypoint
    await expect(hops(page, 'request-path/waypoint-l7', 2)).toHaveText([
      'Destination ztunnel (server node)',
      /^Pod bookinfo\/reviews-v1/,
    ]);
    // pod-addressed: skips the Service's waypoint
    await expect(hops(page, 'request-path/waypoint-l7', 3)).toHaveText([
      'Source ztunnel (client node)',
      'Destination ztunnel (server node)',
      /^Pod bookinfo\/reviews-v1/,
    ]);
    await expect(page.locator('astro-island')).toHaveCount(0);
  });

  test('the destination ztunnel sees the waypoint identity behind a waypoint', async ({ page }) => {
    await page.goto('/request-path/');
    const trace = page.locator('[data-example-trace="request-path/waypoint-l7"][data-claim="0"]');
    await expect(trace.getByRole('list', { name: 'Hops' }).locator(':scope > li').nth(2)).toContainText(
      'cluster.local/ns/bookinfo/sa/reviews-waypoint',
    );
  });
});

test.describe('deliberate examples on part-1 pages', () => {
  for (const [path, name, prefix, rule] of [
    ['/security/authorizationpolicy/', 'security/authz-deny-l7-on-ztunnel', 'No effect: ', 'l7-policy-on-ztunnel'],
    ['/security/authorizationpolicy/', 'security/authz-l7-on-ztunnel', "Don't: ", 'l7-policy-on-ztunnel'],
    ['/security/authorizationpolicy/', 'security/authz-selector-and-targetrefs', 'Rejected: ', 'schema'],
    [
      '/security/peerauthentication/',
      'security/peerauth-disable',
      'No effect: ',
      'peerauthentication-disable-is-permissive',
    ],
    ['/labels/use-waypoint/', 'labels/use-waypoint-missing', 'No effect: ', 'use-waypoint-not-found'],
    ['/security/requestauthentication/', 'security/jwt-selector', 'No effect: ', 'selector-policy-ignored-in-ambient'],
  ] as const) {
    test(`${name} shows its "${prefix.trim()}" title and links rule ${rule}`, async ({ page }) => {
      await page.goto(path);
      const ex = page.locator(`[data-example="${name}"]`);
      await expect(ex.getByRole('figure').first()).toContainText(prefix);
      await expect(ex.getByRole('link', { name: rule, exact: true })).toHaveAttribute(
        'href',
        `/validator/rules/${rule}/`,
      );
    });
  }
});
