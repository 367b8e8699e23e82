import type { StatusCase } from './types.ts';

const ROUTES = 'pilot/pkg/config/kube/gateway/conditions.go createRouteStatus';
const PARENT = 'pilot/pkg/config/kube/gateway/conversion.go referenceAllowed';
const REFS = 'pilot/pkg/config/kube/gateway/conversion.go buildDestination';

type Cond = StatusCase['conditions'][number];
const accepted = (parentRef: string, message = 'Route was valid'): Cond => ({
  type: 'Accepted',
  status: 'True',
  reason: 'Accepted',
  message,
  parentRef,
  upstream: ROUTES,
});
const refused = (parentRef: string, reason: string, message: string): Cond => ({
  type: 'Accepted',
  status: 'False',
  reason,
  message,
  parentRef,
  upstream: PARENT,
});
const resolved = (parentRef: string): Cond => ({
  type: 'ResolvedRefs',
  status: 'True',
  reason: 'ResolvedRefs',
  message: 'All references resolved',
  parentRef,
  upstream: ROUTES,
});
const waypoints = (parentRef: string, message = 'All waypoints resolved'): Cond => ({
  type: 'ResolvedWaypoints',
  status: 'True',
  reason: 'ResolvedWaypoints',
  message,
  parentRef,
  upstream: ROUTES,
});
const PUBLIC = 'Gateway/ingress/public';
const API_REFUSED: Cond = {
  type: 'ResolvedRefs',
  status: 'False',
  reason: 'RefNotPermitted',
  message: 'backendRef api/other not accessible to a HTTPRoute in namespace "shop" (missing a ReferenceGrant?)',
  parentRef: PUBLIC,
  upstream: REFS,
};

// Expected conditions for status-gateway.yaml, read from istio/istio release-1.31 (messages as in its
// pilot/pkg/config/kube/gateway/testdata/*.status.yaml.golden).
export const cases: readonly StatusCase[] = [
  {
    resource: 'HTTPRoute shop/accepted',
    conditions: [accepted(PUBLIC), resolved(PUBLIC), waypoints(PUBLIC)],
  },
  // No parentInfo for a Gateway that does not exist: istiod writes no parent status at all.
  { resource: 'HTTPRoute shop/no-gateway', conditions: [] },
  {
    resource: 'HTTPRoute shop/same-only',
    conditions: [
      refused(
        'Gateway/ingress/private',
        'NotAllowedByListeners',
        'hostnames matched parent hostname "", but namespace "shop" is not allowed by the parent',
      ),
      resolved('Gateway/ingress/private'),
      waypoints('Gateway/ingress/private'),
    ],
  },
  {
    resource: 'HTTPRoute shop/wrong-host',
    conditions: [
      refused(PUBLIC, 'NoMatchingListenerHostname', 'no hostnames matched parent hostname "*.example.com"'),
      resolved(PUBLIC),
      waypoints(PUBLIC),
    ],
  },
  {
    resource: 'HTTPRoute shop/wrong-section',
    conditions: [
      refused(`${PUBLIC}#https`, 'NoMatchingParent', 'sectionName "https" not found'),
      resolved(`${PUBLIC}#https`),
      waypoints(`${PUBLIC}#https`),
      refused(`${PUBLIC}:443`, 'NoMatchingParent', 'port 443 not found'),
      resolved(`${PUBLIC}:443`),
      waypoints(`${PUBLIC}:443`),
    ],
  },
  {
    resource: 'HTTPRoute shop/cross-ns',
    conditions: [accepted(PUBLIC), API_REFUSED, waypoints(PUBLIC)],
  },
  {
    resource: 'HTTPRoute shop/cross-ns-granted',
    conditions: [accepted(PUBLIC), resolved(PUBLIC), waypoints(PUBLIC)],
  },
  {
    // enforceRefGrant = !mesh (route_collections.go): the Service parent resolves other/api, the Gateway does not.
    resource: 'HTTPRoute shop/both-parents',
    conditions: [
      accepted('Service/shop/web'),
      resolved('Service/shop/web'),
      waypoints(
        'Service/shop/web',
        'istio.io/use-waypoint label missing from parent and parent namespace; in ambient mode, route will not be respected',
      ),
      accepted(PUBLIC),
      API_REFUSED,
      waypoints(PUBLIC),
    ],
  },
  {
    // Bound to the two HTTP listeners; the TCP one's refusal is outranked by the successes.
    resource: 'HTTPRoute shop/two-listeners',
    conditions: [
      accepted('Gateway/ingress/dual', 'Route was valid, bound to 2 parents'),
      resolved('Gateway/ingress/dual'),
      waypoints('Gateway/ingress/dual'),
    ],
  },
  {
    resource: 'TCPRoute shop/tcp-on-http',
    conditions: [
      refused(PUBLIC, 'NotAllowedByListeners', 'kind gateway.networking.k8s.io/v1/TCPRoute is not allowed'),
      resolved(PUBLIC),
      waypoints(PUBLIC),
    ],
  },
  // A waypoint's listeners make no route parents, and another controller's Gateway is not istiod's.
  { resource: 'HTTPRoute shop/not-ours', conditions: [] },
];
