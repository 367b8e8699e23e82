/**
 * The learning path's script: marks each exercise and lab step from the one progress store (progress.ts), shows the
 * note when stored progress was unreadable, and resets progress after a confirmation. Progress is written as text,
 * never by colour alone.
 */
import { browserStorage, loadProgress, resetProgress } from '../exercise/progress.ts';
import type { ProgressStore } from '../exercise/progress.ts';

function setState(el: Element | null, state: 'done' | 'started' | 'todo', text: string): void {
  if (!(el instanceof HTMLElement)) return;
  el.dataset['state'] = state;
  el.textContent = text;
}

function render(root: HTMLElement, store: ProgressStore): void {
  let done = 0;
  const items = [...root.querySelectorAll<HTMLElement>('[data-path-item]')];
  for (const item of items) {
    const id = item.dataset['id'] ?? '';
    const status = item.querySelector('[data-path-state]');
    if (item.dataset['kind'] === 'exercise') {
      const p = store.exercises.get(id);
      if (p?.solved) done++;
      if (p?.solved) setState(status, 'done', '✓ Solved');
      else if (p) setState(status, 'started', 'Started, not solved yet');
      else setState(status, 'todo', 'Not started');
      continue;
    }
    const passed = store.labs.get(id);
    const steps = [...item.querySelectorAll<HTMLElement>('[data-path-step]')];
    let n = 0;
    for (const step of steps) {
      const ok = passed?.has(Number(step.dataset['pathStep'])) === true;
      if (ok) n++;
      setState(step.querySelector('[data-step-state]'), ok ? 'done' : 'todo', ok ? '✓ done' : 'not done');
    }
    if (steps.length > 0 && n === steps.length) done++;
    if (steps.length > 0 && n === steps.length) setState(status, 'done', `✓ Done (all ${n} steps)`);
    else if (n > 0) setState(status, 'started', `${n} of ${steps.length} steps done`);
    else setState(status, 'todo', 'Not started');
  }
  const summary = root.querySelector('[data-path-summary]');
  if (summary) summary.textContent = `You have finished ${done} of ${items.length} in this browser.`;
}

export function mountLearningPath(root: HTMLElement): void {
  const storage = browserStorage();
  const { store, discarded } = loadProgress(storage);
  const note = root.querySelector<HTMLElement>('[data-path-note]');
  if (note && discarded) {
    note.textContent = discarded;
    note.hidden = false;
  }
  render(root, store);
  const dialog = root.querySelector<HTMLDialogElement>('[data-path-dialog]');
  const open = root.querySelector<HTMLButtonElement>('[data-path-reset]');
  if (!dialog || !open) return;
  open.addEventListener('click', () => dialog.showModal());
  root.querySelector('[data-path-cancel]')?.addEventListener('click', () => dialog.close());
  root.querySelector('[data-path-confirm]')?.addEventListener('click', () => {
    resetProgress(storage);
    dialog.close();
    if (note) note.hidden = true;
    render(root, loadProgress(storage).store);
    const done = root.querySelector<HTMLElement>('[data-path-done]');
    if (done) done.textContent = 'Progress reset: every exercise and lab is marked not started.';
  });
  // The dialog gives focus back to the button that opened it (native <dialog> behaviour).
}
