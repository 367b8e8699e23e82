/**
 * What the virtual cluster remembers about the requests made in this session (issue #21): every `curl` through
 * `kubectl exec` leaves one record, built from the simulator's trace, so that `kubectl logs` on ztunnel or a
 * waypoint and `istioctl ztunnel-config connections` show this session's own traffic. Records hold only what the
 * log lines need (small, JSON-serialisable, persisted with the state) and are capped at TRAFFIC_MAX, oldest dropped.
 *
 * Everything here is deterministic: addresses come from the mesh index, ports, durations, byte counts and request
 * ids are derived from the record's sequence number and content, timestamps from the session clock (ctx.now).
 */
import type { Mesh, Workload } from '../model/mesh.ts';
import { podNameOf, principalOf } from '../simulator/mesh.ts';
import type { Decision, SimResult } from '../simulator/types.ts';
import { waypointPodName } from './cluster.ts';
import type { Session } from './session.ts';

/** Records kept per session; older ones are dropped (a long lab stays small in localStorage). */
export const TRAFFIC_MAX = 100;

/** One end of a connection as ztunnel and Envoy name it. */
export interface TrafficPeer {
  readonly namespace: string;
  readonly pod: string;
  readonly ip: string;
  /** SPIFFE id, or null when the peer has no mesh identity (plaintext, not enrolled). */
  readonly identity: string | null;
}

export interface TrafficRecord {
  readonly seq: number;
  /** Milliseconds since the epoch (the session clock). */
  readonly at: number;
  /** The client pod; `port` is its ephemeral source port, `dataplane` the simulator's client dataplane. */
  readonly client: TrafficPeer & { readonly port: number; readonly dataplane: string };
  /** The Service (or ServiceEntry) addressed, when the URL named one. */
  readonly service?: { readonly host: string; readonly vip?: string; readonly port: number };
  /** The pod the destination ztunnel delivers to, with the port it listens on; `ambient` when it is captured. */
  readonly target?: TrafficPeer & { readonly port: number; readonly ambient: boolean };
  /** The waypoint the request went through; `port` is its source port towards the destination. */
  readonly waypoint?: TrafficPeer & { readonly name: string; readonly port: number };
  readonly method: string;
  readonly path: string;
  /** The Host header curl sent. */
  readonly authority: string;
  readonly status: number | null;
  readonly deniedAt: 'ztunnel' | 'waypoint' | null;
  /** The destination ztunnel's AuthorizationRejectionError text (istio/ztunnel src/proxy.rs), when it refused. */
  readonly rejection?: string;
  /** Envoy's %RESPONSE_FLAGS%, %RESPONSE_CODE_DETAILS% and %ROUTE_NAME% at the waypoint. */
  readonly envoy?: { readonly flags: string; readonly details: string; readonly route: string };
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly durationMs: number;
  readonly requestId: string;
}

/** Deterministic small numbers from a record's sequence number (FNV-1a over a label). */
function derived(seq: number, label: string, modulo: number): number {
  let h = 0x811c9dc5;
  const s = `${label}:${seq}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h % modulo;
}

/** A version-4-shaped UUID (what Envoy's x-request-id looks like), derived from the sequence number. */
function requestIdOf(seq: number): string {
  const hex = (label: string, n: number) =>
    Array.from({ length: n }, (_, i) => derived(seq, `${label}${i}`, 16).toString(16)).join('');
  return `${hex('a', 8)}-${hex('b', 4)}-4${hex('c', 3)}-${'89ab'[derived(seq, 'v', 4)]}${hex('d', 3)}-${hex('e', 12)}`;
}

export function peerOf(mesh: Mesh, w: Workload): TrafficPeer {
  const ambient = mesh.enrolment(w).mode === 'ambient';
  return {
    namespace: w.namespace,
    pod: podNameOf(w),
    ip: w.ip,
    identity: ambient ? `spiffe://${principalOf(w, mesh.trustDomain)}` : null,
  };
}

function hop(r: SimResult, at: 'waypoint' | 'ztunnel'): readonly Decision[] {
  const h = r.hops.find((x) => x.at === at && (at === 'waypoint' || ('side' in x && x.side === 'destination')));
  return h && 'decisions' in h ? h.decisions : [];
}

/**
 * ztunnel's reason for refusing a connection, worded as AuthorizationRejectionError's Display (istio/ztunnel
 * src/proxy.rs): a matching DENY names `namespace/name`; a STRICT PeerAuthentication is enforced through the DENY
 * policy istiod derives from it (release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go: the static
 * `<root>/istio_converted_static_strict`, or `converted_peer_authentication_<name>` when ports differ).
 */
