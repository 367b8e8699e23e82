/**
 * The reachability matrix (DESIGN §4.5c): every client × every Service/ServiceEntry port × the destination's
 * requests, each cell one simulator trace over one mesh index built once. Cells are stored as indexes into a table
 * of distinct outcomes (a 1,000 × 1,000 matrix has a handful of distinct ones), so a million cells cost a few MB.
 */
import { isClientKind } from '../ambient/index.ts';
import { getString } from '../model/access.ts';
import type { MeshConfig } from '../ambient/meshconfig.ts';
import type { Mesh, ServiceInfo } from '../model/mesh.ts';
import type { Versions } from '../versions.ts';
import { endpointsOf, simulateIn, simulateSync, SimulationInputError } from '../simulator/index.ts';
import type { Backend, DecidedBy, SimRequest, SimResult, Verdict } from '../simulator/index.ts';
import { RequestIndex, requestsFor, simRequestOf, TCP_REQUEST } from './requests.ts';
import type { MatrixRequest } from './requests.ts';

export interface MatrixClient {
  /** `namespace/name`, or `external`. */
  readonly key: string;
  readonly namespace?: string;
  readonly kind: string;
}

export interface MatrixDestination {
  /** `host:port`: `name.namespace:port` for a Service, the first host for a ServiceEntry. */
  readonly key: string;
  readonly service: ServiceInfo;
  readonly port: number;
  readonly requests: readonly MatrixRequest[];
  /** Conditions left out because the destination had more than `maxRequests`. */
  readonly truncated: boolean;
  /** First column of this destination's requests. */
  readonly offset: number;
}

/** What a cell shows (DESIGN §4.5c) plus the backends a diff compares. */
export interface Outcome {
  readonly verdict: Verdict;
  readonly status: number | null;
  readonly deniedAt: 'ztunnel' | 'waypoint' | null;
  readonly decidedBy: DecidedBy | null;
  readonly waypoint: { readonly namespace: string; readonly name: string } | null;
  readonly backends: readonly Backend[];
  /** Equal outcomes have equal keys. */
  readonly key: string;
}

export interface MatrixOptions extends Partial<Versions> {
  readonly rootNamespace?: string;
  /**
   * istiod's MeshConfig, handed to every trace (serviceEntryVisibility on 1.31); the mesh itself must already be
   * built with its root namespace and trust domain (the playground's MeshConfig input does both).
   */
  readonly meshConfig?: MeshConfig;
  /** Clock for JWTs (seconds); the matrix's tokens are valid for an hour after it. */
  readonly nowSeconds?: number;
  /** HTTP requests per destination at most (default 32), `GET /` included; TCP comes on top. */
  readonly maxRequests?: number;
  /** Only the plain TCP connection per destination (L4 reachability; no HTTP requests). */
  readonly tcpOnly?: boolean;
  /**
   * Cells that may be copied from an earlier matrix instead of simulated (the diff's incremental side): called per
   * (client, destination) present in both; return the earlier matrix and true when nothing the cell depends on
   * changed.
   */
  readonly reuse?: { readonly from: Matrix; readonly unchanged: (client: string, destination: string) => boolean };
}

export interface Matrix {
  readonly mesh: Mesh;
  readonly clients: readonly MatrixClient[];
  readonly destinations: readonly MatrixDestination[];
  /** Total request columns (the sum of every destination's requests). */
  readonly columns: number;
  /** Outcome index per cell: `cells[client * columns + column]`. */
  readonly cells: Uint32Array;
  readonly outcomes: readonly Outcome[];
  /** How many cells were traced and how many copied from `reuse`. */
  readonly simulated: number;
  readonly reused: number;
  readonly nowSeconds: number;
}

export const DEFAULT_MAX_REQUESTS = 32;

