/**
 * Walk one request through the ambient dataplane: source ztunnel → waypoint? → destination ztunnel → pod, with
 * every decision and the resource that made it (DESIGN §4.3, SEMANTICS §1–6).
 */
import type { Resource } from '../model/types.ts';
import { getArray, getObject, getString } from '../model/access.ts';
import { evaluate, policiesForWaypoint, policiesForWorkload, targetsByName } from './authz.ts';
import type { AuthzRequest, JwtAuth, Peer } from './authz.ts';
import { tokenFrom, validateJwt, validateJwtSync } from './jwt.ts';
import type { JwtOutcome } from './jwt.ts';
import { buildMesh } from '../model/mesh.ts';
import {
  AGENTGATEWAY_WAYPOINT_CLASS,
  ANNOTATION_GATEWAY_SERVICE_ACCOUNT,
  applyServiceEntryVisibility,
  canaryLookup,
  ingressUseWaypoint,
  meshConfigInManifests,
  isAgentgatewayWaypoint,
  isClientKind,
  labelOf,
  LABEL_INGRESS_USE_WAYPOINT,
  principalFor,
  resolveCanaryWaypoint,
  serviceEntryVisibilityFor,
  type ServiceEntryVisibilityLevel,
} from '../ambient/index.ts';
import { serviceEntryVipGap } from '../model/serviceentry.ts';
import {
  bindingBroken,
  endpointsOf,
  nodeOf,
  podNameOf,
  principalOf,
  readinessNote,
  targetPortOf,
  waypointReachable,
} from './mesh.ts';
import type { Mesh, ServiceInfo as MeshService, ServicePort, Waypoint, WaypointBinding, Workload } from './mesh.ts';
import { effectiveMtls } from './peerauth.ts';
import { pickBackends, route, routesFor, routesOnWaypointGateway, unusedRouteNotes } from './routing.ts';
import { routeL4 } from './l4routing.ts';
import { destinationRulesFor, routeVirtualServices, virtualServicesFor } from './vs.ts';
import type { HttpRequestView, RouteOutcome, RouteScope } from './routing.ts';
import type {
  Backend,
  DecidedBy,
  Decision,
  Hop,
  SidecarHop,
  SimOptions,
  SimRequest,
  SimResult,
  Verdict,
  WaypointChoice,
} from './types.ts';
import { SimulationInputError } from './types.ts';
import { crdBundleTooOld, versionRows } from '../versions.ts';
import type { IstioBehaviour, VersionRows } from '../versions.ts';

export interface Client {
  readonly workload?: Workload;
  readonly name: string;
  readonly dataplane: 'ambient' | 'sidecar' | 'gateway' | 'none';
  /** Set when the client is an ingress Gateway. */
  readonly gateway?: Resource;
  /** Principal without `spiffe://`; null for plaintext callers. */
  readonly principal: string | null;
  readonly namespace?: string;
}

function listOf(items: string[], max = 12): string {
  if (!items.length) return '(none)';
  return items.slice(0, max).join(', ') + (items.length > max ? `, … (${items.length - max} more)` : '');
}

export function resolveClient(mesh: Mesh, from: string): Client {
  if (from === 'external') return { name: 'external', dataplane: 'none', principal: null };
  const m = /^([^/]+)\/([^/]+)$/.exec(from);
  // The list of what exists is only built for the error message.
  const known = () => mesh.workloads.filter((w) => isClientKind(w.kind)).map((w) => `${w.namespace}/${w.name}`);
  if (!m)
    throw new SimulationInputError(
      `--from must be NAMESPACE/NAME or external, not "${from}". Workloads: ${listOf(known())}`,
    );
  const w = [mesh.workload(m[1]!, m[2]!)].find((x) => x !== undefined && isClientKind(x.kind));
  if (!w) {
    const gw = ingressGateway(mesh, m[1]!, m[2]!);
    if (gw) return gw;
    throw new SimulationInputError(`no workload ${from} in the manifests. Workloads: ${listOf(known())}`);
  }
  const { mode } = mesh.enrolment(w);
  return {
    workload: w,
    name: `${w.namespace}/${podNameOf(w)}`,
    dataplane: mode,
    principal: mode !== 'none' ? principalOf(w, mesh.trustDomain) : null,
    namespace: w.namespace,
  };
}

/**
 * An ingress Gateway (any class but a waypoint's) as the client. Its pods run as `<name>-<class>` unless the
 * `gateway.istio.io/service-account` annotation says otherwise (istio.io ambient getting-started: the bookinfo
 * gateway's principal is `…/sa/bookinfo-gateway-istio`). It speaks HBONE itself with that identity.
 */
function ingressGateway(mesh: Mesh, namespace: string, name: string): Client | undefined {
  const r = mesh
    .inNamespace('Gateway', namespace)
    .find((g) => g.name === name && g.apiVersion.startsWith('gateway.networking.k8s.io/'));
  if (!r || mesh.waypoint(namespace, name)) return undefined;
  const cls = getString(r.obj, ['spec', 'gatewayClassName']) ?? 'istio';
  const sa = labelOf(r.annotations, ANNOTATION_GATEWAY_SERVICE_ACCOUNT) || `${name}-${cls}`;
  return {
    gateway: r,
    name: `${namespace}/${name}`,
    dataplane: 'gateway',
    principal: principalFor(mesh.trustDomain, namespace, sa),
    namespace,
  };
}

