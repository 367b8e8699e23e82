// The browser "Check my answer" logic, run in Node (no DOM needed for runChecks).
import { describe, expect, it } from 'vitest';
import { loadLabs } from '../../labs/load.ts';
import { runChecks } from '../../labs/site/lab-check-client.ts';
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
