import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { decodeShare, encodeShare } from '../../src/lib/share/index.ts';
import type { SharedState } from '../../src/lib/share/index.ts';
import { expect, sitemapPaths, test } from './fixtures.ts';

const base = (f: string) => readFileSync(`labs/base/${f}.yaml`, 'utf8').trimEnd();
const BOOKINFO_WAYPOINT = ['bookinfo', 'clients', 'waypoint'].map(base).join('\n---\n');
const READ_ONLY = readFileSync('labs/waypoint-l7-authz/manifests/reviews-read-only.yaml', 'utf8');

const L7_SELECTOR_POLICY = `
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ratings-get-only
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: ratings
  action: ALLOW
  rules:
    - to:
        - operation:
            methods: ["GET"]
`;

function editor(page: Page) {
  return page.getByRole('textbox', { name: 'YAML editor', exact: true });
}

async function open(page: Page, state?: SharedState) {
  await page.goto(state ? `/playground/#${encodeShare(state)}` : '/playground/');
  await expect(page.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: 20_000 });
}

function findings(page: Page) {
  return page.getByRole('region', { name: 'Findings' }).getByRole('listitem');
}

test.describe('/playground/', () => {
  test('an L7 selector policy shows l7-policy-on-ztunnel inline and in the findings panel', async ({ page }) => {
    await open(page);
    await expect(page.getByText('No findings.')).toBeVisible();
    await editor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(L7_SELECTOR_POLICY);
    // Panel: the rule id, with line:column.
    const item = findings(page).filter({ hasText: 'l7-policy-on-ztunnel' });
    await expect(item).toHaveCount(1);
    await expect(item.getByRole('button').first()).toContainText(/\d+:\d+/);
    // Inline: underline and gutter marker.
    await expect(page.locator('.cm-lintRange-error').first()).toBeVisible();
    await expect(page.locator('.cm-gutter-lint .cm-lint-marker-error').first()).toBeVisible();
    // Hover tooltip: message, fix and a link to the rule page.
    await page.locator('.cm-lintRange-error').first().hover();
    await expect(page.getByRole('link', { name: 'About l7-policy-on-ztunnel' })).toHaveAttribute(
      'href',
      '/validator/rules/l7-policy-on-ztunnel/',
    );
    // Activating the finding moves the cursor there (the focused line is the one the finding names).
    const position = (await item.getByRole('button').first().locator('.pg-pos').textContent())!;
    const line = Number(position.split(':')[0]);
    await item.getByRole('button').first().click();
    await expect(editor(page)).toBeFocused();
    await expect(page.locator('.cm-activeLineGutter').first()).toHaveText(String(line));
    await expect(page.locator('.cm-activeLine')).toContainText('methods');
  });

  test('simulates an allowed and a denied request and shows the hop-by-hop trace', async ({ page }) => {
    await open(page, {
      yaml: BOOKINFO_WAYPOINT + '\n---\n' + READ_ONLY,
      request: { from: 'bookinfo/curl', to: 'reviews.bookinfo:9080', method: 'GET', path: '/reviews/0' },
    });
    const request = page.getByRole('region', { name: 'Request' });
    await expect(request.getByLabel('Client')).toHaveValue('bookinfo/curl');
    await request.getByRole('button', { name: 'Simulate' }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await expect(result.getByRole('definition').first()).toHaveText('Allowed');
    await expect(result.getByRole('table', { name: 'Backends' })).toContainText('bookinfo/reviews');
    const trace = result.getByRole('list', { name: 'Hop-by-hop trace' });
    const hops = trace.locator(':scope > li');
    await expect(result.locator('.atlas-trace-client')).toContainText('Client: bookinfo/curl');
    await expect(hops.nth(0)).toContainText('Source ztunnel');
    await expect(hops.nth(1)).toContainText('Waypoint bookinfo/waypoint');
    await expect(hops.nth(1)).toContainText('bookinfo/reviews-read-only');
    await expect(hops.nth(2)).toContainText('Destination ztunnel');
    await expect(hops.nth(3)).toContainText('Pod bookinfo/reviews');
    // The diagram: five nodes, all reached, the verdict coloured as allowed.
    const diagram = result.getByRole('img', { name: /^Trace diagram: / });
    await expect(diagram.locator('[data-slot]')).toHaveCount(5);
    await expect(result.locator('.atlas-trace-node--passed')).toHaveCount(5);
    await expect(result.locator('[data-trace]')).toHaveAttribute('data-outcome', 'allowed');

    await request.getByLabel('Method').selectOption('POST');
    await request.getByRole('button', { name: 'Simulate' }).click();
    await expect(result.getByRole('definition').first()).toHaveText('Denied at waypoint');
    await expect(result).toContainText('403');
    await expect(trace.locator(':scope > li').nth(1)).toContainText('bookinfo/reviews-read-only');
    // Only client → ztunnel → waypoint: the request never reaches the pod.
    await expect(trace.locator(':scope > li', { hasText: 'Pod bookinfo/reviews' })).toHaveCount(0);
    await expect(trace.locator(':scope > li').nth(1)).toHaveAttribute('data-denied', 'true');
    await expect(result.locator('[data-slot="waypoint"]')).toContainText('denied here');
    await expect(result.locator('[data-slot="pod"]')).toHaveClass(/--not-reached/);
    await expect(result.locator('[data-trace]')).toHaveAttribute('data-outcome', 'denied');

    // An unknown destination is a usage error with a message, not a crash.
    await request.getByLabel('Client').selectOption('external');
    await request.getByRole('button', { name: 'Simulate' }).click();
    await expect(result.getByRole('definition').first()).toBeVisible();
  });

  test('share link: the URL fragment follows edits and restores editor and request', async ({ page, context }) => {
    await open(page);
    await editor(page).click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.insertText('# shared-marker-42\n');
    const request = page.getByRole('region', { name: 'Request' });
    await request.getByLabel('Path').fill('/productpage?u=1');
    await request.getByLabel('Headers (one per line').fill('end-user: jason');
    await expect
      .poll(() => {
        const d = decodeShare(new URL(page.url()).hash);
        return (
          'state' in d && d.state.yaml.includes('shared-marker-42') && d.state.request?.path === '/productpage?u=1'
        );
      })
      .toBe(true);
    const link = page.url();

    const other = await context.newPage();
    await other.goto(link);
    await expect(other.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: 20_000 });
    await expect(editor(other)).toContainText('# shared-marker-42');
    const r2 = other.getByRole('region', { name: 'Request' });
    await expect(r2.getByLabel('Path')).toHaveValue('/productpage?u=1');
    await expect(r2.getByLabel('Headers (one per line')).toHaveValue('end-user: jason');
    await expect(other.getByRole('status').first()).toContainText('Loaded the manifests and request from the link');
    // The link shows the result too, without a click: the request was simulated on load.
    const shown = other.getByRole('region', { name: 'Result' });
    await expect(shown.getByRole('list', { name: 'Hop-by-hop trace' })).toBeVisible();
    await expect(shown.getByRole('img', { name: /^Trace diagram: / })).toBeVisible();

    // "Copy link" puts the current link on the clipboard.
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await other.getByRole('button', { name: 'Copy link' }).click();
    await expect(other.getByText('Link copied to the clipboard.')).toBeVisible();
    expect(await other.evaluate(() => navigator.clipboard.readText())).toBe(other.url());
  });

  test('the share link is written at once when the page is left or hidden, even right after a keystroke', async ({
    page,
  }) => {
    await open(page);
    await editor(page).click();
    await page.keyboard.press('Control+End');
    const yamlIn = (hash: string) => {
      const d = decodeShare(hash);
      return 'state' in d ? d.state.yaml : '';
    };
    // Typing and leaving happen in one turn of the page, well inside the idle-time write's delay, so only the
    // pagehide / visibilitychange handlers can have put the new text in the fragment.
    const hashes = await page.evaluate(async () => {
      const settle = () => new Promise((r) => setTimeout(r, 0)); // the editor reads the typed text
      document.execCommand('insertText', false, '# left-marker\n');
      await settle();
      const beforeLeave = location.hash;
      window.dispatchEvent(new PageTransitionEvent('pagehide'));
      const afterLeave = location.hash;
      document.execCommand('insertText', false, '# hidden-marker\n');
      await settle();
      const beforeHide = location.hash;
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      return { beforeLeave, afterLeave, beforeHide, afterHide: location.hash };
    });
    expect(yamlIn(hashes.beforeLeave)).not.toContain('# left-marker');
    expect(yamlIn(hashes.afterLeave)).toContain('# left-marker');
    expect(yamlIn(hashes.beforeHide)).not.toContain('# hidden-marker');
    expect(yamlIn(hashes.afterHide)).toContain('# hidden-marker');
  });

  test('typing keeps the findings panel rows that did not change', async ({ page }) => {
    await open(page);
    await editor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(L7_SELECTOR_POLICY);
    const item = findings(page).filter({ hasText: 'l7-policy-on-ztunnel' });
    await expect(item).toHaveCount(1);
    await item.evaluate((li) => li.setAttribute('data-test-kept', ''));
    const linted = () => page.locator('[data-playground]').getAttribute('data-linted');
    // A keystroke that leaves the findings as they are: the row is the very same element.
    let before = await linted();
    await page.keyboard.insertText('# a comment at the end\n');
    await expect.poll(linted).not.toBe(before);
    await expect(findings(page)).toHaveCount(1);
    await expect(item).toHaveAttribute('data-test-kept', '');
    // One that adds a finding after it: the new row comes in, the unchanged one stays as it is.
    before = await linted();
    await page.keyboard.insertText(L7_SELECTOR_POLICY.replace('ratings-get-only', 'ratings-get-only-2'));
    await expect.poll(linted).not.toBe(before);
    await expect(findings(page).filter({ hasText: 'l7-policy-on-ztunnel' })).toHaveCount(2);
    await expect(findings(page).first()).toHaveAttribute('data-test-kept', '');
    await expect(findings(page).nth(1)).not.toHaveAttribute('data-test-kept', '');
  });

  test('a long findings list is drawn a page at a time, the rest fetched from the worker on request', async ({
    page,
  }) => {
    test.setTimeout(90_000); // 1,200 documents to lint, on a loaded machine
    // 1,200 documents with a repeated key: one yaml-syntax finding each, on lines 2, 5, 8, …
    const yaml = Array.from({ length: 1200 }, (_, i) => `k${i}: 1\nk${i}: 2\n`).join('---\n');
    await page.goto(`/playground/#${encodeShare({ yaml })}`);
    await expect(page.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: 45_000 });
    const summary = page.locator('[data-pg-findings-summary]');
    await expect(summary).toContainText('1200 error(s)');
    await expect(summary).toContainText('the editor marks the first 1,000');
    const rows = page.locator('[data-pg-findings] .pg-finding');
    await expect(rows).toHaveCount(200);
    await page.getByRole('button', { name: 'Show 500 more (1,000 not shown)' }).click();
    await expect(rows).toHaveCount(700);
    // Keyboard users go on from the first new row.
    await expect(rows.nth(200)).toBeFocused();
    // Past the 1,000 the lint reply carried: the rest come from the worker.
    await page.getByRole('button', { name: 'Show 500 more (500 not shown)' }).click();
    await expect(rows).toHaveCount(1200);
    await expect(rows.last().locator('.pg-pos')).toHaveText('3599:1');
    await expect(page.getByRole('button', { name: /^Show \d+ more/ })).toHaveCount(0);
  });

  test('a damaged link shows a clear message, never a blank page', async ({ page }) => {
    await page.goto('/playground/#v1.this-is-not-deflate!!');
    await expect(page.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: 20_000 });
    await expect(page.locator('[data-pg-status]')).toContainText('damaged');
    await expect(editor(page)).toContainText('kind: Namespace');
  });

  test('opens the links of "Open in playground"', async ({ page }) => {
    await page.goto('/playground/');
    await expect(page.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: 20_000 });
    const state: SharedState = {
      yaml: BOOKINFO_WAYPOINT + '\n---\n' + READ_ONLY,
      request: { from: 'bookinfo/productpage-v1', to: 'reviews', method: 'DELETE', path: '/reviews/1' },
    };
    // Same-page navigation (only the fragment changes) must load the new state too.
    await page.evaluate((hash) => (location.hash = hash), encodeShare(state));
    const request = page.getByRole('region', { name: 'Request' });
    await expect(request.getByLabel('Client')).toHaveValue('bookinfo/productpage-v1');
    await expect(request.getByLabel('Destination')).toHaveValue('reviews');
    await request.getByRole('button', { name: 'Simulate' }).click();
    await expect(page.getByRole('region', { name: 'Result' }).getByRole('definition').first()).toHaveText(
      'Denied at waypoint',
    );
  });

  test('"Open in playground" on a reference page opens its example here', async ({ page }) => {
    await page.goto('/gateway-api/httproute/');
    const link = page.getByRole('link', { name: 'Open in playground' }).first();
    const href = (await link.getAttribute('href'))!;
    const d = decodeShare(href.slice(href.indexOf('#')));
    expect('state' in d).toBe(true);
    await link.click();
    await expect(page).toHaveURL(/\/playground\/#v1\./);
    await expect(page.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: 20_000 });
    await expect(page.locator('[data-pg-status]')).toContainText('Loaded the manifests and request from the link');
    if ('state' in d && d.state.request?.from)
      await expect(page.getByLabel('Client')).toHaveValue(d.state.request.from);
    await page.getByRole('button', { name: 'Simulate' }).click();
    await expect(page.getByRole('region', { name: 'Result' }).getByRole('definition').first()).toBeVisible();
  });

  test('presets load the bookinfo mesh or a reference example with its first request', async ({ page }) => {
    await open(page);
    await page.getByLabel('Preset').selectOption('gateway-api/httproute-canary');
    await expect(page.locator('[data-pg-status]')).toContainText('Loaded preset');
    await expect(page.getByLabel('Client')).toHaveValue('bookinfo/productpage-v1');
    await expect(page.getByLabel('Destination')).toHaveValue('reviews.bookinfo:9080');
    await page.getByRole('button', { name: 'Simulate' }).click();
    const backends = page.getByRole('table', { name: 'Backends' });
    await expect(backends).toContainText('bookinfo/reviews-v1');
    await expect(backends).toContainText('80%');
    await expect(backends).toContainText('20%');
  });

  test('hostile YAML executes nothing and renders as text', async ({ page }) => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const yaml = `apiVersion: v1
kind: Namespace
metadata:
  name: bookinfo
  labels:
    istio.io/dataplane-mode: ambient
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: '${evil}'
  namespace: bookinfo
spec:
  selector: { matchLabels: { app: evil } }
  template:
    metadata: { labels: { app: evil } }
    spec:
      containers: [{ name: c, image: x, ports: [{ containerPort: 80 }] }]
---
apiVersion: v1
kind: Service
metadata:
  name: '${evil}'
  namespace: bookinfo
spec:
  selector: { app: evil }
  ports: [{ port: 80 }]
`;
    await open(page, { yaml, request: { from: `bookinfo/${evil}`, to: `pod/bookinfo/${evil}:80`, path: `/${evil}` } });
    await page.getByRole('button', { name: 'Simulate' }).click();
    await expect(page.getByRole('region', { name: 'Result' })).toContainText(evil);
    await expect(page.getByLabel('Client').locator('option', { hasText: evil })).toHaveCount(1);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect(page.locator('[data-playground] img')).toHaveCount(0);
  });

  test('keyboard only: reach the editor, type, leave it with Escape+Tab, use findings and simulate', async ({
    page,
  }) => {
    await open(page);
    await page.getByLabel('Preset').focus();
    for (let i = 0; i < 10 && !(await editor(page).evaluate((el) => el === document.activeElement)); i++)
      await page.keyboard.press('Tab');
    await expect(editor(page)).toBeFocused();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(L7_SELECTOR_POLICY);
    await expect(findings(page).filter({ hasText: 'l7-policy-on-ztunnel' })).toHaveCount(1);
    // Tab inside the editor indents (does not leave) …
    await page.keyboard.press('Tab');
    await expect(editor(page)).toBeFocused();
    // … Escape then Tab leaves it, to the MeshConfig input's toggle below it, then the first finding.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    await expect(editor(page)).not.toBeFocused();
    await expect(page.locator('details[data-pg-meshconfig] > summary')).toBeFocused();
    await page.keyboard.press('Tab');
    const first = findings(page).first().getByRole('button').first();
    await expect(first).toBeFocused();
    await expect(first).toHaveCSS('outline-style', 'solid');
    await page.keyboard.press('Enter');
    await expect(editor(page)).toBeFocused();
    // Undo through the keyboard removes what was typed last.
    // On to the request panel: Tab until the Simulate button, press Enter.
    await page.getByLabel('Client').focus();
    await page.keyboard.press('ArrowDown');
    for (let i = 0; i < 12; i++) {
      if (await page.getByRole('button', { name: 'Simulate' }).evaluate((el) => el === document.activeElement)) break;
      await page.keyboard.press('Tab');
    }
    await expect(page.getByRole('button', { name: 'Simulate' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(
      page.getByRole('region', { name: 'Result' }).getByRole('list', { name: 'Hop-by-hop trace' }),
    ).toBeVisible();
  });

  test('has no axe violations (editor loaded, findings and a trace shown)', async ({ page, axe }) => {
    test.setTimeout(90_000); // axe over the whole playground takes most of 30 s on a loaded machine
    await open(page, {
      yaml: BOOKINFO_WAYPOINT + '\n---\n' + READ_ONLY + L7_SELECTOR_POLICY,
      request: { from: 'bookinfo/curl', to: 'reviews.bookinfo:9080', path: '/reviews/0' },
    });
    await page.getByRole('button', { name: 'Simulate' }).click();
    await expect(page.getByRole('list', { name: 'Hop-by-hop trace' })).toBeVisible();
    expect(await axe()).toEqual([]);
  });

  test('the Content-Security-Policy forbids inline event handlers', async ({ page }) => {
    await open(page);
    const policy = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content');
    expect(policy).toMatch(/script-src-attr 'none'/);
    expect(policy!.match(/script-src ([^;]*)/)![1]).not.toContain("'unsafe-inline'");
    // An element with an inline handler, injected at run time, never runs its handler.
    const violation = page.evaluate(
      () =>
        new Promise<string>((resolve) =>
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true }),
        ),
    );
    await page.evaluate(() =>
      document.body.insertAdjacentHTML(
        'beforeend',
        '<img alt="" src="/no-such-image.png" onerror="window.__pwned2=1">',
      ),
    );
    expect(await violation).toBe('script-src-attr');
    expect(await page.evaluate(() => (window as unknown as { __pwned2?: number }).__pwned2)).toBeUndefined();
  });
});

test('no page of the site violates the Content-Security-Policy', async ({ page }) => {
  test.setTimeout(180_000);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/.test(m.text())) problems.push(`${page.url()}: ${m.text().slice(0, 160)}`);
  });
  for (const path of sitemapPaths()) {
    await page.goto(path);
    await page.waitForLoadState('load');
  }
  // The islands (dynamic imports, CodeMirror's styles) and search (WebAssembly) under the policy.
  await open(page);
  await page.goto('/exercises/l4-allow-principal/');
  await expect(page.locator('[data-exercise][data-ready="true"]')).toBeVisible({ timeout: 20_000 });
  expect(problems).toEqual([]);
});