export type Destination =
  | { readonly kind: 'service'; readonly service: MeshService; readonly port: ServicePort; readonly host: string }
  | { readonly kind: 'pod'; readonly workload: Workload; readonly port: number };

function splitPort(s: string): { host: string; port?: number } {
  const m = /^(.*):(\d+)$/.exec(s);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: s };
}

export function resolveDestination(mesh: Mesh, to: string, clientNs: string | undefined): Destination {
  if (to.startsWith('pod/')) {
    const { host, port } = splitPort(to.slice(4));
    const m = /^([^/]+)\/([^/]+)$/.exec(host);
    const known = () => mesh.workloads.map((w) => `pod/${w.namespace}/${w.name}`);
    if (!m)
      throw new SimulationInputError(
        `--to pod/NAMESPACE/NAME[:PORT], not "${to}". Pods and workloads: ${listOf(known())}`,
      );
    const w = mesh.workload(m[1]!, m[2]!);
    if (!w)
      throw new SimulationInputError(
        `no pod or workload ${m[1]}/${m[2]} in the manifests. Pods and workloads: ${listOf(known())}`,
      );
    const p = port ?? w.ports[0];
    if (p === undefined)
      throw new SimulationInputError(
        `${w.kind} ${w.namespace}/${w.name} declares no container port: give one (pod/${w.namespace}/${w.name}:PORT)`,
      );
    return { kind: 'pod', workload: w, port: p };
  }
  const { host, port } = splitPort(to);
  const known = () => [
    ...mesh.services.filter((s) => s.kind === 'Service').map((s) => `${s.name}.${s.namespace}`),
    ...mesh.services.filter((s) => s.kind === 'ServiceEntry').flatMap((s) => s.hosts),
  ];
  // Same host resolution as the validator (model/mesh.ts servicesForHost): exact host, then the cluster-local
  // expansions of short names in the client's namespace, then ServiceEntry wildcards.
  const svc = mesh.servicesForHost(host, clientNs ?? 'default')[0];
  if (!svc) {
    const hint = !host.includes('.')
      ? ` (short names resolve in the client's namespace, ${clientNs ?? 'default'})`
      : '';
    throw new SimulationInputError(`no Service or ServiceEntry host "${host}"${hint}. Known: ${listOf(known())}`);
  }
  if (!svc.ports.length) throw new SimulationInputError(`${svc.kind} ${svc.namespace}/${svc.name} declares no ports`);
  const sp = port === undefined ? svc.ports[0]! : svc.ports.find((p) => p.port === port);
  if (!sp)
    throw new SimulationInputError(
      `${svc.kind} ${svc.namespace}/${svc.name} has no port ${port}; ports: ${svc.ports.map((p) => p.port).join(', ')}`,
    );
  return { kind: 'service', service: svc, port: sp, host };
}

interface Trace {
  hops: Hop[];
  notes: string[];
  decidedBy: DecidedBy | null;
  allowedBy: DecidedBy | null;
  /** The canary split of the waypoint choice, when there is one. */
  waypoints?: WaypointChoice[];
}

function finish(
  t: Trace,
  verdict: Verdict,
  status: number | null,
  deniedAt: 'ztunnel' | 'waypoint' | null,
  waypoint: Waypoint | undefined,
  backends: Backend[],
  client: Client,
): SimResult {
  return {
    version: 1,
    verdict,
    deniedAt,
    status,
    waypoint: waypoint ? { namespace: waypoint.namespace, name: waypoint.name } : null,
    ...(t.waypoints ? { waypoints: t.waypoints } : {}),
    backends,
    hops: t.hops,
    decidedBy: verdict === 'allowed' ? t.allowedBy : t.decidedBy,
    notes: t.notes,
    client: {
      name: client.name,
      dataplane: client.dataplane,
      identity: client.principal ? `spiffe://${client.principal}` : null,
    },
  };
}

const ref = (r: Resource, rule?: number): DecidedBy => ({
  kind: r.kind,
  namespace: r.namespace,
  name: r.name,
  ...(rule !== undefined ? { rule } : {}),
});

function parsePath(p: string): { path: string; query: Map<string, string> } {
  const i = p.indexOf('?');
  const path = i < 0 ? p : p.slice(0, i);
  const query = new Map<string, string>();
  if (i >= 0) {
    for (const kv of p.slice(i + 1).split('&')) {
      if (!kv) continue;
      const [k, v = ''] = kv.split('=');
      try {
        if (!query.has(decodeURIComponent(k!))) query.set(decodeURIComponent(k!), decodeURIComponent(v));
      } catch {
        if (!query.has(k!)) query.set(k!, v);
      }
    }
  }
  return { path: path || '/', query };
}

/**
 * Simulate one request over manifests (applied in order, later duplicates win). Throws SimulationInputError for an
 * unknown client or destination.
 */
export async function simulate(
  input: Mesh | readonly Resource[],
  req: SimRequest,
  opts: SimOptions = {},
): Promise<SimResult> {
  // A Mesh (built once with buildMesh, as the playground and labs do) or the parsed resources themselves.
  if (!Array.isArray(input)) return simulateIn(input as Mesh, req, opts);
  // buildMesh applies the manifests in order: a later object with the same identity replaces the earlier one
  // (ambient lastWins, as `kubectl apply` does).
  // Without a MeshConfig, the istio ConfigMap among the manifests (as lint does).
  const meshConfig = opts.meshConfig ?? meshConfigInManifests(input);
  const rootNamespace = opts.rootNamespace ?? meshConfig?.rootNamespace;
  const mesh = buildMesh(input, {
    ...(rootNamespace ? { rootNamespace } : {}),
    ...(meshConfig ? { trustDomain: meshConfig.trustDomain } : {}),
  });
  return simulateIn(mesh, req, meshConfig ? { ...opts, meshConfig } : opts);
}

