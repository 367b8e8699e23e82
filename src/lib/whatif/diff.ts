/**
 * `diff`: the matrices of two sets of manifests and every cell whose verdict, status, deciding policy or backends
 * changed, each attributed to the changed resources it depends on. The "after" matrix is incremental: a cell is
 * traced again only when something it depends on changed; every other cell is copied from "before".
 *
 * Dependencies are named by keys:
 * - `client:NS/NAME` the client itself; `ns:NS` a Namespace's labels (enrolment, waypoint labels, allowedRoutes);
 * - `svc:NS/NAME` a Service or ServiceEntry (its labels, selector, ports; routes and targetRefs policies on it);
 * - `host:HOST` whatever answers to a host; `wp:NS/NAME` a waypoint Gateway (and policies attached to it);
 * - `wl:NS/NAME` a workload traffic can end at (selector policies, PeerAuthentication), `nspol:NS` namespace-wide
 *   policies there; `*` anything (mesh-wide policies, GatewayClasses, kinds whose reach is not worked out).
 * A destination depends on its Service, host and namespace, the waypoint its labels ask for, every backend its
 * cells were routed to, and every workload behind those; a cell on its client and its destination. A changed
 * resource is expanded into keys against both meshes (a policy that selected a workload before or after).
 */
import { attachmentOf, isClientKind, objectKey, roleOf, targetRefs } from '../ambient/index.ts';
import { getArray, getObject, getString } from '../model/access.ts';
import type { Mesh } from '../model/mesh.ts';
import type { Resource } from '../model/types.ts';
import type { Backend, DecidedBy, Verdict } from '../simulator/index.ts';
import { buildMatrix, columnsIn, endpointNamespacesAndWorkloads, hostOf } from './matrix.ts';
import type { Matrix, MatrixOptions, Outcome } from './matrix.ts';
import { requestJson } from './requests.ts';
import type { MatrixRequest, RequestJson } from './requests.ts';

export type ChangeType = 'added' | 'removed' | 'modified';

export interface ResourceChange {
  readonly type: ChangeType;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Label changes in words (`istio.io/use-waypoint: (none) → waypoint`), when labels changed. */
  readonly labels: readonly string[];
  readonly before?: Resource;
  readonly after?: Resource;
}

/** Kinds that never change a trace (telemetry, extensions, the API server's own objects): changing them recomputes nothing. */
const INERT_KINDS: ReadonlySet<string> = new Set([
  'Telemetry',
  'WasmPlugin',
  'EnvoyFilter',
  'Sidecar',
  'ProxyConfig',
  'ReferenceGrant',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'Ingress',
]);

/** Metadata the API server writes: not a change a reviewer made. */
const VOLATILE = new Set(['resourceVersion', 'uid', 'generation', 'creationTimestamp', 'managedFields']);

function stable(v: unknown): string {
  return JSON.stringify(v, (k, x: unknown) => (VOLATILE.has(k) ? undefined : x));
}

function labelChanges(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of [...keys].sort()) {
    const x = Object.prototype.hasOwnProperty.call(a, k) ? a[k] : undefined;
    const y = Object.prototype.hasOwnProperty.call(b, k) ? b[k] : undefined;
    if (x !== y) out.push(`${k}: ${x ?? '(none)'} → ${y ?? '(none)'}`);
  }
  return out;
}

/** Pod-template labels for controllers, metadata labels otherwise (what selectors see). */
function selectableLabels(r: Resource, mesh: Mesh): Readonly<Record<string, string>> {
  return mesh.workload(r.namespace, r.name)?.labels ?? r.labels;
}

/** Resources added, removed or modified between the two meshes (by group, kind, namespace and name). */
export function changedResources(before: Mesh, after: Mesh): ResourceChange[] {
  const old = new Map<string, Resource>();
  for (const r of before.resources) old.set(objectKey(r), r);
  const out: ResourceChange[] = [];
  const seen = new Set<string>();
  for (const r of after.resources) {
    const k = objectKey(r);
    seen.add(k);
    const o = old.get(k);
    const base = { kind: r.kind, namespace: r.namespace, name: r.name };
    if (!o) out.push({ ...base, type: 'added', labels: [], after: r });
    else if (stable(o.obj) !== stable(r.obj))
      out.push({
        ...base,
        type: 'modified',
        labels: [
          ...labelChanges(o.labels, r.labels),
          ...(roleOf(r.kind) === 'controller'
            ? labelChanges(selectableLabels(o, before), selectableLabels(r, after)).map((l) => `pod template ${l}`)
            : []),
        ],
        before: o,
        after: r,
      });
  }
  for (const [k, o] of old)
    if (!seen.has(k))
      out.push({ kind: o.kind, namespace: o.namespace, name: o.name, type: 'removed', labels: [], before: o });
  return out;
}

