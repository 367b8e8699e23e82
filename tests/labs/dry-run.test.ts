// Every lab's dry run, in-process: every step's state lints without errors and every check holds in the simulator.
// Plus proof that the dry run can fail: a wrong expectation, a missing solution manifest, an error finding.
import { describe, expect, it } from 'vitest';
import { loadLabs } from '../../labs/load.ts';
import type { LoadedLab } from '../../labs/load.ts';
import { loadEngine } from '../../labs/runner/engine.ts';
import type { LabEngine } from '../../labs/runner/engine.ts';
import { dryRun } from '../../labs/runner/dry-run.ts';
import { parseLabCommand, runLab } from '../../labs/runner/index.ts';

const labs = loadLabs();
const engine = await loadEngine();
const quiet = () => undefined;

describe.each(labs.map((l) => [l.lab.id, l] as const))('dry run of %s', (_id, loaded) => {
  it('lints clean and every check holds in the simulator', async () => {
    const lines: string[] = [];
    const r = await dryRun(loaded, engine, { command: 'check', out: (l) => lines.push(l) });
    const failed = r.checks.filter((c) => !c.ok);
    expect(failed, lines.join('\n')).toEqual([]);
    expect(r.lintErrors, lines.join('\n')).toBe(0);
    expect(r.ok).toBe(true);
    expect(r.checks.length).toBe(loaded.lab.steps.reduce((n, s) => n + s.checks.length, 0));
  });

  it('prints the cluster, the installs with versions, every manifest and every check', async () => {
    const lines: string[] = [];
    await dryRun(loaded, engine, { command: 'up', out: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(text).toMatch(/kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}/);
    expect(text).toMatch(/Gateway API CRDs v1\.6\.1/);
    expect(text).toMatch(/Istio 1\.31\.\d+, profile ambient/);
    expect(text).toContain('--set hub=docker.io/istio');
    expect(text).not.toMatch(/gcr\.io/);
    for (const m of loaded.manifests.values()) expect(text).toContain(m.file);
    for (const s of loaded.lab.steps) for (const c of s.checks) expect(text).toContain(c.name);
  });

  it('--step N checks only that step', async () => {
    const r = await dryRun(loaded, engine, { command: 'check', step: loaded.lab.steps.length, out: quiet });
    expect(new Set(r.checks.map((c) => c.step))).toEqual(new Set([loaded.lab.steps.length]));
  });
});

/** A copy of a loaded lab with its definition changed. */
function variant(l: LoadedLab, change: (lab: LoadedLab['lab']) => void): LoadedLab {
  const lab = structuredClone(l.lab);
  change(lab);
  return { ...l, lab };
}

describe('the dry run fails when the lab and the simulator disagree', () => {
  const mtls = labs.find((l) => l.lab.id === 'ambient-mtls')!;

  it('a wrong expected verdict fails that check', async () => {
    const wrong = variant(mtls, (lab) => {
      const c = lab.steps[1]!.checks[1]!;
      if (c.type === 'request') c.expect = { verdict: 'allowed', status: 200 };
    });
    const r = await dryRun(wrong, engine, { command: 'check', out: quiet });
    expect(r.ok).toBe(false);
    expect(r.checks.filter((c) => !c.ok).map((c) => [c.step, c.check])).toEqual([
      [2, mtls.lab.steps[1]!.checks[1]!.name],
    ]);
    expect(r.checks.find((c) => !c.ok)!.mismatches.map((m) => m.field)).toEqual(['verdict', 'status']);
  });

  it('a step that forgets its manifest fails its checks', async () => {
    const missing = variant(mtls, (lab) => {
      lab.steps[1]!.apply = [];
    });
    const r = await dryRun(missing, engine, { command: 'check', out: quiet });
    expect(r.ok).toBe(false);
    expect(r.checks.filter((c) => !c.ok).map((c) => c.step)).toEqual([2]);
  });

  it('an enrolment check against a namespace that was never labelled fails', async () => {
    const unlabelled = variant(mtls, (lab) => {
      lab.steps[0]!.apply = [];
    });
    const r = await dryRun(unlabelled, engine, { command: 'check', step: 1, out: quiet });
    expect(r.checks.filter((c) => !c.ok).map((c) => c.check)).toContain('productpage is captured by ztunnel');
  });

  it('an error finding from the validator fails the dry run even when every check holds', async () => {
    const strict: LabEngine = {
      ...engine,
      lint: (inputs) => ({
        errors: [
          {
            rule: 'test-rule',
            severity: 'error',
            message: 'x',
            file: String(inputs[0]!.file),
            line: 1,
            column: 1,
            endLine: 1,
            endColumn: 2,
            path: '',
            docs: '',
          },
        ],
        warnings: [],
      }),
    };
    const r = await dryRun(mtls, strict, { command: 'check', out: quiet });
    expect(r.checks.every((c) => c.ok)).toBe(true);
    expect(r.lintErrors).toBeGreaterThan(0);
    expect(r.ok).toBe(false);
  });
});

describe('lab CLI in-process', () => {
  const run = async (positionals: string[], flags: Parameters<typeof parseLabCommand>[1] = {}) => {
    let stdout = '';
    let stderr = '';
    const code = await runLab(parseLabCommand(positionals, flags), {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    });
    return { code, stdout, stderr };
  };

  it('list prints one lab per line, id first', async () => {
    const r = await run(['list']);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(labs.map((l) => l.lab.id));
  });

  it('check all --dry-run exits 0', async () => {
    const r = await run(['check', 'all'], { 'dry-run': true });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^ {2}PASS/gm)?.length).toBe(labs.length);
  });

  it('down --dry-run prints the cleanup actions', async () => {
    const r = await run(['down', 'canary-routing'], { 'dry-run': true });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kind delete cluster --name atlas-canary-routing');
  });

  it('an unknown lab is a usage error naming the labs', async () => {
    const r = await run(['up', 'nope'], { 'dry-run': true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ambient-mtls');
  });

  it('rejects a step beyond the lab and flags on the wrong subcommand', async () => {
    expect((await run(['check', 'ambient-mtls'], { 'dry-run': true, step: '9' })).code).toBe(2);
    expect(() => parseLabCommand(['up', 'ambient-mtls'], { step: '1' })).toThrow(/--step/);
    expect(() => parseLabCommand(['up', 'all'], {})).toThrow(/dry-run/);
    expect(() => parseLabCommand(['check', 'ambient-mtls'], { step: '0' })).toThrow(/positive/);
    expect(() => parseLabCommand(['frobnicate'], {})).toThrow(/subcommand/);
  });
});

describe('ambient-atlas lab (the CLI command module)', async () => {
  const { run } = await import('../../src/cli/commands/lab.ts');
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      io: {
        stdout: (t: string) => void (out.stdout += t),
        stderr: (t: string) => void (out.stderr += t),
        readStdin: async () => new Uint8Array(),
        cwd: process.cwd(),
        color: false,
      },
    };
  };

  it('dispatches `lab serve` to the terminal server (dry run)', async () => {
    const c = io();
    expect(await run(['serve', 'waypoint-l7-authz', '--dry-run'], c.io)).toBe(0);
    expect(c.out.stdout).toContain('/labs/waypoint-l7-authz/#terminal=ws://127.0.0.1:');
  });

  it('turns a bad flag into a usage error', async () => {
    await expect(run(['up', 'ambient-mtls', '--frobnicate'], io().io)).rejects.toThrow(/frobnicate/);
    await expect(run(['up'], io().io)).rejects.toThrow(/needs a LAB/);
  });
});