/** A trace stopped where a JWT signature must be verified against an inline jwks (WebCrypto is async). */
interface PendingJwt {
  readonly pending: { readonly token: string | undefined; readonly ras: readonly Resource[]; readonly now: number };
}

/**
 * Simulate one request over a Mesh built with buildMesh. Only a JWT signature checked against an inline `jwks`
 * needs to wait (WebCrypto); every other trace is computed synchronously, as simulateSync does.
 */
export async function simulateIn(mesh: Mesh, req: SimRequest, opts: SimOptions = {}): Promise<SimResult> {
  const first = run(mesh, req, opts);
  if (!('pending' in first)) return first;
  const { token, ras, now } = first.pending;
  // The trace is a pure function of its inputs: run it again with the verified outcome and the same clock.
  const again = run(mesh, req, { ...opts, nowSeconds: now }, await validateJwt(token, ras, now));
  if ('pending' in again) throw new Error('internal: a trace given its JWT outcome asked for it again');
  return again;
}

/**
 * simulateIn without a Promise, for callers that run many traces: the same result, or undefined when the request
 * carries a JWT whose signature must be verified against an inline `jwks` (only simulateIn can, with WebCrypto).
 */
export function simulateSync(mesh: Mesh, req: SimRequest, opts: SimOptions = {}): SimResult | undefined {
  const r = run(mesh, req, opts);
  return 'pending' in r ? undefined : r;
}

