/**
 * Which workload and port the request lands on: the routed Service's endpoints (narrowed to a DestinationRule
 * subset), the first of them when there are several, and the Service port's targetPort on it. A ServiceEntry with
 * no workload behind it sends the request out of the mesh; a Service with none fails.
 */
import { getArray, getString } from '../../model/access.ts';
import { labelOf } from '../../ambient/index.ts';
import { endpointsOf, targetPortOf } from '../mesh.ts';
import type { Waypoint, Workload } from '../mesh.ts';
import { finished } from '../trace.ts';
import type { Routed, Step, Walk } from '../trace.ts';

export interface Endpoint {
  readonly workload: Workload;
  readonly port: number;
}

export function chooseEndpoint(
  w: Walk,
  routed: Routed,
  waypoint: Waypoint | undefined,
  /** A sidecar client's own Envoy, which (like a waypoint) turns a failed upstream into 503. */
  sidecarClient: boolean,
): Step<Endpoint> {
  const { mesh, t, http } = w;
  const { target, backends } = routed;
  // A failed upstream behind an HTTP proxy (the waypoint, or the client's sidecar) is answered with 503.
  const failStatus = http && (waypoint || sidecarClient) ? 503 : null;
  const svc = target.service;
  if (!svc) return { kind: 'continue', workload: target.workload!, port: target.port! };
  const subset = target.subsetLabels;
  const eps = endpointsOf(mesh, svc).filter(
    (wl) => !subset || Object.entries(subset).every(([k, v]) => labelOf(wl.labels, k) === v),
  );
  if (!eps.length) {
    const inline = getArray(svc.resource.obj, ['spec', 'endpoints'])
      .map((e) => getString(e, ['address']) ?? '')
      .filter(Boolean);
    if (svc.kind === 'ServiceEntry' && (inline.length || !svc.selector)) {
      const name = inline[0] ?? svc.hosts[0] ?? svc.name;
      t.hops.push({
        at: 'external',
        name,
        notes: [
          `${svc.kind} ${svc.namespace}/${svc.name}: the request leaves the mesh to ${name} (no destination ztunnel)`,
        ],
      });
      return finished(w, { verdict: 'allowed', status: http ? 200 : null, waypoint, backends });
    }
    t.notes.push(`${svc.kind} ${svc.namespace}/${svc.name} selects no workload in the manifests: no endpoints`);
    return finished(w, { verdict: 'error', status: failStatus, waypoint, backends });
  }
  if (eps.length > 1)
    t.notes.push(
      `${svc.namespace}/${svc.name} has ${eps.length} workloads behind it (${eps.map((e) => e.name).join(', ')}); the trace follows ${eps[0]!.name}`,
    );
  const workload = eps[0]!;
  const port = targetPortOf(target.servicePort!, workload);
  if (port === undefined) {
    t.notes.push(
      `targetPort "${String(target.servicePort!.targetPort)}" of ${svc.name} names no container port of ${workload.name}`,
    );
    return finished(w, { verdict: 'error', status: failStatus, waypoint, backends });
  }
  return { kind: 'continue', workload, port };
}
