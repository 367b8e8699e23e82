// The in-page terminal (issue #9) on its demo page, in real Chromium: it loads only when opened, applies a policy
// typed as a here-document, answers a denied and an allowed curl through the simulator, keeps its cluster across a
// reload, and stays keyboard accessible. Output is read from xterm's accessibility tree (screen-reader mode).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { LAB_DEFINITIONS } from '../../labs/catalog.ts';
import { startLabServer } from '../../src/cli/lab-serve.ts';
import { ENFORCEMENT_TOKENS } from '../../src/lib/catalog/enforcement-tokens.ts';
import { expect, test } from './fixtures.ts';

const PAGE = '/labs/terminal/';

/** Text of the terminal's visible rows, as a screen reader gets it. */
async function screenText(page: Page): Promise<string> {
  return (await page.locator('.xterm-accessibility-tree').first().innerText()).replace(/\u00a0/g, ' ');
}

async function openTerminal(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Open terminal' }).first().click();
  await expect(page.locator('[data-term-status]').first()).toContainText('Virtual cluster', { timeout: 30_000 });
  await expect(page.locator('.xterm-helper-textarea').first()).toBeFocused({ timeout: 15_000 });
}

/** Type one command (Enter at the end) and wait until `expected` shows up on screen. */
async function type(page: Page, text: string, expected: string | RegExp): Promise<string> {
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await expect
    .poll(() => screenText(page), { timeout: 10_000 })
    .toMatch(expected instanceof RegExp ? expected : new RegExp(escape(expected)));
  return screenText(page);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const POLICY = `kubectl apply -f - <<EOF
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: productpage-allow-curl
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: productpage
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/bookinfo/sa/curl"]
EOF`;

test.describe('in-page terminal', () => {
  // Typing through xterm key by key is slow on a busy 2-core runner; these are budgets, not speed targets.
  test.describe.configure({ timeout: 120_000 });

  test('loads xterm only when opened', async ({ page }) => {
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    await page.goto(PAGE);
    await expect(page.getByRole('button', { name: 'Open terminal' })).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('.xterm').count()).toBe(0);
    expect(scripts.filter((u) => /xterm|vshell|terminal-client/.test(u))).toEqual([]);
    await openTerminal(page);
    expect(await page.locator('.xterm').count()).toBe(1);
  });

  test('apply a policy with a here-document, then a denied and an allowed curl; reload keeps the cluster', async ({
    page,
  }) => {
    await page.goto(PAGE);
    await openTerminal(page);

    // The here-document: the terminal shows continuation prompts until EOF, then the API server's answer.
    await type(page, POLICY, 'authorizationpolicy.security.istio.io/productpage-allow-curl created');

    // guest has another identity: the destination ztunnel resets the connection (curl exit 56).
    const denied = await type(
      page,
      'kubectl exec -n bookinfo deploy/guest -- curl -sS http://productpage:9080/productpage',
      'command terminated with exit code 56',
    );
    expect(denied).toContain('curl: (56) Recv failure: Connection reset by peer');

    // curl is the allowed principal.
    const allowed = await type(
      page,
      'kubectl exec -n bookinfo deploy/curl -- curl -s -o /dev/null -w "%{http_code}\\n" http://productpage:9080/productpage',
      /productpage\s*\n\s*200\s*\n/,
    );
    expect(allowed).toMatch(/\n\s*200\s*\n/);

    // Reload: the cluster comes back from localStorage.
    await page.reload();
    await openTerminal(page);
    await expect(page.locator('[data-term-status]').first()).toContainText('Restored');
    await type(page, 'kubectl get authorizationpolicies -n bookinfo', /productpage-allow-curl\s+ALLOW/);
    await type(
      page,
      'kubectl exec -n bookinfo deploy/guest -- curl -s -o /dev/null -w "%{http_code}\\n" http://productpage:9080/productpage',
      /000\s*\n\s*command terminated with exit code 56/,
    );
  });

  test('a waypoint turns the denial into an HTTP 403', async ({ page }) => {
    await page.goto(PAGE);
    await openTerminal(page);
    await type(page, 'istioctl waypoint apply -n bookinfo --enroll-namespace --wait', 'namespace bookinfo labeled');
    await type(
      page,
      'kubectl apply -f labs/waypoint-l7-authz/manifests/reviews-read-only.yaml',
      'reviews-read-only created',
    );
    await type(
      page,
      'kubectl exec -n bookinfo deploy/curl -- curl -s -X POST http://reviews:9080/reviews/0',
      'RBAC: access denied',
    );
  });

  test('history, completion, and leaving the terminal with the keyboard', async ({ page }) => {
    await page.goto(PAGE);
    await openTerminal(page);
    await type(page, 'kubectl get ns', /istio-system\s+Active/);
    // Tab completes a unique name; with several candidates it completes their common prefix.
    await page.keyboard.type('kubectl get ns bookin');
    await page.keyboard.press('Tab');
    await expect.poll(() => screenText(page)).toContain('kubectl get ns bookinfo');
    await page.keyboard.press('Control+C');
    await page.keyboard.type('kubectl get authorizationpol');
    await page.keyboard.press('Tab');
    await expect.poll(() => screenText(page)).toContain('kubectl get authorizationpolic');
    await page.keyboard.press('Control+C');
    await page.keyboard.press('ArrowUp');
    await expect.poll(async () => (await screenText(page)).trimEnd().split('\n').pop()).toMatch(/\$ kubectl get ns$/);
    await page.keyboard.press('Control+C');
    await type(page, 'nosuchcommand --flag', 'nosuchcommand: command not found');

    // Escape then Tab moves focus out of the terminal.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    const inside = await page.evaluate(() => !!document.activeElement?.closest('.xterm'));
    expect(inside).toBe(false);
  });

  test('the closed terminal has no accessibility violations', async ({ page, axe }) => {
    await page.goto(PAGE);
    expect(await axe({ include: '[data-atlas-terminal]' })).toEqual([]);
  });

  test('the open terminal has no accessibility violations', async ({ page, axe }) => {
    await page.goto(PAGE);
    await openTerminal(page);
    await type(page, 'kubectl get ns', /istio-system\s+Active/);
    expect(await axe({ include: '[data-atlas-terminal]' })).toEqual([]);
  });

  test('with a lab serve link, the terminal opens by itself on the real shell', async ({ page, baseURL }) => {
    const dir = mkdtempSync(join(tmpdir(), 'term-e2e-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const server = await startLabServer({
      lab: 'l4-authorization',
      origins: [new URL(baseURL!).origin],
      kubeconfig,
      shell: '/bin/sh',
      cwd: dir,
      env: { PATH: process.env['PATH'], HOME: dir, PS1: '$ ' },
    });
    try {
      await page.goto(`${PAGE}#terminal=${server.wsUrl}`);
      await expect(page.locator('[data-term-status]').first()).toContainText('Connected', { timeout: 30_000 });
      await page.locator('.xterm-helper-textarea').first().focus();
      await type(page, 'echo "kc=$KUBECONFIG"', `kc=${kubeconfig}`);
      expect(server.sessions()).toBe(1);
      await page.goto('about:blank');
      await expect.poll(() => server.sessions(), { timeout: 5000 }).toBe(0);
    } finally {
      await server.close();
    }
  });

  test('a link with a wrong token falls back to the virtual cluster', async ({ page }) => {
    await page.goto(`${PAGE}#terminal=ws://127.0.0.1:9/?token=nope`);
    await expect(page.locator('[data-term-status]').first()).toContainText('Virtual cluster', { timeout: 30_000 });
    await page.locator('.xterm-helper-textarea').first().focus();
    const text = await type(page, 'kubectl get ns legacy -o name', 'namespace/legacy');
    expect(text).toContain('Could not reach `ambient-atlas lab serve`');
  });
});