function run(mesh: Mesh, req: SimRequest, opts: SimOptions, verified?: JwtOutcome): SimResult | PendingJwt {
  const client = resolveClient(mesh, req.from);
  const dest = resolveDestination(mesh, req.to, client.namespace);
  const tcp = req.tcp === true;
  const http = !tcp;
  const method = (req.method ?? 'GET').toUpperCase();
  const { path, query } = parsePath(req.path ?? '/');
  const headers = headersOf(req);
  const servicePort = dest.kind === 'service' ? dest.port.port : dest.port;
  const hostHeader =
    headers.get('host') ??
    (dest.kind === 'service' ? (servicePort === 80 ? dest.host : `${dest.host}:${servicePort}`) : `pod:${servicePort}`);
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  // The Istio line's switches (Istio 1.31 unless asked): the simulator reads them, never a version string.
  const rows = versionRows(opts);
  const line = rows.istio;
  const t: Trace = { hops: [], notes: [], decidedBy: null, allowedBy: null };
  const meshed = client.dataplane !== 'none';
  /** The source hop of a sidecar client, which routes for itself. */
  let sidecarHop: SidecarHop | undefined;

  // Only the namespaces on this path matter (and checking only them keeps a trace independent of mesh size).
  const onPath = [client.namespace, dest.kind === 'service' ? dest.service.namespace : dest.workload.namespace];
  const undeclared = [...new Set(onPath)].filter((n): n is string => n !== undefined && !mesh.hasNamespace(n)).sort();
  if (undeclared.length)
    t.notes.push(`no Namespace manifest for ${undeclared.join(', ')}: taken as unlabelled (not enrolled)`);

  // ── source side ────────────────────────────────────────────────────────────────────────────────
  if (client.workload && client.dataplane === 'ambient') {
    const w = client.workload;
    t.hops.push({
      at: 'ztunnel',
      side: 'source',
      ...(nodeOf(w) ? { node: nodeOf(w)! } : {}),
      decisions: [{ step: 'enrolment', note: mesh.enrolment(w).reason }],
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

  // ── ServiceEntry visibility (1.31) ─────────────────────────────────────────────────────────────
  // meshConfig.serviceEntryVisibility (release-1.31 pilot/pkg/serviceregistry/ambient/services.go: NONE is never
  // sent to the dataplane, NAMESPACE is sent with visibility NAMESPACE; istio/ztunnel src/state/service.rs
  // visible_to and src/dns/server.rs). It governs ambient clients always, sidecars and gateways only with
  // applyToSidecars (pilot/pkg/model/push_context.go). A hidden entry is absent for this client, not a denial.
  let seVisibility: ServiceEntryVisibilityLevel | undefined;
  if (
    dest.kind === 'service' &&
    dest.service.kind === 'ServiceEntry' &&
    line.behaviour.serviceEntryVisibility &&
    opts.meshConfig?.serviceEntryVisibility
  ) {
    const se = dest.service;
    seVisibility = serviceEntryVisibilityFor(opts.meshConfig, mesh.namespaceLabels(se.namespace));
    const governed =
      client.dataplane === 'ambient' ||
      ((client.dataplane === 'sidecar' || client.dataplane === 'gateway') &&
        opts.meshConfig.serviceEntryVisibility.applyToSidecars);
    const hidden = seVisibility === 'NONE' || (seVisibility === 'NAMESPACE' && client.namespace !== se.namespace);
    if (governed && hidden) {
      const why =
        seVisibility === 'NONE'
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
        return finish(t, 'error', null, null, undefined, [], client);
      }
      t.hops.push({
        at: 'external',
        name: dest.host,
        notes: [
          `passthrough: ztunnel does not know the host, so the connection goes straight to whatever ${dest.host} resolves to in DNS (assumed reachable), outside any ServiceEntry settings`,
        ],
      });
      return finish(t, 'allowed', http ? 200 : null, null, undefined, [], client);
    }
  }

  // ── which waypoint ─────────────────────────────────────────────────────────────────────────────
  let binding: WaypointBinding;
  if (dest.kind === 'service') {
    const target = {
      kind: dest.service.kind,
      resource: dest.service.resource,
      namespace: dest.service.namespace,
      labels: dest.service.labels,
    };
    binding = mesh.resolveWaypoint(target);
    if (seVisibility) binding = applyServiceEntryVisibility(target, binding, seVisibility);
  } else {
    const w = dest.workload;
    binding = mesh.resolveWaypoint({
      kind: w.kind === 'WorkloadEntry' ? 'WorkloadEntry' : 'Pod',
      resource: w.resource,
      namespace: w.namespace,
      labels: w.labels,
    });
  }
  if (bindingBroken(binding)) t.notes.push(binding.note);
  let waypoint = binding.waypoint;
  if (waypoint && dest.kind === 'service' && dest.service.kind === 'ServiceEntry') {
    // ztunnel sends traffic to a waypoint by destination VIP: an entry with no address of its own and none allocated
    // has none, so its traffic is not recognised and goes direct (rule serviceentry-needs-addresses).
    const gap = serviceEntryVipGap(dest.service.resource);
    if (gap) {
      t.notes.push(
        `${binding.note.replace(/\.$/, '')}; but ServiceEntry ${dest.service.namespace}/${dest.service.name} has no addresses and istiod allocates none (${gap.reason}): ztunnel cannot recognise its traffic, which goes direct and bypasses the waypoint`,
      );
      waypoint = undefined;
    }
  }
  if (waypoint && !meshed) {
    t.notes.push(
      `${binding.note.replace(/\.$/, '')}, but a caller outside the mesh is not captured by ztunnel, so it never traverses the waypoint: waypoint (L7) policy does not apply to it`,
    );
    waypoint = undefined;
  }
  if (waypoint && client.dataplane === 'sidecar') {
    // SEMANTICS §1 [rev]: only ingress and east-west gateways call a waypoint (release-1.31
    // pilot/pkg/xds/endpoints/endpoint_builder.go findServiceWaypoint; tests/integration/ambient/waypoint_test.go
    // "Sidecar does not currently traverse waypoint").
    t.notes.push(
      `${binding.note.replace(/\.$/, '')}, but a sidecar client does not traverse waypoints: it reaches the destination ztunnel directly with its own identity, so waypoint (L7) policy does not apply to it`,
    );
    waypoint = undefined;
  }
  if (waypoint && client.gateway) {
    // SEMANTICS §2 [rev]: ingress uses the waypoint only when istio.io/ingress-use-waypoint parses true (Go
    // ParseBool) on the Service, or on its Namespace when the Service has no such label (release-1.31
    // pilot/pkg/serviceregistry/ambient/services.go ingressUseWaypointFromLabels).
    const nsLabels = dest.kind === 'service' ? mesh.namespaceLabels(dest.service.namespace) : undefined;
    const iuw = dest.kind === 'service' ? ingressUseWaypoint(dest.service.labels, nsLabels) : undefined;
    if (!iuw?.use) {
      const label = LABEL_INGRESS_USE_WAYPOINT;
      const value = iuw?.present
        ? `"${iuw.value}"${iuw.invalid ? ' (not a Go boolean, so false: istiod logs a warning)' : ''}`
        : '';
      const why = !iuw?.present
        ? `ingress goes straight to the pods unless ${label} is true on the Service or its Namespace`
        : iuw.from === 'service' && labelOf(nsLabels, label) !== undefined
          ? `the Service's ${label}: ${value} overrides its Namespace's "${labelOf(nsLabels, label)}"`
          : `${label} on the ${iuw.from === 'service' ? 'Service' : 'Namespace'} is ${value}`;
      t.notes.push(
        `${binding.note.replace(/\.$/, '')}, but ${why}: the ingress gateway bypasses the waypoint and its policy`,
      );
      waypoint = undefined;
    }
  }
  // ── canary waypoint (1.31) ─────────────────────────────────────────────────────────────────────
  // The choice between primary and canary (release-1.31 A/waypoints.go buildWeightedWaypoints; istio/ztunnel
  // src/state.rs sample_weighted_waypoint: one weighted pick per new connection; ingress: per request,
  // pilot/pkg/xds/endpoints/endpoint_builder.go weightedWaypointEndpoints). The trace follows the likelier one.
  let canaryNote: string | undefined;
  if (waypoint && dest.kind === 'service' && waypoint === binding.waypoint) {
    const svc = dest.service;
    const target = { kind: svc.kind, resource: svc.resource, namespace: svc.namespace, labels: svc.labels };
    const canary = resolveCanaryWaypoint(target, binding, canaryLookup(mesh), line.behaviour.canaryWaypoints);
    if (canary?.reason === 'attached' && canary.waypoint && canary.weight > 0) {
      const cw = canary.waypoint;
      t.waypoints = [
        ...(canary.weight < 100
          ? [
              {
                namespace: waypoint.namespace,
                name: waypoint.name,
                role: 'primary' as const,
                probability: (100 - canary.weight) / 100,
              },
            ]
          : []),
        { namespace: cw.namespace, name: cw.name, role: 'canary' as const, probability: canary.weight / 100 },
      ];
      const followCanary = canary.weight > 50;
      canaryNote = `${canary.note} ${client.gateway ? 'The ingress gateway picks per request' : 'ztunnel picks once per new connection and keeps that waypoint for the connection'}; this trace follows the ${followCanary ? `canary (${canary.weight}%)` : `primary (${100 - canary.weight}%)`}.`;
      if (followCanary) waypoint = cw;
    } else if (canary) t.notes.push(canary.note);
  }
  const clientScope: RouteScope = { at: 'client', clientNamespace: client.namespace };
  if (dest.kind === 'service' && !waypoint) {
    const svc = dest.service;
    const unbound = [
      ...mesh.inNamespace('AuthorizationPolicy', svc.namespace),
      ...mesh.inNamespace('RequestAuthentication', svc.namespace),
    ].filter((r) => r.namespace === svc.namespace && targetsByName(r, svc.kind, svc.name));
    for (const r of unbound)
      t.notes.push(
        `${r.kind} ${r.namespace}/${r.name} targets ${svc.name} with targetRefs, but this traffic has no waypoint: it is enforced nowhere`,
      );
  }
  // A sidecar client routes for itself; otherwise nothing routes without a waypoint.
  if (dest.kind === 'service' && !waypoint && !sidecarHop) {
    const svc = dest.service;
    t.notes.push(...unusedRouteNotes(mesh, svc, servicePort, clientScope, tcp, false));
    const vss = virtualServicesFor(mesh, svc, clientScope);
    if (vss.length && http)
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

  // ── waypoint ───────────────────────────────────────────────────────────────────────────────────
  let backends: Backend[] = [];
  let target: Target = {};
  if (dest.kind === 'pod') target = { workload: dest.workload, port: dest.port };
  // Built only when a proxy routes (most traces on a large mesh go direct); a plain object, not a closure, so
  // that run()'s locals stay out of a heap-allocated context.
  const view: HttpRequestView = { method, path, query, headers, clientNamespace: client.namespace, servicePort };
  const host = dest.kind === 'service' ? dest.host : undefined;

  if (waypoint) {
    const wp = waypoint;
    if (!waypointReachable(wp)) {
      t.notes.push(
        `waypoint ${wp.namespace}/${wp.name} has no HBONE listener on 15008, so its Service does not expose the port ztunnel tunnels to: the connection fails (rule waypoint-listener)`,
      );
      return finish(t, 'error', null, null, wp, [], client);
    }
    const decisions: Decision[] = [
      { step: 'waypoint', note: binding.note },
      ...(canaryNote ? [{ step: 'waypoint', note: canaryNote }] : []),
    ];
    const notes: string[] = [readinessNote(wp), `forwards to the destination as spiffe://${wp.principal}`];
    const hop: Hop = { at: 'waypoint', name: `${wp.namespace}/${wp.name}`, decisions, notes };
    t.hops.push(hop);
    const svcRef =
      dest.kind === 'service'
        ? { kind: dest.service.kind, namespace: dest.service.namespace, name: dest.service.name }
        : undefined;
    const wpScope: RouteScope = { at: 'waypoint', waypointNamespace: wp.namespace, clientNamespace: client.namespace };
    // Istio 1.30 has no agentgateway waypoint class: such a Gateway is a third-party waypoint there (SEMANTICS §2).
    const agentgateway = line.behaviour.agentgatewayWaypointClass && isAgentgatewayWaypoint(wp);
    if (!agentgateway && isAgentgatewayWaypoint(wp))
      notes.push(
        `Istio ${line.version} has no ${AGENTGATEWAY_WAYPOINT_CLASS} class (it arrives, experimental, in 1.31): this Gateway is modelled as a third-party waypoint that honours Istio policy`,
      );
    if (agentgateway) {
      const unused = [
        ...policiesForWaypoint(mesh, 'RequestAuthentication', wp, svcRef),
        ...policiesForWaypoint(mesh, 'AuthorizationPolicy', wp, svcRef),
      ].map((p) => `${p.resource.kind} ${p.resource.namespace}/${p.resource.name}`);
      if (dest.kind === 'service')
        for (const r of virtualServicesFor(mesh, dest.service, wpScope))
          unused.push(`VirtualService ${r.namespace}/${r.name}`);
      if (unused.length)
        notes.push(
          `${unused.join(', ')} do${unused.length > 1 ? '' : 'es'} not apply: an ${AGENTGATEWAY_WAYPOINT_CLASS} waypoint (1.31, experimental) is configured only through Gateway API routes`,
        );
    }
    const stray = routesOnWaypointGateway(mesh, wp.namespace, wp.name, [
      ...(dest.kind === 'service' ? [dest.service.namespace] : []),
      ...(client.namespace ? [client.namespace] : []),
    ]);
    if (stray.length)
      notes.push(
        `HTTPRoute ${stray.map((r) => `${r.namespace}/${r.name}`).join(', ')} has the waypoint Gateway as parent: never used for mesh routing (attach it to the Service instead)`,
      );
    const ignoredSelector =
      dest.kind === 'service'
        ? endpointsOf(mesh, dest.service)
            .flatMap((w) => policiesForWorkload(mesh, 'AuthorizationPolicy', w))
            .filter((p) => p.attachment !== 'mesh')
        : [];
    if (ignoredSelector.length)
      notes.push(
        `selector/namespace AuthorizationPolicies (${[...new Set(ignoredSelector.map((p) => `${p.resource.namespace}/${p.resource.name}`))].join(', ')}) are not applied by the waypoint; ztunnel enforces their L4 part`,
      );
    let auth: JwtAuth | undefined;
    if (http) {
      const ras = agentgateway
        ? []
        : policiesForWaypoint(mesh, 'RequestAuthentication', wp, svcRef).map((p) => p.resource);
      const rules = ras.flatMap((r) =>
        getArray(r.obj, ['spec', 'jwtRules']).map((rule) => ({ rule: getObject(rule, []) ?? {} })),
      );
      const token = ras.length ? tokenFrom(headers, query, rules) : undefined;
      if (!ras.length) {
        if (req.jwt !== undefined)
          decisions.push({
            step: 'jwt',
            note: 'no RequestAuthentication is attached here: the token is not validated and request.auth.* stays empty',
          });
      } else {
        const jwt = verified ?? validateJwtSync(token, ras, now);
        if (jwt === undefined) return { pending: { token, ras, now } };
        if (jwt.status === 'absent')
          decisions.push({
            step: 'jwt',
            note: 'no token: passes with no request principal (RequestAuthentication alone does not require one)',
          });
        else if (jwt.status === 'invalid') {
          decisions.push({
            step: 'jwt',
            ...(jwt.by ? { policy: `${jwt.by.namespace}/${jwt.by.name}`, rule: jwt.rule } : {}),
            action: 'REJECT',
            matched: true,
            note: jwt.why,
          });
          t.decidedBy = jwt.by ? ref(jwt.by, jwt.rule) : ref(ras[0]!);
          return finish(t, 'denied', 401, 'waypoint', wp, [], client);
        } else {
          auth = jwt.auth;
          decisions.push({
            step: 'jwt',
            policy: `${jwt.by.namespace}/${jwt.by.name}`,
            rule: jwt.rule,
            action: 'ACCEPT',
            matched: true,
            note: `request principal ${jwt.auth.principal}${jwt.verified ? ' (signature verified with the inline jwks)' : ' (signature not checked: jwksUri only, token trusted)'}`,
          });
        }
      }
    }
    const areq: AuthzRequest = {
      layer: http ? 'l7' : 'l4',
      source: peerOf(client),
      destPort: servicePort,
      ...(http ? { method, path, host: hostHeader, headers } : {}),
      ...(client.workload?.ip ? { remoteIp: client.workload.ip } : {}),
      ...(auth ? { auth } : {}),
    };
    const az = evaluate(
      agentgateway ? [] : policiesForWaypoint(mesh, 'AuthorizationPolicy', wp, svcRef),
      areq,
      'waypoint',
    );
    decisions.push(...az.decisions);
    notes.push(...az.notes);
    if (!az.allowed) {
      t.decidedBy = az.decidedBy;
      return finish(t, 'denied', http ? 403 : null, 'waypoint', wp, [], client);
    }
    t.allowedBy ??= az.decidedBy;

    if (dest.kind === 'service') {
      const routed = routeAt(
        { mesh, t, client, tcp, view, host, behaviour: line.behaviour, istio: line.version, rows },
        dest.service,
        dest.port,
        wpScope,
        decisions,
        notes,
        wp,
        agentgateway,
      );
      if ('done' in routed) return routed.done;
      ({ backends, target } = routed);
    }
  } else if (dest.kind === 'service' && sidecarHop) {
    const routed = routeAt(
      { mesh, t, client, tcp, view, host, behaviour: line.behaviour, istio: line.version, rows },
      dest.service,
      dest.port,
      clientScope,
      sidecarHop.decisions,
      sidecarHop.notes,
      undefined,
      false,
    );
    if ('done' in routed) return routed.done;
    ({ backends, target } = routed);
  } else if (dest.kind === 'service') {
    backends = [{ namespace: dest.service.namespace, service: dest.service.name, port: servicePort, probability: 1 }];
    target = { service: dest.service, servicePort: dest.port };
  }

  // ── endpoints ──────────────────────────────────────────────────────────────────────────────────
  if (target.service) {
    const svc = target.service;
    const subset = target.subsetLabels;
    const eps = endpointsOf(mesh, svc).filter(
      (w) => !subset || Object.entries(subset).every(([k, v]) => labelOf(w.labels, k) === v),
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
        return finish(t, 'allowed', http ? 200 : null, null, waypoint, backends, client);
      }
      t.notes.push(`${svc.kind} ${svc.namespace}/${svc.name} selects no workload in the manifests: no endpoints`);
      return finish(t, 'error', http && (waypoint || sidecarHop) ? 503 : null, null, waypoint, backends, client);
    }
    if (eps.length > 1)
      t.notes.push(
        `${svc.namespace}/${svc.name} has ${eps.length} workloads behind it (${eps.map((e) => e.name).join(', ')}); the trace follows ${eps[0]!.name}`,
      );
    const w = eps[0]!;
    const tp = targetPortOf(target.servicePort!, w);
    if (tp === undefined) {
      t.notes.push(
        `targetPort "${String(target.servicePort!.targetPort)}" of ${svc.name} names no container port of ${w.name}`,
      );
      return finish(t, 'error', http && (waypoint || sidecarHop) ? 503 : null, null, waypoint, backends, client);
    }
    target = { ...target, workload: w, port: tp };
  }

  // ── destination side ───────────────────────────────────────────────────────────────────────────
  const w = target.workload!;
  const port = target.port!;
  const viaWaypoint = waypoint !== undefined;
  const source: Peer = viaWaypoint
    ? { principal: waypoint!.principal, namespace: waypoint!.namespace }
    : peerOf(client);
  const plaintext = source.principal === undefined;
  // An HTTP proxy in front (the waypoint, or a sidecar client's own Envoy) turns a reset into 503.
  const denyStatus = http && (viaWaypoint || sidecarHop) ? 503 : null;
  const destMode = mesh.enrolment(w);
  if (destMode.mode === 'ambient') {
    const decisions: Decision[] = [];
    const notes: string[] = [
      plaintext
        ? `plaintext from a caller outside the mesh arrives on port 15006 with no identity${dest.kind === 'service' ? ' (it skipped any waypoint)' : ''}`
        : `HBONE (mTLS) on 15008 from spiffe://${source.principal}${viaWaypoint ? ' — the waypoint’s identity, not the original client’s' : ''}`,
    ];
    const node = nodeOf(w);
    const hop: Hop = { at: 'ztunnel', side: 'destination', ...(node ? { node } : {}), decisions, notes };
    t.hops.push(hop);
    const pa = effectiveMtls(mesh, w, port);
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
        return finish(t, 'denied', denyStatus, 'ztunnel', waypoint, backends, client);
      }
    } else if (pa.mode !== 'PERMISSIVE' || pa.by) {
      notes.push(`PeerAuthentication ${pa.mode} (${pa.level}) does not matter for mesh traffic: HBONE is always mTLS`);
    }
    const az = evaluate(
      policiesForWorkload(mesh, 'AuthorizationPolicy', w),
      { layer: 'l4', source, destPort: port, destIp: w.ip },
      'ztunnel',
    );
    decisions.push(...az.decisions);
    notes.push(...az.notes);
    if (!az.allowed) {
      t.decidedBy = az.decidedBy;
      if (viaWaypoint)
        notes.push('denied: the connection from the waypoint is reset, and the waypoint answers the client with 503');
      else if (sidecarHop && http)
        notes.push("denied: the connection is reset, and the client's sidecar answers the application with 503");
      return finish(t, 'denied', denyStatus, 'ztunnel', waypoint, backends, client);
    }
    t.allowedBy ??= az.decidedBy;
  } else if (destMode.mode === 'sidecar') {
    const decisions: Decision[] = [];
    const notes: string[] = ['sidecar-mode destination: its own Envoy enforces selector policies, including L7 fields'];
    t.hops.push({ at: 'sidecar', side: 'destination', name: `${w.namespace}/${podNameOf(w)}`, decisions, notes });
    const pa = effectiveMtls(mesh, w, port);
    if (plaintext && pa.mode === 'STRICT') {
      decisions.push({
        step: 'peer-authentication',
        ...(pa.by ? { policy: `${pa.by.namespace}/${pa.by.name}` } : {}),
        action: 'STRICT',
        matched: true,
      });
      t.decidedBy = pa.by ? ref(pa.by) : null;
      return finish(t, 'denied', null, null, waypoint, backends, client);
    }
    const az = evaluate(
      policiesForWorkload(mesh, 'AuthorizationPolicy', w),
      {
        layer: http ? 'l7' : 'l4',
        source,
        destPort: port,
        ...(http ? { method, path, host: hostHeader, headers } : {}),
      },
      'sidecar',
    );
    decisions.push(...az.decisions);
    notes.push(...az.notes);
    if (!az.allowed) {
      // deniedAt has no `sidecar` value in the contract (DESIGN §4.3): the hop says where it happened.
      t.decidedBy = az.decidedBy;
      return finish(t, 'denied', http ? 403 : null, null, waypoint, backends, client);
    }
    t.allowedBy ??= az.decidedBy;
  } else {
    t.notes.push(
      `${w.kind} ${w.namespace}/${w.name} is not in the mesh (${destMode.reason}): no destination ztunnel, no policy is enforced`,
    );
  }
  const podNotes =
    w.kind === 'Pod' || w.kind === 'WorkloadEntry'
      ? []
      : [`pod name derived from ${w.kind} ${w.name} (stable, not the cluster's)`];
  t.hops.push({ at: 'pod', name: `${w.namespace}/${podNameOf(w)}`, port, notes: podNotes });
  return finish(t, 'allowed', http ? 200 : null, null, waypoint, backends, client);
}

