// Hostile input in the real browser (issue #15): share links carrying the hostile classes of tests/hostile/ open
// the playground, which becomes ready and shows findings (or the "damaged link" message), with no uncaught
// exception; the simulator answers the regex, Object.prototype-name and object-label cases with a verdict. And
// escape sequences from applied YAML reach the in-page terminal's xterm visibly escaped, not interpreted.
// Timeouts are hang guards for a busy runner, not timings: the figures are in `npm run bench hostile` (its browser section).
import type { Page } from '@playwright/test';
import { encodeShare } from '../../src/lib/share/index.ts';
import type { SharedState } from '../../src/lib/share/index.ts';
import {
  HEADER_REQUEST,
  headerNamed,
  OBJECT_LABELS_REQUEST,
  objectLabels,
} from '../../bench/hostile-browser-inputs.ts';
import {
  blockScalarWideMap,
  dashStaircase,
  manyAliases,
  quoteInContinuation,
  quoteThenBrackets,
} from '../hostile/parse-inputs.ts';
import { HOSTILE_REGEX, hostilePath, httpRouteWithRegex } from '../hostile/regex-inputs.ts';
import { shareBomb } from '../hostile/share-inputs.ts';
import { expect, test } from './fixtures.ts';

const HANG_GUARD = 60_000;

/** Uncaught exceptions in the page, collected from before navigation. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`));
  return errors;
}

async function open(page: Page, fragment: string): Promise<void> {
  await page.goto(`/playground/#${fragment}`);
  await expect(page.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: HANG_GUARD });
}

const link = (yaml: string, request?: SharedState['request']) => encodeShare(request ? { yaml, request } : { yaml });

const status = (page: Page) => page.locator('[data-pg-status]');
const summary = (page: Page) => page.locator('[data-pg-findings-summary]');
const findings = (page: Page) => page.getByRole('region', { name: 'Findings' }).getByRole('listitem');

/** Simulate the request the link carried and return the verdict (the first definition of the result). */
async function simulate(page: Page): Promise<string> {
  const request = page.getByRole('region', { name: 'Request' });
  await request.getByRole('button', { name: 'Simulate' }).click();
  const verdict = page.getByRole('region', { name: 'Result' }).getByRole('definition').first();
  await expect(verdict).toBeVisible({ timeout: HANG_GUARD });
  return (await verdict.textContent()) ?? '';
}

test.describe('hostile share links in the playground', () => {
  test.describe.configure({ timeout: 3 * HANG_GUARD });

  const parseCases: { name: string; yaml: () => string; rule: string }[] = [
    { name: '900 aliases + 5,000 keys', yaml: () => manyAliases(900, 5000).hostile, rule: 'schema' },
    {
      name: 'a block scalar + 20,000 keys with a duplicate at the end',
      yaml: () => blockScalarWideMap(20_000).duplicate,
      rule: 'yaml-syntax',
    },
    { name: "`name: b 'c` + a million `[`", yaml: () => quoteThenBrackets(1_000_000), rule: 'yaml-syntax' },
    { name: 'a quote in a continuation line + 100,000 `[`', yaml: () => quoteInContinuation(), rule: 'yaml-syntax' },
    { name: 'a staircase of 600 dash-only lines', yaml: () => dashStaircase(600), rule: 'yaml-syntax' },
  ];
  for (const c of parseCases) {
    test(`${c.name}: ready, with a ${c.rule} finding and no page error`, async ({ page }) => {
      const errors = pageErrors(page);
      await open(page, link(c.yaml()));
      await expect(status(page)).toHaveText('Loaded the manifests and request from the link.');
      await expect(findings(page).filter({ hasText: c.rule }).first()).toBeVisible();
      await expect(summary(page)).toContainText('error(s)');
      expect(errors).toEqual([]);
    });
  }

  test('a decompression bomb and a cut-short link show their message and load the preset', async ({ page }) => {
    const errors = pageErrors(page);
    await open(page, shareBomb(64).slice(1));
    await expect(status(page)).toContainText('more than 2 MB');
    await expect(status(page)).toContainText('The bookinfo preset was loaded instead.');
    const honest = link(manyAliases(900, 2000).hostile);
    await page.goto('about:blank');
    await open(page, honest.slice(0, Math.floor(honest.length / 2)));
    await expect(status(page)).toContainText('damaged');
    await expect(summary(page)).not.toBeEmpty();
    expect(errors).toEqual([]);
  });

  test('an HTTPRoute regex /(a+)+ with a path of 30 a + ! gets its verdict (no route)', async ({ page }) => {
    const errors = pageErrors(page);
    await open(
      page,
      link(httpRouteWithRegex(HOSTILE_REGEX), {
        from: 'shop/web',
        to: 'cart.shop:80',
        method: 'GET',
        path: hostilePath(30),
      }),
    );
    await expect(page.getByRole('region', { name: 'Request' }).getByLabel('Path')).toHaveValue(hostilePath(30));
    expect(await simulate(page)).toMatch(/No route/);
    await expect(page.getByRole('region', { name: 'Result' })).toContainText('404');
    expect(errors).toEqual([]);
  });

  test('an ALLOW requiring header constructor denies a request without it', async ({ page }) => {
    const errors = pageErrors(page);
    await open(page, link(headerNamed('constructor'), HEADER_REQUEST));
    await expect(summary(page)).not.toBeEmpty();
    expect(await simulate(page)).toMatch(/Denied/);
    await expect(page.getByRole('region', { name: 'Result' })).toContainText('403');
    expect(errors).toEqual([]);
  });

  test('object-valued labels, selectors and subsets: findings, and the simulator answers', async ({ page }) => {
    const errors = pageErrors(page);
    await open(page, link(objectLabels(true), OBJECT_LABELS_REQUEST));
    await expect(status(page)).toHaveText('Loaded the manifests and request from the link.');
    await expect(findings(page).filter({ hasText: 'schema' }).first()).toBeVisible();
    await page.getByRole('region', { name: 'Request' }).getByRole('button', { name: 'Simulate' }).click();
    // A verdict, or the simulator's usage message: never "The simulator failed".
    const result = page.getByRole('region', { name: 'Result' });
    await expect(result.getByRole('definition').or(result.getByRole('alert')).first()).toBeVisible({
      timeout: HANG_GUARD,
    });
    await expect(result).not.toContainText('The simulator failed');
    expect(errors).toEqual([]);
  });
});

