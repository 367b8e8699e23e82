/**
 * Runs an exercise's checks against a learner's answer: lint (no error findings in the answer) and each simulated
 * request compared with its expectation. Pure (no DOM, no Node): the island and the unit tests call the same code.
 */
import { ANSWER_FILE } from '../../content/exercises/index.ts';
import type { Exercise, ExerciseCheck, ExerciseExpect } from '../../content/exercises/index.ts';
import { buildMesh } from '../../lib/model/mesh.ts';
import { parseManifests } from '../../lib/model/parse.ts';
import { simulateIn } from '../../lib/simulator/simulate.ts';
import type { SimResult } from '../../lib/simulator/types.ts';
import { lint } from '../../lib/validator/lint.ts';
import type { Finding } from '../../lib/validator/finding.ts';

export interface CheckOutcome {
  readonly name: string;
  readonly pass: boolean;
  /** What happened, in words ("denied at ztunnel, status none"). */
  readonly actual: string;
  /** Set when the check failed. */
  readonly hint?: string;
  readonly check?: ExerciseCheck;
}

export interface ExerciseOutcome {
  readonly solved: boolean;
  readonly checks: readonly CheckOutcome[];
  /** Error findings in the learner's answer. */
  readonly errors: readonly Finding[];
}

const TOLERANCE = 0.001;

export function describeResult(r: SimResult): string {
  const parts: string[] = [r.verdict];
  if (r.deniedAt) parts.push(`at ${r.deniedAt}`);
  parts.push(r.status === null ? 'connection reset (no HTTP status)' : `status ${r.status}`);
  if (r.backends.length)
    parts.push('→ ' + r.backends.map((b) => `${b.service} ${Math.round(b.probability * 1000) / 10}%`).join(', '));
  return parts.join(', ');
}

export function describeExpect(e: ExerciseExpect): string {
  const parts: string[] = [e.verdict];
  if (e.deniedAt) parts.push(`at ${e.deniedAt}`);
  if (e.status !== undefined)
    parts.push(e.status === null ? 'connection reset (no HTTP status)' : `status ${e.status}`);
  if (e.backends)
    parts.push(
      '→ ' +
        Object.entries(e.backends)
          .map(([s, p]) => `${s} ${Math.round(p * 1000) / 10}%`)
          .join(', '),
    );
  return parts.join(', ');
}

/** Does the simulated result meet the expectation? Only the fields the expectation names are compared. */
export function meets(r: SimResult, e: ExerciseExpect): boolean {
  if (r.verdict !== e.verdict) return false;
  if (e.status !== undefined && r.status !== e.status) return false;
  if (e.deniedAt !== undefined && r.deniedAt !== e.deniedAt) return false;
  if (e.backends) {
    const got = new Map<string, number>();
    for (const b of r.backends) got.set(b.service, (got.get(b.service) ?? 0) + b.probability);
    const want = Object.entries(e.backends);
    if (got.size !== want.length) return false;
    for (const [svc, p] of want) if (Math.abs((got.get(svc) ?? -1) - p) > TOLERANCE) return false;
  }
  return true;
}

export function exerciseInputs(ex: Exercise, answer: string): { file: string; text: string }[] {
  return [...ex.scenario.map((f) => ({ file: f.file, text: f.text })), { file: ANSWER_FILE, text: answer }];
}

export async function runExercise(ex: Exercise, answer: string): Promise<ExerciseOutcome> {
  const inputs = exerciseInputs(ex, answer);
  const report = lint(inputs);
  const errors = report.findings.filter((f) => f.severity === 'error' && f.file === ANSWER_FILE);
  const checks: CheckOutcome[] = [];
  const ruleHint = errors.map((f) => ex.ruleHints[f.rule]).find((h) => h !== undefined);
  checks.push({
    name: 'No error findings in your answer',
    pass: errors.length === 0,
    actual: errors.length
      ? errors.map((f) => `${f.rule} at line ${f.line}:${f.column}`).join('; ')
      : 'no error findings',
    ...(errors.length
      ? {
          hint:
            ruleHint ??
            ex.findingsHint ??
            `Look at line ${errors[0]!.line} of your answer: rule ${errors[0]!.rule} explains what is wrong.`,
        }
      : {}),
  });
  const { resources } = parseManifests(inputs);
  const mesh = buildMesh(resources);
  for (const check of ex.checks) {
    let pass = false;
    let actual: string;
    try {
      const r = await simulateIn(mesh, check.request);
      pass = meets(r, check.expect);
      actual = describeResult(r);
    } catch (err) {
      actual = `could not simulate: ${err instanceof Error ? err.message : String(err)}`;
    }
    checks.push({ name: check.name, pass, actual, check, ...(pass ? {} : { hint: check.hint }) });
  }
  return { solved: checks.every((c) => c.pass), checks, errors };
}
