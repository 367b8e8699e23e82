// The playground's Reachability and Compare views and its MeshConfig input (issues #20, #17), driven with the
// keyboard in real Chromium: open the grid, move through it, open a cell's trace; keep a baseline, edit a policy,
// see the changed cells and their cause; reload the share link and get the same view; axe finds nothing.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { decodeShare, encodeShare } from '../../src/lib/share/index.ts';
import type { SharedState } from '../../src/lib/share/index.ts';
import { expect, test } from './fixtures.ts';

const base = (f: string) => readFileSync(`labs/base/${f}.yaml`, 'utf8').trimEnd();
const BOOKINFO_WAYPOINT = ['bookinfo', 'clients', 'waypoint'].map(base).join('\n---\n') + '\n';
const READ_ONLY = readFileSync('labs/waypoint-l7-authz/manifests/reviews-read-only.yaml', 'utf8');

async function open(page: Page, state: SharedState) {
  await page.goto(`/playground/#${encodeShare(state)}`);
  // Generous: the machines that run this are shared, and a link with the view open computes the grid first.
  await expect(page.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: 60_000 });
}

const reach = (page: Page) => page.getByRole('region', { name: 'Reachability' });
const grid = (page: Page) => reach(page).getByRole('grid');
const cellTrace = (page: Page) => page.getByRole('region', { name: 'Cell trace' });
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { from: el?.dataset.from, to: el?.dataset.to, request: el?.dataset.request };
  });

/** Focus the "Show reachability" button and press Enter. */
async function showReachability(page: Page) {
  const toggle = reach(page).locator('button[data-pg-reach-toggle]');
  await expect(toggle).toHaveText('Show reachability');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(grid(page)).toBeVisible({ timeout: 20_000 });
}

/** Move the grid's focus with arrow keys to the cell named, as a keyboard user would. */
async function arrowTo(page: Page, target: { from: string; to: string; request: string }) {
  const cells = grid(page).locator('td[role=gridcell]');
  const all = await cells.evaluateAll((tds) =>
    tds.map((td) => [
      (td as HTMLElement).dataset.from,
      (td as HTMLElement).dataset.to,
      (td as HTMLElement).dataset.request,
    ]),
  );
  const columns = await grid(page).locator('tbody tr').first().locator('td').count();
  const want = all.findIndex(([f, t, r]) => f === target.from && t === target.to && r === target.request);
  expect(want).toBeGreaterThanOrEqual(0);
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < Math.floor(want / columns); i++) await page.keyboard.press('ArrowDown');
  for (let i = 0; i < want % columns; i++) await page.keyboard.press('ArrowRight');
  expect(await focused(page)).toEqual(target);
}