function rejectionOf(mesh: Mesh, r: SimResult): string {
  const deny = hop(r, 'ztunnel').find((d) => d.step === 'authz' && d.action === 'DENY' && d.matched && d.policy);
  if (deny) return `explicitly denied by: ${deny.policy}`;
  if (r.decidedBy?.kind === 'PeerAuthentication') {
    const pa = mesh.resources.find(
      (x) => x.kind === 'PeerAuthentication' && x.namespace === r.decidedBy!.namespace && x.name === r.decidedBy!.name,
    );
    const portLevel =
      pa && typeof pa.obj['spec'] === 'object' && JSON.stringify(pa.obj['spec']).includes('portLevelMtls');
    return portLevel
      ? `explicitly denied by: ${r.decidedBy.namespace}/converted_peer_authentication_${r.decidedBy.name}`
      : `explicitly denied by: ${mesh.rootNamespace}/istio_converted_static_strict`;
  }
  return 'allow policies exist, but none allowed';
}

/**
 * Envoy's view at the waypoint. Details strings: Envoy's RBAC filter writes
 * `rbac_access_denied_matched_policy[<policy id>]` (source/extensions/filters/common/rbac/utility.cc responseDetail),
 * Istio names a policy `ns[NS]-policy[NAME]-rule[N]` (release-1.31 pilot/pkg/security/authz/builder/builder.go), and
 * `none` when no ALLOW rule matched. Route names for Gateway API rules are `NS.NAME.RULE`.
 */
function envoyOf(mesh: Mesh, r: SimResult): TrafficRecord['envoy'] {
  const decisions = hop(r, 'waypoint');
  const route = decisions.find((d) => d.step === 'route' && d.matched && d.policy);
  const routeName = route ? routeNameOf(mesh, route) : 'default';
  const status = r.status;
  if (status === 403) {
    const deny = decisions.find((d) => d.step === 'authz' && d.action === 'DENY' && d.matched && d.policy);
    const [ns, name] = deny ? deny.policy!.split('/') : [];
    const id = deny ? `ns[${ns}]-policy[${name}]-rule[${deny.rule ?? 0}]` : 'none';
    return { flags: '-', details: `rbac_access_denied_matched_policy[${id}]`, route: routeName };
  }
  if (status === 401)
    return { flags: '-', details: 'jwt_authn_access_denied{Jwt_verification_fails}', route: routeName };
  if (status === 404) return { flags: 'NR', details: 'route_not_found', route: '-' };
  if (status === 500) return { flags: '-', details: 'direct_response', route: routeName };
  if (status === 503 && r.deniedAt === 'ztunnel')
    return { flags: 'UC', details: 'upstream_reset_before_response_started{connection_termination}', route: routeName };
  if (status === 503) return { flags: 'UH', details: 'no_healthy_upstream', route: routeName };
  return { flags: '-', details: 'via_upstream', route: routeName };
}

/**
 * %ROUTE_NAME% for the route rule that matched: a Gateway API rule's own `name`, else `NS.NAME.INDEX` (release-1.31
 * pilot/pkg/config/kube/gateway/conversion.go "format: %s.%s.%d"); a VirtualService http route's `name`, else `-`.
 */
function routeNameOf(mesh: Mesh, d: Decision): string {
  const [ns, name] = d.policy!.split('/') as [string, string];
  const i = d.rule ?? 0;
  const res = mesh.resources.find(
    (x) => x.namespace === ns && x.name === name && ['HTTPRoute', 'GRPCRoute', 'VirtualService'].includes(x.kind),
  );
  const spec = res?.obj['spec'];
  const list =
    spec && typeof spec === 'object' && !Array.isArray(spec)
      ? spec[res!.kind === 'VirtualService' ? 'http' : 'rules']
      : undefined;
  const rule = Array.isArray(list) ? list[i] : undefined;
  const own = rule && typeof rule === 'object' && !Array.isArray(rule) ? rule['name'] : undefined;
  if (typeof own === 'string' && own) return own;
  return res?.kind === 'VirtualService' ? '-' : `${ns}.${name}.${i}`;
}

export interface RecordInput {
  readonly mesh: Mesh;
  readonly result: SimResult;
  /** The client pod: a workload of the mesh, or a pod the model has none for (an ingress gateway's). */
  readonly client: Workload | { readonly peer: TrafficPeer };
  readonly service?: { readonly host: string; readonly vip?: string; readonly port: number };
  readonly target?: Workload;
  readonly targetPort: number;
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly responseBytes: number;
}

