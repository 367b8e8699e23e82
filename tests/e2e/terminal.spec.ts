// The in-page terminal (issue #9) on its demo page, in real Chromium: it loads only when opened, applies a policy
// typed as a here-document, answers a denied and an allowed curl through the simulator, keeps its cluster across a
// reload, and stays keyboard accessible. Output is read from xterm's accessibility tree (screen-reader mode).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startLabServer } from '../../src/cli/lab-serve.ts';
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
