/**
 * The first steps of a trace: the namespaces on the path, the client's side (its ztunnel, its sidecar, an ingress
 * gateway, or nothing for a caller outside the mesh), and whether the client can see a ServiceEntry at all.
 */
import { getObject, getString } from '../../model/access.ts';
import { serviceEntryVisibilityFor, type ServiceEntryVisibilityLevel } from '../../ambient/index.ts';
import { nodeOf } from '../mesh.ts';
import type { SidecarHop } from '../types.ts';
import { finished } from '../trace.ts';
import type { Continue, Step, Walk } from '../trace.ts';

/** A namespace with no manifest is taken as unlabelled; only those on this path matter (keeps a trace mesh-size free). */
export function noteUndeclaredNamespaces(w: Walk): void {
  const { mesh, client, dest } = w;
  const onPath = [client.namespace, dest.kind === 'service' ? dest.service.namespace : dest.workload.namespace];
  const undeclared = [...new Set(onPath)].filter((n): n is string => n !== undefined && !mesh.hasNamespace(n)).sort();
  if (undeclared.length)
    w.t.notes.push(`no Namespace manifest for ${undeclared.join(', ')}: taken as unlabelled (not enrolled)`);
}

/** The client's side. A sidecar client's hop is returned: it routes for itself, so routing writes into it. */
export function sourceHop(w: Walk): Continue<{ sidecarHop: SidecarHop | undefined }> {
  const { mesh, client, t } = w;
  let sidecarHop: SidecarHop | undefined;
  if (client.workload && client.dataplane === 'ambient') {
    const wl = client.workload;
    t.hops.push({
      at: 'ztunnel',
      side: 'source',
      ...(nodeOf(wl) ? { node: nodeOf(wl)! } : {}),
      decisions: [{ step: 'enrolment', note: mesh.enrolment(wl).reason }],
      notes: [
        `captured by istio-cni and sent over HBONE (mTLS) as spiffe://${client.principal}`,
        'the source side never applies a waypoint or authorization policy',
      ],
    });
  } else if (client.workload && client.dataplane === 'sidecar') {
    sidecarHop = {
      at: 'sidecar',
      side: 'source',
      name: client.name,
      decisions: [{ step: 'enrolment', note: mesh.enrolment(client.workload).reason }],
      notes: [
        `sidecar client: routes the request itself and connects to the destination directly over mTLS as spiffe://${client.principal}; sidecars do not traverse waypoints`,
      ],
    };
    t.hops.push(sidecarHop);
  } else if (client.gateway) {
    t.hops.push({
      at: 'gateway',
      name: client.name,
      decisions: [],
      notes: [
        `ingress gateway: load-balances to the destination itself and connects over HBONE (mTLS) as spiffe://${client.principal}`,
      ],
    });
  } else {
    t.notes.push(
      client.workload
        ? `${client.workload.kind} ${client.workload.namespace}/${client.workload.name} is not in the mesh (${mesh.enrolment(client.workload).reason}): it sends plaintext with no identity`
        : 'external caller: plaintext, no identity',
    );
  }
  return { kind: 'continue', sidecarHop };
}

/**
 * meshConfig.serviceEntryVisibility (1.31; release-1.31 pilot/pkg/serviceregistry/ambient/services.go: NONE is
 * never sent to the dataplane, NAMESPACE is sent with visibility NAMESPACE; istio/ztunnel src/state/service.rs
 * visible_to and src/dns/server.rs). It governs ambient clients always, sidecars and gateways only with
 * applyToSidecars (pilot/pkg/model/push_context.go). A hidden entry is absent for this client, not a denial: the
 * trace ends here. Otherwise the entry's visibility level, which the waypoint choice needs.
 */
export function serviceEntryVisibility(w: Walk): Step<{ level: ServiceEntryVisibilityLevel | undefined }> {
  const { mesh, client, dest, t } = w;
  const mc = w.meshConfig;
  if (
    dest.kind !== 'service' ||
    dest.service.kind !== 'ServiceEntry' ||
    !w.line.behaviour.serviceEntryVisibility ||
    !mc?.serviceEntryVisibility
  )
    return { kind: 'continue', level: undefined };
  const se = dest.service;
  const level = serviceEntryVisibilityFor(mc, mesh.namespaceLabels(se.namespace));
  const governed =
    client.dataplane === 'ambient' ||
    ((client.dataplane === 'sidecar' || client.dataplane === 'gateway') && mc.serviceEntryVisibility.applyToSidecars);
  const hidden = level === 'NONE' || (level === 'NAMESPACE' && client.namespace !== se.namespace);
  if (!governed || !hidden) return { kind: 'continue', level };
  const why =
    level === 'NONE'
      ? 'NONE: istiod configures no dataplane for it'
      : `NAMESPACE: only clients in ${se.namespace} see it, and this client is in ${client.namespace ?? 'no namespace'}`;
  t.notes.push(
    `ServiceEntry ${se.namespace}/${se.name} is hidden by meshConfig.serviceEntryVisibility (${why}); for this client it does not exist: no VIP, no waypoint, no endpoints from it, and no policy is involved`,
  );
  const inMesh =
    getString(se.resource.obj, ['spec', 'location']) === 'MESH_INTERNAL' ||
    getObject(se.resource.obj, ['spec', 'workloadSelector']) !== undefined;
  if (inMesh) {
    t.notes.push(
      `${dest.host} is known only through this MESH_INTERNAL entry: assumed not to resolve in cluster DNS, so the connection fails`,
    );
    return finished(w, { verdict: 'error', status: null });
  }
  t.hops.push({
    at: 'external',
    name: dest.host,
    notes: [
      `passthrough: ztunnel does not know the host, so the connection goes straight to whatever ${dest.host} resolves to in DNS (assumed reachable), outside any ServiceEntry settings`,
    ],
  });
  return finished(w, { verdict: 'allowed', status: w.http ? 200 : null });
}
