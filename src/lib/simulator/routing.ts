/**
 * HTTP routing at a waypoint (SEMANTICS §5): HTTPRoutes and GRPCRoutes whose parentRef is the destination Service or
 * ServiceEntry (GAMMA). Match precedence follows Gateway API (kubernetes-sigs/gateway-api apis/v1/httproute_types.go,
 * HTTPRouteRule docs): Exact path > longest PathPrefix > method > most headers > most query params > oldest route
 * > namespace/name; within one route the first matching rule wins.
 *
 * GRPCRoutes are converted by istiod into the same HTTP route list as HTTPRoutes (istio/istio
 * pilot/pkg/config/kube/gateway/conversion.go, createGRPCURIMatch): a method match becomes a path match on
 * `/<service>/<method>` (exact), `/<service>/` (prefix, service only), or a regular expression (method only, or type
 * RegularExpression); no method match means no path match at all, which ranks below every path match
 * (sortHTTPRoutes: Exact > Prefix > Regex > none, then length). Since istio/istio#59222 (Feb 2026) the rules of
 * HTTPRoutes and GRPCRoutes for the same parent are merged into one list and ranked together (before that the two
 * kinds produced separate VirtualServices and the waypoint used only the first one).
 */
import { get, getArray, getObject, getString } from '../model/access.ts';
import type { JsonObject, Resource } from '../model/types.ts';
import type { Mesh, ServiceInfo as MeshService, ServicePort } from '../model/mesh.ts';
import { re2FullMatch } from '../model/re2.ts';
import { referenceGrantAllows, referenceGrantEnforced, waypointUsesRouteFrom } from '../ambient/index.ts';
import { inNamespaces } from './policies.ts';
import type { Backend, Decision } from './types.ts';

export interface HttpRequestView {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: ReadonlyMap<string, string>;
  /** Lower-cased names. A Map: a header named like an Object.prototype member must find nothing. */
  readonly headers: ReadonlyMap<string, string>;
  readonly clientNamespace: string | undefined;
  readonly servicePort: number;
}

/**
 * Who routes the request: a waypoint uses routes of the Service's namespace and its own only (consumer routes are
 * ignored, SEMANTICS §5 [rev]); a sidecar client routes for itself, where a consumer route in its namespace replaces
 * the Service's own routes (GAMMA); without either, nothing routes and the lists only explain that.
 */
export type RouteScope =
  | { readonly at: 'waypoint'; readonly waypointNamespace: string; readonly clientNamespace: string | undefined }
  | { readonly at: 'client'; readonly clientNamespace: string | undefined };

export interface RouteBackend {
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  readonly port?: number;
  readonly weight: number;
  /** Why this backend cannot take traffic (then its share gets 500). */
  readonly invalid?: string;
  /** Something the trace should say about this backend that does not stop it (e.g. a missing ReferenceGrant). */
  readonly note?: string;
  /** The resolved Service/ServiceEntry when valid. */
  readonly service?: MeshService;
  /** A DestinationRule subset (VirtualService routes): only pods with these labels. */
  readonly subset?: string;
  readonly subsetLabels?: Readonly<Record<string, string>>;
}

export type RouteOutcome =
  | { readonly kind: 'default'; readonly decisions: Decision[]; readonly notes: string[] }
  | {
      readonly kind: 'matched';
      readonly route: Resource;
      readonly rule: number;
      readonly backends: RouteBackend[];
      /** A response made by the proxy itself (redirect or direct response): its status. */
      readonly redirect?: number;
      readonly decisions: Decision[];
      readonly notes: string[];
    }
  | {
      readonly kind: 'no-match';
      readonly routes: Resource[];
      readonly decisions: Decision[];
      readonly notes: string[];
    };

function isServiceParent(ref: JsonObject, routeNs: string, svc: MeshService, port: number): boolean {
  const group = getString(ref, ['group']) ?? 'gateway.networking.k8s.io';
  const kind = getString(ref, ['kind']) ?? 'Gateway';
  const ns = getString(ref, ['namespace']) ?? routeNs;
  const p = get(ref, ['port']);
  if (typeof p === 'number' && p !== port) return false;
  if (ns !== svc.namespace || getString(ref, ['name']) !== svc.name) return false;
  if (svc.kind === 'Service') return kind === 'Service' && (group === '' || group === 'core');
  return kind === 'ServiceEntry' && group === 'networking.istio.io';
}

