/**
 * Runs an exercise's checks against a learner's answer: lint (no error findings in the answer) and each simulated
 * request compared with its expectation by src/lib/expect (the comparison labs, examples and scenarios use too).
 * Pure (no DOM, no Node): the island and the unit tests call the same code.
 */
import { ANSWER_FILE } from '../../content/exercises/index.ts';
import type { Exercise, ExerciseCheck } from '../../content/exercises/index.ts';
// compare.ts, not the module index: the island needs the comparison, not the zod schemas.
import { compare, describeResult } from '../../lib/expect/compare.ts';
import { buildMesh } from '../../lib/model/mesh.ts';
import { parseManifests } from '../../lib/model/parse.ts';
import { simulateIn } from '../../lib/simulator/simulate.ts';
import { lint } from '../../lib/validator/lint.ts';
import type { Finding } from '../../lib/validator/finding.ts';
import type { Versions } from '../../lib/versions.ts';

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

export function exerciseInputs(ex: Exercise, answer: string): { file: string; text: string }[] {
  return [...ex.scenario.map((f) => ({ file: f.file, text: f.text })), { file: ANSWER_FILE, text: answer }];
}

/** `versions`: the Istio and Gateway API lines to check for (the site header's choice); default Istio 1.31. */
export async function runExercise(
  ex: Exercise,
  answer: string,
  versions: Partial<Versions> = {},
): Promise<ExerciseOutcome> {
  const inputs = exerciseInputs(ex, answer);
  const report = lint(inputs, versions);
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
      const r = await simulateIn(mesh, check.request, versions);
      pass = compare(check.expect, r).length === 0;
      actual = describeResult(r, check.expect);
    } catch (err) {
      actual = `could not simulate: ${err instanceof Error ? err.message : String(err)}`;
    }
    checks.push({ name: check.name, pass, actual, check, ...(pass ? {} : { hint: check.hint }) });
  }
  return { solved: checks.every((c) => c.pass), checks, errors };
}