/** Append one request's record to the session (no-op for a Session built without a traffic list). */
export function recordTraffic(s: Session, x: RecordInput): void {
  const list = s.traffic;
  if (!list) return;
  const last = list[list.length - 1];
  const seq = (last?.seq ?? 0) + 1;
  const at = Math.max(s.now, (last?.at ?? 0) + (last?.durationMs ?? 0) + 1);
  const { mesh, result: r } = x;
  const wp = r.waypoint ? mesh.waypoint(r.waypoint.namespace, r.waypoint.name) : undefined;
  const target = x.target ? { ...peerOf(mesh, x.target), port: x.targetPort } : undefined;
  const rec: TrafficRecord = {
    seq,
    at,
    client: {
      ...('peer' in x.client ? x.client.peer : peerOf(mesh, x.client)),
      // The simulator's word on the client's identity (a sidecar client has one too).
      identity: r.client.identity,
      port: 32768 + derived(seq, 'sport', 28000),
      dataplane: r.client.dataplane,
    },
    ...(x.service ? { service: x.service } : {}),
    ...(target && x.target ? { target: { ...target, ambient: mesh.enrolment(x.target).mode === 'ambient' } } : {}),
    ...(wp
      ? {
          waypoint: {
            namespace: wp.namespace,
            name: wp.name,
            pod: waypointPodName(wp.namespace, wp.name),
            ip: wp.ip,
            identity: `spiffe://${wp.principal}`,
            port: 32768 + derived(seq, 'wport', 28000),
          },
        }
      : {}),
    method: x.method,
    path: x.path,
    authority: x.authority,
    status: r.status,
    deniedAt: r.deniedAt,
    ...(r.deniedAt === 'ztunnel' ? { rejection: rejectionOf(mesh, r) } : {}),
    ...(wp ? { envoy: envoyOf(mesh, r) } : {}),
    requestBytes:
      `${x.method} ${x.path} HTTP/1.1\r\nhost: ${x.authority}\r\nuser-agent: ${USER_AGENT}\r\naccept: */*\r\n\r\n`
        .length,
    responseBytes: x.responseBytes,
    durationMs: 1 + derived(seq, 'dur', 9),
    requestId: requestIdOf(seq),
  };
  list.push(rec);
  if (list.length > TRAFFIC_MAX) list.splice(0, list.length - TRAFFIC_MAX);
}

/** The user agent the virtual curl sends (and Envoy logs). */
export const USER_AGENT = 'curl/8.16.0';

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

type Leaf = 'string' | 'number' | 'boolean' | 'string?' | 'string|null' | 'number|null';
interface Shape {
  readonly [field: string]: Leaf | Shape;
}

const PEER: Shape = { namespace: 'string', pod: 'string', ip: 'string', identity: 'string|null' };
const OPTIONAL = new Set(['service', 'target', 'waypoint', 'rejection', 'envoy']);
const RECORD: Shape = {
  seq: 'number',
  at: 'number',
  client: { ...PEER, port: 'number', dataplane: 'string' },
  service: { host: 'string', vip: 'string?', port: 'number' },
  target: { ...PEER, port: 'number', ambient: 'boolean' },
  waypoint: { ...PEER, name: 'string', port: 'number' },
  method: 'string',
  path: 'string',
  authority: 'string',
  status: 'number|null',
  deniedAt: 'string|null',
  rejection: 'string?',
  envoy: { flags: 'string', details: 'string', route: 'string' },
  requestBytes: 'number',
  responseBytes: 'number',
  durationMs: 'number',
  requestId: 'string',
};

function fits(v: unknown, shape: Shape, top: boolean): boolean {
  if (!isRecord(v)) return false;
  return Object.entries(shape).every(([k, t]: [string, Leaf | Shape]) => {
    const x = v[k];
    if (x === undefined && (t === 'string?' || (top && OPTIONAL.has(k)))) return true;
    if (typeof t === 'object') return fits(x, t, false);
    if (t === 'string|null' || t === 'number|null') return x === null || typeof x === t.slice(0, 6);
    return typeof x === t.replace('?', '');
  });
}

/** Records read back from storage: each must have the exact shape the log printers read, else it is dropped. */
export function restoreTraffic(v: unknown): TrafficRecord[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((r): r is TrafficRecord => fits(r, RECORD, true)).slice(-TRAFFIC_MAX);
}
