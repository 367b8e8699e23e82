/**
 * Shared reasoning for the ambient rules. Everything here reads the one mesh index of the run
 * (src/lib/model/mesh.ts); nothing scans all resources.
 *
 * Rules loop over whole kinds with an index (`for (let ix = 0, list_ = …)`), not for-of: each check runs once per
 * lint, mostly before the optimizing compiler drops for-of's per-element iterator result.
 */
import { get, getArray, getObject, getString, selectorMatches } from '../../model/access.ts';
import type { Mesh, ServiceInfo, Workload } from '../../model/mesh.ts';
import type { JsonObject, JsonValue, ObjectPath, Resource } from '../../model/types.ts';
import {
  actionOf,
  hasTargetRefs,
  isDryRun,
  isL4WhenKey,
  L7_OPERATION_FIELDS,
  L7_SOURCE_FIELDS,
  namespaceIsAmbient as namespaceLabelsAmbient,
  policySelector,
  targetRefs,
  type Action,
  type TargetRef,
} from '../../ambient/index.ts';
import { LABEL_USE_WAYPOINT, isWaypointOptOut, labelOf } from '../../ambient/labels.ts';
import { EXPERIMENTAL } from '../schema/experimental.gen.ts';
import type { ExperimentalTable } from '../schema/experimental.gen.ts';
import { GATEWAY_API_VERSIONS } from '../../versions.ts';
import type { GatewayApiVersion } from '../../versions.ts';

/** `apiVersion` is `<group>/…` (compared in place: this runs for every resource of many rules). */
export const isGroup = (r: Resource, group: string): boolean => {
  const v = r.apiVersion;
  return v.length > group.length && v.charCodeAt(group.length) === 47 /* / */ && v.startsWith(group);
};
export const isIstioSecurity = (r: Resource): boolean => isGroup(r, 'security.istio.io');
export const isGatewayApi = (r: Resource): boolean => isGroup(r, 'gateway.networking.k8s.io');

/** Resources of a kind in one API group, from the mesh's kind index. */
export function ofKind(mesh: Mesh, kind: string, group: string): Resource[] {
  return mesh.byKind(kind).filter((r) => (group === '' ? !r.apiVersion.includes('/') : isGroup(r, group)));
}

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

// spec() runs for every policy in several rules: plain property reads. Target refs, actions and selectors come from
// the semantics layer (src/lib/ambient/attachment.ts).
export function spec(r: Resource): JsonObject {
  const s = r.obj.spec;
  return isObject(s) ? s : {};
}

// ---------------------------------------------------------------- L4 / L7 attributes (SEMANTICS §3)
// src/lib/ambient/authz.ts holds the tables (release-1.31 A/authorization.go decides what ztunnel can enforce).

export interface L7Use {
  readonly path: ObjectPath;
  readonly field: string;
}

const NO_L7: readonly L7Use[] = Object.freeze([]);

/**
 * Every L7-only attribute of `spec.rules[i]`, in document order (a shared empty array when there is none: the
 * common case, so it allocates nothing then).
 */
export function l7Uses(r: Resource, i: number): readonly L7Use[] {
  const rule = get(r.obj, ['spec', 'rules', i]);
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return NO_L7;
  let out: L7Use[] | undefined;
  const from = rule.from;
  if (Array.isArray(from))
    for (let j = 0; j < from.length; j++) {
      const src = getObject(from[j], ['source']);
      if (!src) continue;
      for (const k of L7_SOURCE_FIELDS)
        if (src[k] !== undefined) (out ??= []).push({ path: ['spec', 'rules', i, 'from', j, 'source', k], field: k });
    }
  const to = rule.to;
  if (Array.isArray(to))
    for (let j = 0; j < to.length; j++) {
      const op = getObject(to[j], ['operation']);
      if (!op) continue;
      for (const k of L7_OPERATION_FIELDS)
        if (op[k] !== undefined) (out ??= []).push({ path: ['spec', 'rules', i, 'to', j, 'operation', k], field: k });
    }
  const when = rule.when;
  if (Array.isArray(when))
    for (let j = 0; j < when.length; j++) {
      const key = getString(when[j], ['key']);
      if (key !== undefined && !isL4WhenKey(key))
        (out ??= []).push({ path: ['spec', 'rules', i, 'when', j, 'key'], field: `when ${key}` });
    }
  return out ?? NO_L7;
}

// ---------------------------------------------------------------- AuthorizationPolicy digest

/** Bits of PolicyDigest.uses. Each may be set when the exact check finds nothing; never unset when it would. */
export const USES_L7 = 1; // l7Uses() of some rule is not empty
export const USES_DROPPED_SOURCE = 2; // a from.source has trustDomains / notTrustDomains (ztunnel ignores them)
export const USES_PORT = 4; // a to.operation has ports / notPorts, or a when key is destination.port

