/**
 * The mesh index: what the manifests say about namespaces, workloads, services and waypoints, built once and
 * shared by the validator's cross-resource rules and the simulator. Semantics follow ../shared/SEMANTICS.md §1–2,
 * itself read from istio/istio pilot/pkg/serviceregistry/ambient/waypoints.go and istio/ztunnel src/proxy/outbound.rs.
 */
import { get, getArray, getObject, getString, selectorMatches, stringRecord } from './access.ts';
import type { JsonObject, JsonValue, Resource } from './types.ts';

import {
  DEFAULT_TRUST_DOMAIN,
  enrolmentOf,
  isWaypointGateway,
  isWaypointPod,
  LABEL_USE_WAYPOINT,
  lastWins,
  podTemplatePath,
  requestedWaypoint,
  resolveWaypoint as resolveWaypointIn,
  roleOf,
  waypointOf,
  labelOf,
  hostSubsetOf,
  type Enrolment,
  type Waypoint,
  type WaypointBinding,
  type WaypointTarget,
} from '../ambient/index.ts';

// The semantics live in src/lib/ambient; these re-exports keep the mesh index's public names.
export {
  LABEL_DATAPLANE_MODE,
  LABEL_USE_WAYPOINT,
  LABEL_USE_WAYPOINT_NAMESPACE,
  LABEL_WAYPOINT_FOR,
  LABEL_INGRESS_USE_WAYPOINT,
  WAYPOINT_CLASS,
  HBONE_PORT,
} from '../ambient/labels.ts';
export type { WaypointFor } from '../ambient/labels.ts';
export type { BindingReason, Enrolment, Waypoint, WaypointBinding, WaypointTarget } from '../ambient/index.ts';

