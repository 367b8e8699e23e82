/** Reading resources: API groups, kinds and plain values, shared by the facts and the rules. */
import { KINDS } from '../../ambient/index.ts';
import { ISTIO_LINES, ISTIO_VERSIONS } from '../../versions.ts';
import type { Mesh } from '../../model/mesh.ts';
import type { JsonObject, JsonValue, Resource } from '../../model/types.ts';

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

export const isObject = (v: JsonValue | undefined): v is JsonObject =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

export const stringOf = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

// spec() runs for every policy in several rules: plain property reads. Target refs, actions and selectors come from
// the semantics layer (src/lib/ambient/attachment.ts).
export function spec(r: Resource): JsonObject {
  const s = r.obj.spec;
  return isObject(s) ? s : {};
}

export function strings(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

// ---------------------------------------------------------------- input kinds (RuleMeta.inputs)
// The mesh derives workloads, services and waypoints from several kinds: a rule reading them declares these.

/** Kinds the mesh turns into workloads (src/lib/ambient/kinds.ts roles). */
export const WORKLOAD_KINDS: readonly string[] = KINDS.filter((k) => k.role !== undefined).map((k) => k.kind);
/** Kinds the mesh turns into services. */
export const SERVICE_KINDS: readonly string[] = ['Service', 'ServiceEntry'];
/**
 * What a waypoint binding reads: Gateways and their classes, and the use-waypoint labels of namespaces, services
 * and workloads (a Gateway a label names is a waypoint whatever its class).
 */
export const WAYPOINT_KINDS: readonly string[] = [
  'Namespace',
  'Gateway',
  'GatewayClass',
  ...SERVICE_KINDS,
  ...WORKLOAD_KINDS,
];
/** The Gateway API route kinds. */
export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'] as const;
/** What scopeIsAmbient reads: the workloads a policy selects and their namespaces' labels. */
export const SCOPE_KINDS: readonly string[] = ['Namespace', ...WORKLOAD_KINDS];
/** Kinds some Istio line needs a minimum Gateway API CRD bundle for (versions.ts minimumCrdBundle). */
export const CRD_BUNDLE_KINDS: readonly string[] = [
  ...new Set(ISTIO_VERSIONS.flatMap((v) => Object.keys(ISTIO_LINES[v].minimumCrdBundle))),
];