/** HTTPRoutes that attach to a waypoint Gateway instead of a Service: accepted but never used for mesh routing. */
export function routesOnWaypointGateway(
  mesh: Mesh,
  wpNs: string,
  wpName: string,
  alsoIn: readonly string[] = [],
): Resource[] {
  return inNamespaces(mesh, 'HTTPRoute', [wpNs, ...alsoIn]).filter((r) =>
    getArray(r.obj, ['spec', 'parentRefs']).some(
      (ref) =>
        (getString(ref, ['kind']) ?? 'Gateway') === 'Gateway' &&
        getString(ref, ['name']) === wpName &&
        (getString(ref, ['namespace']) ?? r.namespace) === wpNs,
    ),
  );
}

/** Gateway API routes of `kinds` in `namespaces` with this service port as a parent. */
export function routesWithParent(
  mesh: Mesh,
  kinds: readonly string[],
  namespaces: readonly string[],
  svc: MeshService,
  port: number,
): Resource[] {
  return kinds.flatMap((kind) =>
    inNamespaces(mesh, kind, namespaces).filter(
      (r) =>
        r.apiVersion.startsWith('gateway.networking.k8s.io/') &&
        getArray(r.obj, ['spec', 'parentRefs']).some((ref) =>
          isServiceParent(getObject(ref, []) ?? {}, r.namespace, svc, port),
        ),
    ),
  );
}

/** The route kinds a waypoint applies to HTTP requests (merged into one ranked list, see the header comment). */
export const HTTP_ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute'] as const;

/**
 * HTTPRoutes and GRPCRoutes for this service port as `scope` sees them. At a waypoint: routes of the Service's and
 * the waypoint's namespaces, and the client-namespace routes it ignores; for a client that routes itself: consumer
 * routes (client's namespace) replace producer routes.
 */
export function routesFor(
  mesh: Mesh,
  svc: MeshService,
  port: number,
  scope: RouteScope,
): { routes: Resource[]; consumer: boolean; ignored: Resource[] } {
  const clientNs = scope.clientNamespace;
  if (scope.at === 'waypoint') {
    const wpNs = scope.waypointNamespace;
    const all = routesWithParent(
      mesh,
      HTTP_ROUTE_KINDS,
      [svc.namespace, wpNs, ...(clientNs !== undefined ? [clientNs] : [])],
      svc,
      port,
    );
    const routes: Resource[] = [];
    const ignored: Resource[] = [];
    for (const r of all) (waypointUsesRouteFrom(r.namespace, svc.namespace, wpNs) ? routes : ignored).push(r);
    return { routes, consumer: false, ignored };
  }
  // Only the service's own namespace (producer routes) and the client's (consumer routes) can apply.
  const all = routesWithParent(
    mesh,
    HTTP_ROUTE_KINDS,
    [svc.namespace, ...(clientNs !== undefined ? [clientNs] : [])],
    svc,
    port,
  );
  const consumer = all.filter((r) => r.namespace !== svc.namespace && r.namespace === clientNs);
  if (consumer.length) return { routes: consumer, consumer: true, ignored: [] };
  return { routes: all.filter((r) => r.namespace === svc.namespace), consumer: false, ignored: [] };
}

/** The trace note for consumer routes a waypoint ignores. */
export function ignoredRoutesNote(ignored: readonly Resource[], svc: MeshService): string | undefined {
  if (!ignored.length) return undefined;
  const names = ignored.map((r) => `${r.kind} ${r.namespace}/${r.name}`).join(', ');
  return `${names} ${ignored.length > 1 ? 'are consumer routes' : 'is a consumer route'} (outside ${svc.namespace} and the waypoint's namespace): a waypoint ignores ${ignored.length > 1 ? 'them' : 'it'} (listener_waypoint.go getVirtualServiceForWaypoint; ambient does not support MeshConsumerRoute)`;
}

