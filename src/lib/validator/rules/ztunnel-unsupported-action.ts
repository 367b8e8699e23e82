import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { ANNOTATION_DRY_RUN } from '../../ambient/index.ts';
import { policies, scopeIsAmbient, SCOPE_KINDS } from '../facts/index.ts';

// Evidence: istio/istio release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go convertAuthorizationPolicy
// only converts ALLOW and DENY for ztunnel; CUSTOM and AUDIT policies are skipped (status reason UnsupportedValue).
// A policy annotated istio.io/dry-run (ParseBool) is skipped the same way unless istiod runs with
// AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY=true, and even then ztunnel only logs it (ztunnel src/state.rs).
export const rule: Rule = {
  meta: {
    id: 'ztunnel-unsupported-action',
    severity: 'warning',
    inputs: ['AuthorizationPolicy', ...SCOPE_KINDS],
    description:
      'A CUSTOM or AUDIT AuthorizationPolicy without targetRefs is ignored by ztunnel (and a dry-run one is never enforced).',
    docs: {
      summary:
        'ztunnel enforces only ALLOW and DENY. A CUSTOM (external authorizer) or AUDIT policy attached by selector or namespace-wide is dropped for ambient workloads: no external check runs and nothing is audited.',
      details: [
        "In ambient mode, selector and namespace-wide AuthorizationPolicies go to ztunnel, which has no external-authorization client and no audit logging. istiod skips CUSTOM and AUDIT policies when it builds ztunnel's configuration, so for ambient workloads the policy has no effect at all.",
        '',
        'This matters most for CUSTOM: teams use it to put an external authorizer (OPA, oauth2-proxy) in front of a service. In ambient the requests reach the service without that check.',
        '',
        'A selector or namespace-wide policy annotated `istio.io/dry-run: "true"` (any Go boolean true: `1`, `t`, `TRUE`, …) is reported as information: istiod does not send it to ztunnel at all unless it runs with `AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY=true` (the status says `UnsupportedValue`), and with the flag ztunnel only logs what it would have done. It never denies and does not count as an ALLOW policy, so dry-run results for ambient workloads need the flag.',
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
          effect: {
            says: 'the external authorizer is never called: the request passes',
            context: documents(
              ambientNamespace('shop'),
              workload('shop', 'cart', { port: 80 }),
              workload('shop', 'web'),
            ),
            request: { from: 'shop/web', to: 'cart.shop:80' },
            expect: { verdict: 'allowed', status: 200, decidedBy: null },
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const p of policies(ctx.mesh, 'AuthorizationPolicy')) {
      if (!p.istio || p.targeted) continue;
      const { resource: r, action } = p;
      if (!p.dryRun && action !== 'CUSTOM' && action !== 'AUDIT') continue;
      if (scopeIsAmbient(ctx.mesh, r) === false) continue;
      // istiod checks dry-run before the action.
      if (p.dryRun) {
        ctx.report({
          resource: r,
          path: ['metadata', 'annotations', ANNOTATION_DRY_RUN],
          severity: 'info',
          message: `Dry-run policy: istiod sends it to ztunnel only with AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY=true, and ztunnel then only logs it; it never denies and does not count as an ALLOW policy.`,
          fix: 'Set AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY=true on istiod to see its dry-run results, or remove the annotation to enforce it.',
        });
        continue;
      }
      ctx.report({
        resource: r,
        path: ['spec', 'action'],
        message: `ztunnel ignores ${action} policies: for ambient workloads this policy has no effect${action === 'CUSTOM' ? ' and the external authorizer is never called' : ''}.`,
        fix: 'Attach it to the waypoint with targetRefs (kind Service or Gateway).',
      });
    }
  },
};