/** Caller identities of a policy whose every rule names them (see PolicyDigest.callers). */
export interface Callers {
  readonly principals: readonly string[];
  readonly namespaces: readonly string[];
  readonly serviceAccounts: readonly string[];
}

/** What the policy rules filter AuthorizationPolicies on, read once per mesh. */
export interface PolicyDigest {
  readonly resource: Resource;
  /** resource.namespace (a rule that reads only the digest does not touch the resource). */
  readonly namespace: string;
  /** apiVersion is security.istio.io/… */
  readonly istio: boolean;
  readonly action: Action;
  /**
   * `istio.io/dry-run` (ParseBool): never enforced — not sent to ztunnel unless istiod runs with
   * AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY (and then only logged), a shadow rule at a waypoint; it does not
   * count as an ALLOW policy either (release-1.31 A/authorization.go convertAuthorizationPolicy).
   */
  readonly dryRun: boolean;
  /** hasTargetRefs() */
  readonly targeted: boolean;
  /** targetRefs() */
  readonly targetRefs: readonly TargetRef[];
  /** spec.selector when it is an object. */
  readonly selector: JsonObject | undefined;
  /** Length of spec.rules (0 when it is not an array). */
  readonly ruleCount: number;
  /** USES_* bits. */
  readonly uses: number;
  /**
   * The strings of every from.source's principals, namespaces and serviceAccounts, when every rule has a `from`
   * whose every source names at least one of them; undefined when a rule matches callers without naming them
   * (no from, a source without identity strings) or there are no rules. A source admits a caller when one of
   * its strings matches, so the policy admits one exactly when one of these does.
   */
  readonly callers: Callers | undefined;
}

const digestCache = new WeakMap<Mesh, readonly PolicyDigest[]>();
const NO_VALUES: readonly JsonValue[] = Object.freeze([]);
const NO_STRINGS: readonly string[] = Object.freeze([]);

/**
 * Every AuthorizationPolicy of the mesh (in byKind order) with what the policy rules filter on. Eight rules
 * walk all policies; on a large mesh each walk was dominated by cache misses on the parsed objects, which lie
 * scattered over the heap (≈1 µs per policy and walk at 20,000 resources), so this one pass reads them and the
 * rules go back to a policy's objects only when it can yield a finding.
 */
export function authorizationPolicies(mesh: Mesh): readonly PolicyDigest[] {
  let out = digestCache.get(mesh) as PolicyDigest[] | undefined;
  if (out) return out;
  out = [];
  for (let ix = 0, list_ = mesh.byKind('AuthorizationPolicy'); ix < list_.length; ix++) out.push(digest(list_[ix]!));
  digestCache.set(mesh, out);
  return out;
}

function digest(r: Resource): PolicyDigest {
  const s = r.obj.spec;
  const spec = isObject(s) ? s : undefined;
  const rules = spec && Array.isArray(spec.rules) ? spec.rules : NO_VALUES;
  const selector = spec && isObject(spec.selector) ? spec.selector : undefined;
  let uses = 0;
  let named = rules.length > 0; // every rule names its callers so far
  let principals = NO_STRINGS;
  let namespaces = NO_STRINGS;
  let serviceAccounts = NO_STRINGS;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (!isObject(rule)) {
      named = false;
      continue;
    }
    const from = rule.from;
    if (!Array.isArray(from) || from.length === 0) named = false;
    else
      for (let j = 0; j < from.length; j++) {
        const f = from[j];
        const src = isObject(f) ? f.source : undefined;
        if (!isObject(src)) {
          named = false;
          continue;
        }
        // Named reads (L7_SOURCE_FIELDS, ZTUNNEL_IGNORED_SOURCE_FIELDS): a loop over key names made each a megamorphic keyed load.
        if (
          src.requestPrincipals !== undefined ||
          src.notRequestPrincipals !== undefined ||
          src.remoteIpBlocks !== undefined ||
          src.notRemoteIpBlocks !== undefined
        )
          uses |= USES_L7;
        if (src.trustDomains !== undefined || src.notTrustDomains !== undefined) uses |= USES_DROPPED_SOURCE;
        if (named) {
          const n = principals.length + namespaces.length + serviceAccounts.length;
          principals = withStrings(principals, src.principals);
          namespaces = withStrings(namespaces, src.namespaces);
          serviceAccounts = withStrings(serviceAccounts, src.serviceAccounts);
          if (principals.length + namespaces.length + serviceAccounts.length === n) named = false;
        }
      }
    const to = rule.to;
    if (Array.isArray(to))
      for (let j = 0; j < to.length; j++) {
        const t = to[j];
        const op = isObject(t) ? t.operation : undefined;
        if (!isObject(op)) continue;
        if (
          op.hosts !== undefined ||
          op.notHosts !== undefined ||
          op.methods !== undefined ||
          op.notMethods !== undefined ||
          op.paths !== undefined ||
          op.notPaths !== undefined
        )
          uses |= USES_L7; // L7_OPERATION_FIELDS
        if (Array.isArray(op.ports) || Array.isArray(op.notPorts)) uses |= USES_PORT;
      }
    const when = rule.when;
    if (Array.isArray(when))
      for (let j = 0; j < when.length; j++) {
        const w = when[j];
        const key = isObject(w) ? w.key : undefined;
        if (typeof key !== 'string') continue;
        if (!isL4WhenKey(key)) uses |= USES_L7;
        else if (key === 'destination.port') uses |= USES_PORT;
      }
  }
  return {
    resource: r,
    namespace: r.namespace,
    istio: isIstioSecurity(r),
    action: actionOf(r),
    dryRun: isDryRun(r.annotations),
    targeted: hasTargetRefs(r),
    targetRefs: targetRefs(r),
    selector,
    ruleCount: rules.length,
    uses,
    callers: named ? { principals, namespaces, serviceAccounts } : undefined,
  };
}

