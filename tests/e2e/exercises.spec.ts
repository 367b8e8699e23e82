import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

const ID = 'l4-allow-principal';
const SOLUTION = readFileSync(`src/content/exercises/${ID}/solution.yaml`, 'utf8');
const START = readFileSync(`src/content/exercises/${ID}/start.yaml`, 'utf8');

async function open(page: Page, id = ID) {
  await page.goto(`/exercises/${id}/`);
  const root = page.locator(`[data-exercise="${id}"]`);
  await root.scrollIntoViewIfNeeded();
  await expect(root).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  return root;
}

function answer(page: Page) {
  return page.getByRole('textbox', { name: /^YAML editor: answer to/ });
}

async function replaceAnswer(page: Page, text: string) {
  await answer(page).click();
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(text);
}

test.describe('exercises', () => {
  test('the index lists at least eight exercises', async ({ page }) => {
    await page.goto('/exercises/');
    await expect(page.getByRole('table').getByRole('link', { name: /./ }).filter({ hasNotText: '/' })).toHaveCount(8);
  });

  test('the index shows which exercises are solved in this browser', async ({ page }) => {
    await page.goto('/exercises/');
    const row = page.getByRole('row').filter({ hasText: 'Allow one client by identity (L4)' });
    await expect(row.getByRole('cell').last()).toHaveText('Not solved yet');
    await page.evaluate(() =>
      localStorage.setItem(
        'atlas.exercises.v1',
        JSON.stringify({ version: 1, exercises: { 'l4-allow-principal': { solved: true, answer: 'x' } } }),
      ),
    );
    await page.reload();
    await expect(row.getByRole('cell').last()).toHaveText('✓ Solved');
    await expect(page.getByRole('row').filter({ hasText: 'Require a JWT' }).getByRole('cell').last()).toHaveText(
      'Not solved yet',
    );
  });

  test('a failing answer shows which checks fail and a hint naming what to look at', async ({ page }) => {
    const root = await open(page);
    await expect(answer(page)).toContainText('sa/guest');
    await root.getByRole('button', { name: 'Check' }).click();
    const checks = root.getByRole('list').filter({ hasText: 'Failed' }).first();
    await expect(checks.getByRole('listitem').filter({ hasText: 'curl can GET' })).toContainText('✗ Failed');
    const hint = root.locator('[data-hint-for="bookinfo/curl can GET /productpage"]');
    await expect(hint).toContainText('principals');
    await expect(root).toHaveAttribute('data-solved', 'false');
    await expect(root.getByRole('status')).toContainText('checks fail');
  });

  test('solving persists across reload; reset restores the start', async ({ page }) => {
    const root = await open(page);
    await replaceAnswer(page, SOLUTION);
    await root.getByRole('button', { name: 'Check' }).click();
    await expect(root.getByRole('status')).toContainText('Solved');
    await expect(root).toHaveAttribute('data-solved', 'true');
    await expect(root.locator('[data-ex-hints] li')).toHaveCount(0);

    await page.reload();
    const again = await open(page);
    await expect(again).toHaveAttribute('data-solved', 'true');
    await expect(answer(page)).toContainText('sa/curl');
    await expect(answer(page)).not.toContainText('sa/guest');

    await again.getByRole('button', { name: 'Reset' }).click();
    await expect(again).toHaveAttribute('data-solved', 'false');
    await expect(answer(page)).toContainText('sa/guest');
    await page.reload();
    const third = await open(page);
    await expect(third).toHaveAttribute('data-solved', 'false');
    await expect(answer(page)).toContainText(START.split('\n')[0]!);
  });

  test('corrupt or old stored progress is discarded without breaking the page', async ({ page }) => {
    await page.goto('/exercises/');
    await page.evaluate(() => {
      localStorage.setItem('atlas.exercises.v1', '{not json');
      localStorage.setItem('atlas.exercises.v0', '{"solved":["x"]}');
    });
    const root = await open(page);
    await expect(answer(page)).toContainText('sa/guest');
    await root.getByRole('button', { name: 'Check' }).click();
    await expect(root.getByRole('status')).toContainText('checks fail');
    // Both exercises keys are gone: progress now lives in the one store the labs share (progress.ts).
    const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('atlas.')));
    expect(keys).toEqual(['atlas.progress.v1']);
  });

  test('the solution is shown as a diff against the answer', async ({ page }) => {
    const root = await open(page);
    const toggle = root.getByRole('button', { name: 'Show solution (diff)' });
    await toggle.click();
    await expect(root.getByRole('button', { name: 'Hide solution' })).toHaveAttribute('aria-expanded', 'true');
    // By resource and field path: the principal that differs, with both values.
    const diff = root.getByRole('list', { name: 'Differences from the reference solution' });
    const principal = diff.getByRole('listitem').filter({ hasText: 'principals' });
    await expect(principal.first()).toContainText('AuthorizationPolicy bookinfo/');
    await expect(principal.first()).toContainText('sa/guest');
    await expect(principal.first()).toContainText('sa/curl');
    await expect(root.getByLabel('Reference solution (read-only)')).toContainText('sa/curl');
  });

  test('every exercise page loads its exercise', async ({ page }) => {
    await page.goto('/exercises/');
    const hrefs = await page
      .getByRole('table')
      .locator('a[href^="/exercises/"]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(hrefs.length).toBeGreaterThanOrEqual(8);
    for (const href of hrefs) {
      const id = href.split('/')[2]!;
      const root = await open(page, id);
      await expect(root.getByRole('heading', { level: 2 }).first()).toContainText('Exercise:');
    }
  });

  test('an exercise page has no axe violations after a failed check and with the diff open', async ({ page, axe }) => {
    const root = await open(page);
    await root.getByRole('button', { name: 'Check' }).click();
    await expect(root.locator('[data-ex-hints] li').first()).toBeVisible();
    await root.getByRole('button', { name: 'Show solution (diff)' }).click();
    await expect(root.getByRole('list', { name: 'Differences from the reference solution' })).toBeVisible();
    expect(await axe()).toEqual([]);
  });
});