const name = (ns: string, n: string | undefined) => `${ns}/${n ?? ''}`;

/** The dependency keys one version of a changed resource reaches, in the mesh it belongs to. */
function keysOf(r: Resource, mesh: Mesh, out: Set<string>): void {
  const kind = r.kind;
  if (INERT_KINDS.has(kind)) return;
  if (kind === 'Namespace') {
    out.add(`ns:${r.name}`);
    // A waypoint that admits namespaces by label selector: its bindings depend on every namespace's labels.
    if (mesh.waypoints.some((w) => w.allowedRoutes === 'Selector')) out.add('*');
    return;
  }
  const role = roleOf(kind);
  const workload = mesh.workload(r.namespace, r.name);
  if (workload && workload.resource === r) {
    out.add(`client:${name(r.namespace, r.name)}`);
    out.add(`wl:${name(r.namespace, r.name)}`);
    for (const s of mesh.servicesSelecting(r.namespace, workload.labels)) out.add(`svc:${name(s.namespace, s.name)}`);
    return;
  }
  if (role === 'controller' || role === 'pod' || isClientKind(kind)) return; // not a workload the mesh models
  if (kind === 'Service' || kind === 'ServiceEntry') {
    out.add(`svc:${name(r.namespace, r.name)}`);
    const s = mesh.service(r.namespace, r.name);
    if (s) for (const h of s.hosts) out.add(`host:${h.toLowerCase()}`);
    return;
  }
  if (kind === 'Gateway') {
    out.add(`wp:${name(r.namespace, r.name)}`);
    out.add(`client:${name(r.namespace, r.name)}`);
    return;
  }
  if (kind === 'AuthorizationPolicy' || kind === 'RequestAuthentication' || kind === 'PeerAuthentication') {
    const att = attachmentOf(r, mesh.rootNamespace);
    if (att === 'targetRefs') {
      for (const t of targetRefs(r)) {
        if (t.kind === 'Gateway') out.add(`wp:${name(r.namespace, t.name)}`);
        else if (t.kind === 'Service' || t.kind === 'ServiceEntry') out.add(`svc:${name(r.namespace, t.name)}`);
        else out.add('*');
      }
    } else if (att === 'selector') {
      const sel = getObject(r.obj, ['spec', 'selector']) ?? {};
      for (const w of mesh.workloadsSelectedBy(r.namespace, sel)) out.add(`wl:${name(w.namespace, w.name)}`);
    } else if (att === 'namespace') out.add(`nspol:${r.namespace}`);
    else out.add('*');
    return;
  }
  if (kind === 'HTTPRoute' || kind === 'GRPCRoute' || kind === 'TCPRoute' || kind === 'TLSRoute') {
    for (const ref of getArray(r.obj, ['spec', 'parentRefs'])) {
      const k = getString(ref, ['kind']) ?? 'Gateway';
      const n = name(getString(ref, ['namespace']) ?? r.namespace, getString(ref, ['name']));
      out.add(k === 'Service' || k === 'ServiceEntry' ? `svc:${n}` : `wp:${n}`);
    }
    return;
  }
  if (kind === 'VirtualService' || kind === 'DestinationRule') {
    const hosts = kind === 'VirtualService' ? getArray(r.obj, ['spec', 'hosts']) : [getString(r.obj, ['spec', 'host'])];
    for (const h of hosts) {
      if (typeof h !== 'string' || h.includes('*')) {
        out.add('*');
        continue;
      }
      const found = mesh.servicesForHost(h, r.namespace);
      if (!found.length) out.add(`host:${h.toLowerCase()}`);
      for (const s of found) out.add(`svc:${name(s.namespace, s.name)}`);
    }
    return;
  }
  // Anything else the simulator might read (a GatewayClass changes every waypoint of its class): recompute all.
  out.add('*');
}

/** The keys a set of changes reaches in either mesh. */
export function impactKeys(
  changes: readonly ResourceChange[],
  before: Mesh,
  after: Mesh,
): Map<ResourceChange, Set<string>> {
  const out = new Map<ResourceChange, Set<string>>();
  for (const c of changes) {
    const keys = new Set<string>();
    if (c.before) keysOf(c.before, before, keys);
    if (c.after) keysOf(c.after, after, keys);
    out.set(c, keys);
  }
  return out;
}

