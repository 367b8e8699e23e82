// The browser "Check my answer" logic, run in Node (no DOM needed for runChecks).
import { describe, expect, it } from 'vitest';
import { loadLabs } from '../../labs/load.ts';
import { runChecks, runChecksOnCluster } from '../../labs/site/lab-check-client.ts';
import { clusterAt, readStart } from '../../src/components/terminal/start-step.ts';
import { initialState, run } from '../../src/lib/vshell/index.ts';
import { labContext } from '../unit/vshell-context.ts';
import type { LabCheckPayload } from '../../labs/site/lab-check-client.ts';
import { stepStates } from '../../labs/runner/state.ts';

const mtls = loadLabs().find((l) => l.lab.id === 'ambient-mtls')!;
const states = stepStates(mtls.lab, (ref) => mtls.manifests.get(ref)!);
const payload: LabCheckPayload = {
  before: states[1]!.inputs.map((i) => ({ file: i.file, text: String(i.text) })),
  checks: mtls.lab.steps[1]!.checks,
  solution: mtls.manifests.get('manifests/strict-mtls.yaml')!.text,
};

describe('runChecks', () => {
  it('the solution passes every check', async () => {
    const r = await runChecks(payload, payload.solution);
    expect(r.map((x) => x.ok)).toEqual([true, true]);
  });

  it('PERMISSIVE instead of STRICT fails the plaintext check only', async () => {
    const r = await runChecks(payload, payload.solution.replace('STRICT', 'PERMISSIVE'));
    expect(r.map((x) => x.ok)).toEqual([true, false]);
  });

  it('broken YAML is reported as an error line before the checks', async () => {
    const r = await runChecks(payload, 'apiVersion: v1\nkind: [\n');
    expect(r.length).toBe(3);
    expect(r[0]).toMatchObject({ kind: 'error', ok: false });
    expect(r[0]!.text).toMatch(/^line \d+:\d+ yaml-syntax:/);
  });
});

describe('runChecks shows validator warnings without failing the step', () => {
  it('require-jwt step 1: jwt-not-required warns, every check passes', async () => {
    const jwt = loadLabs().find((l) => l.lab.id === 'require-jwt')!;
    const st = stepStates(jwt.lab, (ref) => jwt.manifests.get(ref)!);
    const r = await runChecks(
      {
        before: st[0]!.inputs.map((i) => ({ file: i.file, text: String(i.text) })),
        checks: jwt.lab.steps[0]!.checks,
        solution: '',
      },
      jwt.manifests.get('manifests/request-authentication.yaml')!.text,
    );
    expect(r.filter((x) => x.kind === 'warning').map((x) => x.text.split(' ')[2])).toEqual(['jwt-not-required:']);
    expect(r.filter((x) => x.kind === 'check').every((x) => x.ok)).toBe(true);
  });
});

