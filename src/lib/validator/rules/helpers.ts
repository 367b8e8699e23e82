/**
 * Shared reasoning for the ambient rules. Everything here reads the one mesh index of the run
 * (src/lib/model/mesh.ts); nothing scans all resources.
 */
import { get, getArray, getObject, getString, selectorMatches } from '../../model/access.ts';
import type { Mesh, ServiceInfo, Workload } from '../../model/mesh.ts';
import type { JsonObject, JsonValue, ObjectPath, Resource } from '../../model/types.ts';

export const isGroup = (r: Resource, group: string): boolean => r.apiVersion.startsWith(`${group}/`);
export const isIstioSecurity = (r: Resource): boolean => isGroup(r, 'security.istio.io');
export const isGatewayApi = (r: Resource): boolean => isGroup(r, 'gateway.networking.k8s.io');

/** Resources of a kind in one API group, from the mesh's kind index. */
export function ofKind(mesh: Mesh, kind: string, group: string): Resource[] {
  return mesh.byKind(kind).filter((r) => (group === '' ? !r.apiVersion.includes('/') : isGroup(r, group)));
}

export function spec(r: Resource): JsonObject {
  return getObject(r.obj, ['spec']) ?? {};
}

export function hasTargetRefs(r: Resource): boolean {
  const s = spec(r);
  return getObject(s, ['targetRef']) !== undefined || getArray(s, ['targetRefs']).length > 0;
}

/** `targetRef` and each `targetRefs[i]` with their paths. */
export function targetRefs(r: Resource): { ref: JsonObject; path: ObjectPath }[] {
  const s = spec(r);
  const out: { ref: JsonObject; path: ObjectPath }[] = [];
  const one = getObject(s, ['targetRef']);
  if (one) out.push({ ref: one, path: ['spec', 'targetRef'] });
  getArray(s, ['targetRefs']).forEach((t, i) => {
    if (t && typeof t === 'object' && !Array.isArray(t)) out.push({ ref: t, path: ['spec', 'targetRefs', i] });
  });
  return out;
}

export type Action = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';
export function actionOf(r: Resource): Action {
  const a = getString(r.obj, ['spec', 'action']);
  return a === 'DENY' || a === 'AUDIT' || a === 'CUSTOM' ? a : 'ALLOW';
}

// ---------------------------------------------------------------- L4 / L7 attributes (SEMANTICS §3)
// istio/istio pilot/pkg/serviceregistry/ambient/authorization.go decides what ztunnel can enforce.