const NO_HEADERS: ReadonlyMap<string, string> = new Map();

/**
 * The request headers by lower-cased name, with the JWT as `Authorization: Bearer …` unless one is given. A Map,
 * never a plain object: a header named `constructor` or `__proto__` is just a name.
 */
function headersOf(req: SimRequest): ReadonlyMap<string, string> {
  if (req.headers === undefined && req.jwt === undefined) return NO_HEADERS;
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(req.headers ?? {})) if (typeof v === 'string') headers.set(k.toLowerCase(), v);
  if (req.jwt !== undefined && !headers.has('authorization')) headers.set('authorization', `Bearer ${req.jwt}`);
  return headers;
}

/** What a routing proxy needs from the trace. */
interface RouteContext {
  readonly mesh: Mesh;
  /** The Istio line's behaviour switches (versions.ts). */
  readonly behaviour: IstioBehaviour;
  readonly istio: string;
  readonly rows: VersionRows;
  readonly t: Trace;
  readonly client: Client;
  readonly tcp: boolean;
  readonly view: HttpRequestView;
  /** The host the client dialled (a ServiceEntry may have several). */
  readonly host: string | undefined;
}

/** Where the request goes after routing: a service port, then a workload and port once endpoints are chosen. */
interface Target {
  readonly service?: MeshService;
  readonly servicePort?: ServicePort;
  readonly workload?: Workload;
  readonly port?: number;
  readonly subsetLabels?: Readonly<Record<string, string>>;
}

