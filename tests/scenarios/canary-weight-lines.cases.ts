import type { ScenarioCase } from './types.ts';

// canary-weight-lines.yaml, once per Istio line (istio/istio release-1.31 unless said otherwise).
const CANARY =
  'SEMANTICS §2 [rev]; pilot/pkg/serviceregistry/ambient/waypoints.go buildWeightedWaypoints, getCanaryWeight';
const INERT = 'release-1.30 pilot/pkg/serviceregistry/ambient/waypoints.go (no canary labels)';
const DELETE = (to: string) => ({ from: 'cw/client', to, method: 'DELETE' }) as const;

export const cases: readonly ScenarioCase[] = [
  {
    name: '1.31: weight 100 sends every new connection to the canary, whose policy denies DELETE',
    source: CANARY,
    istio: '1.31',
    request: DELETE('cart-all-canary'),
    expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403, waypoint: 'cw/waypoint-v2' },
  },
  {
    name: '1.30: the same Service uses its primary waypoint only',
    source: INERT,
    istio: '1.30',
    request: DELETE('cart-all-canary'),
    expect: { verdict: 'allowed', status: 200, waypoint: 'cw/waypoint' },
  },
  {
    name: '1.31: an unparsable weight drops the canary (CanaryInvalidWeight): primary only',
    source: CANARY,
    istio: '1.31',
    request: DELETE('cart-typo'),
    expect: { verdict: 'allowed', status: 200, waypoint: 'cw/waypoint' },
  },
  {
    name: '1.30: the annotation means nothing: primary only',
    source: INERT,
    istio: '1.30',
    request: DELETE('cart-typo'),
    expect: { verdict: 'allowed', status: 200, waypoint: 'cw/waypoint' },
  },
];
