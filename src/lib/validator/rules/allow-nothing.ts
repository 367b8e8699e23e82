import { getObject } from '../../model/access.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { policies } from '../facts/index.ts';

// Evidence: istio.io docs "Authorization Policy" (allow-nothing) and ztunnel src/rbac.rs: an ALLOW policy with no
// rules matches nothing, and the presence of any ALLOW policy means "deny unless allowed".
export const rule: Rule = {
  meta: {
    id: 'allow-nothing',
    severity: 'info',
    inputs: ['AuthorizationPolicy'],
    description: 'An ALLOW AuthorizationPolicy without rules denies all traffic to its scope.',
    docs: {
      summary:
        'An ALLOW policy with no rules (or an empty `spec`) matches no request, but its existence switches the scope to "deny unless allowed": every connection to the selected workloads is denied until another ALLOW policy matches it.',
      details: [
        'Evaluation order is: any matching DENY ⇒ deny; no ALLOW policy at all ⇒ allow; a matching ALLOW ⇒ allow; otherwise deny. A rule-less ALLOW policy never matches, so it only contributes the "otherwise deny".',
        '',
        'This is the documented "allow-nothing" baseline and is often intended, which is why the finding is informational. It is a trap when written by accident, for example an `action: ALLOW` policy whose `rules:` were removed while editing, or `spec: {}`.',
        '',
        'Note the difference with `rules: [{}]`: one empty rule matches everything, so that policy allows all traffic.',
        '',
        'A policy annotated `istio.io/dry-run: "true"` is not reported: it is never enforced and does not count as an ALLOW policy, at ztunnel or at a waypoint.',
      ].join('\n'),
      fix: 'If the intent is a deny-all baseline, keep it and add ALLOW policies for the traffic you need. Otherwise add the rules that describe the allowed traffic.',
    },
    examples: {
      valid: [
        {
          title: 'An ALLOW policy with a rule',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: allow-shop',
            '  namespace: shop',
            'spec:',
            '  rules:',
            '  - from:',
            '    - source:',
            '        namespaces: ["shop"]',
          ),
        },
      ],
      invalid: [
        {
          title: 'Empty spec: deny all in the namespace',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: allow-nothing',
            '  namespace: shop',
            'spec: {}',
          ),
          line: 6,
          effect: {
            says: 'every connection to the namespace is refused',
            context: documents(
              ambientNamespace('shop'),
              workload('shop', 'cart', { port: 80 }),
              workload('shop', 'web'),
            ),
            request: { from: 'shop/web', to: 'cart.shop:80' },
            expect: { verdict: 'denied', deniedAt: 'ztunnel', status: null, decidedBy: 'shop/allow-nothing' },
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const p of policies(ctx.mesh, 'AuthorizationPolicy')) {
      // A dry-run policy is not enforced and does not count as an ALLOW policy (release-1.31 A/authorization.go
      // convertAuthorizationPolicy; ztunnel src/state.rs: dry-run policies have no effect).
      if (!p.istio || p.action !== 'ALLOW' || p.ruleCount > 0 || p.dryRun) continue;
      const r = p.resource;
      const spec = getObject(r.obj, ['spec']);
      const scope = p.targeted
        ? 'traffic through the targeted waypoint or service'
        : r.namespace === ctx.mesh.rootNamespace && !getObject(spec, ['selector'])
          ? 'every workload in the mesh'
          : getObject(spec, ['selector'])
            ? 'the selected workloads'
            : `every workload in namespace ${r.namespace}`;
      ctx.report({
        resource: r,
        path: spec ? ['spec'] : [],
        message: `ALLOW policy without rules: it matches nothing, so all traffic to ${scope} is denied unless another ALLOW policy matches.`,
        fix: 'Add rules for the traffic to allow, or keep it as a deliberate deny-all baseline.',
      });
    }
  },
};
