/**
 * The mesh index the simulator walks: namespaces, workloads (with enrolment), services, waypoints and the
 * policy resources, all read from parsed manifests. Pure data, no Node built-ins.
 */
import { get, getArray, getObject, getString, selectorMatches } from '../model/access.ts';
import type { JsonObject, Resource } from '../model/types.ts';

export const LABEL = {
  dataplaneMode: 'istio.io/dataplane-mode',
  useWaypoint: 'istio.io/use-waypoint',
  useWaypointNamespace: 'istio.io/use-waypoint-namespace',
  waypointFor: 'istio.io/waypoint-for',
  injection: 'istio-injection',
  rev: 'istio.io/rev',
  inject: 'sidecar.istio.io/inject',
  sidecarStatus: 'sidecar.istio.io/status',
  ingressUseWaypoint: 'istio.io/ingress-use-waypoint',
} as const;

export type Dataplane = 'ambient' | 'sidecar' | 'none';

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
}

export interface Workload {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** A name for the pod that the trace shows (real for Pod and WorkloadEntry, derived otherwise). */
  readonly podName: string;
  readonly resource: Resource;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  readonly ip?: string;
  readonly node?: string;
  readonly dataplane: Dataplane;
  /** Why the workload has that dataplane, for the trace. */
  readonly dataplaneReason: string;
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  /** Number, or a container port name, as in the Service spec. */
  readonly targetPort?: number | string;
  readonly protocol?: string;
}

export interface MeshService {
  readonly kind: 'Service' | 'ServiceEntry';
  readonly namespace: string;
  readonly name: string;
  readonly resource: Resource;
  readonly labels: Readonly<Record<string, string>>;
  /** Hostnames this service answers to (FQDN for a Service, `spec.hosts` for a ServiceEntry). */
  readonly hosts: readonly string[];
  readonly ports: readonly ServicePort[];
  /** Pod selector; undefined = selectorless (no endpoints from workloads). */
  readonly selector?: Readonly<Record<string, string>>;
  /** ServiceEntry only: `spec.addresses` and inline `spec.endpoints` addresses. */
  readonly addresses: readonly string[];
  readonly endpoints: readonly string[];
}

export type WaypointFor = 'service' | 'workload' | 'all' | 'none';

export interface Waypoint {
  readonly namespace: string;
  readonly name: string;
  readonly resource: Resource;
  readonly waypointFor: WaypointFor;
  /** SPIFFE principal without the `spiffe://` scheme, e.g. `cluster.local/ns/bookinfo/sa/reviews-waypoint`. */
  readonly principal: string;
  readonly serviceAccount: string;
  /** HBONE listener `allowedRoutes.namespaces`. */
  readonly allowedFrom: 'Same' | 'All' | 'Selector';
  readonly allowedSelector?: JsonObject;
  readonly ready: boolean;
  readonly readyNote: string;
}

export interface Mesh {
  readonly rootNamespace: string;
  readonly trustDomain: string;
  readonly namespaces: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Namespaces that appear only as the namespace of some object (no Namespace manifest). */
  readonly undeclaredNamespaces: ReadonlySet<string>;
  readonly workloads: readonly Workload[];
  readonly services: readonly MeshService[];
  /** Every Gateway, by `namespace/name`, with whether it is a waypoint. */
  readonly gateways: ReadonlyMap<string, { readonly resource: Resource; readonly waypoint?: Waypoint }>;
  readonly byKind: ReadonlyMap<string, readonly Resource[]>;
}

export const WAYPOINT_CLASS = 'istio-waypoint';
const WAYPOINT_CONTROLLER = 'istio.io/mesh-controller';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod', 'WorkloadEntry']);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
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

/**
 * Enrolment as istio-cni decides it (SEMANTICS §1). Sidecar injection is checked first because an injected pod
 * carries `sidecar.istio.io/status` and the CNI plugin then leaves it alone (istio/istio cni/pkg/plugin: pods
 * with a sidecar are skipped), so `istio-injection=enabled` beats `dataplane-mode=ambient`.
 */
