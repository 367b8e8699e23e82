/**
 * Which waypoint, if any, this request traverses: the destination's binding (istio.io/use-waypoint on the
 * Service, ServiceEntry, pod or namespace), then what makes the client bypass it, then the 1.31 canary split. When
 * there is no waypoint, the notes say which attached policy and routing objects therefore do nothing.
 */
import { getObject } from '../../model/access.ts';
import { serviceEntryVipGap } from '../../model/serviceentry.ts';
import {
  applyServiceEntryVisibility,
  canaryLookup,
  ingressUseWaypoint,
  labelOf,
  LABEL_INGRESS_USE_WAYPOINT,
  resolveCanaryWaypoint,
  type ServiceEntryVisibilityLevel,
} from '../../ambient/index.ts';
import { targetsByName } from '../policies.ts';
import { bindingBroken } from '../mesh.ts';
import type { Waypoint, WaypointBinding } from '../mesh.ts';
import { unusedRouteNotes } from '../routing.ts';
import type { RouteScope } from '../routing.ts';
import { destinationRulesFor, virtualServicesFor } from '../vs.ts';
import type { Continue, Walk } from '../trace.ts';

export interface WaypointChosen {
  /** The waypoint this trace traverses (the likelier of a canary split), or none. */
  readonly waypoint: Waypoint | undefined;
  readonly binding: WaypointBinding;
  /** How the canary split was decided, for the waypoint hop. */
  readonly canaryNote: string | undefined;
}

export function chooseWaypoint(
  w: Walk,
  seVisibility: ServiceEntryVisibilityLevel | undefined,
  sidecarClient: boolean,
): Continue<WaypointChosen> {
  const binding = bindingOf(w, seVisibility);
  if (bindingBroken(binding)) w.t.notes.push(binding.note);
  let waypoint = bypassed(w, binding) ? undefined : binding.waypoint;
  let canaryNote: string | undefined;
  if (waypoint) {
    const canary = canaryChoice(w, waypoint, binding);
    waypoint = canary.waypoint;
    canaryNote = canary.note;
  }
  if (!waypoint) notesWithoutWaypoint(w, sidecarClient);
  return { kind: 'continue', waypoint, binding, canaryNote };
}

function bindingOf(w: Walk, seVisibility: ServiceEntryVisibilityLevel | undefined): WaypointBinding {
  const { mesh, dest } = w;
  if (dest.kind === 'service') {
    const target = {
      kind: dest.service.kind,
      resource: dest.service.resource,
      namespace: dest.service.namespace,
      labels: dest.service.labels,
    };
    const binding = mesh.resolveWaypoint(target);
    return seVisibility ? applyServiceEntryVisibility(target, binding, seVisibility) : binding;
  }
  const wl = dest.workload;
  return mesh.resolveWaypoint({
    kind: wl.kind === 'WorkloadEntry' ? 'WorkloadEntry' : 'Pod',
    resource: wl.resource,
    namespace: wl.namespace,
    labels: wl.labels,
  });
}

/** Whether this client's traffic misses the bound waypoint; the note says why. */
function bypassed(w: Walk, binding: WaypointBinding): boolean {
  const { mesh, client, dest, t } = w;
  if (!binding.waypoint) return false;
  const bound = binding.note.replace(/\.$/, '');
  if (dest.kind === 'service' && dest.service.kind === 'ServiceEntry') {
    // ztunnel sends traffic to a waypoint by destination VIP: an entry with no address of its own and none allocated
    // has none, so its traffic is not recognised and goes direct (rule serviceentry-needs-addresses).
    const gap = serviceEntryVipGap(dest.service.resource);
    if (gap) {
      t.notes.push(
        `${bound}; but ServiceEntry ${dest.service.namespace}/${dest.service.name} has no addresses and istiod allocates none (${gap.reason}): ztunnel cannot recognise its traffic, which goes direct and bypasses the waypoint`,
      );
      return true;
    }
  }
  if (client.dataplane === 'none') {
    t.notes.push(
      `${bound}, but a caller outside the mesh is not captured by ztunnel, so it never traverses the waypoint: waypoint (L7) policy does not apply to it`,
    );
    return true;
  }
  if (client.dataplane === 'sidecar') {
    // SEMANTICS §1 [rev]: only ingress and east-west gateways call a waypoint (release-1.31
    // pilot/pkg/xds/endpoints/endpoint_builder.go findServiceWaypoint; tests/integration/ambient/waypoint_test.go
    // "Sidecar does not currently traverse waypoint").
    t.notes.push(
      `${bound}, but a sidecar client does not traverse waypoints: it reaches the destination ztunnel directly with its own identity, so waypoint (L7) policy does not apply to it`,
    );
    return true;
  }
  if (!client.gateway) return false;
  // SEMANTICS §2 [rev]: ingress uses the waypoint only when istio.io/ingress-use-waypoint parses true (Go ParseBool)
  // on the Service, or on its Namespace when the Service has no such label (release-1.31
  // pilot/pkg/serviceregistry/ambient/services.go ingressUseWaypointFromLabels).
  const nsLabels = dest.kind === 'service' ? mesh.namespaceLabels(dest.service.namespace) : undefined;
  const iuw = dest.kind === 'service' ? ingressUseWaypoint(dest.service.labels, nsLabels) : undefined;
  if (iuw?.use) return false;
  const label = LABEL_INGRESS_USE_WAYPOINT;
  const value = iuw?.present
    ? `"${iuw.value}"${iuw.invalid ? ' (not a Go boolean, so false: istiod logs a warning)' : ''}`
    : '';
  const why = !iuw?.present
    ? `ingress goes straight to the pods unless ${label} is true on the Service or its Namespace`
    : iuw.from === 'service' && labelOf(nsLabels, label) !== undefined
      ? `the Service's ${label}: ${value} overrides its Namespace's "${labelOf(nsLabels, label)}"`
      : `${label} on the ${iuw.from === 'service' ? 'Service' : 'Namespace'} is ${value}`;
  t.notes.push(`${bound}, but ${why}: the ingress gateway bypasses the waypoint and its policy`);
  return true;
}