// "Check my answer" against the terminal's cluster (issue #21): the state the learner built with the virtual shell.
describe('runChecksOnCluster', () => {
  const loaded = loadLabs();
  const toRepo = (id: string, ref: string) => (ref.startsWith('../') ? `labs/${ref.slice(3)}` : `labs/${id}/${ref}`);
  const payloadFor = (id: string, step: number): LabCheckPayload => {
    const l = loaded.find((x) => x.lab.id === id)!;
    const st = stepStates(l.lab, (ref) => l.manifests.get(ref)!);
    return {
      lab: id,
      step,
      before: st[step - 1]!.inputs.map((i) => ({ file: i.file, text: String(i.text) })),
      checks: l.lab.steps[step - 1]!.checks,
      solution: '',
    };
  };
  const baseline = initialState({ lab: 'x', files: {}, setup: [] }).objects;

  it.each(loaded.map((l) => [l.lab.id, l.lab] as const))(
    '%s: typing each step’s commands in the terminal passes that step’s checks',
    async (id, lab) => {
      const ctx = labContext(id);
      let state = initialState(ctx);
      for (const [i, step] of lab.steps.entries()) {
        for (const cmd of step.commands) state = (await run(ctx, state, cmd)).state;
        const r = await runChecksOnCluster(payloadFor(id, i + 1), state.objects, baseline);
        expect(
          r.lines.filter((l) => !l.ok).map((l) => l.text),
          `step ${i + 1}`,
        ).toEqual([]);
        expect(r.seen.some((o) => o.how === 'cluster')).toBe(true);
      }
    },
  );

  it('the lab’s setup alone fails step 1 of l4-authorization with the mismatch, and shows nothing as the learner’s', async () => {
    const ctx = labContext('l4-authorization');
    const r = await runChecksOnCluster(payloadFor('l4-authorization', 1), initialState(ctx).objects, baseline);
    expect(r.lines.some((l) => !l.ok && / — .* is .*, expected /.test(l.text))).toBe(true);
    expect(r.seen.filter((o) => o.how === 'added' || o.how === 'changed' || o.how === 'missing')).toEqual([]);
  });

  it('names what the learner added, changed and deleted', async () => {
    const ctx = labContext('ambient-mtls');
    let state = initialState(ctx);
    for (const cmd of [
      'kubectl label namespace bookinfo istio.io/dataplane-mode=ambient',
      'kubectl apply -f labs/ambient-mtls/manifests/strict-mtls.yaml',
      'kubectl delete deploy ratings-v1 -n bookinfo',
    ])
      state = (await run(ctx, state, cmd)).state;
    const { seen } = await runChecksOnCluster(payloadFor('ambient-mtls', 1), state.objects, baseline);
    const mine = seen.filter((o) => o.how !== 'lab' && o.how !== 'cluster').map((o) => `${o.how} ${o.ref}`);
    expect(mine).toEqual([
      'changed Namespace bookinfo',
      'added PeerAuthentication bookinfo/default',
      'missing Deployment bookinfo/ratings-v1',
    ]);
  });

  it('a later start step applies the earlier steps’ solutions: step 2 of l4-authorization then passes by its commands alone', async () => {
    const lab = loaded.find((l) => l.lab.id === 'l4-authorization')!.lab;
    const steps = lab.steps.map((s) => ({
      title: s.title,
      apply: s.apply.map((r) => toRepo(lab.id, r)),
      remove: s.remove.map((r) => toRepo(lab.id, r)),
    }));
    const base = labContext(lab.id);
    const ctx = { ...base, setup: clusterAt(base.setup, steps, 2).setup };
    let state = initialState(ctx);
    const fresh = await runChecksOnCluster(payloadFor(lab.id, 2), state.objects, baseline);
    expect(fresh.seen.filter((o) => o.how === 'missing')).toEqual([]);
    for (const cmd of lab.steps[1]!.commands) state = (await run(ctx, state, cmd)).state;
    const r = await runChecksOnCluster(payloadFor(lab.id, 2), state.objects, baseline);
    expect(r.lines.every((l) => l.ok)).toBe(true);
  });
});

describe('the terminal’s start step', () => {
  const at = (raw: string | null) => ({ getItem: () => raw });
  it.each([
    [null, 1],
    ['2', 2],
    ['3', 1],
    ['0', 1],
    ['02', 1],
    ['1e1', 1],
    ['2 ', 1],
    ['__proto__', 1],
  ] as const)('saved %j in a 2-step lab starts at step %d', (raw, step) => {
    expect(readStart(at(raw), 'ambient-mtls', 2)).toBe(step);
  });

  it('a storage that throws starts at step 1', () => {
    const broken = {
      getItem: (): string | null => {
        throw new Error('denied');
      },
    };
    expect(readStart(broken, 'ambient-mtls', 2)).toBe(1);
  });

  it('step 3 applies steps 1 and 2 after the setup, in order', () => {
    const steps = [
      { title: 'a', apply: ['a.yaml'], remove: [] },
      { title: 'b', apply: ['b1.yaml', 'b2.yaml'], remove: ['a.yaml'] },
      { title: 'c', apply: ['c.yaml'], remove: [] },
    ];
    expect(clusterAt(['setup.yaml'], steps, 1)).toEqual({ setup: ['setup.yaml'], remove: [] });
    expect(clusterAt(['setup.yaml'], steps, 3)).toEqual({
      setup: ['setup.yaml', 'a.yaml', 'b1.yaml', 'b2.yaml'],
      remove: ['a.yaml'],
    });
  });
});