export function enrolment(
  podLabels: Readonly<Record<string, string>>,
  podAnnotations: Readonly<Record<string, string>>,
  nsLabels: Readonly<Record<string, string>>,
  hostNetwork: boolean,
): { dataplane: Dataplane; reason: string } {
  if (hostNetwork) return { dataplane: 'none', reason: 'hostNetwork pods are never captured' };
  if (podAnnotations[LABEL.sidecarStatus] !== undefined) return { dataplane: 'sidecar', reason: 'the pod already has an injected sidecar (sidecar.istio.io/status)' };
  const injectOff = podLabels[LABEL.inject] === 'false' || podAnnotations[LABEL.inject] === 'false';
  const injectOn = podLabels[LABEL.inject] === 'true';
  const nsInjects = nsLabels[LABEL.injection] === 'enabled' || (nsLabels[LABEL.rev] !== undefined && nsLabels[LABEL.injection] !== 'disabled');
  if (!injectOff && (injectOn || nsInjects)) {
    return {
      dataplane: 'sidecar',
      reason: injectOn ? 'pod label sidecar.istio.io/inject=true: a sidecar is injected' : 'namespace enables sidecar injection; injection wins over ambient',
    };
  }
  const podMode = podLabels[LABEL.dataplaneMode];
  if (podMode === 'none') return { dataplane: 'none', reason: 'pod label istio.io/dataplane-mode=none opts it out' };
  if (podMode === 'ambient') return { dataplane: 'ambient', reason: 'pod label istio.io/dataplane-mode=ambient' };
  if (nsLabels[LABEL.dataplaneMode] === 'ambient') return { dataplane: 'ambient', reason: 'namespace label istio.io/dataplane-mode=ambient' };
  return { dataplane: 'none', reason: 'neither the pod nor its namespace has istio.io/dataplane-mode=ambient' };
}

function workloadOf(r: Resource, nsLabels: Readonly<Record<string, string>>): Workload | undefined {
  if (!WORKLOAD_KINDS.has(r.kind)) return undefined;
  if (r.kind === 'WorkloadEntry') {
    const labels = stringMap(get(r.obj, ['spec', 'labels']));
    const sa = getString(r.obj, ['spec', 'serviceAccount']) ?? 'default';
    const ports = Object.entries(stringMap(get(r.obj, ['spec', 'ports']))).map(([name, p]) => ({ name, port: Number(p) }));
    const e = enrolment(labels, {}, nsLabels, false);
    const ip = getString(r.obj, ['spec', 'address']);
    return {
      kind: r.kind, namespace: r.namespace, name: r.name, podName: r.name, resource: r, labels, annotations: {},
      serviceAccount: sa, ports, hostNetwork: false, dataplane: e.dataplane, dataplaneReason: e.reason,
      ...(ip !== undefined ? { ip } : {}),
    };
  }
  const isPod = r.kind === 'Pod';
  const meta = isPod ? getObject(r.obj, ['metadata']) : getObject(r.obj, ['spec', 'template', 'metadata']);
  const spec = isPod ? getObject(r.obj, ['spec']) : getObject(r.obj, ['spec', 'template', 'spec']);
  const labels = stringMap(meta?.labels);
  const annotations = stringMap(meta?.annotations);
  const sa = getString(spec, ['serviceAccountName']) ?? getString(spec, ['serviceAccount']) ?? 'default';
  const ports: ContainerPort[] = [];
  for (const c of [...getArray(spec, ['initContainers']).filter((c) => getString(c, ['restartPolicy']) === 'Always'), ...getArray(spec, ['containers'])]) {
    for (const p of getArray(c, ['ports'])) {
      const n = get(p, ['containerPort']);
      const name = getString(p, ['name']);
      if (typeof n === 'number') ports.push(name !== undefined ? { name, port: n } : { port: n });
    }
  }
  const hostNetwork = get(spec, ['hostNetwork']) === true;
  const e = enrolment(labels, annotations, nsLabels, hostNetwork);
  // Controllers' pods get a derived, stable name (StatefulSets are ordinal), flagged as such in the trace.
  const podName = isPod ? r.name : r.kind === 'StatefulSet' ? `${r.name}-0` : `${r.name}-${suffix(`${r.namespace}/${r.name}`)}`;
  const ip = isPod ? getString(r.obj, ['status', 'podIP']) : undefined;
  const node = getString(spec, ['nodeName']);
  return {
    kind: r.kind, namespace: r.namespace, name: r.name, podName, resource: r, labels, annotations, serviceAccount: sa, ports,
    hostNetwork, dataplane: e.dataplane, dataplaneReason: e.reason, ...(ip !== undefined ? { ip } : {}), ...(node !== undefined ? { node } : {}),
  };
}