/** What each destination of a matrix depends on (see the header comment), by destination key. */
export function destinationFootprints(m: Matrix): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const d of m.destinations) {
    const s = d.service;
    const keys = new Set<string>([`svc:${s.namespace}/${s.name}`, `ns:${s.namespace}`]);
    const host = hostOf(s);
    for (const h of s.hosts) keys.add(`host:${h.toLowerCase()}`);
    if (host) keys.add(`host:${host.toLowerCase()}`);
    const binding = m.mesh.resolveWaypoint({
      kind: s.kind,
      resource: s.resource,
      namespace: s.namespace,
      labels: s.labels,
    });
    if (binding.requested) keys.add(`wp:${binding.requested.namespace}/${binding.requested.name}`);
    const { services, workloads, namespaces } = endpointNamespacesAndWorkloads(m, d);
    for (const b of services) {
      keys.add(`svc:${b.namespace}/${b.name}`);
      for (const h of b.hosts) keys.add(`host:${h.toLowerCase()}`);
    }
    for (const w of workloads) keys.add(`wl:${w}`);
    for (const ns of namespaces) {
      keys.add(`ns:${ns}`);
      keys.add(`nspol:${ns}`);
    }
    out.set(d.key, keys);
  }
  return out;
}

function clientKeys(client: string): string[] {
  if (client === 'external') return [];
  const slash = client.indexOf('/');
  return [`client:${client}`, `ns:${client.slice(0, slash)}`];
}

/** What a diff entry shows of one side (DESIGN §4.5c). */
export interface SideJson {
  readonly verdict: Verdict;
  readonly status: number | null;
  readonly deniedAt: 'ztunnel' | 'waypoint' | null;
  readonly decidedBy: DecidedBy | null;
  readonly backends: readonly Backend[];
}

/** `opened` = not allowed → allowed, `closed` = allowed → not allowed; cells only one side has are added/removed. */
export type CellChange = 'opened' | 'closed' | 'changed' | 'added' | 'removed';

export interface ChangedCell {
  readonly from: string;
  readonly to: string;
  readonly request: RequestJson | null;
  readonly change: CellChange;
  readonly before: SideJson | null;
  readonly after: SideJson | null;
  /** Indexes into `DiffResult.causes`. */
  readonly causes: readonly number[];
}

export interface Cause {
  readonly change: ResourceChange;
  /** How many changed cells it is a cause of. */
  cells: number;
}

export interface DiffResult {
  readonly before: Matrix;
  readonly after: Matrix;
  readonly changes: readonly ResourceChange[];
  readonly causes: readonly Cause[];
  readonly changed: readonly ChangedCell[];
  readonly unchanged: number;
  /** Cells of "after" traced again, and copied from "before". */
  readonly simulated: number;
  readonly reused: number;
}

const side = (o: Outcome): SideJson => ({
  verdict: o.verdict,
  status: o.status,
  deniedAt: o.deniedAt,
  decidedBy: o.decidedBy,
  backends: o.backends,
});

/** Equal for the diff: verdict, status, deciding resource and backends (DESIGN §4.5c). */
function sameForDiff(a: Outcome, b: Outcome): boolean {
  if (a.key === b.key) return true;
  const ref = (d: DecidedBy | null) => (d ? `${d.kind}/${d.namespace}/${d.name}/${d.rule ?? ''}` : '');
  const bs = (l: readonly Backend[]) =>
    l.map((x) => `${x.namespace}/${x.service}:${x.port}@${x.probability}`).join(',');
  return (
    a.verdict === b.verdict &&
    a.status === b.status &&
    ref(a.decidedBy) === ref(b.decidedBy) &&
    bs(a.backends) === bs(b.backends)
  );
}

function classify(a: Outcome | undefined, b: Outcome | undefined): CellChange {
  if (!a) return 'added';
  if (!b) return 'removed';
  if (a.verdict !== 'allowed' && b.verdict === 'allowed') return 'opened';
  if (a.verdict === 'allowed' && b.verdict !== 'allowed') return 'closed';
  return 'changed';
}

const refName = (r: { namespace: string; name: string; kind: string }) => `${r.kind}/${r.namespace}/${r.name}`;

/**
 * The diff of two meshes. `before` may be a matrix already built for the first mesh (the playground keeps its
 * baseline); the second matrix reuses every cell whose client and destination footprint no change reaches.
 */
