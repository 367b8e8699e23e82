// The lab dry-run (what CI runs for every lab): total time for all labs, and its cost per check relative to the
// browser's "Check my answer" for one step (compose the state + run that step's checks).
import { loadLabs } from '../labs/load.ts';
import { dryRun } from '../labs/runner/dry-run.ts';
import { loadEngine } from '../labs/runner/engine.ts';
import { composeInputs, stepStates } from '../labs/runner/state.ts';
import { simulateCheck } from '../labs/runner/dry-run.ts';
import type { Bench } from './harness.ts';
import { timeMedianAsync } from './harness.ts';

const bench: Bench = async () => {
  const labs = loadLabs();
  const engine = await loadEngine();
  const quiet = () => undefined;
  const checks = labs.reduce((n, l) => n + l.lab.steps.reduce((m, s) => m + s.checks.length, 0), 0);
  const all = await timeMedianAsync(async () => {
    for (const l of labs) await dryRun(l, engine, { command: 'check', out: quiet });
  }, 3);
  // One browser check: ambient-mtls step 2 with the solution as the answer.
  const l = labs.find((x) => x.lab.id === 'ambient-mtls')!;
  const before = stepStates(l.lab, (ref) => l.manifests.get(ref)!)[1]!;
  const answer = l.manifests.get('manifests/strict-mtls.yaml')!.text;
  const step = l.lab.steps[1]!;
  const browser = await timeMedianAsync(async () => {
    const state = composeInputs([...before.inputs, { file: 'your-answer.yaml', text: answer }]);
    engine.lint(state.inputs);
    for (const c of step.checks) await simulateCheck(engine, state, c);
  }, 5);
  return [
    {
      name: `dry-run of all ${labs.length} labs (${checks} checks, lint of every step)`,
      value: all,
      unit: 'ms',
      target: '< 10000 ms on a shared 2-core machine',
      ok: all < 10_000,
    },
    {
      name: 'one "Check my answer" (compose + lint + 2 checks)',
      value: browser,
      unit: 'ms',
      target: '< 250 ms (feels instant)',
      ok: browser < 250,
      ratio: { value: all / browser, against: 'one browser check' },
    },
  ];
};

export default bench;
