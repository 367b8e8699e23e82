import type { Rule } from '../rule.ts';
import { IGNORE_ANNOTATION, parseIgnoreAnnotation } from '../suppress.ts';
import { y } from '../testing-yaml.ts';
// A cycle (index.ts imports this file), safe because the registry is read only when check() runs.
import { RULES, ruleById } from './index.ts';

const shown = (id: string): string => JSON.stringify(id.length > 120 ? `${id.slice(0, 120)}…` : id);

export const rule: Rule = {
  meta: {
    id: 'ignore-annotation-invalid',
    severity: 'warning',
    inputs: 'all',
    description: `An ${IGNORE_ANNOTATION} annotation without a reason or with an unknown rule id suppresses nothing.`,
    docs: {
      summary: `The \`${IGNORE_ANNOTATION}\` annotation hides a rule's findings on one resource only when it names known rule ids and gives a reason after \`--\`. This one does not, so it hides nothing.`,
      details: [
        `The validator (not Istio) reads \`${IGNORE_ANNOTATION}: "<rule-id>[,<rule-id>…] -- <reason>"\` on a resource and leaves that resource's findings of the named rules out of the report; they are counted in \`summary.suppressed\` and listed with \`--show-suppressed\`. Istio and Kubernetes ignore the annotation.`,
        '',
        '- **The reason is required.** A suppression without one is a finding a reviewer cannot judge later, so the annotation is refused.',
        '- **Every rule id must exist.** A misspelt id would hide nothing while looking as if it did; the finding names the closest known ids.',
        '',
        'An annotation with any of these problems suppresses nothing at all, not even the ids it spells correctly: it does exactly what it says or nothing.',
      ].join('\n'),
      fix: `Write the annotation as \`${IGNORE_ANNOTATION}: "rule-id -- why this is fine here"\`, with rule ids from the rules page, or remove it.`,
    },
    examples: {
      valid: [
        {
          title: 'Suppression with a reason',
          yaml: y(
            'apiVersion: networking.istio.io/v1alpha3',
            'kind: EnvoyFilter',
            'metadata:',
            '  name: legacy-lua',
            '  namespace: shop',
            '  annotations:',
            `    ${IGNORE_ANNOTATION}: "envoyfilter-unsupported -- sidecar namespace until the migration in Q3"`,
            'spec:',
            '  configPatches: []',
          ),
        },
      ],
      invalid: [
        {
          title: 'No reason given',
          yaml: y(
            'apiVersion: networking.istio.io/v1alpha3',
            'kind: EnvoyFilter',
            'metadata:',
            '  name: legacy-lua',
            '  namespace: shop',
            '  annotations:',
            `    ${IGNORE_ANNOTATION}: "envoyfilter-unsupported"`,
            'spec:',
            '  configPatches: []',
          ),
          line: 7,
        },
        {
          title: 'A misspelt rule id',
          yaml: y(
            'apiVersion: networking.istio.io/v1alpha3',
            'kind: EnvoyFilter',
            'metadata:',
            '  name: legacy-lua',
            '  namespace: shop',
            '  annotations:',
            `    ${IGNORE_ANNOTATION}: "envoyfilter-unsuported -- sidecar namespace until Q3"`,
            'spec:',
            '  configPatches: []',
          ),
          line: 7,
        },
      ],
    },
  },
  check(ctx) {
    const ids = RULES.map((r) => r.meta.id);
    const known = (id: string): boolean => ruleById(id) !== undefined;
    for (const r of ctx.resources) {
      if (!Object.hasOwn(r.annotations, IGNORE_ANNOTATION)) continue;
      const parsed = parseIgnoreAnnotation(r.annotations[IGNORE_ANNOTATION]!, known, ids);
      if (parsed.ok) continue;
      const problems: string[] = [];
      if (parsed.missingRules) problems.push('it names no rule id');
      for (const u of parsed.unknown.slice(0, 3))
        problems.push(
          `${shown(u.id)} is not a rule id${u.suggestions.length ? ` (did you mean ${u.suggestions.join(', ')}?)` : ''}`,
        );
      if (parsed.unknown.length > 3) problems.push(`and ${parsed.unknown.length - 3} more unknown rule ids`);
      if (parsed.missingReason) problems.push('it gives no reason after "--"');
      ctx.report({
        resource: r,
        path: ['metadata', 'annotations', IGNORE_ANNOTATION],
        message: `The ${IGNORE_ANNOTATION} annotation suppresses nothing: ${problems.join('; ')}.`,
        fix: `Write it as "<rule-id>[,<rule-id>…] -- <reason>", e.g. "envoyfilter-unsupported -- kept until the sidecar migration".`,
      });
    }
  },
};