/**
 * `acc` followed by the strings of `v`. The usual field is one all-string list: that list itself is returned,
 * not a copy (the digest keeps these for the whole run; it only reads them).
 */
function withStrings(acc: readonly string[], v: JsonValue | undefined): readonly string[] {
  if (!Array.isArray(v) || v.length === 0) return acc;
  const own = allStrings(v) ? (v as string[]) : strings(v);
  return acc.length === 0 ? own : own.length === 0 ? acc : [...acc, ...own];
}

/** Every index holds a string (an indexed loop: every() would skip holes). */
function allStrings(v: readonly JsonValue[]): boolean {
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}

// ---------------------------------------------------------------- scope and enrolment

/**
 * Whether the workloads a selector/namespace-wide policy applies to are in ambient:
 * true / false when the manifests say so, undefined when they do not (no Namespace object, no workloads).
 */
const scopeCache = new WeakMap<Mesh, WeakMap<Resource, boolean | undefined>>();
export function scopeIsAmbient(mesh: Mesh, r: Resource): boolean | undefined {
  // Five rules ask this of the same policies: once per resource and mesh.
  let cache = scopeCache.get(mesh);
  if (!cache) scopeCache.set(mesh, (cache = new WeakMap()));
  if (cache.has(r)) return cache.get(r);
  const v = computeScopeIsAmbient(mesh, r);
  cache.set(r, v);
  return v;
}

function computeScopeIsAmbient(mesh: Mesh, r: Resource): boolean | undefined {
  if (r.namespace === mesh.rootNamespace) return undefined;
  const selector = policySelector(r);
  const workloads = selector
    ? mesh.workloadsSelectedBy(r.namespace, selector)
    : workloadsInNamespace(mesh, r.namespace);
  if (workloads.length) return workloads.some((w) => mesh.enrolment(w).mode === 'ambient');
  return namespaceIsAmbient(mesh, r.namespace);
}

/** true: the Namespace is labelled ambient (and not sidecar-injected); false: it is in the manifests without it; undefined: absent. */
export function namespaceIsAmbient(mesh: Mesh, ns: string): boolean | undefined {
  if (!mesh.hasNamespace(ns)) return undefined;
  return namespaceLabelsAmbient(mesh.namespaceLabels(ns));
}

type Targets = { workloads: readonly Workload[]; services: readonly ServiceInfo[] };

/**
 * Several rules ask for the targets of the same policy: memoised per mesh. Most selectors are one
 * `matchLabels` entry, keyed by namespace → label → value (the parser's shared strings: no identity hash on
 * the selector object, no key string); other selectors by the selector object (one resource, so one namespace);
 * namespace-wide policies by namespace.
 */
interface TargetsCache {
  readonly byLabel: Map<string, Map<string, Map<string, Targets>>>;
  readonly bySelector: WeakMap<JsonObject, { ns: string; t: Targets }>;
  readonly byNs: Map<string, Targets>;
}
const targetsCache = new WeakMap<Mesh, TargetsCache>();

/** The single `matchLabels` key of a selector that has nothing else, or undefined. */
function singleLabel(selector: JsonObject): string | undefined {
  let only: string | undefined;
  for (const k in selector) if (k !== 'matchLabels') return undefined;
  const ml = selector.matchLabels;
  if (ml === null || typeof ml !== 'object' || Array.isArray(ml)) return undefined;
  for (const k in ml) {
    if (only !== undefined || typeof ml[k] !== 'string') return undefined;
    only = k;
  }
  return only;
}

