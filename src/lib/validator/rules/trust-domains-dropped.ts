import { getArray, getObject } from '../../model/access.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { ANNOTATION_DRY_RUN, isZtunnelIgnoredSourceField, ZTUNNEL_IGNORED_SOURCE_FIELDS } from '../../ambient/index.ts';
import type { JsonObject } from '../../model/types.ts';
import { policies, l7Uses, scopeIsAmbient, USES_DROPPED_SOURCE, SCOPE_KINDS } from '../facts/index.ts';

// Evidence: istio/istio release-1.31 (also release-1.30 and master) pilot/pkg/serviceregistry/ambient/
// authorization.go: handleRule builds each ztunnel source match from ipBlocks, namespaces, serviceAccounts and
// principals only, and httpSources (the unsupported-field report) does not list trustDomains. The field is neither
// enforced nor reported: the rule gets broader (SEMANTICS §3 [rev]). A source left with no other field becomes an
// empty match, which ztunnel (src/rbac.rs Authorization::matches: `if mg.is_empty() { continue; }`) never matches.
export const rule: Rule = {
  meta: {
    id: 'trust-domains-dropped',
    severity: 'warning',
    inputs: ['AuthorizationPolicy', ...SCOPE_KINDS],
    description: 'trustDomains / notTrustDomains in a policy enforced by ztunnel are silently ignored.',
    docs: {
      summary:
        'ztunnel has no trust-domain match and istiod drops `trustDomains` / `notTrustDomains` without a word, so the rule is enforced as if the field were not there: an ALLOW admits matching callers of every trust domain, a DENY denies them all. A source with nothing else becomes an empty match, which never matches.',
      details: [
        'Selector, namespace-wide and mesh-wide AuthorizationPolicies are translated into ztunnel rules. The translation keeps principals, namespaces, IP blocks, service accounts and ports; `trustDomains` and `notTrustDomains` are neither converted nor listed as unsupported (unlike the HTTP attributes), so the policy is accepted and the status condition says nothing.',
        '',
        '- **ALLOW**: `from: [{source: {trustDomains: ["partner.example"], namespaces: ["shop"]}}]` admits `shop` callers from **every** trust domain. A source with only `trustDomains` becomes an empty match, which ztunnel never matches: that source admits nobody, and if it was the only way in, callers are denied (reported as an error).',
        '- **DENY**: the rule denies callers of every trust domain that match its other conditions. A source with only `trustDomains` or `notTrustDomains` never matches, so it denies nobody.',
        '',
        `Policies annotated \`${ANNOTATION_DRY_RUN}\` are not enforced and are not reported. Policies with \`targetRefs\` are enforced by a waypoint (Envoy), which does match trust domains.`,
      ].join('\n'),
      fix: 'Express the condition with `principals` (which include the trust domain: `partner.example/ns/shop/sa/client`), or attach the policy to a waypoint with `targetRefs`, where Envoy checks trust domains.',
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
          effect: {
            says: 'a shop caller from the local trust domain (not partner.example) is admitted: the field was ignored',
            context: documents(
              ambientNamespace('shop'),
              workload('shop', 'cart', { port: 80 }),
              workload('shop', 'web'),
            ),
            request: { from: 'shop/web', to: 'cart.shop:80' },
            expect: { verdict: 'allowed', status: 200, decidedBy: 'shop/partner-only' },
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const p of policies(ctx.mesh, 'AuthorizationPolicy')) {
      if (!p.istio || p.targeted || p.dryRun || !(p.uses & USES_DROPPED_SOURCE)) continue;
      const { resource: r, action } = p;
      if (action !== 'ALLOW' && action !== 'DENY') continue;
      const rules = getArray(r.obj, ['spec', 'rules']);
      for (let i = 0; i < rules.length; i++) {
        // An ALLOW rule with an L7 field is dropped whole: l7-policy-on-ztunnel's finding, not this one.
        if (action === 'ALLOW' && l7Uses(r, i).length) continue;
        const froms = getArray(rules[i], ['from']);
        for (let j = 0; j < froms.length; j++) {
          const src = getObject(froms[j], ['source']);
          if (!src) continue;
          for (const k of ZTUNNEL_IGNORED_SOURCE_FIELDS) {
            if (src[k] === undefined) continue;
            if (scopeIsAmbient(ctx.mesh, r) === false) break;
            const alone = !hasOtherField(src);
            ctx.report({
              resource: r,
              path: ['spec', 'rules', i, 'from', j, 'source', k],
              severity: alone && action === 'ALLOW' ? 'error' : 'warning',
              message:
                action === 'ALLOW'
                  ? `ztunnel ignores ${k} (istiod neither converts nor reports it): ${alone ? 'with nothing else in this source it is an empty match, which never matches, so this source admits nobody' : 'the rule admits matching callers of every trust domain'}.`
                  : `ztunnel ignores ${k} (istiod neither converts nor reports it): ${alone ? 'with nothing else in this source it is an empty match, which never matches, so this source denies nobody' : 'the rule denies matching callers of every trust domain'}.`,
              fix: 'Put the trust domain into principals (td/ns/NS/sa/SA), or enforce the policy at a waypoint with targetRefs.',
            });
          }
        }
      }
    }
  },
};

/** The source names something besides the trust-domain fields ztunnel ignores. */
function hasOtherField(src: JsonObject): boolean {
  for (const k in src) if (src[k] !== undefined && src[k] !== null && !isZtunnelIgnoredSourceField(k)) return true;
  return false;
}
