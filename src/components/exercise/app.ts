/**
 * The exercise island: an editor on the learner's answer with live findings, "Check" running the exercise's checks
 * (validator + simulator), hints for failing checks, the solution as a diff by resource and field path, progress in
 * localStorage and a reset control. Loaded by Exercise.astro on first visibility or interaction.
 */
import type { EditorView } from '@codemirror/view';
import { ANSWER_FILE, exerciseById } from '../../content/exercises/index.ts';
import type { Exercise } from '../../content/exercises/index.ts';
import { parseManifests } from '../../lib/model/parse.ts';
import { hasQuickFix, quickFix } from '../../lib/validator/fixes/index.ts';
import { lint } from '../../lib/validator/lint.ts';
import { $, h, richText } from '../playground/dom.ts';
import { createYamlEditor, replaceDoc, showFindings } from '../playground/editor.ts';
import { describeOutcome } from '../../lib/expect/compare.ts';
import { exerciseInputs, runExercise } from './checks.ts';
import { fieldDiff } from './field-diff.ts';
import { currentVersion, onVersionChange } from '../version/store.ts';
import { browserStorage, readProgress, resetExercise, saveExercise } from './progress.ts';

const LINT_DEBOUNCE_MS = 250;
const SAVE_DEBOUNCE_MS = 400;

