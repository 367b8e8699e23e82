// The learning path (issue #21), keyboard only: exercises and labs in one order with difficulty and time; progress
// from the one store (a lab step checked on its page, an exercise solved, the old exercises key migrated) survives a
// reload; damaged stored data shows a note and an empty path, never an error; "Reset progress" asks first, then
// clears; axe finds nothing in either theme; nothing scrolls sideways at 390 px.
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

const PATH = '/learn/';
const KEY = 'atlas.progress.v1';

async function press(target: Locator, key = 'Enter'): Promise<void> {
  await target.focus();
  await target.press(key);
}

function item(page: Page, title: string): Locator {
  return page.locator('[data-path-item]').filter({ has: page.getByRole('link', { name: title, exact: true }) });
}

async function store(page: Page): Promise<string | null> {
  return page.evaluate((k) => localStorage.getItem(k), KEY);
}

test.describe('learning path', () => {
  test.describe.configure({ timeout: 90_000 });

  test('lists exercises and labs by level with type, difficulty and time', async ({ page }) => {
    await page.goto(PATH);
    await expect(page.getByRole('heading', { level: 2, name: 'Beginner' })).toBeVisible();
    const lab = item(page, 'Enrol bookinfo in ambient and see mTLS at L4');
    await expect(lab).toContainText(/Lab, 2 steps, beginner, about \d+ min/);
    await expect(lab.getByRole('list', { name: /^Steps of / }).getByRole('listitem')).toHaveCount(2);
    await expect(item(page, 'Require a JWT')).toContainText(/Exercise, advanced/);
    await expect(page.locator('[data-path-state]').first()).toHaveText('Not started');
  });

  test('a lab step checked on its page shows on the path and survives a reload', async ({ page }) => {
    await page.goto('/labs/ambient-mtls/');
    const first = page.locator('[data-labcheck]').first();
    await press(first.getByText('or paste YAML'));
    await press(first.getByRole('button', { name: 'Fill in the solution' }));
    await press(first.getByRole('button', { name: 'Check the YAML' }));
    await expect(first.locator('[data-done]')).toContainText('Step 1 done', { timeout: 30_000 });

    await page.goto(PATH);
    const lab = item(page, 'Enrol bookinfo in ambient and see mTLS at L4');
    await expect(lab.locator('[data-path-state]')).toHaveText('1 of 2 steps done');
    await expect(lab.locator('[data-path-step="1"] [data-step-state]')).toHaveText('✓ done');
    await expect(lab.locator('[data-path-step="2"] [data-step-state]')).toHaveText('not done');
    await page.reload();
    await expect(lab.locator('[data-path-state]')).toHaveText('1 of 2 steps done');
    await expect(page.locator('[data-path-summary]')).toHaveText(/finished 0 of \d+/);
  });

  test('the exercises key of before is migrated: a solved exercise shows on the path and the index', async ({
    page,
  }) => {
    await page.goto(PATH);
    await page.evaluate(() =>
      localStorage.setItem(
        'atlas.exercises.v1',
        JSON.stringify({ version: 1, exercises: { 'strict-mtls': { solved: true, answer: 'x' } } }),
      ),
    );
    await page.reload();
    await expect(page.locator('[data-path-item][data-id="strict-mtls"] [data-path-state]')).toHaveText('✓ Solved');
    await expect(page.locator('[data-path-summary]')).toHaveText(/finished 1 of/);
    expect(await page.evaluate(() => localStorage.getItem('atlas.exercises.v1'))).toBeNull();
    await page.goto('/exercises/');
    await expect(page.locator('[data-ex-row="strict-mtls"] [data-ex-state]')).toHaveText('✓ Solved');
  });

  test('damaged stored progress: a note, an empty path, no error', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(PATH);
    await page.evaluate((k) => localStorage.setItem(k, '{"version":1,"exercises":{'), KEY);
    await page.reload();
    await expect(page.getByRole('alert')).toContainText('could not be read');
    await expect(page.locator('[data-path-state][data-state="todo"]')).toHaveCount(
      await page.locator('[data-path-item]').count(),
    );
    expect(await store(page)).toBeNull();
    expect(errors).toEqual([]);
    // Discarded once: the next visit starts clean, without the note.
    await page.reload();
    await expect(page.locator('[data-path-note]')).toBeHidden();
  });

  test('the exercises index reads the same store: damaged data shows its note there too, axe clean', async ({
    page,
    axe,
  }) => {
    await page.goto('/exercises/');
    await page.evaluate((k) => localStorage.setItem(k, '[]'), KEY);
    await page.reload();
    await expect(page.getByRole('status').filter({ hasText: 'could not be read' })).toBeVisible();
    await expect(page.locator('[data-ex-state]').first()).toHaveText('Not solved yet');
    expect(await axe()).toEqual([]);
  });

  test('reset asks first; cancelling keeps progress, confirming clears it for good', async ({ page }) => {
    await page.goto(PATH);
    await page.evaluate(
      (k) =>
        localStorage.setItem(
          k,
          JSON.stringify({
            version: 1,
            exercises: { 'strict-mtls': { solved: true, answer: '' } },
            labs: { 'ambient-mtls': { steps: [1, 2] } },
          }),
        ),
      KEY,
    );
    await page.reload();
    const lab = item(page, 'Enrol bookinfo in ambient and see mTLS at L4');
    await expect(lab.locator('[data-path-state]')).toHaveText('✓ Done (all 2 steps)');

    const reset = page.getByRole('button', { name: 'Reset progress…' });
    await press(reset);
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Keep my progress' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    await expect(lab.locator('[data-path-state]')).toHaveText('✓ Done (all 2 steps)');

    await press(reset);
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: 'Reset progress' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    await expect(lab.locator('[data-path-state]')).toHaveText('Not started');
    await expect(page.locator('[data-path-done]')).toContainText('Progress reset');
    expect(await store(page)).toBeNull();
    await page.reload();
    await expect(page.locator('[data-path-summary]')).toHaveText(/finished 0 of/);
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`axe finds no WCAG A/AA violations (${theme}), with progress and with the dialog open`, async ({
      page,
      axe,
    }) => {
      await page.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
      await page.goto(PATH);
      await page.evaluate(
        (k) =>
          localStorage.setItem(
            k,
            JSON.stringify({ version: 1, exercises: {}, labs: { 'ambient-mtls': { steps: [1] } } }),
          ),
        KEY,
      );
      await page.reload();
      await expect(page.locator('[data-path-state][data-state="started"]')).toHaveCount(1);
      expect(await axe()).toEqual([]);
      await press(page.getByRole('button', { name: 'Reset progress…' }));
      expect(await axe()).toEqual([]);
    });
  }

  test('nothing scrolls sideways at 390 px', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(PATH);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(
      0,
    );
  });
});