export const L7_SOURCE = ['requestPrincipals', 'notRequestPrincipals', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const;
export const L7_OPERATION = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'] as const;
export const L4_WHEN_KEYS = new Set(['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port']);
export const DROPPED_SOURCE = ['trustDomains', 'notTrustDomains'] as const;

export interface L7Use {
  readonly path: ObjectPath;
  readonly field: string;
}

/** Every L7-only attribute of `spec.rules[i]`, in document order. */
export function l7Uses(r: Resource, i: number): L7Use[] {
  const rule = get(r.obj, ['spec', 'rules', i]);
  const out: L7Use[] = [];
  getArray(rule, ['from']).forEach((f, j) => {
    const src = getObject(f, ['source']);
    if (!src) return;
    for (const k of L7_SOURCE) if (src[k] !== undefined) out.push({ path: ['spec', 'rules', i, 'from', j, 'source', k], field: k });
  });
  getArray(rule, ['to']).forEach((t, j) => {
    const op = getObject(t, ['operation']);
    if (!op) return;
    for (const k of L7_OPERATION) if (op[k] !== undefined) out.push({ path: ['spec', 'rules', i, 'to', j, 'operation', k], field: k });
  });
  getArray(rule, ['when']).forEach((w, j) => {
    const key = getString(w, ['key']);
    if (key !== undefined && !L4_WHEN_KEYS.has(key)) out.push({ path: ['spec', 'rules', i, 'when', j, 'key'], field: `when ${key}` });
  });
  return out;
}

// ---------------------------------------------------------------- scope and enrolment

/**
 * Whether the workloads a selector/namespace-wide policy applies to are in ambient:
 * true / false when the manifests say so, undefined when they do not (no Namespace object, no workloads).
 */
export function scopeIsAmbient(mesh: Mesh, r: Resource): boolean | undefined {
  if (r.namespace === mesh.rootNamespace) return undefined;
  const selector = getObject(r.obj, ['spec', 'selector']) ?? getObject(r.obj, ['spec', 'workloadSelector']);
  const workloads = selector ? mesh.workloadsSelectedBy(r.namespace, selector) : workloadsInNamespace(mesh, r.namespace);
  if (workloads.length) return workloads.some((w) => mesh.enrolment(w).mode === 'ambient');
  return namespaceIsAmbient(mesh, r.namespace);
}

/** true: the Namespace is labelled ambient (and not sidecar-injected); false: it is in the manifests without it; undefined: absent. */
export function namespaceIsAmbient(mesh: Mesh, ns: string): boolean | undefined {
  if (!mesh.hasNamespace(ns)) return undefined;
  const labels = mesh.namespaceLabels(ns);
  const injected = labels['istio-injection'] === 'enabled' || labels['istio.io/rev'] !== undefined;
  return labels['istio.io/dataplane-mode'] === 'ambient' && !injected;
}

/** Workloads a policy with `selector` picks; without Deployments, the Services whose selector it matches stand in. */
export function selectedTargets(
  mesh: Mesh,
  namespace: string,
  selector: JsonObject | undefined,
): { workloads: readonly Workload[]; services: readonly ServiceInfo[] } {
  const sel = selector ?? {};
  const workloads = selector ? mesh.workloadsSelectedBy(namespace, sel) : workloadsInNamespace(mesh, namespace);
  if (workloads.length) {
    const seen = new Set<ServiceInfo>();
    for (const w of workloads) for (const s of mesh.servicesSelecting(namespace, w.labels)) seen.add(s);
    return { workloads, services: [...seen] };
  }
  const services = servicesInNamespace(mesh, namespace).filter(
    (s) => s.kind === 'Service' && s.selector !== undefined && (!selector || selectorMatches(sel, s.selector)),
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
    for (const s of mesh.services) {
      const l = idx.services.get(s.namespace);
      if (l) l.push(s);
      else idx.services.set(s.namespace, [s]);
    }
    for (const w of mesh.workloads) {
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

/** The ServiceInfo built from this Service/ServiceEntry resource. */
export function serviceOf(mesh: Mesh, r: Resource): ServiceInfo | undefined {
  return servicesInNamespace(mesh, r.namespace).find((s) => s.resource === r);
}

/** The waypoint a Service/ServiceEntry really uses (undefined when traffic goes direct). */
export function serviceWaypoint(mesh: Mesh, s: ServiceInfo) {
  return mesh.resolveWaypoint({ kind: s.kind, resource: s.resource, namespace: s.namespace, labels: s.labels });
}

/** A principal pattern (`*`, `prefix*`, `*suffix`, exact) matches a concrete principal. */
export function principalMatches(pattern: string, principal: string): boolean {
  const p = pattern.replace(/^spiffe:\/\//, '');
  if (p === '*') return true;
  if (p.endsWith('*')) return principal.startsWith(p.slice(0, -1));
  if (p.startsWith('*')) return principal.endsWith(p.slice(1));
  return p === principal;
}

export function strings(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Group/kind of a Gateway API reference, with the defaults of its field. */
export function refKind(ref: JsonValue | undefined, defaultGroup: string, defaultKind: string): { group: string; kind: string } {
  return { group: getString(ref, ['group']) ?? defaultGroup, kind: getString(ref, ['kind']) ?? defaultKind };
}
