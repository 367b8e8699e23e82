// Wires every LabCheck on a lab page (loaded with the page, so it stays small: the simulator, the virtual shell and
// the progress store are imported when they are needed). "Check my answer" reads the cluster the learner built in
// the page's terminal, saved by the terminal under vshell's storage key after every command; the pasted-YAML path
// stays as the second way. A step whose checks all pass is recorded in the learning path's progress store.
import { restoreState, storageKey } from '../../src/lib/vshell/persist.ts';
import { currentVersion } from '../../src/components/version/store.ts';
import type { CheckLine, LabCheckPayload, SeenObject } from './lab-check-client.ts';

const SEEN_LABEL: Record<SeenObject['how'], string> = {
  added: 'added by you',
  changed: 'changed by you',
  missing: 'missing (deleted, or an earlier step not done)',
  lab: 'as the lab left it',
  cluster: 'part of every cluster',
};

/** The Istio line chosen in the site header: the terminal answers for it, so the checks do too. */
function versions() {
  const { istio, gatewayApi } = currentVersion();
  return { istio, gatewayApi };
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function item(doc: Document, state: string, text: string): HTMLLIElement {
  const li = doc.createElement('li');
  li.dataset['state'] = state;
  li.textContent = text;
  return li;
}

function renderLines(doc: Document, results: HTMLElement, lines: readonly CheckLine[]): void {
  results.replaceChildren(
    ...lines.map((l) =>
      item(
        doc,
        l.kind === 'warning' ? 'warn' : l.ok ? 'ok' : 'fail',
        `${l.kind === 'warning' ? '⚠ warning' : l.ok ? '✓' : '✗'} ${l.text}`,
      ),
    ),
  );
}

/** The learner's changes in a sentence, every object in a list (a `<details>`, it can be long). */
function renderSeen(doc: Document, box: HTMLElement, seen: readonly SeenObject[]): void {
  const yours = seen.filter((o) => o.how === 'added' || o.how === 'changed' || o.how === 'missing');
  const p = doc.createElement('p');
  p.textContent =
    `The check saw ${seen.filter((o) => o.how !== 'missing').length} objects in your terminal's cluster. ` +
    (yours.length === 0
      ? 'None differs from the lab before this step.'
      : `Different from the lab before this step: ${yours.map((o) => `${o.ref} (${SEEN_LABEL[o.how]})`).join('; ')}.`);
  const details = doc.createElement('details');
  const summary = doc.createElement('summary');
  summary.textContent = 'Every object the check saw';
  const ul = doc.createElement('ul');
  ul.append(...seen.map((o) => item(doc, o.how, `${o.ref} — ${SEEN_LABEL[o.how]}`)));
  details.append(summary, ul);
  box.replaceChildren(p, details);
  box.hidden = false;
}

async function recordProgress(payload: LabCheckPayload, lines: readonly CheckLine[], done: HTMLElement) {
  if (!payload.lab || !payload.step || !lines.every((l) => l.ok)) return;
  const { markLabStep } = await import('../../src/components/exercise/progress.ts');
  markLabStep(storage(), payload.lab, payload.step);
  done.textContent = `✓ Step ${payload.step} done — saved to your learning path in this browser.`;
}

async function showDone(payload: LabCheckPayload, done: HTMLElement) {
  if (!payload.lab || !payload.step) return;
  const { loadProgress } = await import('../../src/components/exercise/progress.ts');
  if (loadProgress(storage()).store.labs.get(payload.lab)?.has(payload.step))
    done.textContent = `✓ Step ${payload.step} done earlier in this browser.`;
}

/** The terminal's saved cluster for this lab, checked; undefined when the terminal was never used here. */
async function checkTerminal(payload: LabCheckPayload) {
  let saved: string | null;
  try {
    saved = payload.lab ? (storage()?.getItem(storageKey(payload.lab)) ?? null) : null;
  } catch {
    saved = null;
  }
  const state = payload.lab ? restoreState(saved, payload.lab) : undefined;
  if (!state) return undefined;
  const [{ runChecksOnCluster }, { initialState }] = await Promise.all([
    import('./lab-check-client.ts'),
    import('../../src/lib/vshell/index.ts'),
  ]);
  // A cluster with no setup: the objects every virtual cluster has, so they are not shown as the learner's.
  const baseline = initialState({ lab: state.lab, files: {}, setup: [] }).objects;
  return runChecksOnCluster(payload, state.objects, baseline, versions());
}

function wire(doc: Document, root: HTMLElement): void {
  // Written by LabCheck.astro at build time (`<` escaped), not by the reader.
  const payload = JSON.parse(root.querySelector('[data-payload]')?.textContent ?? '{}') as LabCheckPayload;
  const answer = root.querySelector<HTMLTextAreaElement>('[data-answer]');
  const results = root.querySelector<HTMLUListElement>('[data-results]');
  const seenBox = root.querySelector<HTMLElement>('[data-seen]');
  const done = root.querySelector<HTMLElement>('[data-done]');
  const runTerm = root.querySelector<HTMLButtonElement>('[data-run-terminal]');
  const runYaml = root.querySelector<HTMLButtonElement>('[data-run]');
  if (!answer || !results || !seenBox || !done || !runTerm || !runYaml) return;
  void showDone(payload, done).catch(() => {});
  const busy = async (button: HTMLButtonElement, work: () => Promise<void>) => {
    button.disabled = true;
    try {
      await work();
    } catch {
      // Never a stack trace on the page: the engine failing is reported as what it is.
      renderLines(doc, results, [{ kind: 'error', ok: false, text: 'The simulator could not run this check.' }]);
    } finally {
      button.disabled = false;
    }
  };
  runTerm.addEventListener('click', () =>
    busy(runTerm, async () => {
      const r = await checkTerminal(payload);
      if (!r) {
        seenBox.hidden = true;
        const text = 'No terminal session for this lab yet: open the terminal above and run the step (or paste YAML).';
        return renderLines(doc, results, [{ kind: 'error', ok: false, text }]);
      }
      renderLines(doc, results, r.lines);
      renderSeen(doc, seenBox, r.seen);
      await recordProgress(payload, r.lines, done);
    }),
  );
  root.querySelector('[data-fill]')?.addEventListener('click', () => {
    answer.value = payload.solution;
  });
  runYaml.addEventListener('click', () =>
    busy(runYaml, async () => {
      const { runChecks } = await import('./lab-check-client.ts');
      const lines = await runChecks(payload, answer.value, versions());
      seenBox.hidden = true;
      renderLines(doc, results, lines);
      await recordProgress(payload, lines, done);
    }),
  );
}

export function mountLabChecks(doc: Document = document): void {
  for (const root of doc.querySelectorAll<HTMLElement>('[data-labcheck]')) wire(doc, root);
}