/** Workloads a policy with `selector` picks; without Deployments, the Services whose selector it matches stand in. */
export function selectedTargets(mesh: Mesh, namespace: string, selector: JsonObject | undefined): Targets {
  let cache = targetsCache.get(mesh);
  if (!cache) targetsCache.set(mesh, (cache = { byLabel: new Map(), bySelector: new WeakMap(), byNs: new Map() }));
  if (selector) {
    const key = singleLabel(selector);
    if (key !== undefined) {
      const value = (selector.matchLabels as Record<string, string>)[key]!;
      let byKey = cache.byLabel.get(namespace);
      if (!byKey) cache.byLabel.set(namespace, (byKey = new Map()));
      let byValue = byKey.get(key);
      if (!byValue) byKey.set(key, (byValue = new Map()));
      let t = byValue.get(value);
      if (!t) byValue.set(value, (t = computeTargets(mesh, namespace, selector)));
      return t;
    }
    const hit = cache.bySelector.get(selector);
    if (hit && hit.ns === namespace) return hit.t;
    const t = computeTargets(mesh, namespace, selector);
    if (!hit) cache.bySelector.set(selector, { ns: namespace, t });
    return t;
  }
  let t = cache.byNs.get(namespace);
  if (!t) cache.byNs.set(namespace, (t = computeTargets(mesh, namespace, undefined)));
  return t;
}

function computeTargets(mesh: Mesh, namespace: string, selector: JsonObject | undefined): Targets {
  const workloads = selector ? mesh.workloadsSelectedBy(namespace, selector) : workloadsInNamespace(mesh, namespace);
  // One workload (the usual selector): its services as they are, without the Set that merges several.
  if (workloads.length === 1) return { workloads, services: mesh.servicesSelecting(namespace, workloads[0]!.labels) };
  if (workloads.length) {
    const seen = new Set<ServiceInfo>();
    for (const w of workloads) for (const s of mesh.servicesSelecting(namespace, w.labels)) seen.add(s);
    return { workloads, services: [...seen] };
  }
  const services = servicesInNamespace(mesh, namespace).filter(
    (s) => s.kind === 'Service' && s.selector !== undefined && (!selector || selectorMatches(selector, s.selector)),
  );
  return { workloads, services };
}

/**
 * Per-namespace views of the mesh's services and workloads, computed once per mesh (the mesh is built once per
 * lint run) so rules never rescan the whole list.
 */
const nsIndexCache = new WeakMap<Mesh, { services: Map<string, ServiceInfo[]>; workloads: Map<string, Workload[]> }>();
function nsIndex(mesh: Mesh): { services: Map<string, ServiceInfo[]>; workloads: Map<string, Workload[]> } {
  let idx = nsIndexCache.get(mesh);
  if (!idx) {
    idx = { services: new Map(), workloads: new Map() };
    for (let ix = 0, list_ = mesh.services; ix < list_.length; ix++) {
      const s = list_[ix]!;
      const l = idx.services.get(s.namespace);
      if (l) l.push(s);
      else idx.services.set(s.namespace, [s]);
    }
    for (let ix = 0, list_ = mesh.workloads; ix < list_.length; ix++) {
      const w = list_[ix]!;
      const l = idx.workloads.get(w.namespace);
      if (l) l.push(w);
      else idx.workloads.set(w.namespace, [w]);
    }
    nsIndexCache.set(mesh, idx);
  }
  return idx;
}

export function servicesInNamespace(mesh: Mesh, namespace: string): readonly ServiceInfo[] {
  return nsIndex(mesh).services.get(namespace) ?? [];
}

export function workloadsInNamespace(mesh: Mesh, namespace: string): readonly Workload[] {
  return nsIndex(mesh).workloads.get(namespace) ?? [];
}

const namedCache = new WeakMap<Mesh, { services: NameMap; entries: NameMap }>();
type NameMap = Map<string, Map<string, ServiceInfo>>;

/**
 * The first Service (kind `Service`) or ServiceEntry (kind `ServiceEntry`) of that name in the namespace, as
 * `servicesInNamespace(…).find(…)` would return it, from a per-mesh index. (mesh.service() prefers a Service
 * over a ServiceEntry of the same name, so it cannot answer the ServiceEntry question.)
 */
