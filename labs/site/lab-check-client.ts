// Browser side of LabCheck.astro: runs a step's checks in the simulator against the learner's YAML on top of the
// state before the step. Type-checked with the rest of the project (the .astro file only mounts it).
import type { SourceInput } from '../../src/lib/model/types.ts';
import type { LabCheck } from '../schema.ts';

export interface LabCheckPayload {
  readonly before: SourceInput[];
  readonly checks: LabCheck[];
  readonly solution: string;
}

export const ANSWER_FILE = 'your-answer.yaml';

export interface CheckLine {
  readonly kind: 'error' | 'warning' | 'check';
  /** False for an error finding or a failed check; warnings do not fail the step. */
  readonly ok: boolean;
  readonly text: string;
}

/** One line per validator finding (error or warning) in the answer, then one per check. */
export async function runChecks(payload: LabCheckPayload, answer: string): Promise<CheckLine[]> {
  // Loaded on demand: the validator and simulator only ship to readers who press the button.
  const [{ loadEngine }, { composeInputs }, { simulateCheck }, { describeCheck }] = await Promise.all([
    import('../runner/engine.ts'),
    import('../runner/state.ts'),
    import('../runner/dry-run.ts'),
    import('../runner/plan.ts'),
  ]);
  const engine = await loadEngine();
  const state = composeInputs([...payload.before, { file: ANSWER_FILE, text: answer }]);
  const out: CheckLine[] = [];
  const lint = engine.lint(state.inputs);
  for (const f of lint.errors.filter((x) => x.file === ANSWER_FILE))
    out.push({ kind: 'error', ok: false, text: `line ${f.line}:${f.column} ${f.rule}: ${f.message}` });
  for (const f of lint.warnings.filter((x) => x.file === ANSWER_FILE))
    out.push({ kind: 'warning', ok: true, text: `line ${f.line}:${f.column} ${f.rule}: ${f.message}` });
  for (const c of payload.checks) {
    const r = await simulateCheck(engine, state, c);
    const why = r.error ?? r.mismatches.map((m) => `${m.field} is ${m.actual}, expected ${m.expected}`).join('; ');
    out.push({ kind: 'check', ok: r.ok, text: `${c.name}: ${describeCheck(c)}${r.ok ? '' : ` — ${why}`}` });
  }
  return out;
}

export function mountLabChecks(doc: Document = document): void {
  for (const root of doc.querySelectorAll<HTMLElement>('[data-labcheck]')) {
    const payload = JSON.parse(root.querySelector('[data-payload]')?.textContent ?? '{}') as LabCheckPayload;
    const answer = root.querySelector<HTMLTextAreaElement>('[data-answer]');
    const results = root.querySelector<HTMLUListElement>('[data-results]');
    const run = root.querySelector<HTMLButtonElement>('[data-run]');
    if (!answer || !results || !run) continue;
    root.querySelector('[data-fill]')?.addEventListener('click', () => {
      answer.value = payload.solution;
    });
    run.addEventListener('click', async () => {
      run.disabled = true;
      try {
        const lines = await runChecks(payload, answer.value);
        results.replaceChildren(
          ...lines.map((l) => {
            const li = doc.createElement('li');
            li.dataset.state = l.kind === 'warning' ? 'warn' : l.ok ? 'ok' : 'fail';
            li.textContent = `${l.kind === 'warning' ? '⚠ warning' : l.ok ? '✓' : '✗'} ${l.text}`;
            return li;
          }),
        );
      } finally {
        run.disabled = false;
      }
    });
  }
}
