/**
 * VirtualService routing at a waypoint (SEMANTICS §5: alpha upstream). The `http` routes of the VirtualServices
 * bound to the mesh for the destination host are tried in order and the first match wins (istio/api
 * networking/v1/virtual_service.proto: HTTPRoute "rules are evaluated in order"); no match is a 404.
 * DestinationRule subsets pick pods by their labels.
 */
import { get, getArray, getObject, getString } from '../model/access.ts';
import type { JsonObject, JsonValue, Resource } from '../model/types.ts';
import { re2FullMatch } from '../model/re2.ts';
import { hostsOverlap, labelOf, resolveShortname, waypointUsesRouteFrom } from '../ambient/index.ts';
import { inNamespaces } from './policies.ts';
import type { Mesh, ServiceInfo as MeshService } from './mesh.ts';
import type { HttpRequestView, RouteBackend, RouteOutcome, RouteScope } from './routing.ts';
import type { Decision } from './types.ts';

export interface VsRequestView extends HttpRequestView {
  readonly clientLabels: Readonly<Record<string, string>>;
}

/**
 * Whether a VirtualService host (resolveShortname) applies to a service host. A waypoint compares them as
 * written, in either direction (listener_waypoint.go getVirtualServiceForWaypoint, host.Name.Matches). A sidecar
 * lowercases the VirtualService host, looks a plain one up by exact name and compares only a wildcard one in
 * either direction (route/route.go separateVSHostsAndServices).
 */
function vsHostSelects(vsHost: string, serviceHost: string, at: RouteScope['at']): boolean {
  if (at === 'waypoint') return hostsOverlap(vsHost, serviceHost);
  const h = vsHost.toLowerCase();
  return h.startsWith('*') ? hostsOverlap(h, serviceHost) : h === serviceHost;
}

/**
 * VirtualServices for the mesh (no `gateways`, or `mesh` among them) whose hosts cover the service. A waypoint
 * reads only those of the Service's namespace and its own (listener_waypoint.go getVirtualServiceForWaypoint);
 * a sidecar client also its own namespace's and the root namespace's.
 */
export function virtualServicesFor(mesh: Mesh, svc: MeshService, scope: RouteScope): Resource[] {
  if (!mesh.byKind('VirtualService').length) return []; // the common case: nothing to look through
  const clientNs = scope.clientNamespace;
  const namespaces =
    scope.at === 'waypoint'
      ? [svc.namespace, scope.waypointNamespace]
      : [svc.namespace, ...(clientNs !== undefined ? [clientNs] : []), mesh.rootNamespace];
  return inNamespaces(mesh, 'VirtualService', namespaces)
    .filter((r) => r.apiVersion.startsWith('networking.istio.io/'))
    .filter(
      (r) => scope.at !== 'waypoint' || waypointUsesRouteFrom(r.namespace, svc.namespace, scope.waypointNamespace),
    )
    .filter((r) => {
      const gateways = getArray(r.obj, ['spec', 'gateways']).map(String);
      if (gateways.length && !gateways.includes('mesh')) return false;
      const hosts = getArray(r.obj, ['spec', 'hosts']).map((h) => resolveShortname(String(h), r.namespace));
      return svc.hosts.some((h) => hosts.some((p) => vsHostSelects(p, h, scope.at)));
    })
    .sort((a, b) => a.seq - b.seq);
}

/** Istio StringMatch: exact | prefix | regex (full match). */
function stringMatches(m: JsonValue | undefined, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  const v = ignoreCase ? value.toLowerCase() : value;
  const exact = getString(m, ['exact']);
  if (exact !== undefined) return v === (ignoreCase ? exact.toLowerCase() : exact);
  const prefix = getString(m, ['prefix']);
  if (prefix !== undefined) return v.startsWith(ignoreCase ? prefix.toLowerCase() : prefix);
  const regex = getString(m, ['regex']);
  // RE2, full match (model/re2.ts). ignoreUriCase does not apply: istiod sets RouteMatch.case_sensitive, which
  // Envoy ignores for safe_regex (route_components.proto: "Ignored for safe_regex matching"); `(?i)` does it.
  if (regex !== undefined) return re2FullMatch(regex, value);
  return true;
}

function matchRequest(m: JsonObject, req: VsRequestView): boolean {
  if (m.uri !== undefined && !stringMatches(m.uri, req.path, get(m, ['ignoreUriCase']) === true)) return false;
  if (m.method !== undefined && !stringMatches(m.method, req.method)) return false;
  const port = get(m, ['port']);
  if (typeof port === 'number' && port !== req.servicePort) return false;
  for (const [name, sm] of Object.entries(getObject(m, ['headers']) ?? {})) {
    if (!stringMatches(sm, req.headers.get(name.toLowerCase()))) return false;
  }
  for (const [name, sm] of Object.entries(getObject(m, ['withoutHeaders']) ?? {})) {
    const have = req.headers.get(name.toLowerCase());
    if (have !== undefined && stringMatches(sm, have)) return false;
  }
  for (const [name, sm] of Object.entries(getObject(m, ['queryParams']) ?? {})) {
    if (!stringMatches(sm, req.query.get(name))) return false;
  }
  const sourceNs = getString(m, ['sourceNamespace']);
  if (sourceNs !== undefined && sourceNs !== req.clientNamespace) return false;
  for (const [k, v] of Object.entries(getObject(m, ['sourceLabels']) ?? {})) {
    // A non-scalar value (an object, which String() could turn into a call of its own toString) never matches.
    const want = scalar(v);
    if (want === undefined || labelOf(req.clientLabels, k) !== want) return false;
  }
  return true;
}