export function serviceNamed(
  mesh: Mesh,
  namespace: string,
  kind: 'Service' | 'ServiceEntry',
  name: string,
): ServiceInfo | undefined {
  let idx = namedCache.get(mesh);
  if (!idx) {
    idx = { services: new Map(), entries: new Map() };
    for (let ix = 0, list_ = mesh.services; ix < list_.length; ix++) {
      const s = list_[ix]!;
      const m = s.kind === 'Service' ? idx.services : idx.entries;
      let byName = m.get(s.namespace);
      if (!byName) m.set(s.namespace, (byName = new Map()));
      if (!byName.has(s.name)) byName.set(s.name, s);
    }
    namedCache.set(mesh, idx);
  }
  return (kind === 'Service' ? idx.services : idx.entries).get(namespace)?.get(name);
}

/** The ServiceInfo built from this Service/ServiceEntry resource. */
export function serviceOf(mesh: Mesh, r: Resource): ServiceInfo | undefined {
  return servicesInNamespace(mesh, r.namespace).find((s) => s.resource === r);
}

/** mesh → kind → namespace → name → binding (Services and ServiceEntries can share a name). */
const bindingCache = new WeakMap<Mesh, Map<string, Map<string, Map<string, ReturnType<Mesh['resolveWaypoint']>>>>>();
/** The waypoint binding of a Service/ServiceEntry (`.waypoint` undefined when traffic goes direct); memoised. */
export function serviceWaypoint(mesh: Mesh, s: ServiceInfo): ReturnType<Mesh['resolveWaypoint']> {
  let byKind = bindingCache.get(mesh);
  if (!byKind) bindingCache.set(mesh, (byKind = new Map()));
  let byNs = byKind.get(s.kind);
  if (!byNs) byKind.set(s.kind, (byNs = new Map()));
  let byName = byNs.get(s.namespace);
  if (!byName) byNs.set(s.namespace, (byName = new Map()));
  let b = byName.get(s.name);
  if (!b) {
    b = mesh.resolveWaypoint({ kind: s.kind, resource: s.resource, namespace: s.namespace, labels: s.labels });
    byName.set(s.name, b);
  }
  return b;
}