/** PathPrefix matches whole segments and ignores a trailing slash on the prefix. */
export function prefixMatches(prefix: string, path: string): boolean {
  const p = prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix;
  if (p === '/' || p === '') return true;
  return path === p || path.startsWith(p + '/');
}

interface Candidate {
  readonly route: Resource;
  readonly rule: number;
  readonly match: number;
  readonly exact: boolean;
  readonly prefixLen: number;
  /** Length of a matching regular expression: a longer one ranks first (conversion.go sortHTTPRoutes). */
  readonly regexLen: number;
  readonly method: boolean;
  readonly headers: number;
  readonly query: number;
}

function matchOne(
  m: JsonObject,
  req: HttpRequestView,
): { ok: boolean; exact: boolean; prefixLen: number; regexLen?: number } {
  const pathType = getString(m, ['path', 'type']) ?? 'PathPrefix';
  const value = getString(m, ['path', 'value']) ?? '/';
  let exact = false;
  let prefixLen = 0;
  let regexLen = 0;
  if (pathType === 'Exact') {
    if (req.path !== value) return { ok: false, exact, prefixLen };
    exact = true;
  } else if (pathType === 'RegularExpression') {
    if (!re2FullMatch(value, req.path)) return { ok: false, exact, prefixLen };
    regexLen = value.length;
  } else {
    if (!prefixMatches(value, req.path)) return { ok: false, exact, prefixLen };
    prefixLen = value.length;
  }
  const method = getString(m, ['method']);
  if (method !== undefined && method !== req.method) return { ok: false, exact, prefixLen };
  for (const h of getArray(m, ['headers'])) {
    const name = (getString(h, ['name']) ?? '').toLowerCase();
    const want = getString(h, ['value']) ?? '';
    const have = req.headers.get(name);
    if (have === undefined) return { ok: false, exact, prefixLen };
    const ok = getString(h, ['type']) === 'RegularExpression' ? re2FullMatch(want, have) : have === want;
    if (!ok) return { ok: false, exact, prefixLen };
  }
  for (const q of getArray(m, ['queryParams'])) {
    const have = req.query.get(getString(q, ['name']) ?? '');
    const want = getString(q, ['value']) ?? '';
    if (have === undefined) return { ok: false, exact, prefixLen };
    const ok = getString(q, ['type']) === 'RegularExpression' ? re2FullMatch(want, have) : have === want;
    if (!ok) return { ok: false, exact, prefixLen };
  }
  return { ok: true, exact, prefixLen, regexLen };
}

/** What an HTTPRoute match asks for, in words (only built for the rule that wins). */
function describeHttpMatch(m: JsonObject | undefined): string {
  if (!m) return 'every request (a rule without matches is a path prefix /)';
  const type = getString(m, ['path', 'type']) ?? 'PathPrefix';
  const value = getString(m, ['path', 'value']) ?? '/';
  const parts = [
    type === 'Exact'
      ? `exact path ${value}`
      : type === 'RegularExpression'
        ? `path regex ${value}`
        : `path prefix ${value}`,
  ];
  const method = getString(m, ['method']);
  if (method !== undefined) parts.push(`method ${method}`);
  const headers = getArray(m, ['headers']).length;
  if (headers) parts.push(`${headers} header${headers > 1 ? 's' : ''}`);
  const query = getArray(m, ['queryParams']).length;
  if (query) parts.push(`${query} query parameter${query > 1 ? 's' : ''}`);
  return parts.join(' and ');
}

/**
 * A GRPCRoute match, as istiod converts it (conversion.go createGRPCURIMatch / createGRPCHeadersMatch). The HTTP
 * method is not part of it: a gRPC call is a POST, but istiod adds no method match. `prefixLen` ranks like
 * HTTPRoute's: a prefix ranks by its length, a regular expression at 0 (below every prefix), no method match at -1
 * (below even an HTTPRoute's catch-all `/`).
 */
