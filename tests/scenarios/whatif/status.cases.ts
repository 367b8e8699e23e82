import type { StatusCase } from './types.ts';

const SERVICE = 'pilot/pkg/model/service.go';
const STATUS = 'pilot/pkg/serviceregistry/ambient/status.go';
const AUTHZ = 'pilot/pkg/serviceregistry/ambient/authorization.go';
const POLICIES = 'pilot/pkg/serviceregistry/ambient/policies.go';
const ROUTES = 'pilot/pkg/config/kube/gateway/conditions.go';
const REFS = 'pilot/pkg/config/kube/gateway/conversion.go';
const NOT_READY = 'waypoint "shop/missing" is not ready';

// Expected conditions for status.yaml, read from istio/istio release-1.31 (the function named in `upstream`).
export const cases: readonly StatusCase[] = [
  {
    resource: 'Service shop/reviews',
    conditions: [
      {
        type: 'istio.io/WaypointBound',
        status: 'True',
        reason: 'WaypointAccepted',
        message: 'Successfully attached to waypoint shop/waypoint',
        upstream: SERVICE,
      },
    ],
  },
  {
    resource: 'Service shop/cart',
    conditions: [
      {
        type: 'istio.io/WaypointBound',
        status: 'True',
        reason: 'WaypointAccepted',
        message: 'Successfully attached to waypoint shop/waypoint. Ingress traffic will traverse the waypoint',
        upstream: SERVICE,
      },
    ],
  },
  {
    resource: 'Service shop/pay',
    conditions: [
      {
        type: 'istio.io/WaypointBound',
        status: 'True',
        reason: 'WaypointAccepted',
        message:
          'Successfully attached to waypoint shop/waypoint. Ingress traffic is not using the waypoint, set the istio.io/ingress-use-waypoint label to true if desired.',
        upstream: SERVICE,
      },
    ],
  },
  {
    resource: 'Service shop/ratings',
    conditions: [
      {
        type: 'istio.io/WaypointBound',
        status: 'False',
        reason: 'WaypointIsNotReady',
        message: NOT_READY,
        upstream: STATUS,
      },
    ],
  },
  {
    resource: 'Service shop/orders',
    conditions: [
      {
        type: 'istio.io/WaypointBound',
        status: 'False',
        reason: 'UnsupportedTrafficType',
        message: 'attempting to bind to traffic type "service" which the waypoint "shop/wl-only" does not support',
        upstream: STATUS,
      },
    ],
  },
  {
    resource: 'Service other/x',
    conditions: [
      {
        type: 'istio.io/WaypointBound',
        status: 'False',
        reason: 'AttachmentDenied',
        message: 'we are not permitted to attach to waypoint "shop/waypoint" (missing allowedRoutes?)',
        upstream: STATUS,
      },
    ],
  },
  {
    // allowedRoutes is checked before the traffic type (waypoints.go fetchWaypointForTarget, then ForService).
    resource: 'Service other/y',
    conditions: [
      {
        type: 'istio.io/WaypointBound',
        status: 'False',
        reason: 'AttachmentDenied',
        message: 'we are not permitted to attach to waypoint "shop/wl-only" (missing allowedRoutes?)',
        upstream: STATUS,
      },
    ],
  },
  { resource: 'Service shop/plain', conditions: [] },
  {
    // 1.31 canary errors keep the primary bound and are appended (model/service.go; waypoints.go buildWeightedWaypoints).
    resource: 'Service shop/canary-same',
    conditions: [
      {
        type: 'istio.io/WaypointBound',
        status: 'True',
        reason: 'WaypointAccepted',
        message:
          'Successfully attached to waypoint shop/waypoint. Canary waypoint not attached: canary waypoint "shop/waypoint" must differ from the primary waypoint',
        upstream: SERVICE,
      },
    ],
  },
  {
    resource: 'Service shop/canary-weight',
    conditions: [
      {
        type: 'istio.io/WaypointBound',
        status: 'True',
        reason: 'WaypointAccepted',
        message:
          'Successfully attached to waypoint shop/waypoint. Canary waypoint not attached: canary waypoint "shop/wl-only" has an invalid weight; must be an integer in [0,100]',
        upstream: SERVICE,
      },
    ],
  },
  { resource: 'Service shop/reviews-v1', conditions: [] },
  {
    resource: 'ServiceEntry shop/wildcard',
    conditions: [
      {
        type: 'istio.io/WaypointMissing',
        status: 'True',
        reason: 'NoWaypointForWildcardService',
        message: 'ServiceEntry will not apply until it is bound to a valid waypoint.',
        upstream: SERVICE,
      },
    ],
  },
  {
    // Its own use-waypoint label names a service-only waypoint (waypoints.go fetchWaypointForWorkload).
    resource: 'WorkloadEntry shop/vm',
    conditions: [
      {
        type: 'istio.io/WaypointBound',
        status: 'False',
        reason: 'UnsupportedTrafficType',
        message: 'attempting to bind to traffic type "workload" which the waypoint "shop/waypoint" does not support',
        upstream: STATUS,
      },
    ],
  },
  {
    resource: 'AuthorizationPolicy shop/l4-allow',
    conditions: [
      { type: 'ZtunnelAccepted', status: 'True', reason: 'Accepted', message: 'attached to ztunnel', upstream: AUTHZ },
    ],
  },
  {
    resource: 'AuthorizationPolicy shop/l7-allow',
    conditions: [
      {
        type: 'ZtunnelAccepted',
        status: 'True',
        reason: 'UnsupportedValue',
        message:
          'ztunnel does not support HTTP attributes (found: methods, paths). In ambient mode you must use a waypoint proxy to enforce HTTP rules. Within an ALLOW policy, rules matching HTTP attributes are omitted. This will be more restrictive than requested.',
        upstream: AUTHZ,
      },
    ],
  },
  {
    resource: 'AuthorizationPolicy shop/header-deny',
    conditions: [
      {
        type: 'ZtunnelAccepted',
        status: 'True',
        reason: 'UnsupportedValue',
        message:
          'ztunnel does not support HTTP attributes (found: request.headers[x-debug]). In ambient mode you must use a waypoint proxy to enforce HTTP rules. DENY policy with HTTP attributes is enforced without the HTTP rules. This will be more restrictive than requested.',
        upstream: AUTHZ,
      },
    ],
  },
  {
    resource: 'AuthorizationPolicy shop/ext-authz',
    conditions: [
      {
        type: 'ZtunnelAccepted',
        status: 'False',
        reason: 'UnsupportedValue',
        message: 'ztunnel does not support the CUSTOM action',
        upstream: AUTHZ,
      },
    ],
  },
  {
    resource: 'AuthorizationPolicy shop/trial',
    conditions: [
      {
        type: 'ZtunnelAccepted',
        status: 'False',
        reason: 'UnsupportedValue',
        message:
          'found policy "shop/trial" using dry-run annotation, but support for ambient dry-run authorizationPolicies isn\'t enabled',
        upstream: AUTHZ,
      },
    ],
  },
  {
    resource: 'AuthorizationPolicy shop/reviews-get',
    conditions: [
      {
        type: 'WaypointAccepted',
        status: 'True',
        reason: 'Accepted',
        message: 'bound to shop/waypoint',
        upstream: POLICIES,
      },
    ],
  },
  {
    resource: 'AuthorizationPolicy shop/ratings-get',
    conditions: [
      {
        type: 'WaypointAccepted',
        status: 'False',
        reason: 'AncestorNotBound',
        message: 'Service shop/ratings is not bound to a waypoint',
        upstream: POLICIES,
      },
    ],
  },
  {
    resource: 'AuthorizationPolicy shop/typo',
    conditions: [
      {
        type: 'WaypointAccepted',
        status: 'False',
        reason: 'TargetNotFound',
        message: 'Service shop/reviewz was not found',
        upstream: POLICIES,
      },
    ],
  },
  {
    // Several targets are flattened into one condition (model/service.go flattenConditions).
    resource: 'AuthorizationPolicy shop/two-targets',
    conditions: [
      {
        type: 'WaypointAccepted',
        status: 'True',
        reason: 'PartiallyInvalid',
        message: 'Invalid targetRefs: Service.core:shop/reviewz',
        upstream: POLICIES,
      },
    ],
  },
  {
    resource: 'AuthorizationPolicy istio-system/all-waypoints',
    conditions: [
      {
        type: 'WaypointAccepted',
        status: 'True',
        reason: 'Accepted',
        message: 'bound to istio-waypoint',
        upstream: POLICIES,
      },
    ],
  },
  {
    resource: 'AuthorizationPolicy shop/class-outside-root',
    conditions: [
      {
        type: 'WaypointAccepted',
        status: 'False',
        reason: 'Invalid',
        message: 'AuthorizationPolicy must be in the root namespace `istio-system` when referencing a GatewayClass',
        upstream: POLICIES,
      },
    ],
  },
  {
    resource: 'AuthorizationPolicy shop/whole-waypoint',
    conditions: [
      {
        type: 'WaypointAccepted',
        status: 'True',
        reason: 'Accepted',
        message: 'bound to shop/waypoint',
        upstream: POLICIES,
      },
    ],
  },
  // istiod's ambient status writers cover AuthorizationPolicies only (ambientindex.go registers no others).
  { resource: 'RequestAuthentication shop/jwt', conditions: [] },
  {
    resource: 'HTTPRoute shop/reviews-split',
    conditions: [
      {
        type: 'Accepted',
        status: 'True',
        reason: 'Accepted',
        message: 'Route was valid',
        parentRef: 'Service/shop/reviews:9080',
        upstream: ROUTES,
      },
      {
        type: 'ResolvedRefs',
        status: 'True',
        reason: 'ResolvedRefs',
        message: 'All references resolved',
        parentRef: 'Service/shop/reviews:9080',
        upstream: ROUTES,
      },
      {
        type: 'ResolvedWaypoints',
        status: 'True',
        reason: 'ResolvedWaypoints',
        message: 'All waypoints resolved',
        parentRef: 'Service/shop/reviews:9080',
        upstream: ROUTES,
      },
    ],
  },
  {
    // ResolvedWaypoints stays True: the missing label only replaces the message (conditions.go sets no error).
    resource: 'HTTPRoute shop/plain-route',
    conditions: [
      {
        type: 'Accepted',
        status: 'True',
        reason: 'Accepted',
        message: 'Route was valid',
        parentRef: 'Service/shop/plain',
        upstream: ROUTES,
      },
      {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'BackendNotFound',
        message: 'backend(gone.shop.svc.cluster.local) not found',
        parentRef: 'Service/shop/plain',
        upstream: REFS,
      },
      {
        type: 'ResolvedWaypoints',
        status: 'True',
        reason: 'ResolvedWaypoints',
        message:
          'istio.io/use-waypoint label missing from parent and parent namespace; in ambient mode, route will not be respected',
        parentRef: 'Service/shop/plain',
        upstream: REFS,
      },
    ],
  },
  {
    resource: 'HTTPRoute shop/ghost-route',
    conditions: [
      {
        type: 'Accepted',
        status: 'False',
        reason: 'NoMatchingParent',
        message: 'parent service: "ghost" not found',
        parentRef: 'Service/shop/ghost',
        upstream: REFS,
      },
      {
        type: 'ResolvedRefs',
        status: 'True',
        reason: 'ResolvedRefs',
        message: 'All references resolved',
        parentRef: 'Service/shop/ghost',
        upstream: ROUTES,
      },
      {
        type: 'ResolvedWaypoints',
        status: 'True',
        reason: 'ResolvedWaypoints',
        message: 'parent not found',
        parentRef: 'Service/shop/ghost',
        upstream: REFS,
      },
    ],
  },
];