export function strings(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

// ---------------------------------------------------------------- use-waypoint labels

export interface WaypointLabelUse {
  readonly resource: Resource;
  readonly path: ObjectPath;
  readonly kind: 'Namespace' | 'Service' | 'ServiceEntry' | 'Pod' | 'WorkloadEntry';
  readonly binding: ReturnType<Mesh['resolveWaypoint']>;
}

const labelUseCache = new WeakMap<Mesh, WaypointLabelUse[]>();

/**
 * Every object that carries its own `istio.io/use-waypoint` label (not `none`), resolved once per mesh.
 * Namespace labels are resolved as if for a Service in that namespace (the common case).
 */
export function waypointLabelUses(mesh: Mesh): readonly WaypointLabelUse[] {
  const cached = labelUseCache.get(mesh);
  if (cached) return cached;
  const out: WaypointLabelUse[] = [];
  const KEY = LABEL_USE_WAYPOINT;
  for (let ix = 0, list_ = mesh.byKind('Namespace'); ix < list_.length; ix++) {
    const r = list_[ix]!;
    const v = labelOf(r.labels, KEY);
    if (r.apiVersion !== 'v1' || v === undefined || isWaypointOptOut(v)) continue;
    // A Service with no label of its own in this namespace resolves through the namespace label.
    const binding = mesh.resolveWaypoint({ kind: 'Service', resource: r, namespace: r.name, labels: {} });
    out.push({ resource: r, path: ['metadata', 'labels', KEY], kind: 'Namespace', binding });
  }
  for (let ix = 0, list_ = mesh.services; ix < list_.length; ix++) {
    const s = list_[ix]!;
    const v = labelOf(s.labels, KEY);
    if (v === undefined || isWaypointOptOut(v)) continue;
    out.push({
      resource: s.resource,
      path: ['metadata', 'labels', KEY],
      kind: s.kind,
      binding: mesh.resolveWaypoint({ kind: s.kind, resource: s.resource, namespace: s.namespace, labels: s.labels }),
    });
  }
  for (let ix = 0, list_ = mesh.workloads; ix < list_.length; ix++) {
    const w = list_[ix]!;
    const v = labelOf(w.labels, KEY);
    if (v === undefined || isWaypointOptOut(v) || w.isWaypoint) continue;
    const kind = w.kind === 'WorkloadEntry' ? 'WorkloadEntry' : 'Pod';
    const own = labelOf(w.resource.labels, KEY) !== undefined;
    const path: ObjectPath =
      kind === 'WorkloadEntry' || w.kind === 'Pod' || own
        ? ['metadata', 'labels', KEY]
        : w.kind === 'CronJob'
          ? ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels', KEY]
          : ['spec', 'template', 'metadata', 'labels', KEY];
    out.push({
      resource: w.resource,
      path,
      kind,
      binding: mesh.resolveWaypoint({ kind, resource: w.resource, namespace: w.namespace, labels: w.labels }),
    });
  }
  labelUseCache.set(mesh, out);
  return out;
}

// ---------------------------------------------------------------- routes

export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'] as const;

export interface RouteRef {
  readonly route: Resource;
  readonly path: ObjectPath;
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly port?: number;
}

interface RouteRefs {
  readonly parents: readonly RouteRef[];
  readonly backends: readonly RouteRef[];
  /**
   * HTTPRoutes and GRPCRoutes with a match of type RegularExpression (path, method, a header or query param), in
   * kind order: noted while this pass has the route's rules in cache, so regex-not-re2 reads only these.
   */
  readonly regexRoutes: readonly Resource[];
  /**
   * Gateway API routes served only by the experimental channel or using one of its fields or values, in kind
   * order (the trie walk reads the objects this pass reads anyway): gateway-api-experimental-field reads these.
   */
  readonly experimentalRoutes: readonly Resource[];
}

const routeCache = new WeakMap<Mesh, RouteRefs>();

/** parentRefs and backendRefs of every Gateway API route, with defaults applied, computed once per mesh. */
export function routeRefs(mesh: Mesh): RouteRefs {
  const cached = routeCache.get(mesh);
  if (cached) return cached;
  const parents: RouteRef[] = [];
  const backends: RouteRef[] = [];
  const regexRoutes: Resource[] = [];
  const experimentalRoutes: Resource[] = [];
  for (const kind of ROUTE_KINDS) {
    for (let ix = 0, list_ = mesh.byKind(kind); ix < list_.length; ix++) {
      const route = list_[ix]!;
      if (!isGatewayApi(route)) continue;
      const channel = channelOf(route.apiVersion, route.kind);
      if (channel.versionOnly || (channel.trie && experimentalUses(route.obj, channel.trie).length))
        experimentalRoutes.push(route);
      // Direct reads of the parsed objects, not get(…, ['name']): each path literal was an array per call here.
      const spec = route.obj.spec;
      const parentRefs = isObject(spec) && Array.isArray(spec.parentRefs) ? spec.parentRefs : NO_VALUES;
      for (let i = 0; i < parentRefs.length; i++) {
        const p = parentRefs[i];
        if (!isObject(p)) continue;
        const name = stringOf(p.name);
        if (!name) continue;
        parents.push(
          routeRef(
            route,
            ['spec', 'parentRefs', i],
            stringOf(p.group) ?? 'gateway.networking.k8s.io',
            stringOf(p.kind) ?? 'Gateway',
            stringOf(p.namespace) || route.namespace,
            name,
            p.port,
          ),
        );
      }
      const rules = isObject(spec) && Array.isArray(spec.rules) ? spec.rules : NO_VALUES;
      let regex = false;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i];
        if (!isObject(rule)) continue;
        if (!regex && (kind === 'HTTPRoute' || kind === 'GRPCRoute')) regex = hasRegexMatch(rule);
        const backendRefs = Array.isArray(rule.backendRefs) ? rule.backendRefs : NO_VALUES;
        for (let j = 0; j < backendRefs.length; j++) {
          const b = backendRefs[j];
          if (!isObject(b)) continue;
          const name = stringOf(b.name);
          if (!name) continue;
          backends.push(
            routeRef(
              route,
              ['spec', 'rules', i, 'backendRefs', j],
              stringOf(b.group) ?? '',
              stringOf(b.kind) ?? 'Service',
              stringOf(b.namespace) || route.namespace,
              name,
              b.port,
            ),
          );
        }
      }
      if (regex) regexRoutes.push(route);
    }
  }
  const out = { parents, backends, regexRoutes, experimentalRoutes };
  routeCache.set(mesh, out);
  return out;
}

const stringOf = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

const isRegex = (v: JsonValue | undefined): boolean => isObject(v) && v.type === 'RegularExpression';

function hasRegexMatch(rule: JsonValue | undefined): boolean {
  const matches = isObject(rule) ? rule.matches : undefined;
  if (!Array.isArray(matches)) return false;
  for (let j = 0; j < matches.length; j++) {
    const m = matches[j];
    if (!isObject(m)) continue;
    if (isRegex(m.path) || isRegex(m.method) || someRegex(m.headers) || someRegex(m.queryParams)) return true;
  }
  return false;
}

function someRegex(list: JsonValue | undefined): boolean {
  if (Array.isArray(list)) for (let k = 0; k < list.length; k++) if (isRegex(list[k])) return true;
  return false;
}

