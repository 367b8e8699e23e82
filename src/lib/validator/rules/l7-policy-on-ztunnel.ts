import { LABEL_USE_WAYPOINT } from '../../ambient/index.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { policies, l7Uses, scopeIsAmbient, USES_L7, SCOPE_KINDS } from '../facts/index.ts';
import { getArray } from '../../model/access.ts';

// Evidence: istio/istio pilot/pkg/serviceregistry/ambient/authorization.go converts selector and
// namespace-wide policies for ztunnel; a rule with an L7 attribute is dropped for ALLOW and its L7 matches
// are removed for DENY. ztunnel (src/rbac.rs) only knows L4 attributes.
export const rule: Rule = {
  meta: {
    id: 'l7-policy-on-ztunnel',
    severity: 'error',
    inputs: ['AuthorizationPolicy', ...SCOPE_KINDS],
    description:
      'A selector or namespace-wide AuthorizationPolicy uses HTTP-level (L7) attributes that ztunnel cannot enforce.',
    docs: {
      summary:
        'Policies without `targetRefs` are enforced by ztunnel, which only sees connections. An ALLOW rule with an L7 attribute is dropped entirely (and may leave the workload denying everything); a DENY rule loses its L7 part and becomes a no-op or broader than written.',
      details: [
        'In ambient mode, an AuthorizationPolicy that uses `selector`, or none at all (namespace-wide, or mesh-wide in the root namespace), is sent to ztunnel on the destination node. ztunnel works at L4: it knows the peer identity, namespace, IPs and ports, but never sees an HTTP request.',
        '',
        'L7 attributes are: `methods`, `paths`, `hosts` (and their `not*` forms) in `to.operation`; `requestPrincipals` and `remoteIpBlocks` (and `not*`) in `from.source`; and every `when` key except `source.ip`, `source.namespace`, `source.principal`, `destination.ip` and `destination.port` (so `request.auth.*`, `request.headers[...]`, `source.serviceAccount`, `remote.ip` and `connection.sni` are L7 here).',
        '',
        'What ztunnel does with them:',
        '',
        '- **ALLOW** (reported as an error): the whole rule is dropped, its L4 parts too. If every rule is dropped the policy is still an ALLOW policy with no rules, so the selected workloads **deny all** traffic.',
        '- **DENY** (reported as a warning): the L7 matches are removed. A `to` with only methods/paths, a `from` with only `requestPrincipals`, or any L7 `when` can no longer match, so the rule never denies anything; an L7 field next to an L4 field in the same match leaves only the L4 part, which denies more than intended.',
        '',
        'The policy is not reported when the manifests show that the workloads it selects are not in ambient (for example a namespace with sidecar injection), nor when it is annotated `istio.io/dry-run: "true"`: a dry-run policy is never enforced, so it cannot deny anything (see `ztunnel-unsupported-action`).',
      ].join('\n'),
      fix: `Attach the policy to a waypoint with \`targetRefs\` (kind \`Service\` for one service, or kind \`Gateway\` for the waypoint itself) and make sure the service uses that waypoint (\`${LABEL_USE_WAYPOINT}\`). Keep only L4 attributes in selector policies.`,
    },
    examples: {
      valid: [
        {
          title: 'L7 policy attached to the waypoint through the Service',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: reviews-read-only',
            '  namespace: bookinfo',
            'spec:',
            '  targetRefs:',
            '  - kind: Service',
            '    group: ""',
            '    name: reviews',
            '  action: ALLOW',
            '  rules:',
            '  - to:',
            '    - operation:',
            '        methods: ["GET"]',
          ),
        },
        {
          title: 'Selector policy with L4 attributes only',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: reviews-from-productpage',
            '  namespace: bookinfo',
            'spec:',
            '  selector:',
            '    matchLabels:',
            '      app: reviews',
            '  action: ALLOW',
            '  rules:',
            '  - from:',
            '    - source:',
            '        principals: ["cluster.local/ns/bookinfo/sa/bookinfo-productpage"]',
            '    to:',
            '    - operation:',
            '        ports: ["9080"]',
          ),
        },
      ],
      invalid: [
        {
          title: 'ALLOW with methods through a selector: the rule is dropped, the workload denies everything',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: reviews-read-only',
            '  namespace: bookinfo',
            'spec:',
            '  selector:',
            '    matchLabels:',
            '      app: reviews',
            '  action: ALLOW',
            '  rules:',
            '  - to:',
            '    - operation:',
            '        methods: ["GET"]',
          ),
          line: 14,
          effect: {
            says: 'even a GET is refused: ztunnel dropped the rule and the ALLOW policy with no rule left denies everything',
            context: documents(
              ambientNamespace('bookinfo'),
              workload('bookinfo', 'reviews', { port: 9080 }),
              workload('bookinfo', 'productpage'),
            ),
            request: { from: 'bookinfo/productpage', to: 'reviews.bookinfo:9080', method: 'GET' },
            expect: { verdict: 'denied', deniedAt: 'ztunnel', status: null, decidedBy: 'bookinfo/reviews-read-only' },
          },
        },
        {
          title: 'DENY on a path through a selector: never matches at ztunnel',
          yaml: y(
            'apiVersion: security.istio.io/v1',
            'kind: AuthorizationPolicy',
            'metadata:',
            '  name: block-admin',
            '  namespace: bookinfo',
            'spec:',
            '  action: DENY',
            '  rules:',
            '  - to:',
            '    - operation:',
            '        paths: ["/admin*"]',
          ),
          line: 11,
          effect: {
            says: 'the DENY loses its only (L7) match, so a request to /admin passes',
            context: documents(
              ambientNamespace('bookinfo'),
              workload('bookinfo', 'reviews', { port: 9080 }),
              workload('bookinfo', 'productpage'),
            ),
            request: { from: 'bookinfo/productpage', to: 'reviews.bookinfo:9080', path: '/admin/users' },
            expect: { verdict: 'allowed', status: 200, deniedAt: null },
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const p of policies(ctx.mesh, 'AuthorizationPolicy')) {
      // A dry-run policy is never enforced (release-1.31 A/authorization.go convertAuthorizationPolicy): ztunnel-unsupported-action says so.
      if (!p.istio || p.targeted || p.dryRun || !(p.uses & USES_L7)) continue;
      const { resource: r, action } = p;
      if (action !== 'ALLOW' && action !== 'DENY') continue;
      const rules = getArray(r.obj, ['spec', 'rules']);
      let ambient: boolean | undefined | null = null; // computed lazily: most policies have no L7 field
      for (let i = 0; i < rules.length; i++) {
        const uses = l7Uses(r, i);
        if (!uses.length) continue;
        if (ambient === null) ambient = scopeIsAmbient(ctx.mesh, r);
        if (ambient === false) continue;
        const first = uses[0]!;
        const fields = [...new Set(uses.map((u) => u.field))].join(', ');
        if (action === 'ALLOW')
          ctx.report({
            resource: r,
            path: first.path,
            severity: 'error',
            message: `Rule ${i} uses L7 attributes (${fields}) in a policy enforced by ztunnel: ztunnel drops the whole ALLOW rule${rules.length === 1 ? ', and with no rule left the selected workloads deny all traffic' : ', so traffic it was meant to allow is denied'}.`,
            fix: 'Attach the policy to the waypoint with targetRefs (kind Service or Gateway), or keep only L4 attributes (principals, namespaces, ipBlocks, ports).',
          });
        else
          ctx.report({
            resource: r,
            path: first.path,
            severity: 'warning',
            message: `Rule ${i} uses L7 attributes (${fields}) in a DENY policy enforced by ztunnel: the L7 matches are removed, so the rule never matches or denies more than written.`,
            fix: 'Attach the DENY policy to the waypoint with targetRefs so the HTTP attributes are enforced.',
          });
      }
    }
  },
};
