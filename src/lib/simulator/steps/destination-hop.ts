/**
 * The destination side: the workload's ztunnel (PeerAuthentication for plaintext, then L4 authorization), its
 * sidecar (PeerAuthentication, then authorization over the full request), or nothing when it is not in the mesh;
 * then the pod. Always the last step: the trace ends here, denied or delivered.
 */
import { evaluate } from '../authz.ts';
import type { Peer } from '../authz.ts';
import { nodeOf, podNameOf } from '../mesh.ts';
import type { Waypoint } from '../mesh.ts';
import { effectiveMtls } from '../peerauth.ts';
import { policiesForWorkload } from '../policies.ts';
import type { Backend, Decision, Hop } from '../types.ts';
import { finished, peerOf, ref } from '../trace.ts';
import type { Finished, Walk } from '../trace.ts';
import type { Endpoint } from './endpoint-choice.ts';

/** How the request arrives: through which proxy, from whom, and what the result names if it ends here. */
interface Arrival {
  readonly waypoint: Waypoint | undefined;
  readonly backends: Backend[];
  /** The waypoint's identity, or the client's own. */
  readonly source: Peer;
  /** A sidecar client (its own Envoy answers a reset with 503). */
  readonly sidecarClient: boolean;
}

export function destinationHop(
  w: Walk,
  ep: Endpoint,
  waypoint: Waypoint | undefined,
  backends: Backend[],
  sidecarClient: boolean,
): Finished {
  const source: Peer = waypoint ? { principal: waypoint.principal, namespace: waypoint.namespace } : peerOf(w.client);
  const arrival: Arrival = { waypoint, backends, source, sidecarClient };
  const mode = w.mesh.enrolment(ep.workload);
  const denied =
    mode.mode === 'ambient'
      ? ztunnelInbound(w, ep, arrival)
      : mode.mode === 'sidecar'
        ? sidecarInbound(w, ep, arrival)
        : notInMesh(w, ep, mode.reason);
  if (denied) return denied;
  const wl = ep.workload;
  const podNotes =
    wl.kind === 'Pod' || wl.kind === 'WorkloadEntry'
      ? []
      : [`pod name derived from ${wl.kind} ${wl.name} (stable, not the cluster's)`];
  w.t.hops.push({ at: 'pod', name: `${wl.namespace}/${podNameOf(wl)}`, port: ep.port, notes: podNotes });
  return finished(w, { verdict: 'allowed', status: w.http ? 200 : null, waypoint, backends });
}

/** The destination ztunnel: plaintext meets PeerAuthentication, every connection meets L4 authorization. */
function ztunnelInbound(w: Walk, ep: Endpoint, a: Arrival): Finished | undefined {
  const { mesh, t, http } = w;
  const { workload: wl, port } = ep;
  const viaWaypoint = a.waypoint !== undefined;
  const plaintext = a.source.principal === undefined;
  // An HTTP proxy in front (the waypoint, or a sidecar client's own Envoy) turns a reset into 503.
  const denyStatus = http && (viaWaypoint || a.sidecarClient) ? 503 : null;
  const ending = { verdict: 'denied', status: denyStatus, deniedAt: 'ztunnel', waypoint: a.waypoint } as const;
  const decisions: Decision[] = [];
  const notes: string[] = [
    plaintext
      ? `plaintext from a caller outside the mesh arrives on port 15006 with no identity${w.dest.kind === 'service' ? ' (it skipped any waypoint)' : ''}`
      : `HBONE (mTLS) on 15008 from spiffe://${a.source.principal}${viaWaypoint ? ' — the waypoint’s identity, not the original client’s' : ''}`,
  ];
  const node = nodeOf(wl);
  const hop: Hop = { at: 'ztunnel', side: 'destination', ...(node ? { node } : {}), decisions, notes };
  t.hops.push(hop);
  const pa = effectiveMtls(mesh, wl, port);
  if (plaintext) {
    const by = pa.by ? `${pa.by.namespace}/${pa.by.name}` : undefined;
    decisions.push({
      step: 'peer-authentication',
      ...(by ? { policy: by } : {}),
      action: pa.mode,
      matched: pa.mode === 'STRICT',
      note: pa.mode === 'STRICT' ? 'STRICT rejects plaintext' : `${pa.mode} (${pa.level}) accepts plaintext`,
    });
    if (pa.mode === 'STRICT') {
      t.decidedBy = pa.by ? ref(pa.by) : null;
      return finished(w, { ...ending, backends: a.backends });
    }
  } else if (pa.mode !== 'PERMISSIVE' || pa.by) {
    notes.push(`PeerAuthentication ${pa.mode} (${pa.level}) does not matter for mesh traffic: HBONE is always mTLS`);
  }
  const az = evaluate(
    policiesForWorkload(mesh, 'AuthorizationPolicy', wl),
    { layer: 'l4', source: a.source, destPort: port, destIp: wl.ip },
    'ztunnel',
  );
  decisions.push(...az.decisions);
  notes.push(...az.notes);
  if (!az.allowed) {
    t.decidedBy = az.decidedBy;
    if (viaWaypoint)
      notes.push('denied: the connection from the waypoint is reset, and the waypoint answers the client with 503');
    else if (a.sidecarClient && http)
      notes.push("denied: the connection is reset, and the client's sidecar answers the application with 503");
    return finished(w, { ...ending, backends: a.backends });
  }
  t.allowedBy ??= az.decidedBy;
  return undefined;
}

/** A sidecar-mode destination: its own Envoy enforces selector policies, including L7 fields. */
function sidecarInbound(w: Walk, ep: Endpoint, a: Arrival): Finished | undefined {
  const { mesh, t, http } = w;
  const { workload: wl, port } = ep;
  const decisions: Decision[] = [];
  const notes: string[] = ['sidecar-mode destination: its own Envoy enforces selector policies, including L7 fields'];
  t.hops.push({ at: 'sidecar', side: 'destination', name: `${wl.namespace}/${podNameOf(wl)}`, decisions, notes });
  const pa = effectiveMtls(mesh, wl, port);
  if (a.source.principal === undefined && pa.mode === 'STRICT') {
    decisions.push({
      step: 'peer-authentication',
      ...(pa.by ? { policy: `${pa.by.namespace}/${pa.by.name}` } : {}),
      action: 'STRICT',
      matched: true,
    });
    t.decidedBy = pa.by ? ref(pa.by) : null;
    return finished(w, { verdict: 'denied', status: null, waypoint: a.waypoint, backends: a.backends });
  }
  const az = evaluate(
    policiesForWorkload(mesh, 'AuthorizationPolicy', wl),
    {
      layer: http ? 'l7' : 'l4',
      source: a.source,
      destPort: port,
      ...(http ? { method: w.method, path: w.path, host: w.hostHeader, headers: w.headers } : {}),
    },
    'sidecar',
    w.meshConfig,
  );
  decisions.push(...az.decisions);
  notes.push(...az.notes);
  if (!az.allowed) {
    // deniedAt has no `sidecar` value in the contract (DESIGN §4.3): the hop says where it happened.
    t.decidedBy = az.decidedBy;
    return finished(w, { verdict: 'denied', status: http ? 403 : null, waypoint: a.waypoint, backends: a.backends });
  }
  t.allowedBy ??= az.decidedBy;
  return undefined;
}

function notInMesh(w: Walk, ep: Endpoint, reason: string): undefined {
  const wl = ep.workload;
  w.t.notes.push(
    `${wl.kind} ${wl.namespace}/${wl.name} is not in the mesh (${reason}): no destination ztunnel, no policy is enforced`,
  );
  return undefined;
}
