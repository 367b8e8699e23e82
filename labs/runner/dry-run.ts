// `lab up|check|down LAB --dry-run`: no Docker. Prints every action of the real path, then lints the manifests of
// every step (the cluster state after that step, each object once) and runs every check against the simulator.
// The result is true only when there are no error findings and every expectation holds.
import type { LoadedLab } from '../load.ts';
import type { Lab, LabCheck } from '../schema.ts';
import type { Finding } from '../../src/lib/validator/finding.ts';
import type { Versions } from '../../src/lib/versions.ts';
import type { LabEngine } from './engine.ts';
import { compare } from '../../src/lib/expect/compare.ts';
import type { Mismatch } from '../../src/lib/expect/compare.ts';
import { describeCheck, downPlan, upPlan } from './plan.ts';
import { stepStates } from './state.ts';
import type { StepState } from './state.ts';

export interface DryRunCheckResult {
  readonly step: number;
  readonly check: string;
  readonly ok: boolean;
  readonly mismatches: readonly Mismatch[];
  /** Set when the simulator could not run the request (unknown client or destination). */
  readonly error?: string;
}

export interface DryRunResult {
  readonly lab: string;
  readonly ok: boolean;
  readonly lintErrors: number;
  readonly lintWarnings: number;
  readonly checks: readonly DryRunCheckResult[];
}

export interface DryRunOptions {
  readonly command: 'up' | 'check' | 'down';
  /** Only this step's checks (1-based); lint still covers every state up to it. */
  readonly step?: number;
  readonly out: (line: string) => void;
}

export async function dryRun(loaded: LoadedLab, engine: LabEngine, opts: DryRunOptions): Promise<DryRunResult> {
  const { lab } = loaded;
  const out = opts.out;
  const file = (ref: string) => loaded.manifests.get(ref)?.file ?? ref;
  out(`lab ${lab.id} — ${lab.title}  [dry run: no Docker]`);
  if (opts.command === 'down') {
    downPlan(lab).forEach((a, i) => out(`  [${i + 1}] ${a.title}: ${a.detail}`));
    return { lab: lab.id, ok: true, lintErrors: 0, lintWarnings: 0, checks: [] };
  }
  upPlan(lab, file).forEach((a, i) => out(`  [${i + 1}] ${a.title}: ${a.detail}`));
  const states = stepStates(lab, (ref) => {
    const m = loaded.manifests.get(ref);
    if (!m) throw new Error(`lab ${lab.id}: manifest ${ref} was not loaded`);
    return m;
  });
  const lastStep = opts.step ?? lab.steps.length;
  let lintErrors = 0;
  let lintWarnings = 0;
  const checks: DryRunCheckResult[] = [];
  const lintState = (s: StepState, label: string) => {
    const r = engine.lint(s.inputs);
    const judged = judgeFindings(lab, s.step, r.errors, (ref) => file(ref));
    lintErrors += judged.errors.length + judged.missing.length;
    lintWarnings += r.warnings.length;
    out(
      `      lint (${label}, ${s.resources.length} objects): ${judged.errors.length} errors, ${r.warnings.length} warnings` +
        (judged.excused.length ? `, ${judged.excused.length} expected (the broken setup)` : ''),
    );
    for (const f of [...judged.errors, ...r.warnings])
      out(`        ${f.severity} ${f.rule} ${f.file}:${f.line}:${f.column} ${f.message}`);
    for (const f of judged.excused) out(`        expected ${f.rule} ${f.file}:${f.line}:${f.column} ${f.message}`);
    for (const m of judged.missing) out(`        error: the validator no longer reports ${m} (the lab's broken setup)`);
  };
  lintState(states[0]!, 'setup');
  for (let n = 1; n <= lastStep; n++) {
    const step = lab.steps[n - 1]!;
    const state = states[n]!;
    out(`  step ${n}/${lab.steps.length}: ${step.title}`);
    for (const ref of step.apply) out(`      apply ${file(ref)}`);
    for (const ref of step.remove) out(`      delete the objects of ${file(ref)}`);
    lintState(state, `state after step ${n}`);
    if (opts.step !== undefined && n !== opts.step) continue;
    for (const c of step.checks) {
      const r = await simulateCheck(engine, state, c);
      checks.push({ step: n, check: c.name, ...r });
      out(`      ${r.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${describeCheck(c)}`);
      if (r.error) out(`           simulator: ${r.error}`);
      for (const m of r.mismatches) out(`           simulator says ${m.field} ${m.actual}, expected ${m.expected}`);
    }
  }
  const failed = checks.filter((c) => !c.ok).length;
  const ok = lintErrors === 0 && failed === 0;
  out(
    `  ${ok ? 'PASS' : 'FAIL'}: ${checks.length - failed}/${checks.length} checks hold in the simulator; lint ${lintErrors} errors, ${lintWarnings} warnings`,
  );
  return { lab: lab.id, ok, lintErrors, lintWarnings, checks };
}

