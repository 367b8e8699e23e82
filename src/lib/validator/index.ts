// The validator's public surface (issue #3): lint(), the rule registry and the output formatters.
export * from './finding.ts';
export type { Rule, RuleContext, RuleMeta, RuleDocs, RuleExample, InvalidRuleExample, ReportOptions } from './rule.ts';
export { lint, lintParsed, compareFindings } from './lint.ts';
export type { LintOptions } from './lint.ts';
export { RULES, ruleById } from './rules/index.ts';
export { formatText, formatSarif, formatJson } from './format.ts';
export { formatJunit } from './format-junit.ts';
export { formatGithub } from './format-github.ts';
export { applySuppressions, closeMatches, IGNORE_ANNOTATION, parseIgnoreAnnotation } from './suppress.ts';
export type { LintResult, RuleLevel, SuppressedFinding } from './suppress.ts';
export { schemaProblems } from './schema/index.ts';
