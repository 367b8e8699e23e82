// Rule tests as literal cases, in the style of typescript-eslint's RuleTester: each valid case must give the rule no
// finding, each invalid one exactly the findings listed, as `line:column` (1-based) in report order, all of them
// this rule's (a crash shows up as an internal-error finding and fails the case). One `it` per case.
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lib/validator/lint.ts';
import type { LintOptions } from '../../src/lib/validator/lint.ts';
import type { Rule } from '../../src/lib/validator/rule.ts';
import type { Severity } from '../../src/lib/validator/finding.ts';

type CaseOptions = Pick<LintOptions, 'rootNamespace' | 'istio' | 'gatewayApi' | 'meshConfig'>;

interface Case {
  /** Test title; defaults to the case's index. */
  readonly name?: string;
  readonly yaml: string;
  readonly options?: CaseOptions;
}

export type ValidCase = string | Case;

export interface InvalidCase extends Case {
  /** Every finding of the rule, as `line:column`, in order. */
  readonly lines: readonly `${number}:${number}`[];
  /** The severity of every finding, when the case is about it. */
  readonly severity?: Severity;
  /** A pattern each finding's message matches, when the case is about it. */
  readonly message?: RegExp;
}

/** The findings of one lint run that only runs `id`, as `rule@line:column` (the rule id is part of the answer). */
export function positions(id: string, c: Case) {
  const findings = lint({ file: 'case.yaml', text: c.yaml }, { ...c.options, rules: [id] }).findings;
  return { findings, at: findings.map((f) => `${f.rule}@${f.line}:${f.column}`) };
}

export function ruleCases(
  rule: Rule | string,
  cases: { readonly valid: readonly ValidCase[]; readonly invalid: readonly InvalidCase[] },
): void {
  const id = typeof rule === 'string' ? rule : rule.meta.id;
  describe(`${id} (cases)`, () => {
    cases.valid.forEach((v, i) => {
      const c: Case = typeof v === 'string' ? { yaml: v } : v;
      it(`valid: ${c.name ?? `#${i + 1}`}`, () => {
        expect(positions(id, c).at).toEqual([]);
      });
    });
    cases.invalid.forEach((c, i) => {
      it(`invalid: ${c.name ?? `#${i + 1}`}`, () => {
        const { findings, at } = positions(id, c);
        expect(at).toEqual(c.lines.map((l) => `${id}@${l}`));
        for (const f of findings) {
          if (c.severity) expect(f.severity, f.message).toBe(c.severity);
          if (c.message) expect(f.message).toMatch(c.message);
        }
      });
    });
  });
}
