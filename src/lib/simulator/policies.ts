/**
 * Which AuthorizationPolicy / RequestAuthentication / PeerAuthentication objects reach an enforcement point
 * (SEMANTICS §3): selector, namespace-wide and root-namespace policies at a workload's ztunnel or sidecar
 * (istio/istio release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go), targetRefs policies at a waypoint
 * (pilot/pkg/model/policyattachment.go). Split from authz.ts, which evaluates what this selects.
 */
import { getArray, getObject, selectorMatches } from '../model/access.ts';
import type { JsonObject, Resource } from '../model/types.ts';
import type { Mesh, Waypoint } from '../model/mesh.ts';
import {
  actionOf,
  attachmentOf,
  isDryRun,
  targetRefs,
  WAYPOINT_CLASS,
  type Action,
  type Attachment,
} from '../ambient/index.ts';

/** Shared stand-in for an absent `source`/`operation`/rule object, so its compiled form is cached too. */
export const EMPTY_OBJECT: JsonObject = Object.freeze({}) as JsonObject;

export interface AppliedPolicy {
  readonly resource: Resource;
  readonly attachment: Attachment;
}

/** What evaluation needs from a policy, read once per (immutable) resource. */
export interface CompiledPolicy {
  readonly action: Action;
  readonly rules: readonly JsonObject[];
  readonly targetRefs: ReturnType<typeof targetRefs>;
  readonly selector: JsonObject | undefined;
  readonly dryRun: boolean;
}
const compiledPolicies = new WeakMap<Resource, CompiledPolicy>();
export function policyOf(r: Resource): CompiledPolicy {
  let c = compiledPolicies.get(r);
  if (!c) {
    c = {
      action: actionOf(r),
      rules: getArray(r.obj, ['spec', 'rules']).map((x) => getObject(x, []) ?? EMPTY_OBJECT),
      targetRefs: targetRefs(r),
      selector: getObject(r.obj, ['spec', 'selector']),
      dryRun: isDryRun(r.annotations),
    };
    compiledPolicies.set(r, c);
  }
  return c;
}

/**
 * Whether `r` has a targetRef to this kind and name (the policy's own namespace is implied): the trace note for
 * policies that target a Service which has no waypoint.
 */
export function targetsByName(r: Resource, kind: string, name: string): boolean {
  // Indexed: most policies share one frozen empty list, which for…of iterates on a slower path.
  const refs = policyOf(r).targetRefs;
  for (let i = 0; i < refs.length; i++) if (refs[i]!.kind === kind && refs[i]!.name === name) return true;
  return false;
}

/** Resources of `kind` in these namespaces (each once): per-trace work stays independent of mesh size. */
export function inNamespaces(mesh: Mesh, kind: string, namespaces: readonly string[]): Resource[] {
  const out: Resource[] = [];
  for (let i = 0; i < namespaces.length; i++) {
    const ns = namespaces[i]!;
    if (namespaces.indexOf(ns) === i) for (const r of mesh.inNamespace(kind, ns)) out.push(r);
  }
  return out;
}

/**
 * Per-mesh memo of the policy sets below. They depend only on the manifests (a Mesh and its resources are never
 * changed after buildMesh), so each is computed on first use and kept with the mesh: the per-workload set is what
 * istiod computes once per config for ztunnel, not per request.
 */
interface PolicyMemo {
  readonly byWorkload: WeakMap<object, Map<string, readonly AppliedPolicy[]>>;
  readonly byWaypoint: WeakMap<Waypoint, Map<string, readonly AppliedPolicy[]>>;
}
const policyMemos = new WeakMap<Mesh, PolicyMemo>();
function memoOf(mesh: Mesh): PolicyMemo {
  let m = policyMemos.get(mesh);
  if (!m) policyMemos.set(mesh, (m = { byWorkload: new WeakMap(), byWaypoint: new WeakMap() }));
  return m;
}