/**
 * Route the request at the proxy that routes it (the waypoint, or a sidecar client for itself): the backends and
 * target, or the finished trace when the proxy answers itself (404, 500, a redirect). A module function rather
 * than a closure in run(), so that run()'s locals stay out of a heap-allocated context.
 */
function routeAt(
  c: RouteContext,
  svc: MeshService,
  sp: ServicePort,
  scope: RouteScope,
  decisions: Decision[],
  notes: string[],
  wp: Waypoint | undefined,
  /** An agentgateway waypoint: Gateway API routes only. */
  gatewayApiOnly: boolean,
): { readonly done: SimResult } | { readonly backends: Backend[]; readonly target: Target } {
  const { mesh, t, client, tcp, view } = c;
  const http = !tcp;
  const servicePort = view.servicePort;
  notes.push(...unusedRouteNotes(mesh, svc, servicePort, scope, tcp, true));
  let ro: RouteOutcome;
  if (http) {
    const vss = gatewayApiOnly ? [] : virtualServicesFor(mesh, svc, scope);
    // Only needed to choose between VirtualServices and Gateway API routes (route() finds the routes itself).
    const httpRoutes = vss.length ? routesFor(mesh, svc, servicePort, scope).routes : [];
    if (vss.length && httpRoutes.length)
      notes.push(
        `both Gateway API routes and VirtualService (${vss.map((r) => `${r.namespace}/${r.name}`).join(', ')}) target this service: their routes are concatenated upstream and the result is undefined; the simulator follows the Gateway API routes`,
      );
    ro =
      vss.length && !httpRoutes.length
        ? routeVirtualServices(mesh, vss, { ...view, clientLabels: client.workload?.labels ?? {} })
        : route(mesh, svc, view, scope);
  } else ro = routeL4(mesh, svc, servicePort, c.host, scope, (kind) => crdBundleTooOld(c.rows, kind));
  decisions.push(...ro.decisions);
  notes.push(...ro.notes);
  if (ro.kind === 'no-match') {
    t.decidedBy = ref(ro.routes[0]!);
    return { done: finish(t, 'no-route', http ? 404 : null, null, wp, [], client) };
  }
  if (ro.kind !== 'matched')
    return {
      backends: [{ namespace: svc.namespace, service: svc.name, port: servicePort, probability: 1 }],
      target: { service: svc, servicePort: sp },
    };
  if (ro.redirect !== undefined) {
    // The proxy answers itself (redirect or direct response).
    const code = ro.redirect;
    if (code < 400) t.allowedBy ??= ref(ro.route, ro.rule);
    else t.decidedBy = ref(ro.route, ro.rule);
    return {
      done: finish(t, code < 400 ? 'allowed' : code === 404 ? 'no-route' : 'error', code, null, wp, [], client),
    };
  }
  for (const b of ro.backends) if (b.note !== undefined && b.weight > 0) notes.push(b.note);
  const picked = pickBackends(ro.backends, servicePort, tcp);
  const backends = picked.backends;
  if (picked.invalidNote) notes.push(picked.invalidNote);
  if (!picked.chosen) {
    t.decidedBy = ref(ro.route, ro.rule);
    if (picked.noBackendRefs && http && ro.route.kind === 'HTTPRoute') {
      // HTTPRoute only: GRPCRoute answered 500 on both lines (conversion.go convertGRPCRoute).
      const code = c.behaviour.backendlessRuleStatus;
      decisions.push({
        step: 'backend',
        policy: `${ro.route.namespace}/${ro.route.name}`,
        rule: ro.rule,
        matched: false,
        note: `the matched rule has no backendRefs: the waypoint answers ${code} (Istio ${c.istio}${code === 500 ? '; 404 before 1.31' : '; 500 from 1.31'})`,
      });
      return { done: finish(t, code === 404 ? 'no-route' : 'error', code, null, wp, backends, client) };
    }
    decisions.push({
      step: 'backend',
      policy: `${ro.route.namespace}/${ro.route.name}`,
      rule: ro.rule,
      matched: false,
      note: picked.why,
    });
    return { done: finish(t, 'error', http ? 500 : null, null, wp, backends, client) };
  }
  if (backends.length > 1)
    notes.push(
      `weighted split${tcp ? ' per connection' : ''}: following ${picked.chosen.service.namespace}/${picked.chosen.service.name} (the most likely backend)`,
    );
  return {
    backends,
    target: {
      service: picked.chosen.service,
      servicePort: picked.chosen.port,
      ...(picked.chosen.subsetLabels ? { subsetLabels: picked.chosen.subsetLabels } : {}),
    },
  };
}

function peerOf(client: Client): Peer {
  if (!client.principal) return client.workload?.ip ? { ip: client.workload.ip } : {};
  return {
    principal: client.principal,
    ...(client.namespace ? { namespace: client.namespace } : {}),
    ...(client.workload?.ip ? { ip: client.workload.ip } : {}),
  };
}
