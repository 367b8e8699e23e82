// The three break/fix labs (issue #21): each starts broken, its first step only observes the symptom (checks plus
// the commands a learner runs to see it), and the fix step's checks fail in the broken state — so the simulator
// really produces the symptom — and hold once the fix is applied. Plus the dry run's handling of the findings a
// broken setup is expected to have.
import { describe, expect, it } from 'vitest';
import { loadLabs } from '../../labs/load.ts';
import type { LoadedLab } from '../../labs/load.ts';
import { loadEngine } from '../../labs/runner/engine.ts';
import { dryRun, judgeFindings, simulateCheck } from '../../labs/runner/dry-run.ts';
import { stepStates } from '../../labs/runner/state.ts';
import type { Finding } from '../../src/lib/validator/finding.ts';

const labs = loadLabs();
const engine = await loadEngine();
const BREAK_FIX = ['selector-l7-deny-all', 'ingress-use-waypoint', 'sidecar-migration'] as const;
const byId = (id: string): LoadedLab => {
  const l = labs.find((x) => x.lab.id === id);
  if (!l) throw new Error(`no lab ${id}`);
  return l;
};

describe.each(BREAK_FIX.map((id) => [id] as const))('break/fix lab %s', (id) => {
  const loaded = byId(id);
  const { lab } = loaded;
  const states = stepStates(lab, (ref) => loaded.manifests.get(ref)!);

  it('starts broken: step 1 applies nothing and shows the symptom with curl and a proxy log', () => {
    const first = lab.steps[0]!;
    expect(first.apply).toEqual([]);
    expect(first.checks.some((c) => c.type === 'request')).toBe(true);
    expect(first.commands.some((c) => c.includes('curl'))).toBe(true);
    expect(first.commands.some((c) => /kubectl logs .*(ztunnel|waypoint)/.test(c))).toBe(true);
  });

  it('the symptom holds in the simulator on the setup alone', async () => {
    for (const c of lab.steps[0]!.checks) {
      const r = await simulateCheck(engine, states[0]!, c);
      expect(r.ok, `${c.name}: ${r.error ?? JSON.stringify(r.mismatches)}`).toBe(true);
    }
  });

  it('the fix step is needed: some of its checks fail before the fix and all hold after it', async () => {
    const fix = lab.steps[1]!;
    const before = await Promise.all(fix.checks.map((c) => simulateCheck(engine, states[1]!, c)));
    expect(before.some((r) => !r.ok)).toBe(true);
    for (const c of fix.checks) expect((await simulateCheck(engine, states[2]!, c)).ok, c.name).toBe(true);
  });

  it('dry-runs clean', async () => {
    const lines: string[] = [];
    const r = await dryRun(loaded, engine, { command: 'check', out: (l) => lines.push(l) });
    expect(r.ok, lines.join('\n')).toBe(true);
  });
});

describe('requests from an ingress Gateway', () => {
  it('fail the dry run when the sentFrom client is not in the manifests', async () => {
    const loaded = byId('ingress-use-waypoint');
    const lab = structuredClone(loaded.lab);
    const c = lab.steps[0]!.checks[0]!;
    if (c.type !== 'request' || !c.sentFrom) throw new Error('expected the ingress check first');
    c.sentFrom = 'legacy/nobody';
    const lines: string[] = [];
    const r = await dryRun({ ...loaded, lab }, engine, { command: 'check', out: (l) => lines.push(l) });
    expect(r.ok).toBe(false);
    expect(lines.join('\n')).toContain('no workload legacy/nobody (sentFrom) in the manifests');
  });
});

describe('expected findings of a broken setup', () => {
  const loaded = byId('selector-l7-deny-all');
  const file = (ref: string) => loaded.manifests.get(ref)?.file ?? ref;
  const finding = (rule: string, f: string): Finding => ({
    rule,
    file: f,
    path: '',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    severity: 'error',
    message: 'm',
    docs: `/validator/rules/${rule}/`,
  });
  const broken = file('manifests/reviews-get-only-selector.yaml');

  it('excuses the finding while the lab is broken', () => {
    const j = judgeFindings(loaded.lab, 1, [finding('l7-policy-on-ztunnel', broken)], file);
    expect(j).toMatchObject({ errors: [], missing: [] });
    expect(j.excused).toHaveLength(1);
  });

  it('fails when the validator stops reporting it (the lesson would be gone)', () => {
    expect(judgeFindings(loaded.lab, 0, [], file).missing).toEqual([`l7-policy-on-ztunnel in ${broken}`]);
  });

  it('counts it as an error from the fix step on, and never excuses another rule or file', () => {
    expect(judgeFindings(loaded.lab, 2, [finding('l7-policy-on-ztunnel', broken)], file).errors).toHaveLength(1);
    const other = judgeFindings(
      loaded.lab,
      1,
      [finding('other-rule', broken), finding('l7-policy-on-ztunnel', 'x.yaml')],
      file,
    );
    expect(other.errors).toHaveLength(2);
  });

  it('a dry run whose fix step does not fix fails', async () => {
    const lab = structuredClone(loaded.lab);
    lab.steps[1]!.apply = [];
    const r = await dryRun({ ...loaded, lab }, engine, { command: 'check', out: () => undefined });
    expect(r.ok).toBe(false);
    expect(r.lintErrors).toBeGreaterThan(0);
  });
});
