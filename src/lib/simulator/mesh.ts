/**
 * Simulator helpers over the shared mesh index (src/lib/model/mesh.ts, which owns enrolment and waypoint
 * resolution for both the validator and the simulator). Only trace-specific details live here.
 */
import { getArray, getObject, getString } from '../model/access.ts';
import {
  ANNOTATION_WAYPOINT_INBOUND_BINDING,
  DEFAULT_TRUST_DOMAIN,
  labelOf,
  podTemplatePath,
  principalFor,
} from '../ambient/index.ts';
import type { Mesh, ServiceInfo, ServicePort, Waypoint, WaypointBinding, Workload } from '../model/mesh.ts';

export type { Mesh, ServiceInfo, ServicePort, Waypoint, WaypointBinding, Workload };

/** Binding outcomes where a waypoint was asked for but is not used: L7 policy is silently bypassed. */
export function bindingBroken(b: WaypointBinding): boolean {
  return (
    b.reason === 'not-found' ||
    b.reason === 'not-ready' ||
    b.reason === 'waypoint-for-mismatch' ||
    b.reason === 'cross-namespace-denied' ||
    b.reason === 'visibility-forbidden'
  );
}

/** A short, stable, pod-name-like suffix (FNV-1a), so the same manifests always give the same trace. */
function suffix(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 5; i++) {
    out += alphabet[h % alphabet.length];
    h = Math.floor(h / alphabet.length);
  }
  return out;
}

/** The pod name the trace shows: real for Pod and WorkloadEntry, derived (stable) for controllers. */
export function podNameOf(w: Workload): string {
  if (w.kind === 'Pod' || w.kind === 'WorkloadEntry') return w.name;
  if (w.kind === 'StatefulSet') return `${w.name}-0`;
  return `${w.name}-${suffix(`${w.namespace}/${w.name}`)}`;
}

/** The pod spec's path per controller kind, built once (a trace reads it for every hop). */
const specPaths = new Map<string, readonly string[]>();
function podSpec(w: Workload) {
  if (w.kind === 'Pod') return getObject(w.resource.obj, ['spec']);
  let path = specPaths.get(w.kind);
  if (!path) specPaths.set(w.kind, (path = [...(podTemplatePath(w.kind) ?? ['spec', 'template']), 'spec']));
  return getObject(w.resource.obj, path);
}

export function nodeOf(w: Workload): string | undefined {
  return getString(podSpec(w), ['nodeName']);
}

/** A workload's SPIFFE principal; the trust domain is the mesh's (MeshConfig `trustDomain`). */
export function principalOf(w: Workload, trustDomain: string = DEFAULT_TRUST_DOMAIN): string {
  return principalFor(trustDomain, w.namespace, w.serviceAccount);
}

/** Resolve a Service port's targetPort on a workload: a number, a container port name, or (absent) the port. */
export function targetPortOf(sp: ServicePort, w: Workload): number | undefined {
  const tp = sp.targetPort;
  if (tp === undefined) return sp.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  if (w.kind === 'WorkloadEntry') {
    const ports = getObject(w.resource.obj, ['spec', 'ports']);
    const p = ports && Object.prototype.hasOwnProperty.call(ports, tp) ? ports[tp] : undefined;
    return typeof p === 'number' ? p : undefined;
  }
  for (const c of getArray(podSpec(w), ['containers'])) {
    for (const p of getArray(c, ['ports'])) {
      const n = getObject(p, [])?.containerPort;
      if (getString(p, ['name']) === tp && typeof n === 'number') return n;
    }
  }
  return undefined;
}

/** Workloads behind a Service/ServiceEntry, in input order. */
export function endpointsOf(mesh: Mesh, s: ServiceInfo): readonly Workload[] {
  // Selection depends only on the (immutable) mesh: each service's endpoints are found once and kept with it.
  let byService = endpointMemo.get(mesh);
  if (!byService) endpointMemo.set(mesh, (byService = new WeakMap()));
  let found = byService.get(s);
  if (!found) {
    found = Object.freeze(s.selector ? mesh.workloadsSelectedBy(s.namespace, { matchLabels: { ...s.selector } }) : []);
    byService.set(s, found);
  }
  return found;
}
const endpointMemo = new WeakMap<Mesh, WeakMap<ServiceInfo, readonly Workload[]>>();

/** What the trace says about a waypoint's readiness. */
export function readinessNote(wp: Waypoint): string {
  return getObject(wp.resource.obj, ['status']) === undefined
    ? 'no status in the manifests: assumed deployed and ready (status.addresses set)'
    : 'status.addresses is set: ready';
}

/**
 * Whether ztunnel can open its tunnel to this waypoint. istiod binds to any ready waypoint and tells ztunnel to use
 * port 15008, but the waypoint's Service has one port per Gateway listener, so without an HBONE listener on 15008
 * there is no upstream for it (istio/istio pilot/pkg/serviceregistry/ambient/waypoints.go, the gateway deployment
 * controller's extractServicePorts; istio/ztunnel src/state.rs find_upstream). A waypoint-inbound-binding annotation
 * names another port, so it is trusted.
 */
export function waypointReachable(wp: Waypoint): boolean {
  if (labelOf(wp.resource.annotations, ANNOTATION_WAYPOINT_INBOUND_BINDING) !== undefined) return true;
  return wp.hbone;
}