/** A RouteRef with `port` only when it is a number (same keys, same order as an object literal with a spread). */
function routeRef(
  route: Resource,
  path: ObjectPath,
  group: string,
  kind: string,
  namespace: string,
  name: string,
  port: JsonValue | undefined,
): RouteRef {
  return typeof port === 'number'
    ? { route, path, group, kind, namespace, name, port }
    : { route, path, group, kind, namespace, name };
}

/** The Service/ServiceEntry a route ref names, when it is in the manifests. */
export function refService(mesh: Mesh, ref: RouteRef): ServiceInfo | undefined {
  if (ref.group === '' && ref.kind === 'Service') {
    const s = mesh.service(ref.namespace, ref.name);
    return s?.kind === 'Service' ? s : undefined;
  }
  if (ref.group === 'networking.istio.io' && ref.kind === 'ServiceEntry')
    return serviceNamed(mesh, ref.namespace, 'ServiceEntry', ref.name);
  if (ref.group === 'networking.istio.io' && ref.kind === 'Hostname')
    return mesh.servicesForHost(ref.name, ref.namespace)[0];
  return undefined;
}

/** refService() of each routeRefs(mesh).parents entry, at the same index: resolved once for the rules that ask. */
const parentServiceCache = new WeakMap<Mesh, readonly (ServiceInfo | undefined)[]>();
export function parentServices(mesh: Mesh): readonly (ServiceInfo | undefined)[] {
  let out = parentServiceCache.get(mesh);
  if (!out) {
    const list: (ServiceInfo | undefined)[] = [];
    for (let ix = 0, list_ = routeRefs(mesh).parents; ix < list_.length; ix++) list.push(refService(mesh, list_[ix]!));
    parentServiceCache.set(mesh, (out = list));
  }
  return out;
}

/** Resources of routes attached (as parent) to each Service/ServiceEntry, keyed by the service's resource. */
const routedCache = new WeakMap<Mesh, Map<Resource, RouteRef[]>>();
export function routesByParentService(mesh: Mesh): ReadonlyMap<Resource, readonly RouteRef[]> {
  let m = routedCache.get(mesh);
  if (!m) {
    m = new Map();
    const services = parentServices(mesh);
    for (let ix = 0, list_ = routeRefs(mesh).parents; ix < list_.length; ix++) {
      const p = list_[ix]!;
      const s = services[ix];
      if (!s) continue;
      const l = m.get(s.resource);
      if (l) l.push(p);
      else m.set(s.resource, [p]);
    }
    routedCache.set(mesh, m);
  }
  return m;
}

/** VirtualServices that apply to mesh traffic (no `gateways`, or `mesh` listed), with their hosts resolved. */
export function meshVirtualServices(
  mesh: Mesh,
): { vs: Resource; hosts: { host: string; index: number; services: readonly ServiceInfo[] }[] }[] {
  const out: { vs: Resource; hosts: { host: string; index: number; services: readonly ServiceInfo[] }[] }[] = [];
  for (let ix = 0, list_ = mesh.byKind('VirtualService'); ix < list_.length; ix++) {
    const vs = list_[ix]!;
    if (!isGroup(vs, 'networking.istio.io')) continue;
    const gateways = strings(get(vs.obj, ['spec', 'gateways']));
    if (gateways.length && !gateways.includes('mesh')) continue;
    const hosts = getArray(vs.obj, ['spec', 'hosts'])
      .map((h, index) => ({ h, index }))
      .filter((x): x is { h: string; index: number } => typeof x.h === 'string')
      .map(({ h, index }) => ({
        host: h,
        index,
        services: h.includes('*') ? [] : mesh.servicesForHost(h, vs.namespace),
      }));
    out.push({ vs, hosts });
  }
  return out;
}

// ---------------------------------------------------------------- Gateway API experimental channel

/**
 * The experimental-channel table of every Gateway API line merged: what the route pass collects before a rule
 * checks each candidate against the table of the run's line (the pass is shared per mesh, not per version).
 */
export const EXPERIMENTAL_ANY_LINE: ExperimentalTable = (() => {
  const tables = GATEWAY_API_VERSIONS.map((v) => EXPERIMENTAL[v]);
  const fields: Record<string, string[]> = {};
  const enumValues: Record<string, { path: string; values: readonly string[] }[]> = {};
  for (const t of tables) {
    for (const [k, list] of Object.entries(t.fields)) fields[k] = [...new Set([...(fields[k] ?? []), ...list])];
    for (const [k, list] of Object.entries(t.enumValues))
      for (const e of list) {
        const have = (enumValues[k] ??= []);
        const same = have.find((x) => x.path === e.path);
        if (same) same.values = [...new Set([...same.values, ...e.values])];
        else have.push({ path: e.path, values: e.values });
      }
  }
  return { onlyVersions: [...new Set(tables.flatMap((t) => t.onlyVersions))], fields, enumValues };
})();
/**
 * The patterns of one apiVersion/kind merged into a trie, so each object is walked once for all of them (this
 * runs for every Gateway API object and almost never finds anything). `[]` is the step into every list item.
 */