/**
 * The choice between primary and canary waypoint (1.31; release-1.31 A/waypoints.go buildWeightedWaypoints;
 * istio/ztunnel src/state.rs sample_weighted_waypoint: one weighted pick per new connection; ingress: per request,
 * pilot/pkg/xds/endpoints/endpoint_builder.go weightedWaypointEndpoints). The trace follows the likelier one.
 */
function canaryChoice(
  w: Walk,
  primary: Waypoint,
  binding: WaypointBinding,
): { waypoint: Waypoint; note: string | undefined } {
  const { mesh, client, dest, t } = w;
  if (dest.kind !== 'service') return { waypoint: primary, note: undefined };
  const svc = dest.service;
  const target = { kind: svc.kind, resource: svc.resource, namespace: svc.namespace, labels: svc.labels };
  const canary = resolveCanaryWaypoint(target, binding, canaryLookup(mesh), w.line.behaviour.canaryWaypoints);
  if (!(canary?.reason === 'attached' && canary.waypoint && canary.weight > 0)) {
    if (canary) t.notes.push(canary.note);
    return { waypoint: primary, note: undefined };
  }
  const cw = canary.waypoint;
  t.waypoints = [
    ...(canary.weight < 100
      ? [
          {
            namespace: primary.namespace,
            name: primary.name,
            role: 'primary' as const,
            probability: (100 - canary.weight) / 100,
          },
        ]
      : []),
    { namespace: cw.namespace, name: cw.name, role: 'canary' as const, probability: canary.weight / 100 },
  ];
  const followCanary = canary.weight > 50;
  const note = `${canary.note} ${client.gateway ? 'The ingress gateway picks per request' : 'ztunnel picks once per new connection and keeps that waypoint for the connection'}; this trace follows the ${followCanary ? `canary (${canary.weight}%)` : `primary (${100 - canary.weight}%)`}.`;
  return { waypoint: followCanary ? cw : primary, note };
}

/**
 * With no waypoint, policies attached to the Service with targetRefs are enforced nowhere, and (unless a sidecar
 * client routes for itself) routes, VirtualServices and DestinationRule traffic policy do nothing.
 */
function notesWithoutWaypoint(w: Walk, sidecarClient: boolean): void {
  const { mesh, client, dest, t } = w;
  if (dest.kind !== 'service') return;
  const svc = dest.service;
  const unbound = [
    ...mesh.inNamespace('AuthorizationPolicy', svc.namespace),
    ...mesh.inNamespace('RequestAuthentication', svc.namespace),
  ].filter((r) => r.namespace === svc.namespace && targetsByName(r, svc.kind, svc.name));
  for (const r of unbound)
    t.notes.push(
      `${r.kind} ${r.namespace}/${r.name} targets ${svc.name} with targetRefs, but this traffic has no waypoint: it is enforced nowhere`,
    );
  if (sidecarClient) return;
  const clientScope: RouteScope = { at: 'client', clientNamespace: client.namespace };
  t.notes.push(...unusedRouteNotes(mesh, svc, w.servicePort, clientScope, w.tcp, false));
  const vss = virtualServicesFor(mesh, svc, clientScope);
  if (vss.length && w.http)
    t.notes.push(
      `VirtualService ${vss.map((r) => `${r.namespace}/${r.name}`).join(', ')} has no effect without a waypoint (ztunnel does not route HTTP)`,
    );
  // SEMANTICS §8: DestinationRule traffic policy (TLS origination, LB, outlier detection, pools) runs at the waypoint.
  const drs = destinationRulesFor(mesh, svc).filter((r) => getObject(r.obj, ['spec', 'trafficPolicy']) !== undefined);
  if (drs.length)
    t.notes.push(
      `DestinationRule ${drs.map((r) => `${r.namespace}/${r.name}`).join(', ')} has a trafficPolicy, which is applied by a waypoint: without one it does nothing here`,
    );
}