function serviceOf(r: Resource): MeshService | undefined {
  if (r.kind === 'Service' && r.apiVersion === 'v1') {
    const sel = getObject(r.obj, ['spec', 'selector']);
    const ports: ServicePort[] = getArray(r.obj, ['spec', 'ports']).flatMap((p) => {
      const port = get(p, ['port']);
      if (typeof port !== 'number') return [];
      const tp = get(p, ['targetPort']);
      const name = getString(p, ['name']);
      return [{ port, ...(name !== undefined ? { name } : {}), ...(typeof tp === 'number' || typeof tp === 'string' ? { targetPort: tp } : {}) }];
    });
    return {
      kind: 'Service', namespace: r.namespace, name: r.name, resource: r, labels: r.labels,
      hosts: [`${r.name}.${r.namespace}.svc.cluster.local`], ports,
      ...(sel && Object.keys(sel).length ? { selector: stringMap(sel) } : {}),
      addresses: [], endpoints: [],
    };
  }
  if (r.kind === 'ServiceEntry') {
    const sel = getObject(r.obj, ['spec', 'workloadSelector', 'labels']);
    const ports: ServicePort[] = getArray(r.obj, ['spec', 'ports']).flatMap((p) => {
      const port = get(p, ['number']);
      if (typeof port !== 'number') return [];
      const tp = get(p, ['targetPort']);
      const name = getString(p, ['name']);
      const protocol = getString(p, ['protocol']);
      return [{ port, ...(name !== undefined ? { name } : {}), ...(typeof tp === 'number' ? { targetPort: tp } : {}), ...(protocol !== undefined ? { protocol } : {}) }];
    });
    return {
      kind: 'ServiceEntry', namespace: r.namespace, name: r.name, resource: r, labels: r.labels,
      hosts: getArray(r.obj, ['spec', 'hosts']).filter((h): h is string => typeof h === 'string'), ports,
      ...(sel ? { selector: stringMap(sel) } : {}),
      addresses: getArray(r.obj, ['spec', 'addresses']).filter((h): h is string => typeof h === 'string'),
      endpoints: getArray(r.obj, ['spec', 'endpoints']).map((e) => getString(e, ['address']) ?? '').filter(Boolean),
    };
  }
  return undefined;
}

function parseWaypointFor(v: string | undefined): WaypointFor | undefined {
  if (v === undefined) return undefined;
  // Any other value behaves like `none` (A/waypoints.go: unknown traffic types bind nothing).
  return v === 'service' || v === 'workload' || v === 'all' || v === 'none' ? v : 'none';
}