interface Trie {
  readonly children: Map<string, Trie>;
  /** The children other than `[]`, as an array: the walk iterates it for every object. */
  readonly named: [step: string, child: Trie][];
  /** An experimental field ends here. */
  field: boolean;
  /** Experimental values of an enum ending here. */
  values: readonly string[] | undefined;
}
const newTrie = (): Trie => ({ children: new Map(), named: [], field: false, values: undefined });

function insert(root: Trie, pattern: string): Trie {
  let node = root;
  for (const part of pattern.split('.')) {
    const steps = part.endsWith('[]') ? [part.slice(0, -2), '[]'] : [part];
    for (const step of steps) {
      let next = node.children.get(step);
      if (!next) {
        node.children.set(step, (next = newTrie()));
        if (step !== '[]') node.named.push([step, next]);
      }
      node = next;
    }
  }
  return node;
}

export interface Channel {
  /** The apiVersion/kind is served only by the experimental CRDs. */
  readonly versionOnly: boolean;
  readonly trie: Trie | null;
}

/**
 * line → apiVersion → kind → what the tables say about it; built on first use, without a key string per object.
 * `any`: the merged table of every line (EXPERIMENTAL_ANY_LINE).
 */
const channels = new Map<GatewayApiVersion | 'any', Map<string, Map<string, Channel>>>();
export function channelOf(apiVersion: string, kind: string, line: GatewayApiVersion | 'any' = 'any'): Channel {
  let byApiVersion = channels.get(line);
  if (!byApiVersion) channels.set(line, (byApiVersion = new Map()));
  let byKind = byApiVersion.get(apiVersion);
  if (!byKind) byApiVersion.set(apiVersion, (byKind = new Map()));
  let channel = byKind.get(kind);
  if (channel === undefined) {
    const table = line === 'any' ? EXPERIMENTAL_ANY_LINE : EXPERIMENTAL[line];
    const key = `${apiVersion}|${kind}`;
    const fields = Object.prototype.hasOwnProperty.call(table.fields, key) ? table.fields[key]! : [];
    const enums = Object.prototype.hasOwnProperty.call(table.enumValues, key) ? table.enumValues[key]! : [];
    let trie: Trie | null = null;
    if (fields.length || enums.length) {
      trie = newTrie();
      for (const f of fields) insert(trie, f).field = true;
      for (const { path, values } of enums) insert(trie, path).values = values;
    }
    channel = { versionOnly: table.onlyVersions.includes(key), trie };
    byKind.set(kind, channel);
  }
  return channel;
}

export interface ExperimentalUse {
  readonly path: ObjectPath;
  readonly value: JsonValue;
  readonly kind: 'field' | 'value';
}

const NO_MATCHES: readonly ExperimentalUse[] = Object.freeze([]);

/**
 * Every experimental field present and every experimental enum value used, with their paths (a shared empty
 * array when there is none, the usual case). One recursive walk with a shared path stack; it allocates only for
 * a match.
 */
export function experimentalUses(obj: JsonValue, trie: Trie): readonly ExperimentalUse[] {
  const out: ExperimentalUse[] = [];
  // One path stack for all walks (balanced: every push is popped), not a fresh one per object: a new array, or
  // emptying this one with `length = 0`, allocated a backing store for every route of the route pass.
  walkTrie(obj, trie, trieStack, out);
  return out.length ? out : NO_MATCHES;
}
const trieStack: (string | number)[] = [];

function walkTrie(value: JsonValue, node: Trie, stack: (string | number)[], out: ExperimentalUse[]): void {
  if (node.field) out.push({ path: [...stack], value, kind: 'field' });
  if (node.values && typeof value === 'string' && node.values.includes(value))
    out.push({ path: [...stack], value, kind: 'value' });
  if (node.children.size === 0 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const each = node.children.get('[]');
    if (!each) return;
    for (let k = 0; k < value.length; k++) {
      stack.push(k);
      walkTrie(value[k]!, each, stack, out);
      stack.pop();
    }
    return;
  }
  const named = node.named;
  for (let n = 0; n < named.length; n++) {
    const entry = named[n]!;
    const step = entry[0];
    const child = entry[1];
    const v = value[step];
    if (v === undefined || v === null) continue;
    stack.push(step);
    walkTrie(v, child, stack, out);
    stack.pop();
  }
}
