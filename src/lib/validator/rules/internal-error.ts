import type { Rule } from '../rule.ts';

/**
 * Not a check: lint() reports a rule that crashed as `internal-error` instead of throwing, so one bug
 * cannot hide every other finding. It has metadata so the finding's docs link has a page.
 */
export const rule: Rule = {
  meta: {
    id: 'internal-error',
    severity: 'warning',
    inputs: [],
    description: 'A check crashed on this input; the other checks still ran.',
    docs: {
      summary:
        'One of the validator’s own checks failed on this input. Its findings are missing from the report; every other check ran normally.',
      details:
        'The validator never throws on bad input: each rule runs on its own, and a rule that crashes is replaced by this finding. It points at the first input file because the crash is not tied to one object. It is a bug in the validator, not in your manifests.',
      fix: 'Report the input that triggered it (with secrets removed). Meanwhile, the rest of the report can be trusted.',
    },
    examples: {
      valid: [
        { title: 'Any input the rules handle', yaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n' },
      ],
      // No YAML can produce it on purpose: it exists only when a rule has a bug.
      invalid: [],
    },
  },
  check() {
    /* reported by lint() itself */
  },
};
