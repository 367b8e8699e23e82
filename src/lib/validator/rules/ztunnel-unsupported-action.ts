import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { authorizationPolicies, scopeIsAmbient } from './helpers.ts';

// Evidence: istio/istio pilot/pkg/serviceregistry/ambient/authorization.go only converts ALLOW and DENY for
// ztunnel; CUSTOM and AUDIT policies are skipped (the policy status reports that ztunnel ignores them).
export const rule: Rule = {
  meta: {
    id: 'ztunnel-unsupported-action',
    severity: 'warning',
    description: 'A CUSTOM or AUDIT AuthorizationPolicy without targetRefs is ignored by ztunnel.',
    docs: {
      summary:
        'ztunnel enforces only ALLOW and DENY. A CUSTOM (external authorizer) or AUDIT policy attached by selector or namespace-wide is dropped for ambient workloads: no external check runs and nothing is audited.',
      details: [
        "In ambient mode, selector and namespace-wide AuthorizationPolicies go to ztunnel, which has no external-authorization client and no audit logging. istiod skips CUSTOM and AUDIT policies when it builds ztunnel's configuration, so for ambient workloads the policy has no effect at all.",
        '',
        'This matters most for CUSTOM: teams use it to put an external authorizer (OPA, oauth2-proxy) in front of a service. In ambient the requests reach the service without that check.',
      ].join('\n'),
      fix: 'Attach the policy to the waypoint that serves the workload with `targetRefs` (kind `Service` or `Gateway`); waypoints run CUSTOM and AUDIT policies. The extension provider must be configured in MeshConfig.',
    },
    examples: {
      valid: [
        {
          title: 'CUSTOM policy on the waypoint',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: ext-authz',
            '  namespace: shop',
            'spec:',
            '  targetRefs:',
            '  - kind: Gateway',
            '    group: gateway.networking.k8s.io',
            '    name: waypoint',
            '  action: CUSTOM',
            '  provider:',
            '    name: opa',
            '  rules:',
            '  - to:',
            '    - operation:',
            '        paths: ["/admin*"]',
          ),
        },
      ],
      invalid: [
        {
          title: 'CUSTOM policy by selector',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: ext-authz',
            '  namespace: shop',
            'spec:',
            '  selector:',
            '    matchLabels:',
            '      app: cart',
            '  action: CUSTOM',
            '  provider:',
            '    name: opa',
            '  rules:',
            '  - {}',
          ),
          line: 10,
        },
      ],
    },
  },
  check(ctx) {
    for (let ix = 0, list_ = authorizationPolicies(ctx.mesh); ix < list_.length; ix++) {
      const p = list_[ix]!;
      if (!p.istio || p.targeted) continue;
      const { resource: r, action } = p;
      if (action !== 'CUSTOM' && action !== 'AUDIT') continue;
      if (scopeIsAmbient(ctx.mesh, r) === false) continue;
      ctx.report({
        resource: r,
        path: ['spec', 'action'],
        message: `ztunnel ignores ${action} policies: for ambient workloads this policy has no effect${action === 'CUSTOM' ? ' and the external authorizer is never called' : ''}.`,
        fix: 'Attach it to the waypoint with targetRefs (kind Service or Gateway).',
      });
    }
  },
};
