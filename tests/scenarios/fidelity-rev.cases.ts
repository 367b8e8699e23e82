import type { ScenarioCase } from './types.ts';

// Each case pins one [rev] item of SEMANTICS.md on the fidelity-rev.yaml mesh; `source` names the upstream file
// (istio/istio release-1.31 unless said otherwise) the behaviour was read from.
const A = 'pilot/pkg/serviceregistry/ambient';

export const cases: readonly ScenarioCase[] = [
  // ── trustDomains at ztunnel ──────────────────────────────────────────────────────────────────────────────
  {
    name: 'ztunnel drops trustDomains silently: principals + trustDomains [partner] admits the cluster.local principal',
    source: `SEMANTICS §3 [rev]; ${A}/authorization.go handleRule (matches built without trustDomains), httpSources`,
    request: { from: 'fid/client', to: 'td' },
    expect: { verdict: 'allowed', status: 200, decidedBy: 'AuthorizationPolicy fid/td-partner-only' },
  },
  {
    name: 'a source with only trustDomains is an empty match, which ztunnel never matches',
    source: `SEMANTICS §3 [rev]; ${A}/authorization.go handleRule; istio/ztunnel src/rbac.rs (empty match)`,
    request: { from: 'fid/client', to: 'td-only' },
    expect: { verdict: 'denied', deniedAt: 'ztunnel', decidedBy: 'AuthorizationPolicy fid/td-only-local' },
  },
  // ── istio.io/dry-run ─────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'dry-run policies at ztunnel: a matching DENY is not enforced, an ALLOW is not counted',
    source: `SEMANTICS §3 [rev]; ${A}/authorization.go convertAuthorizationPolicy (dry-run not sent without AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY); istio/ztunnel src/state.rs "Dry run policies should have no effect"`,
    request: { from: 'fid/client', to: 'dry' },
    expect: { verdict: 'allowed', status: 200, decidedBy: null },
  },
  {
    name: 'a dry-run DENY at the waypoint is a shadow rule: POST passes',
    source: 'SEMANTICS §3 [rev]; pilot/pkg/security/authz/builder/builder.go (dry-run policies become shadow rules)',
    request: { from: 'fid/client', to: 'dry-l7', method: 'POST' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'fid/waypoint', decidedBy: null },
  },
  // ── IP attributes use status.podIP ──────────────────────────────────────────────────────────────────────
  {
    name: 'ipBlocks match the Pod status.podIP',
    source: `SEMANTICS §3 [rev]; ${A}/authorization.go stringToIP (source IPs compared with the workload address)`,
    request: { from: 'fid/fixed', to: 'ipb' },
    expect: { verdict: 'allowed', decidedBy: 'AuthorizationPolicy fid/ipb-office' },
  },
  {
    name: 'ipBlocks match a WorkloadEntry address',
    source: `SEMANTICS §3 [rev]; ${A}/authorization.go stringToIP`,
    request: { from: 'fid/vm', to: 'ipb' },
    expect: { verdict: 'allowed', decidedBy: 'AuthorizationPolicy fid/ipb-office' },
  },
  {
    name: 'and a pod outside the block is denied',
    source: `SEMANTICS §3 [rev]; ${A}/authorization.go stringToIP`,
    request: { from: 'fid/client', to: 'ipb' },
    expect: { verdict: 'denied', deniedAt: 'ztunnel', decidedBy: 'AuthorizationPolicy fid/ipb-office' },
  },
  // ── istio.io/ingress-use-waypoint ────────────────────────────────────────────────────────────────────────
  {
    name: 'ingress uses the waypoint when only the Namespace says ingress-use-waypoint "true"',
    source: `SEMANTICS §2 [rev]; ${A}/services.go ingressUseWaypointFromLabels; services_test.go TestIngressUseWaypointFromLabels`,
    request: { from: 'ingress/gw', to: 'inherit.edge' },
    expect: { verdict: 'allowed', waypoint: 'edge/waypoint', clientDataplane: 'gateway' },
  },
  {
    name: 'a Service "false" overrides its Namespace "true": ingress goes direct',
    source: `SEMANTICS §2 [rev]; ${A}/services.go ingressUseWaypointFromLabels; services_test.go TestIngressUseWaypointFromLabels`,
    request: { from: 'ingress/gw', to: 'opt-out.edge' },
    expect: { verdict: 'allowed', waypoint: null },
  },
  {
    name: 'a Service "yes" is not a Go boolean: false, and it still overrides the Namespace',
    source: `SEMANTICS §2 [rev]; ${A}/services.go ingressUseWaypointFromLabels (strconv.ParseBool, invalid ⇒ false)`,
    request: { from: 'ingress/gw', to: 'yes-value.edge' },
    expect: { verdict: 'allowed', waypoint: null },
  },
  {
    name: 'a Service "True" with no Namespace label: ingress goes through the waypoint',
    source: `SEMANTICS §2 [rev]; ${A}/services.go ingressUseWaypointFromLabels (strconv.ParseBool)`,
    request: { from: 'ingress/gw', to: 'capital.fid' },
    expect: { verdict: 'allowed', waypoint: 'fid/waypoint' },
  },
  // ── sidecar clients ──────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'an ambient client goes through the waypoint, whose L7 DENY stops a POST',
    source: 'SEMANTICS §3 (at the waypoint)',
    request: { from: 'fid/client', to: 'guarded', method: 'POST' },
    expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403, waypoint: 'fid/waypoint' },
  },
  {
    name: 'a sidecar client does not traverse the waypoint: its L7 DENY does not apply',
    source:
      'SEMANTICS §1 [rev]; pilot/pkg/xds/endpoints/endpoint_builder.go findServiceWaypoint; tests/integration/ambient/waypoint_test.go "Sidecar does not currently traverse waypoint"',
    request: { from: 'legacy-sc/sc', to: 'guarded.fid', method: 'POST' },
    expect: { verdict: 'allowed', status: 200, waypoint: null, clientDataplane: 'sidecar' },
  },
  {
    name: 'a sidecar client arrives at the destination ztunnel with its own identity, not the waypoint’s',
    source:
      'SEMANTICS §1 [rev]; pilot/pkg/xds/endpoints/endpoint_builder.go findServiceWaypoint (only gateways call a waypoint)',
    request: { from: 'legacy-sc/sc', to: 'locked.fid' },
    // The reset reaches the client's own Envoy, which answers the application with 503.
    expect: {
      verdict: 'denied',
      deniedAt: 'ztunnel',
      status: 503,
      decidedBy: 'AuthorizationPolicy fid/locked-waypoint-only',
    },
  },
  {
    name: 'a sidecar client applies a consumer route of its own namespace itself',
    source:
      'SEMANTICS §1 [rev] (sidecars route for themselves); gateway-api conformance/tests/mesh/mesh-consumer-route (sidecar mode)',
    request: { from: 'legacy-sc/sc', to: 'shared.fid' },
    expect: { verdict: 'allowed', waypoint: null, backends: ['fid/shared-v2'] },
  },
  // ── which routes a waypoint uses ─────────────────────────────────────────────────────────────────────────
  {
    name: 'a consumer route is ignored at the waypoint, even for clients of its own namespace',
    source:
      'SEMANTICS §5 [rev]; pilot/pkg/networking/core/listener_waypoint.go getVirtualServiceForWaypoint; tests/integration/ambient/gateway_conformance_test.go (drops MeshConsumerRoute)',
    request: { from: 'team/dev', to: 'shared.fid' },
    expect: { verdict: 'allowed', waypoint: 'fid/waypoint', backends: ['fid/shared'] },
  },
  {
    name: 'a route in the waypoint’s own namespace is used',
    source: 'SEMANTICS §5 [rev]; pilot/pkg/networking/core/listener_waypoint.go getVirtualServiceForWaypoint',
    request: { from: 'fid/client', to: 'hub' },
    expect: { verdict: 'allowed', waypoint: 'infra/shared-wp', backends: ['fid/hub-v2'] },
  },
  {
    name: 'a mesh route reaches a backend in another namespace without a ReferenceGrant',
    source: 'SEMANTICS §5 [rev]; pilot/pkg/config/kube/gateway/route_collections.go (convertHTTPRoute with !mesh)',
    request: { from: 'fid/client', to: 'front' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'fid/waypoint', backends: ['other/backend'] },
  },
  // ── any Gateway named by use-waypoint ────────────────────────────────────────────────────────────────────
  {
    name: 'a third-party class Gateway named by use-waypoint is the waypoint',
    source: `SEMANTICS §2 [rev]; ${A}/waypoints.go (the named Gateway, whatever its class)`,
    request: { from: 'fid/client', to: 'acme' },
    expect: { verdict: 'allowed', waypoint: 'fid/acme-wp' },
  },
  {
    name: 'without an HBONE listener on 15008 the connection fails (the waypoint is not bypassed)',
    source: `SEMANTICS §2 [rev]; ${A}/waypoints.go; istio/ztunnel src/state.rs find_upstream`,
    request: { from: 'fid/client', to: 'acme-broken' },
    expect: { verdict: 'error', status: null, waypoint: 'fid/acme-http-only' },
  },
  {
    name: 'an agentgateway waypoint (1.31) applies Gateway API routes but not AuthorizationPolicy',
    source: 'SEMANTICS §2 [rev]; istio.io docs/ambient/usage/agentgateway (configured only through Gateway API routes)',
    request: { from: 'fid/client', to: 'agent', method: 'POST' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'fid/agw', backends: ['fid/capital'] },
  },
  {
    name: 'two matching regular-expression paths: the longer expression wins',
    source: 'SEMANTICS §5 [rev]; pilot/pkg/config/kube/gateway/conversion.go sortHTTPRoutes (rank, then length)',
    request: { from: 'fid/client', to: 'rx', path: '/api/v2/items' },
    expect: { verdict: 'allowed', backends: ['fid/front'] },
  },
  {
    name: 'a matching PathPrefix outranks any regular expression',
    source: 'SEMANTICS §5 [rev]; pilot/pkg/config/kube/gateway/conversion.go sortHTTPRoutes (Exact > Prefix > Regex)',
    request: { from: 'fid/client', to: 'rx', path: '/api/v2/legacy/1' },
    expect: { verdict: 'allowed', backends: ['fid/acme'] },
  },
];
