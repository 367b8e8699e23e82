/**
 * The exercise island: an editor on the learner's answer with live findings, "Check" running the exercise's checks
 * (validator + simulator), hints for failing checks, the solution as a diff (@codemirror/merge), progress in
 * localStorage and a reset control. Loaded by Exercise.astro on first visibility or interaction.
 */
import { MergeView } from '@codemirror/merge';
import { yaml } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { ANSWER_FILE, exerciseById } from '../../content/exercises/index.ts';
import type { Exercise } from '../../content/exercises/index.ts';
import { parseManifests } from '../../lib/model/parse.ts';
import { quickFix } from '../../lib/validator/fixes/index.ts';
import { lint } from '../../lib/validator/lint.ts';
import { $, h, richText } from '../playground/dom.ts';
import { createYamlEditor, replaceDoc, showFindings } from '../playground/editor.ts';
import { describeOutcome } from '../../lib/expect/compare.ts';
import { exerciseInputs, runExercise } from './checks.ts';
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
  let merge: MergeView | undefined;

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
    onChange: (v) => {
      clearTimeout(lintTimer);
      lintTimer = setTimeout(() => lintNow(v), LINT_DEBOUNCE_MS);
      clearTimeout(saveTimer);
      saveTimer = setTimeout(saveAnswer, SAVE_DEBOUNCE_MS);
      if (merge) closeSolution();
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

  function closeSolution() {
    merge?.destroy();
    merge = undefined;
    solutionHost.replaceChildren();
    solutionBtn.setAttribute('aria-expanded', 'false');
    solutionBtn.textContent = 'Show solution (diff)';
  }

  function showSolution() {
    closeSolution();
    const readOnly = [
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      lineNumbers(),
      yaml(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    ];
    const wrap = h('div', { class: 'ex-merge' });
    solutionHost.replaceChildren(
      h(
        'p',
        { class: 'ex-merge-legend' },
        'Left: your answer. Right: the reference solution. Changed lines are highlighted.',
      ),
      wrap,
    );
    merge = new MergeView({
      a: {
        doc: view.state.doc.toString(),
        extensions: [
          ...readOnly,
          EditorView.contentAttributes.of({ 'aria-label': 'Your answer (read-only)', tabindex: '0' }),
        ],
      },
      b: {
        doc: ex!.solution,
        extensions: [
          ...readOnly,
          EditorView.contentAttributes.of({ 'aria-label': 'Reference solution (read-only)', tabindex: '0' }),
        ],
      },
      parent: wrap,
    });
    solutionBtn.setAttribute('aria-expanded', 'true');
    solutionBtn.textContent = 'Hide solution';
  }

  checkBtn.addEventListener('click', () => void check());
  solutionBtn.addEventListener('click', () => (merge ? closeSolution() : showSolution()));
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