function matchGrpc(
  m: JsonObject,
  req: HttpRequestView,
): { ok: boolean; exact: boolean; prefixLen: number; regexLen?: number; what: string } {
  const service = getString(m, ['method', 'service']);
  const method = getString(m, ['method', 'method']);
  const regex = getString(m, ['method', 'type']) === 'RegularExpression';
  let exact = false;
  let prefixLen = -1;
  let regexLen = 0;
  let what = 'any method';
  if (service !== undefined || method !== undefined) {
    if (!regex && service !== undefined && method !== undefined) {
      exact = true;
      what = `method ${service}/${method} (exact path /${service}/${method})`;
      if (req.path !== `/${service}/${method}`) return { ok: false, exact, prefixLen, what };
    } else if (!regex && service !== undefined) {
      prefixLen = service.length + 2;
      what = `every method of ${service} (path prefix /${service}/)`;
      if (!req.path.startsWith(`/${service}/`)) return { ok: false, exact, prefixLen, what };
    } else {
      prefixLen = 0;
      const src =
        service !== undefined && method !== undefined
          ? `/${service}/${method}`
          : service !== undefined
            ? `/${service}/.+`
            : `/[^/]+/${method ?? ''}`;
      what = `path regex ${src}`;
      if (!re2FullMatch(src, req.path)) return { ok: false, exact, prefixLen, what };
      regexLen = src.length;
    }
  }
  for (const h of getArray(m, ['headers'])) {
    const name = (getString(h, ['name']) ?? '').toLowerCase();
    const want = getString(h, ['value']) ?? '';
    const have = req.headers.get(name);
    if (have === undefined) return { ok: false, exact, prefixLen, what };
    const ok = getString(h, ['type']) === 'RegularExpression' ? re2FullMatch(want, have) : have === want;
    if (!ok) return { ok: false, exact, prefixLen, what };
  }
  const headers = getArray(m, ['headers']).length;
  if (headers) what += ` and ${headers} header${headers > 1 ? 's' : ''}`;
  return { ok: true, exact, prefixLen, regexLen, what };
}

function creation(r: Resource): string {
  return getString(r.obj, ['metadata', 'creationTimestamp']) ?? '';
}