test.describe('hostile text in the in-page terminal', () => {
  test.describe.configure({ timeout: 180_000 });

  // YAML double-quoted escapes (`\e`, `\a`) make real ESC/BEL characters in the applied object; the keys typed are
  // plain text. Interpreted, `\e[8m` would hide text, `\e]8;;…\a` would make an OSC 8 link and drop its payload from
  // the buffer, `\e]0;…\a` would set the title.
  const EVIL = `kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: evil
  namespace: bookinfo
  labels:
    app: "x\\e[8mhidden"
  annotations:
    note: "\\e]8;;http://evil.example/\\aclick\\e]8;;\\a \\e]0;pwned\\a"
spec:
  ports:
  - port: 80
EOF`;

  test('ESC and OSC sequences in an applied label are shown escaped in the xterm buffer', async ({ page }) => {
    const errors = pageErrors(page);
    await page.goto('/labs/terminal/');
    await page.getByRole('button', { name: 'Open terminal' }).first().click();
    await expect(page.locator('[data-term-status]').first()).toContainText('Virtual cluster', { timeout: 30_000 });
    await expect(page.locator('.xterm-helper-textarea').first()).toBeFocused({ timeout: 15_000 });
    const title = await page.title();
    // xterm's screen-reader rows are the buffer's text, one row each: rows are joined, so a line wrapped at the
    // terminal's width still reads as one.
    const buffer = async () =>
      (await page.locator('.xterm-accessibility-tree').first().innerText()).replace(/\u00a0/g, ' ').replace(/\n/g, '');

    await page.keyboard.type(EVIL);
    await page.keyboard.press('Enter');
    await expect.poll(buffer, { timeout: 30_000 }).toContain('service/evil created');

    await page.keyboard.type('kubectl get svc evil -n bookinfo --show-labels');
    await page.keyboard.press('Enter');
    await expect.poll(buffer, { timeout: 30_000 }).toContain('app=x\\x1b[8mhidden');

    await page.keyboard.type('kubectl describe svc evil -n bookinfo');
    await page.keyboard.press('Enter');
    await expect.poll(buffer, { timeout: 30_000 }).toContain('\\x1b]8;;http://evil.example/\\x07click');
    const text = await buffer();
    expect(text).toContain('\\x1b]0;pwned\\x07');
    // Nothing interpreted: no control character reached the buffer, no link was made, the title is the page's.
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(await page.locator('.xterm a, .xterm [data-link]').count()).toBe(0);
    expect(await page.title()).toBe(title);
    expect(errors).toEqual([]);
  });
});