/** The simulator's view of one check in one state. Exported for the real `check` (prediction side). */
export async function simulateCheck(
  engine: LabEngine,
  state: Pick<StepState, 'resources'>,
  c: LabCheck,
  versions?: Partial<Versions>,
): Promise<{ ok: boolean; mismatches: Mismatch[]; error?: string }> {
  switch (c.type) {
    case 'request': {
      if (c.sentFrom) {
        // The pod that sends an ingress Gateway's request on a cluster must exist in the lab too.
        const [ns, name] = c.sentFrom.split('/') as [string, string];
        if (engine.enrolment(state.resources, ns, name) === undefined)
          return { ok: false, mismatches: [], error: `no workload ${c.sentFrom} (sentFrom) in the manifests` };
      }
      try {
        const p = await engine.predict(state.resources, c, versions);
        const mismatches = compare(c.expect, p);
        return { ok: mismatches.length === 0, mismatches };
      } catch (err) {
        return { ok: false, mismatches: [], error: err instanceof Error ? err.message : String(err) };
      }
    }
    case 'enrolment': {
      const [ns, name] = c.workload.split('/') as [string, string];
      const mode = engine.enrolment(state.resources, ns, name);
      if (mode === undefined) return { ok: false, mismatches: [], error: `no workload ${c.workload} in the manifests` };
      const ok = mode === c.mode;
      return { ok, mismatches: ok ? [] : [{ field: 'verdict', expected: c.mode, actual: mode }] };
    }
    case 'resource': {
      // The simulator cannot see status; it can say the object is in the manifests and, for a Gateway, that the mesh
      // index takes it for a waypoint (the only Programmed condition the labs check).
      if (!engine.hasResource(state.resources, c.apiVersion, c.kind, c.namespace, c.resourceName))
        return { ok: false, mismatches: [], error: `no ${c.kind} ${c.namespace}/${c.resourceName} in the manifests` };
      if (
        c.kind === 'Gateway' &&
        c.condition === 'Programmed' &&
        !engine.isWaypoint(state.resources, c.namespace, c.resourceName)
      )
        return { ok: false, mismatches: [], error: `Gateway ${c.namespace}/${c.resourceName} is not a waypoint` };
      return { ok: true, mismatches: [] };
    }
  }
}

/**
 * Splits a state's error findings by the lab's `expectedFindings`: before its `fixedInStep` an expected finding is
 * excused and must be present (else it is `missing`); from that step on it is an ordinary error, so a fix step that
 * does not fix fails the dry run.
 */
export function judgeFindings(
  lab: Pick<Lab, 'expectedFindings'>,
  step: number,
  errors: readonly Finding[],
  file: (ref: string) => string,
): { errors: Finding[]; excused: Finding[]; missing: string[] } {
  const open = lab.expectedFindings.filter((e) => step < e.fixedInStep);
  const isOpen = (f: Finding) => open.some((e) => e.rule === f.rule && file(e.manifest) === f.file);
  return {
    errors: errors.filter((f) => !isOpen(f)),
    excused: errors.filter(isOpen),
    missing: open
      .filter((e) => !errors.some((f) => f.rule === e.rule && f.file === file(e.manifest)))
      .map((e) => `${e.rule} in ${file(e.manifest)}`),
  };
}