/** DestinationRules whose host is this service (its namespace and the root namespace). */
export function destinationRulesFor(mesh: Mesh, svc: MeshService): Resource[] {
  if (!mesh.byKind('DestinationRule').length) return [];
  return inNamespaces(mesh, 'DestinationRule', [svc.namespace, mesh.rootNamespace]).filter((r) =>
    svc.hosts.some((h) => resolveShortname(getString(r.obj, ['spec', 'host']) ?? '', r.namespace) === h),
  );
}

/** A label value as the API server stores it: strings, and numbers or booleans spelled out; nothing else. */
function scalar(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function subsetLabels(
  mesh: Mesh,
  svc: MeshService,
  subset: string,
): { labels: Record<string, string> } | { invalid: string } | undefined {
  for (const r of destinationRulesFor(mesh, svc)) {
    const s = getArray(r.obj, ['spec', 'subsets']).find((x) => getString(x, ['name']) === subset);
    if (s) {
      const out = new Map<string, string>();
      for (const [k, v] of Object.entries(getObject(s, ['labels']) ?? {})) {
        const value = scalar(v);
        // The API server rejects a non-string label value; a subset with one selects no pod.
        if (value === undefined) return { invalid: `subset ${subset} has a non-string label value for ${k}` };
        out.set(k, value);
      }
      return { labels: Object.fromEntries(out) };
    }
  }
  return undefined;
}

function destinationsOf(mesh: Mesh, vs: Resource, route: JsonObject, fallbackPort: number): RouteBackend[] {
  const list = getArray(route, ['route']);
  return list.map((d) => {
    const host = getString(d, ['destination', 'host']) ?? '';
    const subset = getString(d, ['destination', 'subset']);
    const p = get(d, ['destination', 'port', 'number']);
    const w = get(d, ['weight']);
    const weight = typeof w === 'number' ? w : list.length === 1 ? 100 : 0;
    // Lenient: servicesForHost also completes `name.namespace` the way a client's DNS search path does, where
    // istiod takes such a destination as written (resolveShortname) and finds no service for it.
    const svc = mesh.servicesForHost(resolveShortname(host, vs.namespace), vs.namespace)[0];
    const base = {
      namespace: svc?.namespace ?? vs.namespace,
      name: svc?.name ?? host,
      kind: svc?.kind ?? 'Service',
      weight,
      port: typeof p === 'number' ? p : fallbackPort,
    };
    if (!svc) return { ...base, invalid: `destination host ${host} is not in the manifests` };
    if (!svc.ports.some((x) => x.port === base.port)) return { ...base, invalid: `${host} has no port ${base.port}` };
    if (subset !== undefined) {
      const found = subsetLabels(mesh, svc, subset);
      if (!found) return { ...base, invalid: `no DestinationRule defines subset ${subset} of ${host}` };
      if ('invalid' in found) return { ...base, invalid: found.invalid };
      return { ...base, service: svc, subset, subsetLabels: found.labels };
    }
    return { ...base, service: svc };
  });
}

export function routeVirtualServices(mesh: Mesh, vss: readonly Resource[], req: VsRequestView): RouteOutcome {
  const decisions: Decision[] = [];
  const notes: string[] = ['VirtualService at a waypoint is alpha upstream'];
  for (const vs of vss) {
    const http = getArray(vs.obj, ['spec', 'http']);
    for (let i = 0; i < http.length; i++) {
      const route = getObject(http[i], []) ?? {};
      const matches = getArray(route, ['match']);
      if (matches.length && !matches.some((m) => matchRequest(getObject(m, []) ?? {}, req))) continue;
      decisions.push({ step: 'route', policy: `${vs.namespace}/${vs.name}`, matched: true, rule: i });
      const redirect = getObject(route, ['redirect']);
      if (redirect) {
        const code = get(redirect, ['redirectCode']);
        return {
          kind: 'matched',
          route: vs,
          rule: i,
          backends: [],
          redirect: typeof code === 'number' ? code : 301,
          decisions,
          notes,
        };
      }
      const direct = get(route, ['directResponse', 'status']);
      if (typeof direct === 'number')
        return { kind: 'matched', route: vs, rule: i, backends: [], redirect: direct, decisions, notes };
      const extras = ['fault', 'rewrite', 'mirror', 'retries', 'timeout', 'headers'].filter(
        (k) => route[k] !== undefined,
      );
      if (extras.length) notes.push(`${extras.join(', ')} on the matched route are not simulated`);
      return {
        kind: 'matched',
        route: vs,
        rule: i,
        backends: destinationsOf(mesh, vs, route, req.servicePort),
        decisions,
        notes,
      };
    }
    decisions.push({ step: 'route', policy: `${vs.namespace}/${vs.name}`, matched: false });
  }
  return { kind: 'no-match', routes: [...vss], decisions, notes };
}
