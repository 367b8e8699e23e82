import { describe, expect, it } from 'vitest';
import { objectKey } from '../../src/lib/ambient/identity.ts';
import { stepStates } from '../../labs/runner/state.ts';
import type { Lab } from '../../labs/schema.ts';
import { labSchema } from '../../labs/schema.ts';

const files: Record<string, string> = {
  'a.yaml': `# first
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  ports:
    - port: 80
`,
  'b.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/dataplane-mode: ambient
`,
  'c.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  ports:
    - port: 80
`,
};

const check = { type: 'enrolment', name: 'x', workload: 'shop/web', mode: 'ambient' } as const;
const lab: Lab = labSchema.parse({
  id: 't',
  order: 1,
  title: 't',
  summary: 's',
  prerequisites: [],
  setup: ['a.yaml'],
  namespaces: ['shop'],
  steps: [
    { title: 'one', instructions: 'i', apply: ['b.yaml'], checks: [check], solution: 's' },
    { title: 'two', instructions: 'i', remove: ['c.yaml'], checks: [check], solution: 's' },
  ],
});
const states = stepStates(lab, (ref) => ({ ref, file: ref, text: files[ref]! }));

describe('stepStates', () => {
  it('has one state per step plus the setup', () => {
    expect(states.map((s) => s.step)).toEqual([0, 1, 2]);
  });

  it('a re-applied object replaces the earlier one and appears once', () => {
    const ns = states[1]!.resources.filter((r) => r.kind === 'Namespace');
    expect(ns).toHaveLength(1);
    expect(ns[0]!.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(ns[0]!.file).toBe('b.yaml');
    expect(states[0]!.resources.find((r) => r.kind === 'Namespace')!.labels).toEqual({});
  });

  it('blanks the superseded document line for line, so later documents keep their positions', () => {
    const a = states[1]!.inputs.find((i) => i.file === 'a.yaml')!;
    expect(String(a.text).split('\n').length).toBe(files['a.yaml']!.split('\n').length);
    expect(String(a.text)).not.toContain('kind: Namespace');
    const svc = states[1]!.resources.find((r) => r.kind === 'Service')!;
    expect(svc.locate(['kind']).line).toBe(8);
  });

  it('remove deletes the objects of a manifest from later states', () => {
    const key = (kind: string, namespace: string, name: string) =>
      objectKey({ apiVersion: 'v1', kind, namespace, name });
    expect(states[2]!.resources.map(objectKey)).toEqual([key('Namespace', 'default', 'shop')]);
    expect(states[1]!.resources.map(objectKey).sort()).toEqual(
      [key('Namespace', 'default', 'shop'), key('Service', 'shop', 'web')].sort(),
    );
  });

  it('keys by API group, kind, namespace and name', () => {
    const v1 = objectKey({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespace: 'a', name: 'b' });
    const beta = objectKey({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'Gateway',
      namespace: 'a',
      name: 'b',
    });
    expect(v1).toBe(beta);
    expect(v1).not.toBe(
      objectKey({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', namespace: 'a', name: 'b' }),
    );
  });
});

describe('the browser "Check my answer" flow (composeInputs + simulateCheck)', async () => {
  const { loadLabs } = await import('../../labs/load.ts');
  const { composeInputs } = await import('../../labs/runner/state.ts');
  const { simulateCheck } = await import('../../labs/runner/dry-run.ts');
  const { loadEngine } = await import('../../labs/runner/engine.ts');
  const engine = await loadEngine();
  const labs = loadLabs();

  it.each(labs.flatMap((l) => l.lab.steps.map((_, i) => [l.lab.id, i + 1] as const)))(
    '%s step %i: the solution pasted as the answer passes, an empty answer does not',
    async (id, n) => {
      const l = labs.find((x) => x.lab.id === id)!;
      const before = stepStates(l.lab, (ref) => l.manifests.get(ref)!)[n - 1]!;
      const step = l.lab.steps[n - 1]!;
      const solution = step.apply.map((ref) => l.manifests.get(ref)!.text).join('\n---\n');
      const withAnswer = (text: string) => composeInputs([...before.inputs, { file: 'your-answer.yaml', text }]);
      const good = withAnswer(solution);
      for (const c of step.checks) expect((await simulateCheck(engine, good, c)).ok, c.name).toBe(true);
      // A break/fix lab's first step applies nothing: it observes the broken setup, so nothing is the answer.
      if (step.apply.length === 0) return;
      const empty = withAnswer('');
      const results = await Promise.all(step.checks.map((c) => simulateCheck(engine, empty, c)));
      expect(results.some((r) => !r.ok)).toBe(true);
    },
  );
});
