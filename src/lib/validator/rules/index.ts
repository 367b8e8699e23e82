// The rule registry: one file per rule (DESIGN §2). The site generates /validator/rules/<id>/ from `meta`.
import type { Rule } from '../rule.ts';
import { rule as yamlSyntax } from './yaml-syntax.ts';
import { rule as schema } from './schema.ts';
import { rule as internalError } from './internal-error.ts';
import { rule as l7PolicyOnZtunnel } from './l7-policy-on-ztunnel.ts';

export const RULES: readonly Rule[] = [yamlSyntax, schema, l7PolicyOnZtunnel, internalError];

const BY_ID = new Map(RULES.map((r) => [r.meta.id, r]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}