/** Every client: workloads that can send (not a waypoint's own pods), ingress Gateways, and a caller outside the mesh. */
export function clientsOf(mesh: Mesh): MatrixClient[] {
  const out: MatrixClient[] = [];
  const seen = new Set<string>();
  for (const w of mesh.workloads) {
    if (!isClientKind(w.kind) || w.isWaypoint) continue;
    const key = `${w.namespace}/${w.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ key, namespace: w.namespace, kind: w.kind });
  }
  for (const g of mesh.byKind('Gateway')) {
    if (!g.apiVersion.startsWith('gateway.networking.k8s.io/') || mesh.waypoint(g.namespace, g.name)) continue;
    const key = `${g.namespace}/${g.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ key, namespace: g.namespace, kind: 'Gateway' });
  }
  out.push({ key: 'external', kind: 'external' });
  return out;
}

/** The host a destination is dialled by: `name.namespace` for a Service, the entry's first host otherwise. */
export function hostOf(s: ServiceInfo): string | undefined {
  return s.kind === 'Service' ? `${s.name}.${s.namespace}` : s.hosts[0];
}

export function destinationKeys(mesh: Mesh): { key: string; service: ServiceInfo; port: number }[] {
  const out: { key: string; service: ServiceInfo; port: number }[] = [];
  const seen = new Set<string>();
  for (const s of mesh.services) {
    // A Service of type ExternalName has no endpoints of its own in ambient (services.go skips it).
    if (s.kind === 'Service' && getString(s.resource.obj, ['spec', 'type']) === 'ExternalName') continue;
    const host = hostOf(s);
    if (!host) continue;
    for (const p of s.ports) {
      const key = `${host}:${p.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ key, service: s, port: p.port });
    }
  }
  return out;
}

const refKey = (d: DecidedBy | null): string =>
  d ? `${d.kind}\u0001${d.namespace}\u0001${d.name}\u0001${d.rule ?? ''}` : '';

function backendsKey(bs: readonly Backend[]): string {
  let k = '';
  for (const b of bs) k += `${b.namespace}/${b.service}:${b.port}@${b.probability}${b.subset ? `#${b.subset}` : ''};`;
  return k;
}

function outcomeKey(r: Pick<Outcome, 'verdict' | 'status' | 'deniedAt' | 'decidedBy' | 'waypoint' | 'backends'>) {
  const wp = r.waypoint ? `${r.waypoint.namespace}/${r.waypoint.name}` : '';
  return `${r.verdict}|${r.status ?? ''}|${r.deniedAt ?? ''}|${refKey(r.decidedBy)}|${wp}|${backendsKey(r.backends)}`;
}

type OutcomeFields = Pick<Outcome, 'verdict' | 'status' | 'deniedAt' | 'decidedBy' | 'waypoint' | 'backends'>;

const sameRef = (a: DecidedBy | null, b: DecidedBy | null): boolean =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.kind === b.kind &&
    a.namespace === b.namespace &&
    a.name === b.name &&
    a.rule === b.rule);

/** Field-by-field equality of a fresh result with an interned outcome (no key string needed). */
function sameOutcome(o: Outcome, r: OutcomeFields): boolean {
  if (o.verdict !== r.verdict || o.status !== r.status || o.deniedAt !== r.deniedAt) return false;
  if (!sameRef(o.decidedBy, r.decidedBy)) return false;
  const w = o.waypoint;
  const v = r.waypoint;
  if (w !== v && (w === null || v === null || w.namespace !== v.namespace || w.name !== v.name)) return false;
  const a = o.backends;
  const b = r.backends;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (
      x.namespace !== y.namespace ||
      x.service !== y.service ||
      x.port !== y.port ||
      x.probability !== y.probability ||
      x.subset !== y.subset
    )
      return false;
  }
  return true;
}

/** Interns outcomes: equal outcomes share one object and one index. */
class OutcomeTable {
  readonly list: Outcome[] = [];
  private readonly index = new Map<string, number>();
  /**
   * The last outcome added per slot (the request's position in its destination): one request to one destination
   * from many clients mostly repeats an outcome, which is then found without building its key.
   */
  private readonly last: number[] = [];
  add(r: OutcomeFields, slot = 0): number {
    const l = this.last[slot];
    if (l !== undefined && sameOutcome(this.list[l]!, r)) return l;
    const i = this.intern(r);
    this.last[slot] = i;
    return i;
  }
  private intern(r: OutcomeFields): number {
    const key = outcomeKey(r);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.list.length;
      this.list.push({
        verdict: r.verdict,
        status: r.status,
        deniedAt: r.deniedAt,
        decidedBy: r.decidedBy,
        waypoint: r.waypoint,
        backends: r.backends,
        key,
      });
      this.index.set(key, i);
    }
    return i;
  }
}

/** A trace that could not be run: the destination or client is not what the simulator can resolve. */
function errorOutcome(): Pick<Outcome, 'verdict' | 'status' | 'deniedAt' | 'decidedBy' | 'waypoint' | 'backends'> {
  return { verdict: 'error', status: null, deniedAt: null, decidedBy: null, waypoint: null, backends: [] };
}

/** The matrix of `mesh` (built once by the caller and reused for every cell). */
export async function buildMatrix(mesh: Mesh, opts: MatrixOptions = {}): Promise<Matrix> {
  const nowSeconds = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  // The Istio and Gateway API lines decide the simulator's switches (canary waypoints, backend-less rules, …).
  const simOpts = {
    ...(opts.rootNamespace ? { rootNamespace: opts.rootNamespace } : {}),
    ...(opts.istio ? { istio: opts.istio } : {}),
    ...(opts.gatewayApi ? { gatewayApi: opts.gatewayApi } : {}),
    ...(opts.meshConfig ? { meshConfig: opts.meshConfig } : {}),
    nowSeconds,
  };
  const max = Math.max(1, opts.maxRequests ?? DEFAULT_MAX_REQUESTS);
  const clients = clientsOf(mesh);
  const index = new RequestIndex(mesh);
  const destinations: MatrixDestination[] = [];
  let columns = 0;
  // Requests depend on the Service, not the port: derived once per Service.
  const perService = new Map<ServiceInfo, { requests: MatrixRequest[]; truncated: boolean }>();
  for (const d of destinationKeys(mesh)) {
    let reqs = perService.get(d.service);
    if (!reqs)
      perService.set(
        d.service,
        (reqs = opts.tcpOnly
          ? { requests: [TCP_REQUEST], truncated: false }
          : requestsFor(index.sources(d.service), max)),
      );
    destinations.push({ ...d, requests: reqs.requests, truncated: reqs.truncated, offset: columns });
    columns += reqs.requests.length;
  }
  const cells = new Uint32Array(clients.length * columns);
  const table = new OutcomeTable();
  const pending: { cell: number; from: string; to: string; req: MatrixRequest }[] = [];
  const dialled = dialledAs;
  let simulated = 0;
  let reused = 0;

  const reuse = opts.reuse;
  const prevClients = reuse ? new Map(reuse.from.clients.map((c, i) => [c.key, i])) : undefined;
  const prevDests = reuse ? new Map(reuse.from.destinations.map((d) => [d.key, d])) : undefined;

  // An earlier outcome index → this table's index, filled on first use (-1: not yet).
  const adopted = reuse ? new Int32Array(reuse.from.outcomes.length).fill(-1) : undefined;
  for (const d of destinations) {
    const templates: SimRequest[] = [];
    const prevDest = prevDests?.get(d.key);
    // Earlier column of each request of this destination, or -1 (requests can differ when a policy changed).
    const prevCols = prevDest ? columnsIn(prevDest, d.requests) : undefined;
    for (let ci = 0; ci < clients.length; ci++) {
      const from = clients[ci]!.key;
      const prevCi = prevClients?.get(from);
      const canReuse = prevDest !== undefined && prevCi !== undefined && reuse!.unchanged(from, d.key);
      for (let ri = 0; ri < d.requests.length; ri++) {
        const req = d.requests[ri]!;
        const cell = ci * columns + d.offset + ri;
        const prevCol = canReuse ? prevCols![ri]! : -1;
        if (prevCol >= 0) {
          const prev = reuse!.from;
          const po = prev.cells[prevCi! * prev.columns + prevCol]!;
          let mapped = adopted![po]!;
          if (mapped < 0) adopted![po] = mapped = table.add(prev.outcomes[po]!);
          cells[cell] = mapped;
          reused++;
          continue;
        }
        simulated++;
        let r: SimResult | undefined;
        try {
          // The request without its client is built once per destination and request.
          // Dialled by its full name: the simulator finds a Service's FQDN in one lookup.
          const t = (templates[ri] ??= simRequestOf(req, '', dialled(d), nowSeconds));
          r = simulateSync(mesh, { ...t, from }, simOpts);
        } catch (err) {
          if (!(err instanceof SimulationInputError)) throw err;
          cells[cell] = table.add(errorOutcome());
          continue;
        }
        if (r === undefined) pending.push({ cell, from, to: dialled(d), req });
        else cells[cell] = table.add(r, ri);
      }
    }
  }
  // Tokens checked against an inline jwks need WebCrypto, which is asynchronous: those cells wait here.
  for (const p of pending) {
    try {
      cells[p.cell] = table.add(await simulateIn(mesh, simRequestOf(p.req, p.from, p.to, nowSeconds), simOpts));
    } catch (err) {
      if (!(err instanceof SimulationInputError)) throw err;
      cells[p.cell] = table.add(errorOutcome());
    }
  }
  return { mesh, clients, destinations, columns, cells, outcomes: table.list, simulated, reused, nowSeconds };
}

/** What a destination's cells dial: a Service by its FQDN (the simulator finds it in one lookup), else its key. */
export function dialledAs(d: Pick<MatrixDestination, 'service' | 'port' | 'key'>): string {
  return d.service.kind === 'Service' ? `${d.service.hosts[0]}:${d.port}` : d.key;
}

/** For each of `requests`, the column of the request with the same key in `earlier`, or -1. */
export function columnsIn(earlier: MatrixDestination, requests: readonly MatrixRequest[]): Int32Array {
  const byKey = new Map(earlier.requests.map((r, i) => [r.key, earlier.offset + i]));
  const out = new Int32Array(requests.length);
  for (let i = 0; i < requests.length; i++) out[i] = byKey.get(requests[i]!.key) ?? -1;
  return out;
}

/** One cell, resolved. */
export interface Cell {
  readonly client: MatrixClient;
  readonly destination: MatrixDestination;
  readonly request: MatrixRequest;
  readonly outcome: Outcome;
}

/** Every cell, client by client, destination by destination, request by request. */
export function* cellsOf(m: Matrix): Generator<Cell> {
  for (let ci = 0; ci < m.clients.length; ci++)
    for (const d of m.destinations)
      for (let ri = 0; ri < d.requests.length; ri++)
        yield {
          client: m.clients[ci]!,
          destination: d,
          request: d.requests[ri]!,
          outcome: m.outcomes[m.cells[ci * m.columns + d.offset + ri]!]!,
        };
}

/** The workloads a destination's traffic can end at: its endpoints and those of every backend its cells route to. */
export function endpointNamespacesAndWorkloads(
  m: Matrix,
  d: MatrixDestination,
): { services: Set<ServiceInfo>; workloads: Set<string>; namespaces: Set<string> } {
  const services = new Set<ServiceInfo>([d.service]);
  const seenOutcome = new Set<number>();
  for (let ci = 0; ci < m.clients.length; ci++)
    for (let ri = 0; ri < d.requests.length; ri++) {
      const o = m.cells[ci * m.columns + d.offset + ri]!;
      if (seenOutcome.has(o)) continue;
      seenOutcome.add(o);
      for (const b of m.outcomes[o]!.backends) {
        const s = m.mesh.service(b.namespace, b.service);
        if (s) services.add(s);
      }
    }
  const workloads = new Set<string>();
  const namespaces = new Set<string>();
  for (const s of services)
    for (const w of endpointsOf(m.mesh, s)) {
      workloads.add(`${w.namespace}/${w.name}`);
      namespaces.add(w.namespace);
    }
  return { services, workloads, namespaces };
}