/** Policies of `kind` that reach a workload's ztunnel (or sidecar): selector, namespace-wide, root namespace. */
export function policiesForWorkload(
  mesh: Mesh,
  kind: string,
  w: { namespace: string; labels: Readonly<Record<string, string>> },
): AppliedPolicy[] {
  const memo = memoOf(mesh).byWorkload;
  let byKind = memo.get(w);
  if (!byKind) memo.set(w, (byKind = new Map()));
  let found = byKind.get(kind);
  if (!found) byKind.set(kind, (found = selectWorkloadPolicies(mesh, kind, w)));
  return [...found];
}

function selectWorkloadPolicies(
  mesh: Mesh,
  kind: string,
  w: { namespace: string; labels: Readonly<Record<string, string>> },
): AppliedPolicy[] {
  const out: AppliedPolicy[] = [];
  for (const r of inNamespaces(mesh, kind, [w.namespace, mesh.rootNamespace])) {
    if (!r.apiVersion.startsWith('security.istio.io/')) continue;
    const p = policyOf(r);
    if (p.targetRefs.length) continue;
    if (r.namespace !== w.namespace && r.namespace !== mesh.rootNamespace) continue;
    const attachment = attachmentOf(r, mesh.rootNamespace);
    if (p.selector === undefined || selectorMatches(p.selector, w.labels)) out.push({ resource: r, attachment });
  }
  return out.sort((a, b) => a.resource.seq - b.resource.seq);
}

function refMatches(
  ref: { group: string | undefined; kind: string | undefined; name: string | undefined },
  kind: string,
  group: string,
  name: string,
): boolean {
  const g = ref.group ?? '';
  return ref.kind === kind && ref.name === name && (g === group || (group === '' && g === 'core'));
}

/**
 * Policies of `kind` attached (targetRefs) to what a waypoint serves for this request: the waypoint Gateway
 * itself, the destination Service/ServiceEntry (same namespace), or the `istio-waypoint` GatewayClass from the
 * root namespace (SEMANTICS §3 "At the waypoint").
 */
export function policiesForWaypoint(
  mesh: Mesh,
  kind: string,
  wp: Waypoint,
  service: { kind: 'Service' | 'ServiceEntry'; namespace: string; name: string } | undefined,
): AppliedPolicy[] {
  const memo = memoOf(mesh).byWaypoint;
  let byKey = memo.get(wp);
  if (!byKey) memo.set(wp, (byKey = new Map()));
  const key = service ? `${kind}\u0000${service.kind}\u0000${service.namespace}\u0000${service.name}` : kind;
  let found = byKey.get(key);
  if (!found) byKey.set(key, (found = selectWaypointPolicies(mesh, kind, wp, service)));
  return [...found];
}

function selectWaypointPolicies(
  mesh: Mesh,
  kind: string,
  wp: Waypoint,
  service: { kind: 'Service' | 'ServiceEntry'; namespace: string; name: string } | undefined,
): AppliedPolicy[] {
  const out: AppliedPolicy[] = [];
  const namespaces = [wp.namespace, ...(service ? [service.namespace] : []), mesh.rootNamespace];
  for (const r of inNamespaces(mesh, kind, namespaces)) {
    if (!r.apiVersion.startsWith('security.istio.io/')) continue;
    const refs = policyOf(r).targetRefs;
    const hit = refs.some(
      (ref) =>
        (r.namespace === wp.namespace && refMatches(ref, 'Gateway', 'gateway.networking.k8s.io', wp.name)) ||
        (service !== undefined &&
          r.namespace === service.namespace &&
          (service.kind === 'Service'
            ? refMatches(ref, 'Service', '', service.name)
            : refMatches(ref, 'ServiceEntry', 'networking.istio.io', service.name))) ||
        (r.namespace === mesh.rootNamespace &&
          refMatches(ref, 'GatewayClass', 'gateway.networking.k8s.io', WAYPOINT_CLASS)),
    );
    if (hit) out.push({ resource: r, attachment: 'targetRefs' });
  }
  return out.sort((a, b) => a.resource.seq - b.resource.seq);
}