/** Every page with a terminal: the demo page and each lab. */
const TERMINAL_PAGES = [
  { path: '/labs/terminal/', prompt: 'atlas$' },
  ...LAB_DEFINITIONS.map((l) => ({ path: `/labs/${l.id}/`, prompt: `${l.id}$` })),
];

/** What the open terminal looks like on the page: its size, where it sits, and whether the page scrolls sideways. */
async function layout(page: Page, prompt: string) {
  return page.evaluate((prompt) => {
    const screen = document.querySelector<HTMLElement>('[data-term-screen]')!;
    const xterm = screen.querySelector<HTMLElement>('.xterm-screen')!;
    const rows = [...screen.querySelectorAll<HTMLElement>('.xterm-rows > div')];
    const promptRow = rows.find((r) => r.textContent?.replace(/\u00a0/g, ' ').includes(prompt));
    const rect = (e: Element | undefined) => {
      const r = e?.getBoundingClientRect();
      return r ? { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width } : undefined;
    };
    const cs = getComputedStyle(screen);
    return {
      cols: Number(screen.dataset['cols']),
      screen: rect(screen)!,
      // The frame's inner width, and the width xterm's columns take in it.
      frameWidth: screen.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight),
      xtermWidth: xterm.getBoundingClientRect().width,
      cell: xterm.getBoundingClientRect().width / Number(screen.dataset['cols']),
      frameScrolls: screen.scrollWidth > screen.clientWidth + 1,
      frameTabIndex: screen.getAttribute('tabindex'),
      frameLabel: screen.getAttribute('aria-label'),
      frameRole: screen.getAttribute('role'),
      promptRow: rect(promptRow),
      navBottom: document.querySelector('header')?.getBoundingClientRect().bottom ?? 0,
      viewport: { width: innerWidth, height: innerHeight },
      pageScrollsSideways: document.documentElement.scrollWidth > innerWidth,
      focused: document.activeElement?.classList.contains('xterm-helper-textarea') ?? false,
    };
  }, prompt);
}

