/**
 * Target facts: which workloads and services a policy reaches, whether they are in ambient, and which waypoint a
 * service or a use-waypoint label binds to (SEMANTICS §1–2; the bindings are the mesh's, src/lib/model/mesh.ts).
 */
import { selectorMatches } from '../../model/access.ts';
import type { Mesh, ServiceInfo, Workload, WaypointBinding } from '../../model/mesh.ts';
import type { JsonObject, ObjectPath, Resource } from '../../model/types.ts';
import { namespaceIsAmbient as namespaceLabelsAmbient, policySelector } from '../../ambient/index.ts';
import { LABEL_USE_WAYPOINT, isWaypointOptOut, labelOf } from '../../ambient/labels.ts';
import {
  ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT,
  canaryLookup,
  LABEL_USE_WAYPOINT_CANARY,
  resolveCanaryWaypoint,
  type CanaryBinding,
} from '../../ambient/index.ts';
import { perMesh, perMeshItem } from './per-mesh.ts';

/**
 * Whether the workloads a selector/namespace-wide policy applies to are in ambient:
 * true / false when the manifests say so, undefined when they do not (no Namespace object, no workloads).
 * Five rules ask this of the same policies: once per resource and mesh.
 */
export const scopeIsAmbient = perMeshItem('scope is ambient', (mesh, r: Resource): boolean | undefined => {
  if (r.namespace === mesh.rootNamespace) return undefined;
  const selector = policySelector(r);
  const workloads = selector ? mesh.workloadsSelectedBy(r.namespace, selector) : mesh.workloadsIn(r.namespace);
  if (workloads.length) return workloads.some((w) => mesh.enrolment(w).mode === 'ambient');
  return namespaceIsAmbient(mesh, r.namespace);
});

/** true: the Namespace is labelled ambient (and not sidecar-injected); false: it is in the manifests without it; undefined: absent. */
export function namespaceIsAmbient(mesh: Mesh, ns: string): boolean | undefined {
  if (!mesh.hasNamespace(ns)) return undefined;
  return namespaceLabelsAmbient(mesh.namespaceLabels(ns));
}

export interface Targets {
  readonly workloads: readonly Workload[];
  readonly services: readonly ServiceInfo[];
}

/**
 * Several rules ask for the targets of the same policy: memoised per mesh. Most selectors are one
 * `matchLabels` entry, keyed by namespace → label → value (the parser's shared strings: no identity hash on
 * the selector object, no key string); other selectors by the selector object (one resource, so one namespace);
 * namespace-wide policies by namespace.
 */
const targetsCache = perMesh('selected targets', () => ({
  byLabel: new Map<string, Map<string, Map<string, Targets>>>(),
  bySelector: new WeakMap<JsonObject, { ns: string; t: Targets }>(),
  byNs: new Map<string, Targets>(),
}));

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
  const cache = targetsCache(mesh);
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
  const workloads = selector ? mesh.workloadsSelectedBy(namespace, selector) : mesh.workloadsIn(namespace);
  // One workload (the usual selector): its services as they are, without the Set that merges several.
  if (workloads.length === 1) return { workloads, services: mesh.servicesSelecting(namespace, workloads[0]!.labels) };
  if (workloads.length) {
    const seen = new Set<ServiceInfo>();
    for (const w of workloads) for (const s of mesh.servicesSelecting(namespace, w.labels)) seen.add(s);
    return { workloads, services: [...seen] };
  }
  const services = mesh
    .servicesIn(namespace)
    .filter(
      (s) => s.kind === 'Service' && s.selector !== undefined && (!selector || selectorMatches(selector, s.selector)),
    );
  return { workloads, services };
}

/** The ServiceInfo built from this Service/ServiceEntry resource. */
export function serviceOf(mesh: Mesh, r: Resource): ServiceInfo | undefined {
  if (r.kind !== 'Service' && r.kind !== 'ServiceEntry') return undefined;
  const s = mesh.service(r.kind, r.namespace, r.name);
  return s?.resource === r ? s : undefined;
}

/** The waypoint binding of a Service/ServiceEntry (`.waypoint` undefined when traffic goes direct); memoised. */
export const serviceWaypoint = perMeshItem('service waypoint', (mesh, s: ServiceInfo): WaypointBinding =>
  mesh.resolveWaypoint({ kind: s.kind, resource: s.resource, namespace: s.namespace, labels: s.labels }),
);

