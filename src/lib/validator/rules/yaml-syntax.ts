import type { Rule, RuleContext } from '../rule.ts';

/**
 * The problems the model recorded under one rule id while reading the input, reported as they are (positions,
 * severity, resource): yaml-syntax and schema both start with these.
 */
export function reportModelIssues(ctx: RuleContext, ruleId: string): void {
  for (const issue of ctx.issues) {
    if (issue.rule !== ruleId) continue;
    ctx.reportRaw({
      file: issue.file,
      range: issue.range,
      message: issue.message,
      severity: issue.severity,
      ...(issue.resource ? { resource: issue.resource } : {}),
      ...(issue.path ? { path: issue.path } : {}),
    });
  }
}

/** Reports what the YAML model found while reading the input (the model never throws; see src/lib/model/parse.ts). */
export const rule: Rule = {
  meta: {
    id: 'yaml-syntax',
    severity: 'error',
    inputs: 'all',
    description:
      'The input is not readable YAML (syntax error, duplicate key, binary data, alias bomb, too deep or too large).',
    docs: {
      summary:
        'The file cannot be read as YAML, so kubectl would refuse it before any Kubernetes object is created. Nothing in the broken document is applied.',
      details: [
        'The validator reads every input as multi-document YAML and keeps the position of every node. When a document cannot be read, it is reported here with the position where reading failed, and the rest of that document is skipped (other documents in the same file are still checked).',
        '',
        'Reported as `yaml-syntax`:',
        '',
        '- syntax errors: bad indentation, an unclosed quote or bracket, a tab used for indentation;',
        '- a key that appears twice in one mapping (YAML forbids it; kubectl rejects it with a "duplicate key" error);',
        '- input that is not UTF-8 text or contains NUL bytes (a binary file passed by mistake);',
        '- aliases that expand into an enormous document ("billion laughs"), nesting deeper than any real object, or an input larger than the size limit: these are refused within bounded time instead of hanging the editor or CI.',
      ].join('\n'),
      fix: 'Fix the YAML at the reported line and column. Run the file through a YAML-aware editor: indentation must use spaces, and each key may appear only once per mapping.',
    },
    examples: {
      valid: [
        {
          title: 'Well-formed document',
          yaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio.io/dataplane-mode: ambient\n',
        },
      ],
      invalid: [
        {
          title: 'The same key twice in one mapping',
          yaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  name: reviews\n',
          line: 5,
        },
        {
          title: 'Unclosed flow sequence',
          yaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels: [a, b\n',
          line: 6,
        },
      ],
    },
  },
  check(ctx) {
    reportModelIssues(ctx, 'yaml-syntax');
  },
};
