import { waypointUsesRouteFrom } from '../../ambient/index.ts';
import type { Mesh, ServiceInfo } from '../../model/mesh.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import {
  meshVirtualServices,
  parentServices,
  routeRefs,
  serviceWaypoint,
  type RouteRef,
  WAYPOINT_KINDS,
  ROUTE_KINDS,
} from '../facts/index.ts';

// Evidence: istio/istio release-1.31 pilot/pkg/networking/core/listener_waypoint.go getVirtualServiceForWaypoint
// keeps only routes whose namespace is the Service's or the waypoint's own ("We only allow routes in the same
// namespace as the service or in the waypoint's own namespace"); Istio's ambient conformance run removes the
// MeshConsumerRoute feature (tests/integration/ambient/gateway_conformance_test.go). Ingress gateways that send
// through the waypoint (istio.io/ingress-use-waypoint) reach the same waypoint, and sidecar clients, which do apply
// consumer routes in their own namespace, never traverse a waypoint. SEMANTICS §5 [rev], §1 [rev].

/** A Service or ServiceEntry parent: the route is converted with mesh (GAMMA) semantics. */
const isMeshParent = (p: RouteRef): boolean =>
  (p.group === '' && p.kind === 'Service') || (p.group === 'networking.istio.io' && p.kind === 'ServiceEntry');

/**
 * Whether a mesh parentRef makes its route a consumer route that waypoints ignore: the parent is in another
 * namespace than the route, and the route's namespace is not that of the waypoint the Service asks for. Exported for
 * route-not-through-waypoint, which leaves these routes to this rule (binding a waypoint would not help them).
 */
export function consumerRouteIgnored(mesh: Mesh, p: RouteRef, svc: ServiceInfo | undefined): boolean {
  if (!isMeshParent(p) || p.namespace === p.route.namespace) return false;
  if (!svc) return true;
  const b = serviceWaypoint(mesh, svc);
  // The waypoint the Service uses, or asks for (use-waypoint-not-found covers one that cannot be used).
  const waypointNs = b.waypoint?.namespace ?? b.requested?.namespace;
  return waypointNs === undefined || !waypointUsesRouteFrom(p.route.namespace, svc.namespace, waypointNs);
}

