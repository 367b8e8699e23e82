import { get, getArray, getObject } from '../../model/access.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { actionOf, DROPPED_SOURCE, hasTargetRefs, isIstioSecurity, scopeIsAmbient } from './helpers.ts';

// Evidence: istio/istio pilot/pkg/serviceregistry/ambient/authorization.go builds ztunnel's RBAC matches from
// principals, namespaces, ipBlocks, serviceAccounts and ports; trustDomains has no ztunnel counterpart and is
// not carried over (SEMANTICS §3).
export const rule: Rule = {
  meta: {
    id: 'trust-domains-dropped',
    severity: 'warning',
    description: 'trustDomains / notTrustDomains in a policy enforced by ztunnel are silently ignored.',
    docs: {
      summary:
        'ztunnel has no trust-domain match, so the field is dropped without notice. An ALLOW rule that combined it with other conditions becomes broader (it allows peers from any trust domain); a DENY rule that relied on it never matches on it.',
      details: [
        'Selector and namespace-wide AuthorizationPolicies are translated into ztunnel rules. The translation keeps principals, namespaces, IP blocks, service accounts and ports, but has no place for `trustDomains` or `notTrustDomains`. The rest of the source match stays, so:',
        '',
        '- `from: [{source: {trustDomains: ["partner.example"], namespaces: ["shop"]}}]` in an ALLOW policy allows `shop` callers from **every** trust domain;',
        '- a source with only `trustDomains` becomes an empty match (for ALLOW: the clause matches every peer; for DENY: it matches nothing useful).',
      ].join('\n'),
      fix: 'Express the condition with `principals` (which include the trust domain: `partner.example/ns/shop/sa/client`), or attach the policy to a waypoint with `targetRefs`.',
    },
    examples: {
      valid: [
        {
          title: 'Trust domain written into the principal',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: partner-only',
            '  namespace: shop',
            'spec:',
            '  selector:',
            '    matchLabels:',
            '      app: cart',
            '  rules:',
            '  - from:',
            '    - source:',
            '        principals: ["partner.example/ns/shop/sa/client"]',
          ),
        },
      ],
      invalid: [
        {
          title: 'trustDomains next to namespaces',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: partner-only',
            '  namespace: shop',
            'spec:',
            '  selector:',
            '    matchLabels:',
            '      app: cart',
            '  rules:',
            '  - from:',
            '    - source:',
            '        namespaces: ["shop"]',
            '        trustDomains: ["partner.example"]',
          ),
          line: 14,
        },
      ],
    },
  },
  check(ctx) {
    for (const r of ctx.mesh.byKind('AuthorizationPolicy')) {
      if (!isIstioSecurity(r) || hasTargetRefs(r)) continue;
      const action = actionOf(r);
      if (action !== 'ALLOW' && action !== 'DENY') continue;
      getArray(r.obj, ['spec', 'rules']).forEach((rule, i) => {
        getArray(rule, ['from']).forEach((from, j) => {
          const src = getObject(from, ['source']);
          if (!src) return;
          for (const k of DROPPED_SOURCE) {
            if (get(src, [k]) === undefined) continue;
            if (scopeIsAmbient(ctx.mesh, r) === false) return;
            ctx.report({
              resource: r,
              path: ['spec', 'rules', i, 'from', j, 'source', k],
              message:
                action === 'ALLOW'
                  ? `ztunnel ignores ${k}: this ALLOW rule then matches peers from any trust domain, which is broader than written.`
                  : `ztunnel ignores ${k}: this DENY rule no longer checks the trust domain.`,
              fix: 'Put the trust domain into principals (td/ns/NS/sa/SA) or enforce the policy at a waypoint with targetRefs.',
            });
          }
        });
      });
    }
  },
};
