import { referenceGrantAllows, referenceGrantEnforced } from '../../ambient/index.ts';
import type { Mesh } from '../../model/mesh.ts';
import type { Resource } from '../../model/types.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { isGatewayApi, routeRefs, type RouteRef, ROUTE_KINDS } from '../facts/index.ts';

// Evidence: Gateway API spec (kubernetes-sigs/gateway-api apis/v1/referencegrant_types.go): a reference to an object
// in another namespace is only valid when a ReferenceGrant in the target namespace allows it; otherwise the route
// gets ResolvedRefs=False/RefNotPermitted and the backend is invalid (HTTP 500).
// Istio enforces that only for Gateway parents: istio/istio release-1.31 pilot/pkg/config/kube/gateway/
// route_collections.go converts a route for its Service/ServiceEntry (mesh) parents with enforceRefGrant = !mesh,
// i.e. false, so a mesh route's cross-namespace backend is used without a grant. A consumer route whose backend is
// its own parent Service needs none even by the spec (gateway-api conformance tests/mesh/mesh-consumer-route.yaml
// ships no ReferenceGrant). SEMANTICS §5 [rev].

/** A Service or ServiceEntry parent: the route is converted with mesh semantics (conversion.go parentTypes). */
const isMeshParent = (p: RouteRef): boolean =>
  (p.group === '' && p.kind === 'Service') || (p.group === 'networking.istio.io' && p.kind === 'ServiceEntry');

const isStreamRoute = (r: Resource): boolean => r.kind === 'TCPRoute' || r.kind === 'TLSRoute';

export const rule: Rule = {
  meta: {
    id: 'backend-ref-not-permitted',
    severity: 'error',
    inputs: ['ReferenceGrant', ...ROUTE_KINDS],
    description: 'A route sends traffic to a backend in another namespace without a ReferenceGrant allowing it.',
    docs: {
      summary:
        "A cross-namespace backendRef of a route attached to a Gateway needs a ReferenceGrant in the backend's namespace. Without it the backend is treated as invalid: requests routed to it fail with HTTP 500 (TCP and TLS connections fail).",
      details: [
        'The ReferenceGrant must live in the **target** namespace and list the route as `from` (group `gateway.networking.k8s.io`, the route kind, the route\'s namespace) and the backend as `to` (group `""`, kind `Service`, optionally its name).',
        '',
        'Severity: error when the manifests contain ReferenceGrants but none matches; information when they contain none at all (the grant may be managed elsewhere).',
        '',
        '**Mesh routes are different in Istio.** A route whose parents are all Services or ServiceEntries (the GAMMA pattern, applied by waypoints) is converted without checking ReferenceGrants, so its cross-namespace backend is used without one. The Gateway API spec still asks for a grant, so such a route gets an **information** note about portability, not an error. A consumer route whose backend is its own parent Service (a route in namespace `a` for Service `b/echo` sending to `b/echo`) needs no grant even by the spec and is not reported.',
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
    const refs = routeRefs(ctx.mesh);
    let grants: number | undefined;
    let parentsOf: Map<Resource, RouteRef[]> | undefined;
    for (const b of refs.backends) {
      if (b.namespace === b.route.namespace) continue;
      if (permitted(ctx.mesh, b)) continue;
      if (!parentsOf) {
        parentsOf = new Map();
        for (const p of refs.parents) {
          const l = parentsOf.get(p.route);
          if (l) l.push(p);
          else parentsOf.set(p.route, [p]);
        }
      }
      const parents = parentsOf.get(b.route) ?? [];
      if (parents.length > 0 && !referenceGrantEnforced(parents.every(isMeshParent) ? 'mesh' : 'gateway')) {
        // A mesh route: Istio uses the backend without a grant.
        if (
          parents.some(
            (p) => p.group === b.group && p.kind === b.kind && p.namespace === b.namespace && p.name === b.name,
          )
        )
          continue; // its own parent Service: no grant needed even by the spec
        ctx.report({
          resource: b.route,
          path: b.path,
          severity: 'info',
          message: `Istio does not enforce ReferenceGrant for mesh (Service-parent) routes, so this backend in ${b.namespace} works without one; the Gateway API spec asks for a ReferenceGrant in ${b.namespace}, and an implementation that follows it treats the backend as invalid without one.`,
          fix: `For portability, add a ReferenceGrant in ${b.namespace}: from {group: gateway.networking.k8s.io, kind: ${b.route.kind}, namespace: ${b.route.namespace}}, to {group: "${b.group}", kind: ${b.kind}}.`,
        });
        continue;
      }
      grants ??= ctx.mesh.byKind('ReferenceGrant').filter(isGatewayApi).length;
      // TCPRoute/TLSRoute carry connections: their findings say nothing of HTTP.
      const outcome = isStreamRoute(b.route) ? 'connections routed to it fail' : 'requests routed to it get HTTP 500';
      ctx.report({
        resource: b.route,
        path: b.path,
        severity: grants ? 'error' : 'info',
        message: grants
          ? `No ReferenceGrant in namespace ${b.namespace} lets ${b.route.kind}s from ${b.route.namespace} reference ${b.kind} ${b.name}: the backend is invalid and ${outcome}.`
          : `Cross-namespace backend ${b.namespace}/${b.name} needs a ReferenceGrant in ${b.namespace} (none in these manifests); without it ${outcome}.`,
        fix: `Add a ReferenceGrant in ${b.namespace}: from {group: gateway.networking.k8s.io, kind: ${b.route.kind}, namespace: ${b.route.namespace}}, to {group: "${b.group}", kind: ${b.kind}}.`,
      });
    }
  },
};

/** A ReferenceGrant in the backend's namespace lets this route kind and namespace reference it. */
function permitted(mesh: Mesh, b: RouteRef): boolean {
  return referenceGrantAllows(
    mesh.inNamespace('ReferenceGrant', b.namespace),
    { group: 'gateway.networking.k8s.io', kind: b.route.kind, namespace: b.route.namespace },
    { group: b.group, kind: b.kind, name: b.name },
  );
}
