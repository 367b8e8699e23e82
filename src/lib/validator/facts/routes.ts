/**
 * Route facts: the parentRefs and backendRefs of every Gateway API route with the Gateway API defaults applied
 * (kubernetes-sigs/gateway-api apis/v1/shared_types.go: a parentRef defaults to group gateway.networking.k8s.io,
 * kind Gateway; a backendRef to group "", kind Service; both to the route's namespace), the services they name,
 * and the mesh-bound VirtualServices.
 */
import { get, getArray } from '../../model/access.ts';
import type { Mesh, ServiceInfo } from '../../model/mesh.ts';
import type { JsonValue, ObjectPath, Resource } from '../../model/types.ts';
import { hostsOverlap, resolveShortname } from '../../ambient/index.ts';
import { perMesh } from './per-mesh.ts';
import { isGatewayApi, isGroup, isObject, ROUTE_KINDS, stringOf, strings } from './resources.ts';

export interface RouteRef {
  readonly route: Resource;
  readonly path: ObjectPath;
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly port?: number;
}

export interface RouteRefs {
  readonly parents: readonly RouteRef[];
  readonly backends: readonly RouteRef[];
}

const NO_VALUES: readonly JsonValue[] = Object.freeze([]);

/** parentRefs and backendRefs of every Gateway API route, with defaults applied, computed once per mesh. */
export const routeRefs = perMesh('route refs', (mesh): RouteRefs => {
  const parents: RouteRef[] = [];
  const backends: RouteRef[] = [];
  for (const kind of ROUTE_KINDS)
    for (const route of mesh.byKind(kind)) {
      if (!isGatewayApi(route)) continue;
      // Direct reads of the parsed objects, not get(…, ['name']): each path literal was an array per call here.
      const spec = route.obj.spec;
      const parentRefs = isObject(spec) && Array.isArray(spec.parentRefs) ? spec.parentRefs : NO_VALUES;
      for (let i = 0; i < parentRefs.length; i++) {
        const p = parentRefs[i];
        if (!isObject(p)) continue;
        const name = stringOf(p.name);
        if (!name) continue;
        const group = stringOf(p.group) ?? 'gateway.networking.k8s.io';
        const ns = stringOf(p.namespace) || route.namespace;
        parents.push(
          routeRef(route, ['spec', 'parentRefs', i], group, stringOf(p.kind) ?? 'Gateway', ns, name, p.port),
        );
      }
      const rules = isObject(spec) && Array.isArray(spec.rules) ? spec.rules : NO_VALUES;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i];
        if (!isObject(rule)) continue;
        const backendRefs = Array.isArray(rule.backendRefs) ? rule.backendRefs : NO_VALUES;
        for (let j = 0; j < backendRefs.length; j++) {
          const b = backendRefs[j];
          if (!isObject(b)) continue;
          const name = stringOf(b.name);
          if (!name) continue;
          const path = ['spec', 'rules', i, 'backendRefs', j];
          const ns = stringOf(b.namespace) || route.namespace;
          backends.push(
            routeRef(route, path, stringOf(b.group) ?? '', stringOf(b.kind) ?? 'Service', ns, name, b.port),
          );
        }
      }
    }
  return { parents, backends };
});

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

/**
 * HTTPRoutes and GRPCRoutes with a match of type RegularExpression (path, method, a header or query param), in
 * kind order: regex-not-re2 reads only these.
 */
export const regexRoutes = perMesh('regex routes', (mesh): readonly Resource[] => {
  const out: Resource[] = [];
  for (const kind of ['HTTPRoute', 'GRPCRoute'])
    for (const route of mesh.byKind(kind)) {
      if (!isGatewayApi(route)) continue;
      const spec = route.obj.spec;
      const rules = isObject(spec) && Array.isArray(spec.rules) ? spec.rules : NO_VALUES;
      if (rules.some(hasRegexMatch)) out.push(route);
    }
  return out;
});

const isRegex = (v: JsonValue | undefined): boolean => isObject(v) && v.type === 'RegularExpression';

function hasRegexMatch(rule: JsonValue | undefined): boolean {
  const matches = isObject(rule) ? rule.matches : undefined;
  if (!Array.isArray(matches)) return false;
  return matches.some(
    (m) =>
      isObject(m) &&
      (isRegex(m.path) ||
        isRegex(m.method) ||
        (Array.isArray(m.headers) && m.headers.some(isRegex)) ||
        (Array.isArray(m.queryParams) && m.queryParams.some(isRegex))),
  );
}

/** The Service/ServiceEntry a route ref names, when it is in the manifests. */
export function refService(mesh: Mesh, ref: RouteRef): ServiceInfo | undefined {
  if (ref.group === '' && ref.kind === 'Service') return mesh.service('Service', ref.namespace, ref.name);
  if (ref.group === 'networking.istio.io' && ref.kind === 'ServiceEntry')
    return mesh.service('ServiceEntry', ref.namespace, ref.name);
  if (ref.group === 'networking.istio.io' && ref.kind === 'Hostname')
    return mesh.servicesForHost(ref.name, ref.namespace)[0];
  return undefined;
}

/** refService() of each routeRefs(mesh).parents entry, at the same index: resolved once for the rules that ask. */
export const parentServices = perMesh('parent services', (mesh): readonly (ServiceInfo | undefined)[] =>
  routeRefs(mesh).parents.map((p) => refService(mesh, p)),
);

/** Resources of routes attached (as parent) to each Service/ServiceEntry, keyed by the service's resource. */
export const routesByParentService = perMesh(
  'routes by parent service',
  (mesh): ReadonlyMap<Resource, readonly RouteRef[]> => {
    const m = new Map<Resource, RouteRef[]>();
    const services = parentServices(mesh);
    routeRefs(mesh).parents.forEach((p, ix) => {
      const s = services[ix];
      if (!s) return;
      const l = m.get(s.resource);
      if (l) l.push(p);
      else m.set(s.resource, [p]);
    });
    return m;
  },
);

export interface MeshVirtualService {
  readonly vs: Resource;
  readonly hosts: { host: string; index: number; services: readonly ServiceInfo[] }[];
}

/**
 * The services whose host is this VirtualService host as istiod reads it (resolveShortname): the same name, as
 * written, the way a waypoint compares them (listener_waypoint.go getVirtualServiceForWaypoint). The mesh's host
 * index is a client's DNS view, which also completes `name.namespace`; it only narrows the candidates here.
 */
function servicesNamed(mesh: Mesh, host: string, namespace: string): readonly ServiceInfo[] {
  return mesh.servicesForHost(host, namespace).filter((s) => s.hosts.some((x) => hostsOverlap(host, x)));
}

/** VirtualServices that apply to mesh traffic (no `gateways`, or `mesh` listed), with their hosts resolved. */
export const meshVirtualServices = perMesh('mesh virtual services', (mesh): readonly MeshVirtualService[] => {
  const out: MeshVirtualService[] = [];
  for (const vs of mesh.byKind('VirtualService')) {
    if (!isGroup(vs, 'networking.istio.io')) continue;
    const gateways = strings(get(vs.obj, ['spec', 'gateways']));
    if (gateways.length && !gateways.includes('mesh')) continue;
    const hosts = getArray(vs.obj, ['spec', 'hosts'])
      .map((h, index) => ({ h, index }))
      .filter((x): x is { h: string; index: number } => typeof x.h === 'string')
      .map(({ h, index }) => ({
        host: h,
        index,
        services: h.includes('*') ? [] : servicesNamed(mesh, resolveShortname(h, vs.namespace), vs.namespace),
      }));
    out.push({ vs, hosts });
  }
  return out;
});
