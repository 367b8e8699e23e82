/**
 * Which routes a waypoint uses and what cross-namespace backends need (SEMANTICS §5 [rev]), for the simulator,
 * the validator and the status predictor.
 */
import { getArray, getString } from '../model/access.ts';
import type { Resource } from '../model/types.ts';

/**
 * A waypoint uses only routes (Gateway API routes converted by istiod, and VirtualServices) that live in the
 * Service's namespace or in the waypoint's own namespace: a consumer route from a client's namespace is ignored
 * (release-1.31 pilot/pkg/networking/core/listener_waypoint.go getVirtualServiceForWaypoint; Istio's ambient
 * conformance run drops MeshConsumerRoute, tests/integration/ambient/gateway_conformance_test.go).
 */
export function waypointUsesRouteFrom(
  routeNamespace: string,
  serviceNamespace: string,
  waypointNamespace: string,
): boolean {
  return routeNamespace === serviceNamespace || routeNamespace === waypointNamespace;
}

/**
 * Whether istiod checks ReferenceGrants for a route's cross-namespace backends: only for Gateway parents. Mesh
 * (Service or ServiceEntry parent) routes are converted with `enforceRefGrant = !mesh`
 * (release-1.31 pilot/pkg/config/kube/gateway/route_collections.go), so their backends resolve without a grant.
 */
export function referenceGrantEnforced(parent: 'mesh' | 'gateway'): boolean {
  return parent === 'gateway';
}

export interface GrantFrom {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
}
export interface GrantTo {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
}

const groupOf = (g: string | undefined): string => (g === undefined || g === 'core' ? '' : g);

/**
 * Whether one of `grants` (ReferenceGrants in the target's namespace) lets `from` refer to `to` (Gateway API
 * ReferenceGrant: a `from` entry with the referrer's group, kind and namespace, and a `to` entry with the target's
 * group and kind and, when set, its name).
 */
export function referenceGrantAllows(grants: readonly Resource[], from: GrantFrom, to: GrantTo): boolean {
  for (const g of grants) {
    if (g.kind !== 'ReferenceGrant' || !g.apiVersion.startsWith('gateway.networking.k8s.io/')) continue;
    const fromOk = getArray(g.obj, ['spec', 'from']).some(
      (f) =>
        groupOf(getString(f, ['group'])) === groupOf(from.group) &&
        getString(f, ['kind']) === from.kind &&
        getString(f, ['namespace']) === from.namespace,
    );
    if (!fromOk) continue;
    const toOk = getArray(g.obj, ['spec', 'to']).some((t) => {
      const name = getString(t, ['name']);
      return (
        groupOf(getString(t, ['group'])) === groupOf(to.group) &&
        getString(t, ['kind']) === to.kind &&
        (name === undefined || name === '' || name === to.name)
      );
    });
    if (toOk) return true;
  }
  return false;
}