export async function diffMeshes(
  beforeMesh: Mesh,
  afterMesh: Mesh,
  opts: MatrixOptions & { readonly before?: Matrix } = {},
): Promise<DiffResult> {
  const before = opts.before ?? (await buildMatrix(beforeMesh, opts));
  const changes = changedResources(beforeMesh, afterMesh);
  const impact = impactKeys(changes, beforeMesh, afterMesh);
  const changedKeys = new Set<string>();
  for (const keys of impact.values()) for (const k of keys) changedKeys.add(k);
  const everything = changedKeys.has('*');
  const footprints = destinationFootprints(before);
  const clientTouched = (c: string) => clientKeys(c).some((k) => changedKeys.has(k));
  const destTouched = new Map<string, boolean>();
  for (const [d, keys] of footprints) {
    let t = false;
    for (const k of keys)
      if (changedKeys.has(k)) {
        t = true;
        break;
      }
    destTouched.set(d, t);
  }
  const after = await buildMatrix(afterMesh, {
    ...opts,
    nowSeconds: before.nowSeconds,
    ...(changes.length
      ? {
          reuse: {
            from: before,
            unchanged: (c: string, d: string) => !everything && !destTouched.get(d) && !clientTouched(c),
          },
        }
      : { reuse: { from: before, unchanged: () => true } }),
  });

  const causes: Cause[] = changes.map((change) => ({ change, cells: 0 }));
  const causeIndex = new Map(changes.map((c, i) => [c, i]));
  // Attribution looks at what a destination depends on before and after (a waypoint it only asks for after).
  const afterFootprints = destinationFootprints(after);
  const attribute = (client: string, dest: string, a: Outcome | undefined, b: Outcome | undefined): number[] => {
    const fp = union(footprints.get(dest), afterFootprints.get(dest));
    const ck = clientKeys(client);
    const candidates = changes.filter((c) => {
      const keys = impact.get(c)!;
      if (keys.has('*')) return true;
      for (const k of ck) if (keys.has(k)) return true;
      if (!fp) return keys.size > 0; // a destination only "after" has: anything that reaches something
      for (const k of keys) if (fp.has(k) || k === `svc:${dest}`) return true;
      return false;
    });
    // The trace names the deciding resource: prefer the candidates it names.
    const named = new Set([a?.decidedBy, b?.decidedBy].filter((d): d is DecidedBy => !!d).map(refName));
    const deciding = candidates.filter((c) => named.has(refName(c)));
    const picked = deciding.length ? deciding : candidates;
    return picked.map((c) => causeIndex.get(c)!);
  };

  const changed: ChangedCell[] = [];
  let unchanged = 0;
  const prevClients = new Map(before.clients.map((c, i) => [c.key, i]));
  const prevDests = new Map(before.destinations.map((d) => [d.key, d]));
  const emit = (
    client: string,
    dest: string,
    req: MatrixRequest,
    a: Outcome | undefined,
    b: Outcome | undefined,
  ): void => {
    const cs = attribute(client, dest, a, b);
    for (const i of cs) causes[i]!.cells++;
    changed.push({
      from: client,
      to: dest,
      request: requestJson(req),
      change: classify(a, b),
      before: a ? side(a) : null,
      after: b ? side(b) : null,
      causes: cs,
    });
  };
  // Which "before" cells have an "after" counterpart; the rest are cells that are gone.
  const matched = new Uint8Array(before.cells.length);
  const prevColsOf = after.destinations.map((d) => {
    const pd = prevDests.get(d.key);
    return pd ? columnsIn(pd, d.requests) : undefined;
  });
  for (let ci = 0; ci < after.clients.length; ci++) {
    const client = after.clients[ci]!.key;
    const pci = prevClients.get(client);
    for (let di = 0; di < after.destinations.length; di++) {
      const d = after.destinations[di]!;
      const prevCols = prevColsOf[di];
      for (let ri = 0; ri < d.requests.length; ri++) {
        const req = d.requests[ri]!;
        const b = after.outcomes[after.cells[ci * after.columns + d.offset + ri]!]!;
        const pc = pci !== undefined && prevCols ? prevCols[ri]! : -1;
        let a: Outcome | undefined;
        if (pc >= 0) {
          const at = pci! * before.columns + pc;
          matched[at] = 1;
          a = before.outcomes[before.cells[at]!];
        }
        if (a && sameForDiff(a, b)) unchanged++;
        else emit(client, d.key, req, a, b);
      }
    }
  }
  // Cells only "before" has: a client, destination or request that is gone.
  for (let ci = 0; ci < before.clients.length; ci++)
    for (const d of before.destinations)
      for (let ri = 0; ri < d.requests.length; ri++) {
        const at = ci * before.columns + d.offset + ri;
        if (matched[at]) continue;
        emit(before.clients[ci]!.key, d.key, d.requests[ri]!, before.outcomes[before.cells[at]!], undefined);
      }
  return {
    before,
    after,
    changes,
    causes,
    changed,
    unchanged,
    simulated: after.simulated,
    reused: after.reused,
  };
}

function union(a: Set<string> | undefined, b: Set<string> | undefined): Set<string> | undefined {
  if (!a || !b) return a ?? b;
  const out = new Set(a);
  for (const k of b) out.add(k);
  return out;
}

/** Whether `--fail-on` is met. */
export function failsOn(d: DiffResult, on: 'opened' | 'closed' | 'any' | 'never'): boolean {
  if (on === 'never') return false;
  if (on === 'any') return d.changed.length > 0;
  return d.changed.some((c) => c.change === on);
}