export function buildMesh(resources: readonly Resource[], opts: { rootNamespace?: string; trustDomain?: string } = {}): Mesh {
  const rootNamespace = opts.rootNamespace ?? 'istio-system';
  const trustDomain = opts.trustDomain ?? 'cluster.local';
  const byKind = new Map<string, Resource[]>();
  for (const r of resources) {
    const list = byKind.get(r.kind) ?? [];
    list.push(r);
    byKind.set(r.kind, list);
  }
  const namespaces = new Map<string, Record<string, string>>();
  for (const r of byKind.get('Namespace') ?? []) {
    if (r.apiVersion === 'v1') namespaces.set(r.name, { ...r.labels, 'kubernetes.io/metadata.name': r.name });
  }
  const undeclared = new Set<string>();
  for (const r of resources) {
    if (r.kind !== 'Namespace' && !namespaces.has(r.namespace)) {
      undeclared.add(r.namespace);
      namespaces.set(r.namespace, { 'kubernetes.io/metadata.name': r.namespace });
    }
  }
  const nsLabels = (ns: string) => namespaces.get(ns) ?? {};
  const workloads: Workload[] = [];
  for (const r of resources) {
    const w = workloadOf(r, nsLabels(r.namespace));
    if (w) workloads.push(w);
  }
  const services: MeshService[] = [];
  for (const r of resources) {
    const s = serviceOf(r);
    if (s) services.push(s);
  }
  // GatewayClasses in the manifests can make another class a waypoint class and carry a default waypoint-for.
  const classes = new Map<string, Resource>();
  for (const r of byKind.get('GatewayClass') ?? []) classes.set(r.name, r);
  const gateways = new Map<string, { resource: Resource; waypoint?: Waypoint }>();
  for (const r of byKind.get('Gateway') ?? []) {
    if (!r.apiVersion.startsWith('gateway.networking.k8s.io/')) continue;
    const className = getString(r.obj, ['spec', 'gatewayClassName']);
    const cls = className !== undefined ? classes.get(className) : undefined;
    const isWaypoint = className === WAYPOINT_CLASS || (cls !== undefined && getString(cls.obj, ['spec', 'controllerName']) === WAYPOINT_CONTROLLER);
    if (!isWaypoint) {
      gateways.set(`${r.namespace}/${r.name}`, { resource: r });
      continue;
    }
    // Gateway label overrides the GatewayClass label; default is `service` (A/waypoints.go).
    const waypointFor = parseWaypointFor(r.labels[LABEL.waypointFor]) ?? parseWaypointFor(cls?.labels[LABEL.waypointFor]) ?? 'service';
    // The generated Deployment runs as a ServiceAccount named after the Gateway unless overridden by the
    // `gateway.istio.io/service-account` annotation (pilot/pkg/config/kube/gateway: gatewaySAOverride).
    const serviceAccount = r.annotations['gateway.istio.io/service-account'] ?? r.name;
    const listeners = getArray(r.obj, ['spec', 'listeners']);
    const hbone = listeners.find((l) => getString(l, ['protocol']) === 'HBONE') ?? listeners[0];
    const from = getString(hbone, ['allowedRoutes', 'namespaces', 'from']);
    const allowedFrom = from === 'All' || from === 'Selector' ? from : 'Same';
    const allowedSelector = getObject(hbone, ['allowedRoutes', 'namespaces', 'selector']);
    const status = getObject(r.obj, ['status']);
    const addresses = getArray(status, ['addresses']);
    const ready = status === undefined || addresses.length > 0;
    const readyNote =
      status === undefined
        ? 'no status in the manifests: assumed deployed and ready (status.addresses set)'
        : ready
          ? 'status.addresses is set: ready'
          : 'status has no addresses: the waypoint is not ready, so nothing binds to it';
    const waypoint: Waypoint = {
      namespace: r.namespace, name: r.name, resource: r, waypointFor,
      principal: `${trustDomain}/ns/${r.namespace}/sa/${serviceAccount}`, serviceAccount, allowedFrom,
      ...(allowedSelector ? { allowedSelector } : {}), ready, readyNote,
    };
    gateways.set(`${r.namespace}/${r.name}`, { resource: r, waypoint });
  }
  return { rootNamespace, trustDomain, namespaces, undeclaredNamespaces: undeclared, workloads, services, gateways, byKind };
}

export function principalOf(mesh: Mesh, w: Workload): string {
  return `${mesh.trustDomain}/ns/${w.namespace}/sa/${w.serviceAccount}`;
}

/** Workloads a Service (or ServiceEntry workloadSelector) selects, in input order. */
export function endpointsOf(mesh: Mesh, s: MeshService): Workload[] {
  const sel = s.selector;
  if (!sel) return [];
  // A Service selects WorkloadEntries too in Istio (they become endpoints of the Service's selector).
  return mesh.workloads.filter((w) => w.namespace === s.namespace && selectorMatches({ matchLabels: sel }, w.labels));
}