/** Negative when a ranks before b. */
function compare(a: Candidate, b: Candidate): number {
  if (a.exact !== b.exact) return a.exact ? -1 : 1;
  if (a.prefixLen !== b.prefixLen) return b.prefixLen - a.prefixLen;
  if (a.regexLen !== b.regexLen) return b.regexLen - a.regexLen;
  if (a.method !== b.method) return a.method ? -1 : 1;
  if (a.headers !== b.headers) return b.headers - a.headers;
  if (a.query !== b.query) return b.query - a.query;
  if (a.route !== b.route) {
    const ca = creation(a.route);
    const cb = creation(b.route);
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (a.route.seq !== b.route.seq) return a.route.seq - b.route.seq;
    const ka = `${a.route.namespace}/${a.route.name}`;
    const kb = `${b.route.namespace}/${b.route.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }
  return a.rule !== b.rule ? a.rule - b.rule : a.match - b.match;
}

export function backendsOf(mesh: Mesh, route: Resource, rule: JsonObject): RouteBackend[] {
  return getArray(rule, ['backendRefs']).map((b) => {
    const kind = getString(b, ['kind']) ?? 'Service';
    const group = getString(b, ['group']) ?? '';
    const name = getString(b, ['name']) ?? '';
    const namespace = getString(b, ['namespace']) ?? route.namespace;
    const port = get(b, ['port']);
    const w = get(b, ['weight']);
    const weight = typeof w === 'number' ? w : 1;
    const base = { namespace, name, kind, weight, ...(typeof port === 'number' ? { port } : {}) };
    // Service (core group), an Istio ServiceEntry by name, or Istio's `Hostname` kind (a ServiceEntry host).
    const svc =
      kind === 'Service' && (group === '' || group === 'core')
        ? [mesh.service(namespace, name)].find((s) => s?.kind === 'Service')
        : kind === 'ServiceEntry'
          ? [mesh.service(namespace, name)].find((s) => s?.kind === 'ServiceEntry')
          : kind === 'Hostname'
            ? mesh.servicesForHost(name, route.namespace).find((s) => s.kind === 'ServiceEntry')
            : undefined;
    if (!svc) return { ...base, invalid: `${kind} ${namespace}/${name} is not in the manifests` };
    // Mesh routes resolve cross-namespace backends without a ReferenceGrant (only the spec asks for one).
    const grantNote =
      namespace !== route.namespace && !referenceGrantEnforced('mesh') && !isOwnParent(route, svc)
        ? crossNamespaceNote(mesh, route, svc)
        : undefined;
    if (svc.kind === 'Service' && typeof port !== 'number')
      return { ...base, invalid: 'backendRef to a Service needs a port' };
    if (typeof port === 'number' && !svc.ports.some((p) => p.port === port))
      return { ...base, invalid: `${namespace}/${name} has no port ${port}` };
    return { ...base, service: svc, ...(grantNote !== undefined ? { note: grantNote } : {}) };
  });
}

/** A backend that is the route's own parent Service (a GAMMA consumer route): no grant even by the spec. */
function isOwnParent(route: Resource, svc: MeshService): boolean {
  return getArray(route.obj, ['spec', 'parentRefs']).some(
    (ref) =>
      getString(ref, ['name']) === svc.name && (getString(ref, ['namespace']) ?? route.namespace) === svc.namespace,
  );
}

function crossNamespaceNote(mesh: Mesh, route: Resource, svc: MeshService): string | undefined {
  const granted = referenceGrantAllows(
    mesh.inNamespace('ReferenceGrant', svc.namespace),
    { group: 'gateway.networking.k8s.io', kind: route.kind, namespace: route.namespace },
    { group: svc.kind === 'Service' ? '' : 'networking.istio.io', kind: svc.kind, name: svc.name },
  );
  if (granted) return undefined;
  return `cross-namespace backend ${svc.namespace}/${svc.name} has no ReferenceGrant: Istio does not require one for mesh (Service-parent) routes and uses it (route_collections.go enforceRefGrant = !mesh), but the Gateway API spec asks for one (not portable)`;
}

export function route(mesh: Mesh, svc: MeshService, req: HttpRequestView, scope: RouteScope): RouteOutcome {
  const { routes, consumer, ignored } = routesFor(mesh, svc, req.servicePort, scope);
  const notes: string[] = [];
  const decisions: Decision[] = [];
  const ignoredNote = ignoredRoutesNote(ignored, svc);
  if (ignoredNote) notes.push(ignoredNote);
  if (!routes.length) {
    decisions.push({
      step: 'route',
      note: `no HTTPRoute or GRPCRoute has ${svc.kind} ${svc.namespace}/${svc.name} as parent: default route to the service itself`,
    });
    return { kind: 'default', decisions, notes };
  }
  if (consumer)
    notes.push(`consumer route(s) in the client's namespace replace the service's own routes for this client`);
  const kinds = new Set(routes.map((r) => r.kind));
  if (kinds.size > 1)
    notes.push(
      'HTTPRoute and GRPCRoute both attach to this service: the waypoint ranks their rules together as one list (a gRPC method match is an exact path match, which outranks any path prefix)',
    );
  const grpcCall = (req.headers.get('content-type') ?? '').startsWith('application/grpc');
  const candidates = rankedRules(routes, req);
  if (!candidates.length) {
    for (const r of routes)
      decisions.push({
        step: 'route',
        policy: `${r.namespace}/${r.name}`,
        matched: false,
        note: `no rule of ${r.kind} ${r.name} matches ${req.method} ${req.path}`,
      });
    notes.push(
      `no route rule matches: the waypoint answers 404${grpcCall ? ' (a gRPC client sees status UNIMPLEMENTED)' : ''}`,
    );
    return { kind: 'no-match', routes, decisions, notes };
  }
  const best = candidates[0]!;
  const rule = getObject(getArray(best.route.obj, ['spec', 'rules'])[best.rule], []) ?? {};
  decisions.push({
    step: 'route',
    policy: `${best.route.namespace}/${best.route.name}`,
    matched: true,
    rule: best.rule,
    note: `${best.route.kind} ${best.route.name} rule ${best.rule} matches ${
      best.what ?? describeHttpMatch(getObject(getArray(rule, ['matches'])[best.match], []))
    }`,
  });
  const filters = getArray(rule, ['filters']);
  const redirect = filters.find((f) => getString(f, ['type']) === 'RequestRedirect');
  if (redirect) {
    const code = get(redirect, ['requestRedirect', 'statusCode']);
    return {
      kind: 'matched',
      route: best.route,
      rule: best.rule,
      backends: [],
      redirect: typeof code === 'number' ? code : 302,
      decisions,
      notes,
    };
  }
  const other = filters.map((f) => getString(f, ['type'])).filter((t) => t && t !== 'RequestRedirect');
  if (other.length)
    notes.push(
      `filters ${other.join(', ')} on the matched rule are not simulated (they do not change the verdict here)`,
    );
  return {
    kind: 'matched',
    route: best.route,
    rule: best.rule,
    backends: backendsOf(mesh, best.route, rule),
    decisions,
    notes,
  };
}

/** Every rule match of `routes` the request meets, best first (the precedence above), whatever the routes' parent. */
export function rankedRules(routes: readonly Resource[], req: HttpRequestView): (Candidate & { what?: string })[] {
  const candidates: (Candidate & { what?: string })[] = [];
  for (const r of routes) {
    const grpc = r.kind === 'GRPCRoute';
    getArray(r.obj, ['spec', 'rules']).forEach((rule, ri) => {
      const matches = getArray(rule, ['matches']);
      const catchAll: JsonObject = grpc ? {} : { path: { type: 'PathPrefix', value: '/' } };
      (matches.length ? matches : [catchAll]).forEach((m, mi) => {
        const mo = getObject(m, []) ?? {};
        const res: { ok: boolean; exact: boolean; prefixLen: number; regexLen?: number; what?: string } = grpc
          ? matchGrpc(mo, req)
          : matchOne(mo, req);
        if (!res.ok) return;
        candidates.push({
          route: r,
          rule: ri,
          match: mi,
          exact: res.exact,
          prefixLen: res.prefixLen,
          regexLen: res.regexLen ?? 0,
          method: !grpc && getString(mo, ['method']) !== undefined,
          headers: getArray(mo, ['headers']).length,
          query: grpc ? 0 : getArray(mo, ['queryParams']).length,
          ...(res.what !== undefined ? { what: res.what } : {}),
        });
      });
    });
  }
  return candidates.sort(compare);
}

/**
 * Weighted backends: probabilities over the total weight (weight 0 omitted); an invalid backend's share fails (500
 * for HTTP, a failed connection for TCP). All weights zero, or no valid backend with weight ⇒ failure (SEMANTICS §5;
 * for TCPRoute/TLSRoute istiod routes to a black-hole cluster, conversion.go convertTCPRoute). The trace follows the
 * likeliest backend.
 */
export function pickBackends(
  refs: readonly RouteBackend[],
  fallbackPort: number,
  tcp = false,
): {
  backends: Backend[];
  chosen?: { service: MeshService; port: ServicePort; subsetLabels?: Readonly<Record<string, string>> };
  invalidNote?: string;
  why?: string;
  /** The rule lists no backendRefs at all (an HTTPRoute's answer then depends on the Istio line). */
  noBackendRefs?: true;
} {
  const fail = tcp ? 'the connection is refused' : '500';
  const total = refs.reduce((s, b) => s + Math.max(0, b.weight), 0);
  if (!refs.length) return { backends: [], why: `the matched rule has no backendRefs: ${fail}`, noBackendRefs: true };
  if (total === 0) return { backends: [], why: `every backend has weight 0: ${fail}` };
  const valid = refs.filter((b) => !b.invalid && b.service && b.weight > 0);
  const invalid = refs.filter((b) => b.invalid && b.weight > 0);
  const backends = valid.map((b) => ({
    namespace: b.namespace,
    service: b.name,
    port: b.port ?? fallbackPort,
    probability: b.weight / total,
    ...(b.subset !== undefined ? { subset: b.subset } : {}),
  }));
  const invalidShare = invalid.reduce((s, b) => s + b.weight, 0) / total;
  const invalidNote = invalid.length
    ? `${Math.round(invalidShare * 100)}% of ${tcp ? 'connections fail' : 'requests get 500'}: ${invalid.map((b) => b.invalid).join('; ')}`
    : undefined;
  if (!valid.length)
    return {
      backends,
      ...(invalidNote ? { invalidNote } : {}),
      why: `no valid backend: ${invalid.map((b) => b.invalid).join('; ')}`,
    };
  let best = valid[0]!;
  for (const b of valid) if (b.weight > best.weight) best = b;
  const svc = best.service!;
  const port = svc.ports.find((p) => p.port === (best.port ?? fallbackPort)) ?? svc.ports[0]!;
  return {
    backends,
    chosen: { service: svc, port, ...(best.subsetLabels ? { subsetLabels: best.subsetLabels } : {}) },
    ...(invalidNote ? { invalidNote } : {}),
  };
}

/** Oldest first (creationTimestamp, then manifest order, then namespace/name): the order istiod resolves ties in. */
export function byAge(a: Resource, b: Resource): number {
  const ca = creation(a);
  const cb = creation(b);
  if (ca !== cb) return ca < cb ? -1 : 1;
  if (a.seq !== b.seq) return a.seq - b.seq;
  const ka = `${a.namespace}/${a.name}`;
  const kb = `${b.namespace}/${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Where TCP/TLS routes for this service may live: as for HTTP routes at a waypoint, else the Service's namespace. */
export function l4RouteNamespaces(svc: MeshService, scope: RouteScope): string[] {
  return scope.at === 'waypoint' && scope.waypointNamespace !== svc.namespace
    ? [svc.namespace, scope.waypointNamespace]
    : [svc.namespace];
}

/** The route kinds a waypoint applies to connections it proxies as TCP, in the order it consults them. */
export const L4_ROUTE_KINDS = ['TLSRoute', 'TCPRoute'] as const;

/**
 * What the trace should say about routes that cannot apply to this request: any route kind without a waypoint
 * (ztunnel does not route), and at a waypoint the kinds for the other protocol (HTTP routes for a TCP connection,
 * TCP/TLS routes for an HTTP request).
 */
export function unusedRouteNotes(
  mesh: Mesh,
  svc: MeshService,
  port: number,
  scope: RouteScope,
  tcp: boolean,
  /** A proxy (waypoint or sidecar client) routes this request; false when nothing does (ztunnel only). */
  waypoint: boolean,
): string[] {
  // Each request needs only one of the two lists: routes of its own protocol without a waypoint, of the other one at a
  // waypoint.
  const wantHttp = tcp === waypoint;
  const http = wantHttp ? routesFor(mesh, svc, port, scope).routes : [];
  const l4 = wantHttp ? [] : routesWithParent(mesh, L4_ROUTE_KINDS, l4RouteNamespaces(svc, scope), svc, port);
  const names = (rs: readonly Resource[]) => rs.map((r) => `${r.kind} ${r.namespace}/${r.name}`).join(', ');
  const notes: string[] = [];
  if (!waypoint) {
    const all = tcp ? l4 : http;
    if (all.length)
      notes.push(
        `${names(all)} ha${all.length > 1 ? 've' : 's'} no effect without a waypoint (ztunnel does not route): the ${tcp ? 'connection' : 'request'} goes to ${svc.name} itself`,
      );
    return notes;
  }
  if (tcp && http.length)
    notes.push(
      `${names(http)} route${http.length > 1 ? '' : 's'} HTTP requests only: this plain TCP connection is not matched against ${http.length > 1 ? 'them' : 'it'}`,
    );
  if (!tcp && l4.length)
    notes.push(
      `${names(l4)} appl${l4.length > 1 ? 'y' : 'ies'} to connections the waypoint proxies as TCP (simulate one with --tcp); this HTTP request is routed by HTTP routes only`,
    );
  return notes;
}