export const rule: Rule = {
  meta: {
    id: 'consumer-route-ignored-by-waypoint',
    severity: 'warning',
    inputs: [...ROUTE_KINDS, 'VirtualService', ...WAYPOINT_KINDS],
    description:
      'A route attaches to a Service in another namespace (a consumer route): waypoints ignore it, so it changes nothing in ambient.',
    docs: {
      summary:
        "A waypoint applies only the routes that live in the Service's namespace or in the waypoint's own namespace. A consumer route — an HTTPRoute, GRPCRoute, TCPRoute or TLSRoute in one namespace whose `parentRefs` names a Service in another — is ignored: ambient clients, and ingress traffic sent through the waypoint, are routed as if it did not exist.",
      details: [
        "Gateway API (GAMMA) lets a client team write a *consumer route*: a route in its own namespace, attached to a Service owned by someone else, meant to change how that team's clients reach the Service. Sidecars honour it. In ambient, routing happens at the waypoint of the **destination** Service, and istiod hands a waypoint only the routes from the Service's namespace and from the waypoint's own namespace. A route from any other namespace is dropped at the waypoint.",
        '',
        "Istio's own ambient conformance run leaves out the MeshConsumerRoute feature. Sidecar clients in the route's namespace still apply it (they never go through a waypoint), so a mixed mesh routes the same Service differently per client.",
        '',
        'The same filter applies to VirtualServices at a waypoint: one in a client namespace whose host is a waypoint-bound Service elsewhere is ignored too, and is reported at that host.',
        '',
        "The rule reports a route with a Service or ServiceEntry `parentRef` in another namespace, unless the route lives in the namespace of the waypoint that Service uses. When the Service is not in the manifests its waypoint is unknown; the route is still reported, since only a waypoint deployed in the route's own namespace would use it.",
      ].join('\n'),
      fix: "Move the route into the Service's namespace (a producer route: it then applies to every client, so match on something that identifies the consumers, such as a header), or give the consumers their own Service (for example `reviews-frontend` selecting the pods they should reach) and call that.",
    },
    examples: {
      valid: [
        {
          title: "Producer route in the Service's namespace",
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: reviews',
            '  namespace: bookinfo',
            'spec:',
            '  parentRefs:',
            '  - {group: "", kind: Service, name: reviews, port: 9080}',
            '  rules:',
            '  - backendRefs:',
            '    - {name: reviews-v2, port: 9080}',
          ),
        },
      ],
      invalid: [
        {
          title: 'Consumer route in the client namespace',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: reviews',
            '  namespace: bookinfo',
            '  labels: {istio.io/use-waypoint: waypoint}',
            'spec:',
            '  selector: {app: reviews}',
            '  ports: [{port: 9080, name: http}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint, namespace: bookinfo}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: reviews-pinned',
            '  namespace: frontend',
            'spec:',
            '  parentRefs:',
            '  - {group: "", kind: Service, name: reviews, namespace: bookinfo, port: 9080}',
            '  rules:',
            '  - backendRefs:',
            '    - {name: reviews-v2, namespace: bookinfo, port: 9080}',
          ),
          line: 25,
          effect: {
            says: "the waypoint ignores the consumer route: frontend's call is not pinned to reviews-v2 but balanced over reviews",
            context: documents(
              ambientNamespace('bookinfo'),
              workload('bookinfo', 'reviews', { targetPort: 9080 }),
              workload('bookinfo', 'reviews-v2', { targetPort: 9080 }),
              ambientNamespace('frontend'),
              workload('frontend', 'web'),
            ),
            request: { from: 'frontend/web', to: 'reviews.bookinfo:9080' },
            expect: { verdict: 'allowed', waypoint: 'bookinfo/waypoint', backends: ['bookinfo/reviews'] },
          },
        },
      ],
    },
  },
  check(ctx) {
    const services = parentServices(ctx.mesh);
    for (const [ix, p] of routeRefs(ctx.mesh).parents.entries()) {
      if (p.namespace === p.route.namespace) continue; // the usual producer route: nothing to resolve
      const svc = services[ix];
      if (!consumerRouteIgnored(ctx.mesh, p, svc)) continue;
      const target = `${p.kind} ${p.namespace}/${p.name}`;
      const wp = svc ? serviceWaypoint(ctx.mesh, svc).waypoint : undefined;
      const waypoint = wp ? `waypoint ${wp.namespace}/${wp.name}` : `the waypoint of ${target}`;
      ctx.report({
        resource: p.route,
        path: p.path,
        message: `This ${p.route.kind} in ${p.route.namespace} attaches to ${target}: a consumer route. ${waypoint[0]!.toUpperCase()}${waypoint.slice(1)} uses only routes from ${p.namespace} and its own namespace, so this route changes nothing for ambient clients (only sidecar clients in ${p.route.namespace} apply it).`,
        fix: `Move the route into ${p.namespace}, or give the clients in ${p.route.namespace} a Service of their own to call.`,
      });
    }
    // VirtualServices go through the same filter at the waypoint (getVirtualServiceForWaypoint reads them all).
    if (!ctx.mesh.waypoints.length || !ctx.mesh.byKind('VirtualService').length) return;
    for (const { vs, hosts } of meshVirtualServices(ctx.mesh)) {
      for (const h of hosts) {
        const hit = ignoredAtWaypoint(ctx.mesh, vs.namespace, h.services);
        if (!hit) continue;
        ctx.report({
          resource: vs,
          path: ['spec', 'hosts', h.index],
          part: 'value',
          message: `Host ${h.host} is ${hit.svc.kind} ${hit.svc.namespace}/${hit.svc.name}, served by waypoint ${hit.wp.namespace}/${hit.wp.name}, which uses only routes from ${hit.svc.namespace === hit.wp.namespace ? hit.svc.namespace : `${hit.svc.namespace} and ${hit.wp.namespace}`}: it ignores this VirtualService from ${vs.namespace}, so it changes nothing for ambient clients (only sidecar clients apply it).`,
          fix: `Move the VirtualService into ${hit.svc.namespace} (or better, replace it with an HTTPRoute there).`,
        });
      }
    }
  },
};

/**
 * The first waypoint-bound service of a VirtualService host whose waypoint ignores a VirtualService from
 * `namespace` (neither the service's namespace nor the waypoint's). Exported for the VirtualService rules, which
 * leave such a VirtualService to this rule.
 */
export function ignoredAtWaypoint(
  mesh: Mesh,
  namespace: string,
  services: readonly ServiceInfo[],
): { svc: ServiceInfo; wp: { namespace: string; name: string } } | undefined {
  for (const svc of services) {
    if (svc.namespace === namespace) continue;
    const wp = serviceWaypoint(mesh, svc).waypoint;
    if (wp && !waypointUsesRouteFrom(namespace, svc.namespace, wp.namespace)) return { svc, wp };
  }
  return undefined;
}
