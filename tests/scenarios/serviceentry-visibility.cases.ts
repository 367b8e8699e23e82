import type { ScenarioCase } from './types.ts';

// serviceentry-visibility.yaml, once per Istio line. `source` names the upstream code (istio/istio release-1.31
// unless said otherwise).
const VISIBILITY =
  'SEMANTICS §8 [rev]; pilot/pkg/model/serviceentry_visibility.go VisibilityFor; pilot/pkg/serviceregistry/ambient/services.go (NONE: not published)';
const IGNORED_ON_130 =
  'release-1.30 pkg/util/protomarshal ApplyJSON (unknown MeshConfig fields allowed) and mesh/v1alpha1 MeshConfig without serviceEntryVisibility';
const NONE = 'serviceEntryVisibility: {defaultVisibility: NONE}';
const NAMESPACE = 'serviceEntryVisibility: {defaultVisibility: NAMESPACE}';
const DELETE_FROM_VIS = { from: 'vis/client', to: 'api.stripe.com', method: 'DELETE' } as const;
const DELETE_FROM_OTHER = { from: 'other/client', to: 'api.stripe.com', method: 'DELETE' } as const;
const DENIED_AT_EGRESS = {
  verdict: 'denied',
  deniedAt: 'waypoint',
  status: 403,
  waypoint: 'vis/egress',
  decidedBy: 'AuthorizationPolicy vis/stripe-get-only',
} as const;

export const cases: readonly ScenarioCase[] = [
  {
    name: '1.31 without a MeshConfig: the entry goes through its waypoint, whose GET-only policy denies DELETE',
    source: VISIBILITY,
    istio: '1.31',
    request: DELETE_FROM_VIS,
    expect: DENIED_AT_EGRESS,
  },
  {
    name: '1.31, NONE: hidden even from its own namespace; no waypoint, so the policy is enforced nowhere',
    source: VISIBILITY,
    istio: '1.31',
    meshConfig: NONE,
    request: DELETE_FROM_VIS,
    expect: { verdict: 'allowed', status: 200, waypoint: null, backends: [] },
  },
  {
    name: '1.30, NONE: the setting does not exist; the policy still denies DELETE',
    source: IGNORED_ON_130,
    istio: '1.30',
    meshConfig: NONE,
    request: DELETE_FROM_VIS,
    expect: DENIED_AT_EGRESS,
  },
  {
    name: '1.31, NAMESPACE: visible in its own namespace, so the policy applies there',
    source: VISIBILITY,
    istio: '1.31',
    meshConfig: NAMESPACE,
    request: DELETE_FROM_VIS,
    expect: DENIED_AT_EGRESS,
  },
  {
    name: '1.31, NAMESPACE: for a client in another namespace the entry does not exist (no waypoint, no policy)',
    source: VISIBILITY,
    istio: '1.31',
    meshConfig: NAMESPACE,
    request: DELETE_FROM_OTHER,
    expect: { verdict: 'allowed', status: 200, waypoint: null, backends: [] },
  },
  {
    name: '1.30, NAMESPACE: the other namespace reaches the entry through its waypoint, and the policy denies DELETE',
    source: IGNORED_ON_130,
    istio: '1.30',
    meshConfig: NAMESPACE,
    request: DELETE_FROM_OTHER,
    expect: DENIED_AT_EGRESS,
  },
  {
    name: '1.30, NAMESPACE: GET from another namespace is allowed through the waypoint',
    source: IGNORED_ON_130,
    istio: '1.30',
    meshConfig: NAMESPACE,
    request: { from: 'other/client', to: 'api.stripe.com', method: 'GET' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'vis/egress', backends: ['vis/stripe'] },
  },
];