/** The rows a command printed: from the row after the command up to the next prompt. */
function outputRows(text: string, command: string, prompt: string): string[] {
  const lines = text.split('\n');
  const at = lines.findLastIndex((l) => l.includes(`${prompt} ${command}`));
  const rest = lines.slice(at + 1);
  const end = rest.findIndex((l) => l.includes(prompt));
  return (end < 0 ? rest : rest.slice(0, end)).filter((l) => l.trim());
}

test.describe('terminal layout (issue #19)', () => {
  test.describe.configure({ timeout: 120_000 });

  for (const { path, prompt } of TERMINAL_PAGES) {
    test(`${path} at 1366×900: opens in view with the prompt focused, fills its frame with ≥ 100 columns`, async ({
      page,
    }) => {
      await page.setViewportSize({ width: 1366, height: 900 });
      await page.goto(path);
      await openTerminal(page);
      await expect.poll(() => screenText(page)).toContain(prompt);
      const m = await layout(page, prompt);
      expect(m.cols).toBeGreaterThanOrEqual(100);
      // The whole screen below Starlight's header and above the fold, the prompt's row on it, the keys going there.
      expect(m.screen.top).toBeGreaterThanOrEqual(m.navBottom - 1);
      expect(m.screen.bottom).toBeLessThanOrEqual(m.viewport.height + 1);
      expect(m.promptRow).toBeDefined();
      expect(m.promptRow!.top).toBeGreaterThanOrEqual(m.screen.top);
      expect(m.promptRow!.bottom).toBeLessThanOrEqual(Math.min(m.screen.bottom, m.viewport.height));
      expect(m.focused).toBe(true);
      // Fills its frame: what is left over is less than a column and xterm's scrollbar.
      expect(m.xtermWidth).toBeLessThanOrEqual(m.frameWidth + 1);
      expect(m.frameWidth - m.xtermWidth).toBeLessThan(m.cell + 16);
      expect(m.frameScrolls).toBe(false);
      await expect(page.locator('[data-term-scroll-note]')).toBeHidden();
      expect(m.pageScrollsSideways).toBe(false);
    });
  }

  test('on a 390 px phone the page does not scroll sideways; the terminal keeps 100 columns in a frame that does', async ({
    page,
    axe,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/labs/l4-authorization/');
    await openTerminal(page);
    await expect.poll(() => screenText(page)).toContain('l4-authorization$');
    const m = await layout(page, 'l4-authorization$');
    expect(m.cols).toBeGreaterThanOrEqual(100);
    expect(m.pageScrollsSideways).toBe(false);
    expect(m.screen.right).toBeLessThanOrEqual(390);
    expect(m.frameScrolls).toBe(true);
    // A deliberate scroll container: labelled, and reachable by keyboard.
    expect(m.frameRole).toBe('region');
    expect(m.frameLabel).toMatch(/screen/);
    expect(m.frameTabIndex).toBe('0');
    await expect(page.locator('[data-term-scroll-note]')).toBeVisible();
    expect(m.focused).toBe(true);
    expect(await axe({ include: '[data-atlas-terminal]' })).toEqual([]);
  });

  test('tables do not wrap at 1366 px; a table wider than the terminal widens it', async ({ page }) => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(PAGE);
    await openTerminal(page);
    const before = (await layout(page, 'atlas$')).cols;
    for (const [command, columns] of [
      ['kubectl get pods -n bookinfo -o wide', 9],
      ['istioctl ztunnel-config workloads', 6],
      ['kubectl get svc -A', 6],
      ['kubectl get pods -A -o wide', 10],
    ] as const) {
      const text = await type(page, command, new RegExp(`${escape(command)}[\\s\\S]*\\natlas\\$`));
      const rows = outputRows(text, command, 'atlas$');
      expect(rows.length).toBeGreaterThan(2);
      // A wrapped row would leave a fragment on the next line, short of the table's columns.
      for (const row of rows)
        expect(row.trim().split(/\s+/).length, `${command}: ${row}`).toBeGreaterThanOrEqual(columns);
    }
    const after = await layout(page, 'atlas$');
    // `kubectl get pods -A -o wide` is wider than the screen's 1366 px columns: the terminal grew and its frame scrolls.
    expect(after.cols).toBeGreaterThan(before);
    expect(after.frameScrolls).toBe(true);
    expect(after.pageScrollsSideways).toBe(false);
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`in the ${scheme} theme, hints paint enforcement points in their token colours`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(PAGE);
      await openTerminal(page);
      await type(page, 'istioctl x describe pod productpage-v1 -n bookinfo', 'Enforced by the destination ztunnel');
      const colour = () =>
        page.evaluate(() => {
          const row = [...document.querySelectorAll('.xterm-rows > div')].find((r) =>
            r.textContent?.includes('Enforced by the destination'),
          );
          const span = [...(row?.querySelectorAll('span') ?? [])].find((s) => s.textContent === 'ztunnel');
          return span ? getComputedStyle(span).color : undefined;
        });
      const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
      expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe(scheme);
      expect(await colour()).toBe(rgb(ENFORCEMENT_TOKENS.ztunnel[scheme].fg));
      // Switching the page's theme repaints what is already on the screen.
      const other = scheme === 'light' ? 'dark' : 'light';
      await page.evaluate((t) => (document.documentElement.dataset['theme'] = t), other);
      await expect.poll(colour).toBe(rgb(ENFORCEMENT_TOKENS.ztunnel[other].fg));
    });
  }

  // Opt-in pictures for the closing note: ATLAS_SCREENSHOTS=<dir> writes terminal-<width>-<theme>.png.
  for (const width of [390, 1366])
    for (const scheme of ['light', 'dark'] as const)
      test(`screenshot: a lab page with a table in the terminal at ${width} px, ${scheme}`, async ({ page }) => {
        test.skip(!process.env['ATLAS_SCREENSHOTS'], 'set ATLAS_SCREENSHOTS=dir to write them');
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto('/labs/waypoint-l7-authz/');
        await openTerminal(page);
        await type(page, 'istioctl waypoint apply -n bookinfo --enroll-namespace --wait', 'namespace bookinfo labeled');
        await type(page, 'kubectl get pods -n bookinfo -o wide', 'productpage-v1');
        await type(page, 'istioctl x describe svc reviews -n bookinfo', 'Endpoints:');
        await page.screenshot({ path: `${process.env['ATLAS_SCREENSHOTS']}/terminal-${width}-${scheme}.png` });
      });
});
