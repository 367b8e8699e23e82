import { getArray, getObject } from '../../model/access.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { ZTUNNEL_IGNORED_SOURCE_FIELDS } from '../../ambient/index.ts';
import { authorizationPolicies, scopeIsAmbient, USES_DROPPED_SOURCE } from './helpers.ts';

// Evidence: istio/istio's ambient authorization translation. Older trees
// (pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go, handleRule) build the ztunnel match from
// principals, namespaces, ipBlocks, serviceAccounts and ports and silently leave trustDomains out (the rule gets
// broader). Newer trees (pilot/pkg/serviceregistry/ambient/authorization.go, httpSources) list trustDomains and
// notTrustDomains as unsupported, so an ALLOW rule using them is dropped like an L7 rule (stricter) — the
// simulator follows the newer behaviour. Either way the condition is not enforced as written, hence the warning.
export const rule: Rule = {
  meta: {
    id: 'trust-domains-dropped',
    severity: 'warning',
    description: 'trustDomains / notTrustDomains in a policy enforced by ztunnel are silently ignored.',
    docs: {
      summary:
        'ztunnel has no trust-domain match, so the condition is never enforced as written. Current istiod treats the field as unsupported and drops the whole ALLOW rule (which can leave the workload denying everything); older releases dropped only the field, making the rule broader. A DENY rule that relied on it never matches on it.',
      details: [
        'Selector and namespace-wide AuthorizationPolicies are translated into ztunnel rules. The translation keeps principals, namespaces, IP blocks, service accounts and ports, but ztunnel has no place for `trustDomains` or `notTrustDomains`. What happens to the rule depends on the istiod version:',
        '',
        '- current releases list the fields as unsupported, like HTTP attributes: an ALLOW rule that uses them is **dropped whole**, so `from: [{source: {trustDomains: ["partner.example"], namespaces: ["shop"]}}]` admits nobody, and if it was the only rule the workload denies everything;',
        '- older releases dropped only the field: the same rule admitted `shop` callers from **every** trust domain.',
        '',
        'Neither is what the policy says, and the status condition is the only hint.',
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
    for (let ix = 0, list_ = authorizationPolicies(ctx.mesh); ix < list_.length; ix++) {
      const p = list_[ix]!;
      if (!p.istio || p.targeted || !(p.uses & USES_DROPPED_SOURCE)) continue;
      const { resource: r, action } = p;
      if (action !== 'ALLOW' && action !== 'DENY') continue;
      const rules = getArray(r.obj, ['spec', 'rules']);
      for (let i = 0; i < rules.length; i++) {
        const froms = getArray(rules[i], ['from']);
        for (let j = 0; j < froms.length; j++) {
          const src = getObject(froms[j], ['source']);
          if (!src) continue;
          for (const k of ZTUNNEL_IGNORED_SOURCE_FIELDS) {
            if (src[k] === undefined) continue;
            if (scopeIsAmbient(ctx.mesh, r) === false) break;
            ctx.report({
              resource: r,
              path: ['spec', 'rules', i, 'from', j, 'source', k],
              message:
                action === 'ALLOW'
                  ? `ztunnel cannot match ${k}: current istiod drops this whole ALLOW rule (older releases dropped only the field, matching any trust domain). Either way it is not enforced as written.`
                  : `ztunnel cannot match ${k}: this DENY rule does not check the trust domain as written.`,
              fix: 'Put the trust domain into principals (td/ns/NS/sa/SA) or enforce the policy at a waypoint with targetRefs.',
            });
          }
        }
      }
    }
  },
};