export function mount(root: HTMLElement): void {
  const id = root.dataset.exercise ?? '';
  const ex: Exercise | undefined = exerciseById(id);
  const status = $(root, '[data-ex-status]');
  if (!ex) {
    status.textContent = `Unknown exercise "${id}".`;
    return;
  }
  const storage = browserStorage();
  const saved = readProgress(storage).exercises[ex.id];
  const checksList = $(root, '[data-ex-checks]');
  const hints = $(root, '[data-ex-hints]');
  const solutionHost = $(root, '[data-ex-solution]');
  const checkBtn = $<HTMLButtonElement>(root, 'button[data-ex-check]');
  const solutionBtn = $<HTMLButtonElement>(root, 'button[data-ex-show-solution]');
  const resetBtn = $<HTMLButtonElement>(root, 'button[data-ex-reset]');
  let solved = saved?.solved === true;
  let lintTimer: ReturnType<typeof setTimeout> | undefined;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;

  const setSolved = (value: boolean) => {
    solved = value;
    root.dataset.solved = String(value);
  };
  setSolved(solved);
  status.textContent = solved ? 'Solved. Your answer is saved in this browser.' : '';

  const lintNow = (view: EditorView) => {
    const inputs = exerciseInputs(ex, view.state.doc.toString());
    // The Istio line chosen in the site header (issue #17).
    const { istio, gatewayApi } = currentVersion();
    const report = lint(inputs, { istio, gatewayApi });
    showFindings(
      view,
      report.findings.filter((f) => f.file === ANSWER_FILE),
    );
  };

  // Saved once typing pauses, and at once when the page may go away, so the last keystrokes are never lost.
  const saveAnswer = () => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    saveExercise(storage, ex.id, { solved, answer: view.state.doc.toString() });
  };
  const flushSave = () => {
    if (saveTimer !== undefined) saveAnswer();
  };
  window.addEventListener('pagehide', flushSave);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushSave();
  });

  const view = createYamlEditor({
    parent: $(root, '[data-ex-editor]'),
    doc: saved?.answer ?? ex.start,
    label: `YAML editor: answer to “${ex.title}”`,
    // The answer's findings may be about scenario objects too: the fix sees every input, and edits only the answer.
    quickFix: (text, f) =>
      f.file === ANSWER_FILE ? quickFix(text, f, parseManifests(exerciseInputs(ex, text)).resources) : undefined,
    // Asked first, so a tooltip on a finding no rule can fix costs no parse of the exercise's files.
    hasQuickFix: (f) => f.file === ANSWER_FILE && hasQuickFix(f.rule),
    onChange: (v) => {
      clearTimeout(lintTimer);
      lintTimer = setTimeout(() => lintNow(v), LINT_DEBOUNCE_MS);
      clearTimeout(saveTimer);
      saveTimer = setTimeout(saveAnswer, SAVE_DEBOUNCE_MS);
      if (solutionShown) closeSolution();
    },
  });
  lintNow(view);
  onVersionChange(() => lintNow(view));

  async function check() {
    checkBtn.disabled = true;
    try {
      const answer = view.state.doc.toString();
      const { istio, gatewayApi } = currentVersion();
      const outcome = await runExercise(ex!, answer, { istio, gatewayApi });
      checksList.replaceChildren(
        ...outcome.checks.map((c) =>
          h(
            'li',
            { 'data-pass': String(c.pass) },
            h('span', { class: 'ex-mark' }, c.pass ? '✓ Passed: ' : '✗ Failed: '),
            c.name,
            h(
              'span',
              { class: 'ex-actual' },
              c.pass ? '' : ` — got ${c.actual}${c.check ? `; expected ${describeOutcome(c.check.expect)}` : ''}`,
            ),
          ),
        ),
      );
      const failing = outcome.checks.filter((c) => !c.pass && c.hint);
      hints.replaceChildren(
        ...(failing.length
          ? [
              h('h3', {}, 'Hints'),
              h(
                'ul',
                {},
                ...failing.map((c) =>
                  h('li', { 'data-hint-for': c.name }, h('strong', {}, `${c.name}: `), ...richText(c.hint!)),
                ),
              ),
            ]
          : []),
      );
      setSolved(outcome.solved || solved);
      saveExercise(storage, ex!.id, { solved, answer });
      status.textContent = outcome.solved
        ? 'Solved! Every check passes. Your answer is saved in this browser.'
        : `${outcome.checks.filter((c) => !c.pass).length} of ${outcome.checks.length} checks fail. See the hints.`;
    } finally {
      checkBtn.disabled = false;
    }
  }

  let solutionShown = false;

  function closeSolution() {
    solutionShown = false;
    solutionHost.replaceChildren();
    solutionBtn.setAttribute('aria-expanded', 'false');
    solutionBtn.textContent = 'Show solution (diff)';
  }

  /** The solution as the fields to change (field-diff.ts), then the whole reference solution to copy from. */
  function showSolution() {
    closeSolution();
    const d = fieldDiff(view.state.doc.toString(), ex!.solution);
    const value = (v: string | undefined) => h('code', {}, v ?? '');
    const summary =
      'unreadable' in d
        ? h('p', {}, 'Your answer is not readable YAML yet, so it cannot be compared field by field.')
        : d.changes.length === 0
          ? h('p', {}, 'Your answer has the same resources and fields as the reference solution.')
          : h(
              'ul',
              { class: 'ex-diff', 'aria-label': 'Differences from the reference solution' },
              ...d.changes.map((c) =>
                h(
                  'li',
                  { 'data-change': c.change },
                  h('strong', {}, c.resource),
                  ...(c.path ? [' ', h('code', { class: 'ex-diff-path' }, c.path)] : []),
                  ': ',
                  ...(c.change === 'add'
                    ? c.path
                      ? ['add ', value(c.solution)]
                      : ['add this resource']
                    : c.change === 'remove'
                      ? c.path
                        ? ['remove (yours: ', value(c.answer), ')']
                        : ['not in the solution']
                      : ['yours ', value(c.answer), ', solution ', value(c.solution)]),
                ),
              ),
            );
    solutionHost.replaceChildren(
      h(
        'p',
        { class: 'ex-merge-legend' },
        'What differs, by resource and field (key order and YAML style do not count):',
      ),
      summary,
      h('p', { class: 'ex-merge-legend' }, 'The reference solution:'),
      h(
        'pre',
        { class: 'ex-solution-text', tabindex: '0', 'aria-label': 'Reference solution (read-only)' },
        ex!.solution,
      ),
    );
    solutionShown = true;
    solutionBtn.setAttribute('aria-expanded', 'true');
    solutionBtn.textContent = 'Hide solution';
  }

  checkBtn.addEventListener('click', () => void check());
  solutionBtn.addEventListener('click', () => (solutionShown ? closeSolution() : showSolution()));
  resetBtn.addEventListener('click', () => {
    closeSolution();
    resetExercise(storage, ex.id);
    replaceDoc(view, ex.start);
    clearTimeout(saveTimer);
    saveTimer = undefined; // nothing left to save: a pagehide now must not bring the progress back
    resetExercise(storage, ex.id);
    setSolved(false);
    checksList.replaceChildren(
      ...ex.checks.map((c) => h('li', {}, c.name)),
      h('li', {}, 'No error findings in your answer'),
    );
    hints.replaceChildren();
    status.textContent = 'Reset to the starting YAML; saved progress for this exercise was cleared.';
    lintNow(view);
  });
  root.dataset.ready = 'true';
}