/** Resolve a Service port's targetPort against a workload's container ports (name or number; default = port). */
export function targetPortOf(sp: ServicePort, w: Workload | undefined): number | undefined {
  const tp = sp.targetPort;
  if (tp === undefined) return sp.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  return w?.ports.find((p) => p.name === tp)?.port;
}

export interface WaypointBinding {
  readonly waypoint?: Waypoint;
  /** Where the `use-waypoint` label came from. */
  readonly source: 'object' | 'namespace' | 'none';
  /** What the trace should say about the binding (including why a named waypoint was not used). */
  readonly note: string;
  /** True when a waypoint was asked for but is not used: L7 policy is silently bypassed. */
  readonly broken: boolean;
}

/**
 * Which waypoint an object (Service/ServiceEntry for `service` traffic, Pod/WorkloadEntry for `workload` traffic)
 * uses, following A/waypoints.go: the object's own `istio.io/use-waypoint` (`none` stops the search), else the
 * namespace's; then the named Gateway must exist, be a ready waypoint, accept this traffic type
 * (`istio.io/waypoint-for`) and, across namespaces, allow it on its HBONE listener. Any failure means **no
 * waypoint** — there is no fallback to the namespace label (SEMANTICS §2).
 */
export function resolveWaypoint(
  mesh: Mesh,
  obj: { readonly namespace: string; readonly labels: Readonly<Record<string, string>>; readonly what: string },
  traffic: 'service' | 'workload',
): WaypointBinding {
  const ns = mesh.namespaces.get(obj.namespace) ?? {};
  let name: string | undefined;
  let wpNs: string | undefined;
  let source: 'object' | 'namespace';
  if (obj.labels[LABEL.useWaypoint] !== undefined) {
    name = obj.labels[LABEL.useWaypoint];
    wpNs = obj.labels[LABEL.useWaypointNamespace];
    source = 'object';
  } else if (ns[LABEL.useWaypoint] !== undefined) {
    name = ns[LABEL.useWaypoint];
    wpNs = ns[LABEL.useWaypointNamespace];
    source = 'namespace';
  } else {
    return { source: 'none', note: `${obj.what} has no istio.io/use-waypoint label (nor does namespace ${obj.namespace})`, broken: false };
  }
  const where = source === 'object' ? obj.what : `namespace ${obj.namespace}`;
  if (name === 'none' || name === '') {
    return { source, note: `${where} sets istio.io/use-waypoint=none: no waypoint`, broken: false };
  }
  const key = `${wpNs ?? obj.namespace}/${name}`;
  const gw = mesh.gateways.get(key);
  const fail = (why: string): WaypointBinding => ({
    source,
    note: `${where} asks for waypoint ${key}, but ${why}: no waypoint is used (WaypointBound=False), traffic goes direct and waypoint policy is bypassed`,
    broken: true,
  });
  if (!gw) return fail('no such Gateway is in the manifests');
  const wp = gw.waypoint;
  if (!wp) return fail(`Gateway ${key} is not of class ${WAYPOINT_CLASS}`);
  if (!wp.ready) return fail(wp.readyNote);
  const accepts = wp.waypointFor === 'all' || wp.waypointFor === traffic;
  if (!accepts) return fail(`it has istio.io/waypoint-for=${wp.waypointFor}, which does not take ${traffic}-addressed traffic`);
  if (wp.namespace !== obj.namespace) {
    const ok =
      wp.allowedFrom === 'All' ||
      (wp.allowedFrom === 'Selector' && wp.allowedSelector !== undefined && selectorMatches(wp.allowedSelector, ns));
    if (!ok) return fail(`its HBONE listener only allows routes from ${wp.allowedFrom === 'Same' ? 'its own namespace (allowedRoutes default Same)' : 'namespaces matching its selector'}`);
  }
  return { waypoint: wp, source, note: `${where} uses waypoint ${key} (istio.io/use-waypoint${source === 'namespace' ? ' on the namespace' : ''})`, broken: false };
}