test.describe('/playground/ Reachability and Compare', () => {
  test('keyboard: the grid loads on demand, arrows move through it, Enter opens the cell trace', async ({ page }) => {
    test.setTimeout(90_000);
    const scripts: string[] = [];
    page.on('request', (r) => scripts.push(r.url()));
    await open(page, { yaml: BOOKINFO_WAYPOINT + '---\n' + READ_ONLY });
    // The what-if engine is not part of the playground's first load.
    expect(scripts.filter((u) => /whatif/.test(u))).toEqual([]);
    await showReachability(page);
    expect(scripts.some((u) => /whatif-worker/.test(u))).toBe(true);
    await expect(reach(page).getByRole('status')).toContainText(/\d+ clients × \d+ destination ports/);
    // Tab from the toggle: Keep as baseline, then the grid's one tabbable cell (Clear baseline is disabled).
    await page.keyboard.press('Tab');
    await expect(reach(page).getByRole('button', { name: 'Keep as baseline' })).toBeFocused();
    await page.keyboard.press('Tab');
    const first = await focused(page);
    expect(first.from).toBeTruthy();
    await page.keyboard.press('ArrowRight');
    const second = await focused(page);
    expect(second.from).toBe(first.from);
    expect([second.to, second.request]).not.toEqual([first.to, first.request]);
    await page.keyboard.press('ArrowDown');
    expect((await focused(page)).from).not.toBe(first.from);
    await page.keyboard.press('Home');
    await page.keyboard.press('End');

    // curl → reviews GET /: the waypoint's policy denies it (only /reviews/* is allowed).
    const key = await grid(page)
      .locator(`td[data-from="bookinfo/curl"][data-to="reviews.bookinfo:9080"]`)
      .evaluateAll((tds) => tds.map((td) => (td as HTMLElement).dataset.request ?? ''));
    // Request keys are `METHOD PATH` then the headers and JWT after \u0002 separators (src/lib/whatif/requests.ts).
    const root = key.find((k) => k.startsWith('GET /\u0002'))!;
    const target = { from: 'bookinfo/curl', to: 'reviews.bookinfo:9080', request: root };
    await arrowTo(page, target);
    await expect(page.locator(':focus')).toHaveAttribute('data-verdict', 'denied');
    await expect(page.locator(':focus')).toContainText('403');
    await page.keyboard.press('Enter');
    const trace = cellTrace(page);
    await expect(trace).toBeFocused();
    await expect(trace.getByRole('heading', { level: 3 }).first()).toContainText(
      'bookinfo/curl → reviews.bookinfo:9080',
    );
    await expect(trace.getByRole('definition').first()).toHaveText('Denied at waypoint');
    await expect(trace.getByRole('list', { name: 'Hop-by-hop trace' })).toContainText('bookinfo/reviews-read-only');
  });

  test('Compare: keep a baseline, add a policy, see the closed cells and their cause; the link restores it all', async ({
    page,
    context,
  }) => {
    test.setTimeout(90_000); // two pages, each with its worker, on a loaded machine
    await open(page, { yaml: BOOKINFO_WAYPOINT });
    await showReachability(page);
    await expect(reach(page).getByRole('status')).toContainText('clients ×');
    await reach(page).getByRole('button', { name: 'Keep as baseline' }).focus();
    await page.keyboard.press('Enter');
    await expect(reach(page).getByRole('button', { name: 'Clear baseline' })).toBeEnabled();
    await expect(reach(page).getByText(/Compared with the baseline: 0 opened, 0 closed/)).toBeVisible();

    // Edit: add the read-only policy at the end of the manifests.
    const editor = page.getByRole('textbox', { name: 'YAML editor', exact: true });
    await editor.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\n---\n' + READ_ONLY);
    const counts = reach(page).locator('[data-pg-reach-counts]');
    await expect(counts).toContainText(/0 opened, [1-9]\d* closed/, { timeout: 20_000 });
    await expect(
      reach(page).getByRole('listitem').filter({ hasText: 'AuthorizationPolicy bookinfo/reviews-read-only added' }),
    ).toBeVisible();
    const closed = grid(page).locator('td[data-change="closed"]');
    await expect(closed.first()).toBeVisible();
    await expect(closed.first()).toContainText('▼');
    // Every closed cell is a reviews cell: the policy reaches nothing else.
    expect(new Set(await closed.evaluateAll((tds) => tds.map((td) => (td as HTMLElement).dataset.to)))).toEqual(
      new Set(['reviews.bookinfo:9080']),
    );

    const target = await closed.first().evaluate((td) => ({
      from: (td as HTMLElement).dataset.from!,
      to: (td as HTMLElement).dataset.to!,
      request: (td as HTMLElement).dataset.request!,
    }));
    await grid(page).locator('td[tabindex="0"]').focus();
    await arrowTo(page, target);
    await page.keyboard.press('Enter');
    const trace = cellTrace(page);
    await expect(trace.locator('[data-pg-reach-change="closed"]')).toContainText(
      'Caused by: AuthorizationPolicy bookinfo/reviews-read-only added',
    );
    await expect(trace.locator('[data-pg-reach-change="closed"]')).toContainText('Before: allowed');

    // The link holds the view, the baseline and the cell; opening it shows the same grid, counts and trace.
    await expect
      .poll(() => {
        const d = decodeShare(new URL(page.url()).hash);
        return 'state' in d ? d.state.whatif : undefined;
      })
      .toEqual({ open: true, baseline: BOOKINFO_WAYPOINT, cell: target });
    const countsText = await counts.textContent();
    const other = await context.newPage();
    await other.goto(page.url());
    await expect(other.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: 20_000 });
    await expect(reach(other).locator('[data-pg-reach-counts]')).toHaveText(countsText!);
    await expect(grid(other).locator('td[aria-selected="true"]')).toHaveAttribute('data-change', 'closed');
    await expect(cellTrace(other).locator('[data-pg-reach-change="closed"]')).toContainText(
      'AuthorizationPolicy bookinfo/reviews-read-only added',
    );

    // Clearing the baseline ends the comparison.
    await reach(other).getByRole('button', { name: 'Clear baseline' }).focus();
    await other.keyboard.press('Enter');
    await expect(reach(other).locator('[data-pg-reach-counts]')).toHaveCount(0);
    await expect(grid(other).locator('td[data-change]')).toHaveCount(0);
  });

  test('a mesh past the limit gets a message, not a grid', async ({ page }) => {
    const docs: string[] = [];
    for (let i = 0; i < 30; i++)
      docs.push(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: c${i}, namespace: big}\nspec:\n  selector: {matchLabels: {app: c${i}}}\n  template:\n    metadata: {labels: {app: c${i}}}\n    spec: {containers: [{name: c, image: x}]}`,
        `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}, namespace: big}\nspec:\n  selector: {app: c${i}}\n  ports: [{port: 80}]`,
      );
    test.setTimeout(60_000);
    await open(page, { yaml: docs.join('\n---\n') + '\n', whatif: { open: true } });
    await expect(reach(page).getByRole('status')).toContainText('31 clients × 30 destination ports (930 pairs)');
    await expect(reach(page).getByRole('status')).toContainText('ambient-atlas matrix');
    await expect(grid(page)).toHaveCount(0);
  });

  test('MeshConfig input: located errors, extension providers reach lint, the link carries it', async ({ page }) => {
    test.setTimeout(60_000);
    const telemetry = `---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: tracing
  namespace: bookinfo
spec:
  targetRefs:
    - kind: Gateway
      group: gateway.networking.k8s.io
      name: waypoint
  tracing:
    - providers:
        - name: otel
`;
    await open(page, { yaml: BOOKINFO_WAYPOINT + telemetry });
    const findings = page.getByRole('region', { name: 'Findings' });
    const providerFinding = findings.locator('code.pg-rule', { hasText: 'extension-provider-not-found' });
    const summary = page.locator('details[data-pg-meshconfig] summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    const input = page.getByLabel('MeshConfig YAML');
    await input.focus();
    await page.keyboard.insertText(
      'trustDomain: example.org\nextensionProviders:\n  - name: zipkin\n    zipkin: {service: z, port: 9411}\n  - name: zipkin\n',
    );
    const problems = page.getByRole('list', { name: 'MeshConfig problems' });
    await expect(problems.getByRole('button')).toContainText('5:');
    await expect(problems).toContainText('used twice');
    await expect(page.locator('[data-pg-meshconfig-summary]')).toContainText('Not in use');
    // Choosing the problem puts the caret on its line.
    await problems.getByRole('button').first().focus();
    await page.keyboard.press('Enter');
    await expect(input).toBeFocused();
    expect(
      await input.evaluate((t: HTMLTextAreaElement) => t.value.slice(0, t.selectionStart).split('\n').length),
    ).toBe(5);
    // Fix it: the MeshConfig is in use, and the Telemetry's provider is missing from it.
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Tab'); // leaving the input applies it at once
    await expect(problems.getByRole('listitem')).toHaveCount(0);
    await expect(page.locator('[data-pg-meshconfig-summary]')).toContainText('trust domain example.org');
    await expect(providerFinding).toBeVisible();
    // Add the provider: the finding goes.
    await input.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('  - name: otel\n    opentelemetry: {service: o, port: 4317}\n');
    await page.keyboard.press('Tab');
    await expect(providerFinding).toHaveCount(0);
    await expect
      .poll(() => {
        const d = decodeShare(new URL(page.url()).hash);
        return 'state' in d ? d.state.meshConfig : undefined;
      })
      .toContain('name: otel');
    // Reloaded: the input is open and in use again.
    await page.reload();
    await expect(page.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: 20_000 });
    await expect(page.locator('details[data-pg-meshconfig]')).toHaveAttribute('open', '');
    await expect(page.locator('[data-pg-meshconfig-summary]')).toContainText('trust domain example.org');
    await expect(page.locator('[data-pg-meshconfig-summary]')).toContainText('5 extension providers');
    await expect(providerFinding).toHaveCount(0);
  });

  for (const theme of ['light', 'dark'] as const)
    test(`axe (${theme}): no violations with Reachability, Compare, a cell trace and the MeshConfig input open`, async ({
      page,
      axe,
    }) => {
      // axe over the whole playground with a grid open is slow on a loaded machine.
      test.setTimeout(120_000);
      await page.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
      await open(page, {
        yaml: BOOKINFO_WAYPOINT + '---\n' + READ_ONLY,
        meshConfig: 'rootNamespace: istio-system\n',
        whatif: {
          open: true,
          baseline: BOOKINFO_WAYPOINT,
          cell: { from: 'bookinfo/curl', to: 'reviews.bookinfo:9080', request: 'tcp' },
        },
      });
      await expect(cellTrace(page).getByRole('heading', { level: 3 }).first()).toBeVisible({ timeout: 20_000 });
      await expect(grid(page).locator('td[data-change]').first()).toBeVisible();
      await expect(page.locator('details[data-pg-meshconfig]')).toHaveAttribute('open', '');
      expect(await axe()).toEqual([]);
    });
});
