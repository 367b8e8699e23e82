// The design pass of issue #19 in the browser: enforcement-point badges everywhere name every point and never
// wrap, rule pages show rendered Markdown, the favicon ships, the landing page names its versions and links the
// tools, and the terminal opens in view, focused and wide.
import { CATALOG } from '../../src/lib/catalog/index.ts';
import { enforcementText, ENFORCEMENT_TOKENS } from '../../src/lib/catalog/enforcement-tokens.ts';
import { RULES } from '../../src/lib/validator/index.ts';
import { GATEWAY_API_VERSIONS, ISTIO_VERSIONS } from '../../src/lib/versions.ts';
import { expect, test } from './fixtures.ts';

test('sidebar badges name every enforcement point of every catalog entry, each badge on one line', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/reference/');
  const badges = await page.locator('#starlight__sidebar a').evaluateAll((links) =>
    links.map((a) => {
      const badge = a.querySelector('.sl-badge');
      const lines = badge ? badge.getBoundingClientRect().height / parseFloat(getComputedStyle(badge).fontSize) : 0;
      return { href: a.getAttribute('href'), text: badge?.textContent?.trim(), lines };
    }),
  );
  for (const e of CATALOG) {
    const b = badges.find((x) => x.href === e.docs);
    expect(b?.text, e.slug).toBe(enforcementText(e.programmedAt));
    // One line of badge text is about 1.5 font sizes tall with its padding; two lines would be 2.5 or more.
    expect(b!.lines, e.slug).toBeLessThan(2.2);
  }
});

for (const theme of ['light', 'dark'] as const)
  test(`badge colours come from the token module (${theme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: theme });
    await context.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
    const page = await context.newPage();
    await page.goto('/security/authorizationpolicy/');
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    const badges = page.locator('.atlas-entry-facts [data-ep]');
    await expect(badges).toHaveText(['ztunnel', 'waypoint']);
    const colors = await badges.evaluateAll((els) =>
      els.map((el) => {
        const s = getComputedStyle(el);
        return [s.color, s.backgroundColor];
      }),
    );
    const hex = (rgb: string) =>
      `#${(rgb.match(/\d+/g) ?? [])
        .slice(0, 3)
        .map((n) => Number(n).toString(16).padStart(2, '0'))
        .join('')}`;
    expect(colors.map(([fg, bg]) => [hex(fg!), hex(bg!)])).toEqual(
      (['ztunnel', 'waypoint'] as const).map((id) => [
        ENFORCEMENT_TOKENS[id][theme].fg,
        ENFORCEMENT_TOKENS[id][theme].tint,
      ]),
    );
    await context.close();
  });

test('every rule page renders its Markdown: no raw backtick in the text outside code blocks', async ({ page }) => {
  test.setTimeout(180_000); // one navigation per rule
  // The rule pages as the built site links them from its index: one per rule.
  await page.goto('/validator/rules/');
  const hrefs = await page
    .locator('main table a[href^="/validator/rules/"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
  expect(hrefs).toHaveLength(RULES.length);
  const raw: string[] = [];
  for (const href of hrefs) {
    const res = await page.goto(href, { waitUntil: 'domcontentloaded' });
    expect(res?.status(), href).toBe(200);
    const text = await page.locator('main').evaluate((main) => {
      const clone = main.cloneNode(true) as HTMLElement;
      for (const pre of clone.querySelectorAll('pre, script, style')) pre.remove();
      return clone.textContent ?? '';
    });
    const at = text.indexOf('`');
    if (at >= 0) raw.push(`${href}: …${text.slice(Math.max(0, at - 40), at + 40)}…`);
  }
  expect(raw).toEqual([]);
});

test('the rule index keeps every severity badge on one line at phone width', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto('/validator/rules/');
  const badges = page.locator('table .sl-badge');
  await expect(badges).toHaveCount(RULES.length);
  // In font sizes: one line of badge text with its padding is about 1.5, a broken "warnin g" 2.7.
  const heights = await badges.evaluateAll((els) =>
    els.map((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).fontSize)),
  );
  for (const h of heights) expect(h).toBeLessThan(2.2);
});

test('the favicon ships and every page links it', async ({ page }) => {
  const res = await page.request.get('/favicon.svg');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('svg');
  await page.goto('/');
  await expect(page.locator('link[rel="shortcut icon"], link[rel="icon"]').first()).toHaveAttribute(
    'href',
    '/favicon.svg',
  );
});

test('the landing page names its Istio and Gateway API versions and links the tools', async ({ page }) => {
  await page.goto('/');
  const versions = page.locator('[data-landing-versions]');
  for (const v of ISTIO_VERSIONS) await expect(versions).toContainText(v);
  await expect(versions).toContainText(`Istio ${ISTIO_VERSIONS.join(' and ')}`);
  await expect(versions).toContainText(`Gateway API ${GATEWAY_API_VERSIONS.join(' and ')}`);
  for (const href of ['/playground/', '/exercises/', '/validator/rules/', '/labs/', '/migrate/assistant/'])
    await expect(page.locator(`main a[href="${href}"]`).first()).toBeVisible();
});

test('the terminal opens in view and focused, at least 100 columns wide at 1366 px', async ({ page }) => {
  test.setTimeout(90_000); // the virtual cluster loads the validator and the simulator
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/labs/terminal/');
  await expect(page.locator('.atlas-terminal-help').first()).toContainText('istioctl and curl');
  await page.getByRole('button', { name: 'Open terminal' }).first().click();
  const screen = page.locator('[data-term-screen]').first();
  await expect(page.locator('[data-term-status]').first()).toContainText('Virtual cluster', { timeout: 30_000 });
  // Focused: xterm's input textarea has the focus, so typing goes to the shell at once.
  await expect(page.locator('.xterm-helper-textarea').first()).toBeFocused();
  const box = (await screen.boundingBox())!;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(901); // scrolled to the bottom edge, give or take a subpixel
  expect(Number(await screen.getAttribute('data-cols'))).toBeGreaterThanOrEqual(100);
  // Tables do not wrap: the widest table the shell prints keeps its header on one row.
  await page.keyboard.type('kubectl get pods -n bookinfo -o wide');
  await page.keyboard.press('Enter');
  const tree = page.locator('.xterm-accessibility-tree').first();
  await expect(tree).toContainText('READINESS GATES');
  const rows = (await tree.innerText()).replace(/\u00a0/g, ' ').split('\n');
  expect(rows.some((r) => /^NAME\s.*\sREADINESS GATES\s*$/.test(r))).toBe(true);
});
