/**
 * The editor's field documentation and enum completion (issue #19): enum values offered after `action: `, the type
 * and CRD description on hovering a field name, the same from the keyboard (Ctrl+I), and the descriptions
 * fetched only when first needed.
 */
import type { Page } from '@playwright/test';
import { encodeShare } from '../../src/lib/share/index.ts';
import { expect, test } from './fixtures.ts';

const AP = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: x\nspec:\n';
const editor = (page: Page) => page.getByRole('textbox', { name: 'YAML editor', exact: true });

async function open(page: Page, yaml: string) {
  await page.goto(`/playground/#${encodeShare({ yaml })}`);
  await expect(page.locator('[data-playground][data-ready="true"]')).toBeVisible({ timeout: 20_000 });
}

/** The middle of the first occurrence of `word` in the editor's rendered text. */
async function centreOf(page: Page, word: string): Promise<{ x: number; y: number }> {
  const point = await page.locator('[data-playground] .cm-content').evaluate((root, w) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.textContent?.indexOf(w) ?? -1;
      if (i < 0) continue;
      const range = document.createRange();
      range.setStart(n, i + 2);
      range.setEnd(n, i + 3);
      const r = range.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }
    return null;
  }, word);
  expect(point, `${word} is rendered`).not.toBeNull();
  return point!;
}

test.describe('playground editor: enum completion and field docs', () => {
  test('offers the enum values of action', async ({ page }) => {
    await open(page, AP + '  ');
    await editor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('action: ');
    const list = page.getByRole('listbox');
    for (const v of ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'])
      await expect(list.getByRole('option', { name: v, exact: true })).toBeVisible();
    await page.keyboard.type('DE');
    await page.keyboard.press('Enter');
    await expect(editor(page)).toContainText('action: DENY');
  });

  test('hovering a field name, or Ctrl+I on it, shows its type and description', async ({ page }) => {
    const docsRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('field-docs')) docsRequests.push(r.url());
    });
    await open(page, AP + '  targetRefs:\n  - kind: Service\n    name: reviews\n');
    // The descriptions are not part of the editor's initial JavaScript.
    expect(docsRequests).toEqual([]);
    const tip = page.locator('.atlas-field-doc');
    await editor(page).scrollIntoViewIfNeeded();
    const at = await centreOf(page, 'targetRefs');
    await page.mouse.move(at.x, at.y);
    await expect(tip).toBeVisible();
    await expect(tip).toContainText('targetRefs');
    await expect(tip).toContainText('[]object');
    await expect(tip).toContainText('Optional.');
    expect(docsRequests).toHaveLength(1);

    // Keyboard: the cursor on the key, the mouse elsewhere.
    await page.mouse.click(at.x, at.y);
    await page.mouse.move(0, 0);
    await expect(tip).toBeHidden();
    await page.keyboard.press('Control+i');
    await expect(tip).toBeVisible();
    await expect(tip).toContainText('[]object');
    await page.keyboard.press('Escape');
    await expect(tip).toBeHidden();
  });
});