// ---------------------------------------------------------------- use-waypoint labels

export interface WaypointLabelUse {
  readonly resource: Resource;
  readonly path: ObjectPath;
  readonly kind: 'Namespace' | 'Service' | 'ServiceEntry' | 'Pod' | 'WorkloadEntry';
  readonly binding: WaypointBinding;
}

/**
 * Every object that carries its own `istio.io/use-waypoint` label (not `none`), resolved once per mesh.
 * Namespace labels are resolved as if for a Service in that namespace (the common case).
 */
export const waypointLabelUses = perMesh('use-waypoint labels', (mesh): readonly WaypointLabelUse[] => {
  const out: WaypointLabelUse[] = [];
  const KEY = LABEL_USE_WAYPOINT;
  for (const r of mesh.byKind('Namespace')) {
    const v = labelOf(r.labels, KEY);
    if (r.apiVersion !== 'v1' || v === undefined || isWaypointOptOut(v)) continue;
    // A Service with no label of its own in this namespace resolves through the namespace label.
    const binding = mesh.resolveWaypoint({ kind: 'Service', resource: r, namespace: r.name, labels: {} });
    out.push({ resource: r, path: ['metadata', 'labels', KEY], kind: 'Namespace', binding });
  }
  for (const s of mesh.services) {
    const v = labelOf(s.labels, KEY);
    if (v === undefined || isWaypointOptOut(v)) continue;
    out.push({
      resource: s.resource,
      path: ['metadata', 'labels', KEY],
      kind: s.kind,
      binding: mesh.resolveWaypoint({ kind: s.kind, resource: s.resource, namespace: s.namespace, labels: s.labels }),
    });
  }
  for (const w of mesh.workloads) {
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
  return out;
});

// ---------------------------------------------------------------- canary waypoints (Istio 1.31)

/** Where a canary label or weight annotation applies: a Namespace (for its unlabelled services) or a service. */
export interface CanarySite {
  readonly resource: Resource;
  readonly kind: 'Namespace' | 'Service' | 'ServiceEntry';
  readonly primary: WaypointBinding;
  readonly canary: CanaryBinding;
  /** Resource carrying the canary label that was used (the site's own, or its Namespace). */
  readonly labelResource: Resource;
}

/**
 * Every Namespace, Service and ServiceEntry that sets a canary label or weight annotation of its own, resolved
 * once per mesh and Istio line (`enabled`: the line has canary waypoints). A Namespace is resolved as for a Service in it with no labels of its own.
 */
export const canarySites = perMeshItem('canary sites', (mesh, enabled: boolean): readonly CanarySite[] => {
  const lookup = canaryLookup(mesh);
  const sets = (r: Resource) =>
    labelOf(r.labels, LABEL_USE_WAYPOINT_CANARY) !== undefined ||
    labelOf(r.annotations, ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT) !== undefined;
  const namespaces = new Map<string, Resource>();
  const out: CanarySite[] = [];
  for (const r of mesh.byKind('Namespace')) {
    if (r.apiVersion !== 'v1') continue;
    namespaces.set(r.name, r);
    if (!sets(r)) continue;
    const target = { kind: 'Service' as const, resource: r, namespace: r.name, labels: {} };
    const primary = mesh.resolveWaypoint(target);
    const canary = resolveCanaryWaypoint(target, primary, lookup, enabled);
    if (canary) out.push({ resource: r, kind: 'Namespace', primary, canary, labelResource: r });
  }
  for (const s of mesh.services) {
    if (!sets(s.resource)) continue;
    const target = { kind: s.kind, resource: s.resource, namespace: s.namespace, labels: s.labels };
    const primary = mesh.resolveWaypoint(target);
    const canary = resolveCanaryWaypoint(target, primary, lookup, enabled);
    if (!canary) continue;
    const labelResource = canary.requested.from === 'object' ? s.resource : (namespaces.get(s.namespace) ?? s.resource);
    // A canary inherited whole from the Namespace is the Namespace's site; report it there only.
    if (labelResource !== s.resource && canary.weightAnnotation?.from !== 'object') continue;
    out.push({ resource: s.resource, kind: s.kind, primary, canary, labelResource });
  }
  return out;
});
