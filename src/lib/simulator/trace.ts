/**
 * What the steps of one trace share: the request's facts (Walk), the trace being written (Trace), what each step
 * returns (continue with its outcome, or finished with the result) and finish(), which turns a trace into the
 * `simulate --format json` document (DESIGN §4.3).
 */
import type { Resource } from '../model/types.ts';
import type { MeshConfig } from '../ambient/meshconfig.ts';
import type { Peer } from './authz.ts';
import type { JwtOutcome } from './jwt.ts';
import type { Mesh, ServiceInfo as MeshService, ServicePort, Waypoint, Workload } from './mesh.ts';
import { headersOf, parsePath, resolveClient, resolveDestination } from './request.ts';
import type { Client, Destination } from './request.ts';
import type { Backend, DecidedBy, Hop, SimOptions, SimRequest, SimResult, Verdict, WaypointChoice } from './types.ts';
import { versionRows } from '../versions.ts';
import type { IstioLine, VersionRows } from '../versions.ts';

/** The trace as the steps write it: hops in order, trace-level notes, and who decided. */
export interface Trace {
  hops: Hop[];
  notes: string[];
  decidedBy: DecidedBy | null;
  allowedBy: DecidedBy | null;
  /** The canary split of the waypoint choice, when there is one. */
  waypoints?: WaypointChoice[];
}

/** One request's facts, read once before the first step; only `t` is written to. */
export interface Walk {
  readonly mesh: Mesh;
  readonly client: Client;
  readonly dest: Destination;
  readonly t: Trace;
  readonly tcp: boolean;
  readonly http: boolean;
  readonly method: string;
  /** Without the query string. */
  readonly path: string;
  readonly query: Map<string, string>;
  readonly headers: ReadonlyMap<string, string>;
  /** The port the client dialled: the Service port, or the pod port for `pod/…`. */
  readonly servicePort: number;
  /** The Host header: given, or the dialled host (with its port unless 80). */
  readonly hostHeader: string;
  /** The token the request names (`--jwt`), which a waypoint with no RequestAuthentication ignores. */
  readonly jwt: string | undefined;
  /** Clock for JWT `exp`/`nbf`, seconds since the epoch. */
  readonly now: number;
  /** The Istio and Gateway API lines' rows (Istio 1.31 unless asked): the steps read switches, never a version. */
  readonly rows: VersionRows;
  readonly line: IstioLine;
  readonly meshConfig: MeshConfig | undefined;
  /** The verified JWT outcome when simulateIn ran the trace again after WebCrypto (authenticateJwt). */
  readonly verified: JwtOutcome | undefined;
}

export function startWalk(mesh: Mesh, req: SimRequest, opts: SimOptions, verified?: JwtOutcome): Walk {
  const client = resolveClient(mesh, req.from);
  const dest = resolveDestination(mesh, req.to, client.namespace);
  const tcp = req.tcp === true;
  const { path, query } = parsePath(req.path ?? '/');
  const headers = headersOf(req);
  const servicePort = dest.kind === 'service' ? dest.port.port : dest.port;
  const hostHeader =
    headers.get('host') ??
    (dest.kind === 'service' ? (servicePort === 80 ? dest.host : `${dest.host}:${servicePort}`) : `pod:${servicePort}`);
  const rows = versionRows(opts);
  return {
    mesh,
    client,
    dest,
    t: { hops: [], notes: [], decidedBy: null, allowedBy: null },
    tcp,
    http: !tcp,
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    query,
    headers,
    servicePort,
    hostHeader,
    jwt: req.jwt,
    now: opts.nowSeconds ?? Math.floor(Date.now() / 1000),
    rows,
    line: rows.istio,
    meshConfig: opts.meshConfig,
    verified,
  };
}

/** A step that lets the request go on, with what it decided. */
export type Continue<T = object> = { readonly kind: 'continue' } & T;
/** A step that ended the trace: the request was answered, denied or failed here. */
export interface Finished {
  readonly kind: 'finished';
  readonly result: SimResult;
}
/** The trace stopped where a JWT signature must be verified against an inline jwks (WebCrypto is async). */
export interface PendingJwt {
  readonly kind: 'pending';
  readonly pending: { readonly token: string | undefined; readonly ras: readonly Resource[]; readonly now: number };
}
export type Step<T = object> = Continue<T> | Finished;

/** How a trace ends; absent fields are null (deniedAt), no waypoint, and no backends. */
export interface Ending {
  readonly verdict: Verdict;
  readonly status: number | null;
  readonly deniedAt?: 'ztunnel' | 'waypoint' | null;
  readonly waypoint?: Waypoint | undefined;
  readonly backends?: Backend[];
}

/** The result document for a trace that ends as `end` says. */
export function finish(w: Walk, end: Ending): SimResult {
  const { t, client } = w;
  const waypoint = end.waypoint;
  return {
    version: 1,
    verdict: end.verdict,
    deniedAt: end.deniedAt ?? null,
    status: end.status,
    waypoint: waypoint ? { namespace: waypoint.namespace, name: waypoint.name } : null,
    ...(t.waypoints ? { waypoints: t.waypoints } : {}),
    backends: end.backends ?? [],
    hops: t.hops,
    decidedBy: end.verdict === 'allowed' ? t.allowedBy : t.decidedBy,
    notes: t.notes,
    client: {
      name: client.name,
      dataplane: client.dataplane,
      identity: client.principal ? `spiffe://${client.principal}` : null,
    },
  };
}

/** finish() wrapped as a step's outcome. */
export function finished(w: Walk, end: Ending): Finished {
  return { kind: 'finished', result: finish(w, end) };
}

export const ref = (r: Resource, rule?: number): DecidedBy => ({
  kind: r.kind,
  namespace: r.namespace,
  name: r.name,
  ...(rule !== undefined ? { rule } : {}),
});

/** The caller as a policy sees it: principal and namespace for mesh traffic, only an address for plaintext. */
export function peerOf(client: Client): Peer {
  if (!client.principal) return client.workload?.ip ? { ip: client.workload.ip } : {};
  return {
    principal: client.principal,
    ...(client.namespace ? { namespace: client.namespace } : {}),
    ...(client.workload?.ip ? { ip: client.workload.ip } : {}),
  };
}

/** Where the request goes after routing: a service port, then a workload and port once endpoints are chosen. */
export interface Target {
  readonly service?: MeshService;
  readonly servicePort?: ServicePort;
  readonly workload?: Workload;
  readonly port?: number;
  readonly subsetLabels?: Readonly<Record<string, string>>;
}

/** What routing decided: the backends (with probabilities) and the one this trace follows. */
export interface Routed {
  readonly backends: Backend[];
  readonly target: Target;
}
