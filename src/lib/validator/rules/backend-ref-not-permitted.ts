import { getArray, getString } from '../../model/access.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { isGatewayApi, routeRefs } from './helpers.ts';

// Evidence: Gateway API spec (kubernetes-sigs/gateway-api apis/v1/referencegrant_types.go): a reference to an object
// in another namespace is only valid when a ReferenceGrant in the target namespace allows it; otherwise the route
// gets ResolvedRefs=False/RefNotPermitted and the backend is invalid (HTTP 500).
export const rule: Rule = {
  meta: {
    id: 'backend-ref-not-permitted',
    severity: 'error',
    description: 'A route sends traffic to a backend in another namespace without a ReferenceGrant allowing it.',
    docs: {
      summary:
        "A cross-namespace backendRef needs a ReferenceGrant in the backend's namespace. Without it the backend is treated as invalid: requests routed to it fail with HTTP 500.",
      details: [
        'The ReferenceGrant must live in the **target** namespace and list the route as `from` (group `gateway.networking.k8s.io`, the route kind, the route\'s namespace) and the backend as `to` (group `""`, kind `Service`, optionally its name).',
        '',
        'Severity: error when the manifests contain ReferenceGrants but none matches; information when they contain none at all (the grant may be managed elsewhere).',
      ].join('\n'),
      fix: "Add a ReferenceGrant in the backend's namespace allowing the route's kind and namespace to reference the Service.",
    },
    examples: {
      valid: [
        {
          title: 'Grant in the backend namespace',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: shop',
            '  namespace: ingress',
            'spec:',
            '  parentRefs:',
            '  - name: public',
            '  rules:',
            '  - backendRefs:',
            '    - {name: web, namespace: shop, port: 80}',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1beta1',
            'kind: ReferenceGrant',
            'metadata:',
            '  name: from-ingress',
            '  namespace: shop',
            'spec:',
            '  from:',
            '  - {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ingress}',
            '  to:',
            '  - {group: "", kind: Service}',
          ),
        },
      ],
      invalid: [
        {
          title: 'Grant for another namespace',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: shop',
            '  namespace: ingress',
            'spec:',
            '  parentRefs:',
            '  - name: public',
            '  rules:',
            '  - backendRefs:',
            '    - {name: web, namespace: shop, port: 80}',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1beta1',
            'kind: ReferenceGrant',
            'metadata:',
            '  name: from-ingress',
            '  namespace: shop',
            'spec:',
            '  from:',
            '  - {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: other}',
            '  to:',
            '  - {group: "", kind: Service}',
          ),
          line: 11,
        },
      ],
    },
  },
  check(ctx) {
    const grants = ctx.mesh.byKind('ReferenceGrant').filter(isGatewayApi);
    for (let ix = 0, list_ = routeRefs(ctx.mesh).backends; ix < list_.length; ix++) {
      const b = list_[ix]!;
      if (b.namespace === b.route.namespace) continue;
      const permitted = ctx.mesh
        .inNamespace('ReferenceGrant', b.namespace)
        .some(
          (g) =>
            isGatewayApi(g) &&
            getArray(g.obj, ['spec', 'from']).some(
              (f) =>
                getString(f, ['group']) === 'gateway.networking.k8s.io' &&
                getString(f, ['kind']) === b.route.kind &&
                getString(f, ['namespace']) === b.route.namespace,
            ) &&
            getArray(g.obj, ['spec', 'to']).some(
              (t) =>
                (getString(t, ['group']) ?? '') === b.group &&
                getString(t, ['kind']) === b.kind &&
                (getString(t, ['name']) === undefined || getString(t, ['name']) === b.name),
            ),
        );
      if (permitted) continue;
      ctx.report({
        resource: b.route,
        path: b.path,
        severity: grants.length ? 'error' : 'info',
        message: grants.length
          ? `No ReferenceGrant in namespace ${b.namespace} lets ${b.route.kind}s from ${b.route.namespace} reference ${b.kind} ${b.name}: the backend is invalid and requests routed to it get HTTP 500.`
          : `Cross-namespace backend ${b.namespace}/${b.name} needs a ReferenceGrant in ${b.namespace} (none in these manifests); without it requests routed there get HTTP 500.`,
        fix: `Add a ReferenceGrant in ${b.namespace}: from {group: gateway.networking.k8s.io, kind: ${b.route.kind}, namespace: ${b.route.namespace}}, to {group: "${b.group}", kind: ${b.kind}}.`,
      });
    }
  },
};
