import type { ScenarioCase } from './types.ts';

// Canary waypoints and meshConfig.serviceEntryVisibility, once per Istio line, on canary-meshconfig.yaml.
// `source` names the upstream code (istio/istio release-1.31 unless said otherwise).
const CANARY =
  'SEMANTICS §2 [rev]; pilot/pkg/serviceregistry/ambient/waypoints.go buildWeightedWaypoints; istio/ztunnel src/state.rs sample_weighted_waypoint';
const VISIBILITY =
  'SEMANTICS §8 [rev]; pilot/pkg/model/serviceentry_visibility.go; pilot/pkg/serviceregistry/ambient/services.go; istio/ztunnel src/state/service.rs visible_to';
/** Every ServiceEntry visible only in its own namespace. */
const NAMESPACE_ONLY = 'serviceEntryVisibility: {defaultVisibility: NAMESPACE}';

export const cases: readonly ScenarioCase[] = [
  {
    name: '1.31: a 20 % canary; the trace follows the primary',
    source: CANARY,
    istio: '1.31',
    request: { from: 'can/client', to: 'cart', method: 'DELETE' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'can/waypoint' },
  },
  {
    name: '1.31: an 80 % canary; the trace follows the canary, whose policy denies DELETE',
    source: CANARY,
    istio: '1.31',
    request: { from: 'can/client', to: 'cart-late', method: 'DELETE' },
    expect: {
      verdict: 'denied',
      status: 403,
      deniedAt: 'waypoint',
      waypoint: 'can/waypoint-v2',
      decidedBy: 'AuthorizationPolicy can/canary-no-delete',
    },
  },
  {
    name: '1.30: no canary waypoints; everything on the primary',
    source: `${CANARY}; release-1.30 has no use-waypoint-canary`,
    istio: '1.30',
    request: { from: 'can/client', to: 'cart-late', method: 'DELETE' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'can/waypoint' },
  },
  {
    name: '1.31: an invalid weight drops the canary (CanaryInvalidWeight)',
    source: `${CANARY}; getCanaryWeight`,
    istio: '1.31',
    request: { from: 'can/client', to: 'cart-typo', method: 'DELETE' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'can/waypoint' },
  },
  {
    name: '1.31: a NAMESPACE-visible ServiceEntry does not exist for another namespace (passthrough, no waypoint)',
    source: VISIBILITY,
    istio: '1.31',
    meshConfig: NAMESPACE_ONLY,
    request: { from: 'can/client', to: 'partner.example.com' },
    expect: { verdict: 'allowed', status: 200, waypoint: null, backends: [] },
  },
  {
    name: '1.31: visible in its own namespace, through its waypoint',
    source: VISIBILITY,
    istio: '1.31',
    meshConfig: NAMESPACE_ONLY,
    request: { from: 'ext/client', to: 'partner.example.com' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'ext/egress', backends: ['ext/partner'] },
  },
  {
    name: '1.30: no serviceEntryVisibility; the entry and its waypoint serve every namespace',
    source: `${VISIBILITY}; MeshConfig field 72 is new in istio/api release-1.31`,
    istio: '1.30',
    meshConfig: NAMESPACE_ONLY,
    request: { from: 'can/client', to: 'partner.example.com' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'ext/egress', backends: ['ext/partner'] },
  },
  {
    name: '1.31: a NAMESPACE-visible entry may not use a waypoint in another namespace (CrossNamespaceWaypointForbidden)',
    source: `${VISIBILITY}; pilot/pkg/serviceregistry/ambient/waypoints.go fetchWaypointForService`,
    istio: '1.31',
    meshConfig: NAMESPACE_ONLY,
    request: { from: 'ext2/client', to: 'billing.example.com' },
    expect: { verdict: 'allowed', status: 200, waypoint: null },
  },
  {
    name: '1.30: the same entry uses the shared waypoint',
    source: `${VISIBILITY}; release-1.30 fetchWaypointForService has no visibility check`,
    istio: '1.30',
    meshConfig: NAMESPACE_ONLY,
    request: { from: 'ext2/client', to: 'billing.example.com' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'ext/egress' },
  },
  {
    name: '1.31: without a MeshConfig every ServiceEntry is public',
    source: `${VISIBILITY} (an unset serviceEntryVisibility is the legacy behaviour)`,
    istio: '1.31',
    request: { from: 'ext2/client', to: 'billing.example.com' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'ext/egress' },
  },
];
