// Helpers for rule tests (used by rules/*.test.ts and tests/unit/validator*): lint a literal YAML case and
// look at one rule's findings. Kept free of test-framework imports so it is plain library code.
import { lint } from './lint.ts';
import type { LintOptions } from './lint.ts';
import type { Finding } from './finding.ts';

export function findingsFor(
  ruleId: string,
  yaml: string,
  options: Pick<LintOptions, 'rootNamespace' | 'istio' | 'gatewayApi'> = {},
): Finding[] {
  return lint({ file: 'case.yaml', text: yaml }, { ...options, rules: [ruleId] }).findings.filter(
    (f) => f.rule === ruleId,
  );
}

/** Lines of a rule's findings, in order. */
export function linesFor(
  ruleId: string,
  yaml: string,
  options: Pick<LintOptions, 'rootNamespace' | 'istio' | 'gatewayApi'> = {},
): number[] {
  return findingsFor(ruleId, yaml, options).map((f) => f.line);
}

export { y } from './testing-yaml.ts';