export interface Workload {
  readonly resource: Resource;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Pod labels (the pod template's for controllers; spec.labels for WorkloadEntry). */
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  /** Deterministic synthetic pod IP (or the WorkloadEntry's address when it is an IP). */
  readonly ip: string;
  readonly ports: readonly number[];
  readonly hostNetwork: boolean;
  /** A waypoint's own pods are never captured. */
  readonly isWaypoint: boolean;
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly protocol?: string;
  readonly appProtocol?: string;
}

export interface ServiceInfo {
  readonly resource: Resource;
  readonly kind: 'Service' | 'ServiceEntry';
  readonly namespace: string;
  readonly name: string;
  /** FQDNs: `name.ns.svc.cluster.local` for Services, spec.hosts for ServiceEntries. */
  readonly hosts: readonly string[];
  readonly addresses: readonly string[];
  readonly ports: readonly ServicePort[];
  /** Pod selector (Service spec.selector, ServiceEntry spec.workloadSelector.labels); absent = selects nothing. */
  readonly selector?: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

export interface Mesh {
  readonly resources: readonly Resource[];
  readonly rootNamespace: string;
  /** MeshConfig `trustDomain` (`cluster.local` by default): the first part of every SPIFFE id. */
  readonly trustDomain: string;
  byKind(kind: string): readonly Resource[];
  inNamespace(kind: string, namespace: string): readonly Resource[];
  namespaceLabels(ns: string): Readonly<Record<string, string>>;
  hasNamespace(ns: string): boolean;
  readonly workloads: readonly Workload[];
  workload(namespace: string, name: string): Workload | undefined;
  workloadsSelectedBy(namespace: string, selector: JsonObject): readonly Workload[];
  /** Workloads of one namespace, in input order. */
  workloadsIn(namespace: string): readonly Workload[];
  readonly services: readonly ServiceInfo[];
  /** Services and ServiceEntries of one namespace, in input order. */
  servicesIn(namespace: string): readonly ServiceInfo[];
  /** The Service of that name, else the ServiceEntry (a Service and a ServiceEntry may share a name). */
  service(namespace: string, name: string): ServiceInfo | undefined;
  /** The Service or the ServiceEntry of that name, exactly: the kind decides, nothing falls back. */
  service(kind: ServiceInfo['kind'], namespace: string, name: string): ServiceInfo | undefined;
  servicesForHost(host: string, clientNamespace: string): readonly ServiceInfo[];
  servicesSelecting(namespace: string, labels: Readonly<Record<string, string>>): readonly ServiceInfo[];
  readonly waypoints: readonly Waypoint[];
  waypoint(namespace: string, name: string): Waypoint | undefined;
  enrolment(w: Workload): Enrolment;
  resolveWaypoint(target: WaypointTarget): WaypointBinding;
}

const EMPTY: readonly never[] = Object.freeze([]);
/** Below this many workloads a namespace is scanned: cheaper than building and probing its label index. */
const LABEL_INDEX_MIN_WORKLOADS = 32;

/** Deterministic addresses so traces and tests are stable: the n-th object gets the n-th address of its range. */
function address(prefix: number, second: number, n: number): string {
  const k = n + 2;
  return `${prefix}.${second + Math.floor(k / 65536)}.${Math.floor(k / 256) % 256}.${k % 256}`;
}

function isGatewayApi(r: Resource): boolean {
  return r.apiVersion.startsWith('gateway.networking.k8s.io/');
}

function podSpecOf(r: Resource): { meta: JsonObject | undefined; spec: JsonObject | undefined } {
  if (r.kind === 'Pod') return { meta: getObject(r.obj, ['metadata']), spec: getObject(r.obj, ['spec']) };
  const template = getObject(r.obj, podTemplatePath(r.kind) ?? ['spec', 'template']);
  return { meta: getObject(template, ['metadata']), spec: getObject(template, ['spec']) };
}

/** What one pass over the resources yields: the kind index and the workload and service indexes. */
interface Indexes {
  readonly kindIndex: Map<string, Resource[]>;
  readonly nsLabels: Map<string, Record<string, string>>;
  readonly gatewayClassLabels: Map<string, Record<string, string>>;
  readonly workloads: Workload[];
  readonly workloadByName: NameIndex<Workload>;
  readonly workloadsByNs: Map<string, Workload[]>;
  readonly services: ServiceInfo[];
  readonly serviceByName: NameIndex<ServiceInfo>;
  readonly serviceEntryByName: NameIndex<ServiceInfo>;
  readonly servicesByNs: Map<string, ServiceInfo[]>;
}

// The loops over all resources are indexed: buildMesh runs once per lint, so it mostly runs before the optimizing
// compiler has removed for-of's per-element iterator result, and 20,000 of those per pass were measurable.
function indexResources(resources: readonly Resource[]): Indexes {
  const ix: Indexes = {
    kindIndex: new Map(),
    nsLabels: new Map(),
    gatewayClassLabels: new Map(),
    workloads: [],
    workloadByName: new NameIndex(),
    workloadsByNs: new Map(),
    services: [],
    serviceByName: new NameIndex(),
    serviceEntryByName: new NameIndex(),
    servicesByNs: new Map(),
  };
  // One pass: the kind, workload and service indexes each keep input order on their own.
  for (let ri = 0; ri < resources.length; ri++) {
    const r = resources[ri]!;
    const kind = r.kind;
    push(ix.kindIndex, kind, r);
    if (kind === 'Namespace' && r.apiVersion === 'v1') ix.nsLabels.set(r.name, { ...r.labels });
    else if (kind === 'GatewayClass' && isGatewayApi(r)) ix.gatewayClassLabels.set(r.name, { ...r.labels });

    const w = workloadOf(r, ix.workloads.length);
    if (w) {
      ix.workloads.push(w);
      ix.workloadByName.set(w.namespace, w.name, w);
      push(ix.workloadsByNs, w.namespace, w);
      continue;
    }
    const s = serviceInfoOf(r, ix.services.length);
    if (s) {
      ix.services.push(s);
      (s.kind === 'Service' ? ix.serviceByName : ix.serviceEntryByName).set(s.namespace, s.name, s);
      push(ix.servicesByNs, s.namespace, s);
    }
  }
  return ix;
}

export function buildMesh(
  input: readonly Resource[],
  options: { rootNamespace?: string; trustDomain?: string } = {},
): Mesh {
  const resources = lastWins(input);
  const rootNamespace = options.rootNamespace ?? 'istio-system';
  // MeshConfig trustDomain: the SPIFFE ids of waypoints (and, in the simulator, of every workload).
  const trustDomain = options.trustDomain ?? DEFAULT_TRUST_DOMAIN;
  const ix = indexResources(resources);
  const { kindIndex, nsLabels, workloads, workloadsByNs, services, servicesByNs } = ix;
  /**
   * kind → namespace → resources, built per kind on first use (most kinds are never asked for by namespace):
   * nested maps, so a lookup hashes two short strings instead of building a key.
   */
  const kindNsIndex = new Map<string, Map<string, Resource[]>>();
  const inNamespace = (kind: string, ns: string): readonly Resource[] => {
    let byNs = kindNsIndex.get(kind);
    if (!byNs) {
      kindNsIndex.set(kind, (byNs = new Map()));
      const list = kindIndex.get(kind) ?? EMPTY;
      for (let i = 0; i < list.length; i++) push(byNs, list[i]!.namespace, list[i]!);
    }
    return byNs.get(ns) ?? EMPTY;
  };
  const namespaceLabels = (ns: string): Readonly<Record<string, string>> => nsLabels.get(ns) ?? {};
  const { waypoints, waypointByName } = indexWaypoints(ix, trustDomain);
  const workloadsSelectedBy = selectorQuery(workloadsByNs);
  const servicesForHost = hostQuery(services);

  const enrolment = (w: Workload): Enrolment => enrolmentOf(w, namespaceLabels(w.namespace), nsLabels.has(w.namespace));
  const lookup = { namespaceLabels, waypoint: (ns: string, name: string) => waypointByName.get(ns, name) };
  const resolveWaypoint = (target: WaypointTarget): WaypointBinding => resolveWaypointIn(target, lookup);
  function service(a: string, b: string, c?: string): ServiceInfo | undefined {
    if (c === undefined) return ix.serviceByName.get(a, b) ?? ix.serviceEntryByName.get(a, b);
    return a === 'Service'
      ? ix.serviceByName.get(b, c)
      : a === 'ServiceEntry'
        ? ix.serviceEntryByName.get(b, c)
        : undefined;
  }

  return {
    resources,
    rootNamespace,
    trustDomain,
    byKind: (kind) => kindIndex.get(kind) ?? EMPTY,
    inNamespace,
    namespaceLabels,
    hasNamespace: (ns) => nsLabels.has(ns),
    workloads,
    workloadsIn: (ns) => workloadsByNs.get(ns) ?? EMPTY,
    workload: (ns, name) => ix.workloadByName.get(ns, name),
    workloadsSelectedBy,
    services,
    servicesIn: (ns) => servicesByNs.get(ns) ?? EMPTY,
    service,
    servicesForHost,
    servicesSelecting(ns, labels) {
      return (servicesByNs.get(ns) ?? EMPTY).filter((s) => {
        const sel = s.selector;
        if (sel === undefined) return false;
        for (const k in sel) if (labels[k] !== sel[k]) return false;
        return true;
      });
    },
    waypoints,
    waypoint: (ns, name) => waypointByName.get(ns, name),
    enrolment,
    resolveWaypoint,
  };
}

/** Waypoints: any Gateway a use-waypoint label names counts, whatever its class (SEMANTICS §2 [rev]). */
function indexWaypoints(
  ix: Indexes,
  trustDomain: string,
): { waypoints: Waypoint[]; waypointByName: NameIndex<Waypoint> } {
  const named = namedWaypoints(ix.nsLabels, ix.services, ix.workloads);
  const waypoints: Waypoint[] = [];
  const waypointByName = new NameIndex<Waypoint>();
  for (const r of ix.kindIndex.get('Gateway') ?? EMPTY) {
    if (!isWaypointGateway(r, named.get(r.namespace)?.has(r.name) === true)) continue;
    const className = getString(r.obj, ['spec', 'gatewayClassName']) ?? '';
    const wp = waypointOf(r, ix.gatewayClassLabels.get(className), address(10, 240, waypoints.length), trustDomain);
    waypoints.push(wp);
    waypointByName.set(wp.namespace, wp.name, wp);
  }
  return { waypoints, waypointByName };
}

/** Mesh.workloadsSelectedBy over the per-namespace workload lists. */
function selectorQuery(
  workloadsByNs: ReadonlyMap<string, readonly Workload[]>,
): (ns: string, selector: JsonObject) => readonly Workload[] {
  /**
   * ns → label key → value → workloads carrying that label, so that selectors in a namespace with many workloads
   * start from their rarest label. Built per namespace on its first selector query, and only for namespaces large
   * enough that scanning them would cost more: nested maps of the parser's shared strings, no key strings.
   */
  const workloadsByLabel = new Map<string, Map<string, Map<string, Workload[]>>>();
  const labelIndex = (ns: string, inNs: readonly Workload[]): Map<string, Map<string, Workload[]>> | undefined => {
    if (inNs.length < LABEL_INDEX_MIN_WORKLOADS) return undefined;
    let byLabel = workloadsByLabel.get(ns);
    if (byLabel) return byLabel;
    workloadsByLabel.set(ns, (byLabel = new Map()));
    for (let i = 0; i < inNs.length; i++) {
      const w = inNs[i]!;
      const labels = w.labels;
      for (const k in labels) {
        let byValue = byLabel.get(k);
        if (!byValue) byLabel.set(k, (byValue = new Map()));
        push(byValue, labels[k]!, w);
      }
    }
    return byLabel;
  };
  return (ns, selector) => {
    const inNs = workloadsByNs.get(ns) ?? EMPTY;
    const matchLabels = stringRecord(get(selector, ['matchLabels']));
    let candidates: readonly Workload[] = inNs;
    const byLabel = labelIndex(ns, inNs);
    if (byLabel)
      for (const k in matchLabels) {
        const bucket = byLabel.get(k)?.get(matchLabels[k]!) ?? EMPTY;
        if (bucket.length < candidates.length) candidates = bucket;
      }
    // The usual selector is string matchLabels only (stringRecord returned the object itself): compare in
    // place, as selectorMatches would, without its per-call entry arrays.
    if (matchLabels === selector.matchLabels && !Array.isArray(selector.matchExpressions)) {
      const out: Workload[] = [];
      outer: for (const w of candidates) {
        for (const k in matchLabels) if (w.labels[k] !== matchLabels[k]) continue outer;
        out.push(w);
      }
      return out;
    }
    return candidates.filter((w) => selectorMatches(selector, w.labels));
  };
}

/** Mesh.servicesForHost. Host lookups are the simulator's and a few rules' business: the index is built on the first. */
function hostQuery(
  services: readonly ServiceInfo[],
): (host: string, clientNamespace: string) => readonly ServiceInfo[] {
  let servicesByHost: Map<string, ServiceInfo[]> | undefined;
  const wildcardEntries: ServiceInfo[] = [];
  const hostIndex = (): Map<string, ServiceInfo[]> => {
    if (servicesByHost) return servicesByHost;
    servicesByHost = new Map();
    for (let i = 0; i < services.length; i++) {
      const s = services[i]!;
      for (const h of s.hosts) {
        if (h.startsWith('*')) wildcardEntries.push(s);
        else push(servicesByHost, h.toLowerCase(), s);
      }
    }
    return servicesByHost;
  };
  return (host, clientNamespace) => {
    const h = host.toLowerCase().replace(/\.$/, '');
    const parts = h.split('.');
    const candidates: string[] = [h];
    if (parts.length === 1) candidates.push(`${h}.${clientNamespace}.svc.cluster.local`);
    else if (parts.length === 2) candidates.push(`${h}.svc.cluster.local`);
    else if (parts.length === 3 && parts[2] === 'svc') candidates.push(`${h}.cluster.local`);
    const byHost = hostIndex();
    for (const c of candidates) {
      const found = byHost.get(c);
      if (found?.length) return found;
    }
    return wildcardEntries.filter((s) => s.hosts.some((p) => p.startsWith('*') && hostSubsetOf(h, p)));
  };
}

/** The workload a controller, Pod, CronJob or WorkloadEntry stands for (the n-th of the mesh), or undefined. */
function workloadOf(r: Resource, n: number): Workload | undefined {
  const role = roleOf(r.kind);
  if ((role === 'controller' || role === 'pod') && !r.apiVersion.includes('.')) {
    const { meta, spec } = podSpecOf(r);
    const labels = r.kind === 'Pod' ? { ...r.labels } : stringRecord(get(meta, ['labels']));
    const annotations = r.kind === 'Pod' ? { ...r.annotations } : stringRecord(get(meta, ['annotations']));
    const ports: number[] = [];
    containerPorts(getArray(spec, ['containers']), ports);
    containerPorts(getArray(spec, ['initContainers']), ports);
    return {
      resource: r,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      labels,
      annotations,
      serviceAccount: getString(spec, ['serviceAccountName']) || getString(spec, ['serviceAccount']) || 'default',
      // IP attributes compare against the pod's real address when the manifest carries it (SEMANTICS §3 [rev]).
      ip: (r.kind === 'Pod' ? podIP(r) : undefined) ?? address(10, 244, n),
      ports,
      hostNetwork: get(spec, ['hostNetwork']) === true,
      isWaypoint: isWaypointPod(labels),
    };
  } else if (role === 'workload-entry' && r.apiVersion.startsWith('networking.istio.io/')) {
    const addr = getString(r.obj, ['spec', 'address']);
    const ports = Object.values(stringRecord(get(r.obj, ['spec', 'ports'])))
      .map(Number)
      .filter((x) => Number.isFinite(x));
    return {
      resource: r,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      labels: { ...stringRecord(get(r.obj, ['spec', 'labels'])), ...r.labels },
      annotations: { ...r.annotations },
      serviceAccount: getString(r.obj, ['spec', 'serviceAccount']) || 'default',
      ip: addr && /^[\d.]+$|:/.test(addr) ? addr : address(10, 244, n),
      ports,
      hostNetwork: false,
      isWaypoint: false,
    };
  }
  return undefined;
}

/** The service a Service or ServiceEntry stands for (the n-th of the mesh), or undefined. */
function serviceInfoOf(r: Resource, n: number): ServiceInfo | undefined {
  if (r.kind === 'Service' && r.apiVersion === 'v1') {
    const clusterIP = getString(r.obj, ['spec', 'clusterIP']);
    const selector = getObject(r.obj, ['spec', 'selector']);
    const hosts = [`${r.name}.${r.namespace}.svc.cluster.local`];
    const addresses = [clusterIP && clusterIP !== 'None' ? clusterIP : address(10, 96, n)];
    const ports = servicePorts(getArray(r.obj, ['spec', 'ports']));
    return {
      resource: r,
      kind: 'Service',
      namespace: r.namespace,
      name: r.name,
      hosts,
      addresses,
      ports,
      // A selector with a value the API server would reject (an object, a list) selects nothing here, instead of
      // shrinking to the entries left and selecting more pods than written.
      ...(selector && hasKeys(selector) && scalarValues(selector) ? { selector: stringRecord(selector) } : {}),
      labels: r.labels,
    };
  }
  if (r.kind === 'ServiceEntry' && r.apiVersion.startsWith('networking.istio.io/')) {
    const selector = getObject(r.obj, ['spec', 'workloadSelector', 'labels']);
    return {
      resource: r,
      kind: 'ServiceEntry',
      namespace: r.namespace,
      name: r.name,
      hosts: getArray(r.obj, ['spec', 'hosts']).filter((h): h is string => typeof h === 'string'),
      addresses: getArray(r.obj, ['spec', 'addresses']).filter((h): h is string => typeof h === 'string'),
      ports: getArray(r.obj, ['spec', 'ports']).flatMap((p) => {
        const port = get(p, ['number']);
        if (typeof port !== 'number') return [];
        const tp = get(p, ['targetPort']);
        const sp: ServicePort = {
          port,
          ...(getString(p, ['name']) ? { name: getString(p, ['name'])! } : {}),
          ...(typeof tp === 'number' ? { targetPort: tp } : {}),
          ...(getString(p, ['protocol']) ? { protocol: getString(p, ['protocol'])! } : {}),
        };
        return [sp];
      }),
      ...(selector ? { selector: stringRecord(selector) } : {}),
      labels: r.labels,
    };
  }
  return undefined;
}

function podIP(r: Resource): string | undefined {
  const ip = getString(r.obj, ['status', 'podIP']);
  return ip && /^[\d.]+$|:/.test(ip) ? ip : undefined;
}

function scalarValues(o: JsonObject): boolean {
  for (const k in o) {
    const v = o[k];
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return false;
  }
  return true;
}

function hasKeys(o: JsonObject): boolean {
  for (const _ in o) return true;
  return false;
}

function containerPorts(containers: readonly JsonValue[], out: number[]): void {
  for (const c of containers)
    for (const p of getArray(c, ['ports'])) {
      const n = get(p, ['containerPort']);
      if (typeof n === 'number') out.push(n);
    }
}

/** Service spec.ports as ServicePorts (same keys in the same order as before; built without spread copies). */
function servicePorts(list: readonly JsonValue[]): ServicePort[] {
  const out: ServicePort[] = [];
  for (const p of list) {
    const port = get(p, ['port']);
    if (typeof port !== 'number') continue;
    const sp: { -readonly [K in keyof ServicePort]: ServicePort[K] } = { port };
    const name = get(p, ['name']);
    if (typeof name === 'string') sp.name = name;
    const tp = get(p, ['targetPort']);
    if (typeof tp === 'number' || typeof tp === 'string') sp.targetPort = tp;
    const protocol = getString(p, ['protocol']);
    if (protocol) sp.protocol = protocol;
    const appProtocol = getString(p, ['appProtocol']);
    if (appProtocol) sp.appProtocol = appProtocol;
    out.push(sp);
  }
  return out;
}

/**
 * namespace → name → value. Rules look objects up by name thousands of times per lint; two lookups of strings
 * that already exist (and have their hash cached) beat building a `ns/name` key string for each one.
 */
class NameIndex<V> {
  private readonly byNs = new Map<string, Map<string, V>>();
  set(namespace: string, name: string, value: V): void {
    let byName = this.byNs.get(namespace);
    if (!byName) this.byNs.set(namespace, (byName = new Map()));
    byName.set(name, value);
  }
  get(namespace: string, name: string): V | undefined {
    return this.byNs.get(namespace)?.get(name);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * namespace → names of the Gateways some `use-waypoint` label asks for (on a Namespace, Service, ServiceEntry or
 * workload), so that such a Gateway is a waypoint whatever its class.
 */
function namedWaypoints(
  nsLabels: ReadonlyMap<string, Readonly<Record<string, string>>>,
  services: readonly ServiceInfo[],
  workloads: readonly Workload[],
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (labels: Readonly<Record<string, string>>, ns: string) => {
    if (labelOf(labels, LABEL_USE_WAYPOINT) === undefined) return;
    const req = requestedWaypoint(labels, ns, {});
    if (typeof req !== 'object') return;
    let names = out.get(req.namespace);
    if (!names) out.set(req.namespace, (names = new Set()));
    names.add(req.name);
  };
  for (const [ns, labels] of nsLabels) add(labels, ns);
  for (let i = 0; i < services.length; i++) add(services[i]!.labels, services[i]!.namespace);
  for (let i = 0; i < workloads.length; i++) add(workloads[i]!.labels, workloads[i]!.namespace);
  return out;
}
