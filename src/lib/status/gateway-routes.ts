/**
 * Route conditions for a Gateway (ingress) parent, as istiod's gateway controller writes them
 * (G/ = pilot/pkg/config/kube/gateway/, release-1.31). A parent istiod writes nothing for gets nothing here:
 * a Gateway that does not exist or whose class another controller runs (no parentInfo: extractParentReferenceInfo
 * appends no result), and a waypoint (mesh-controller listeners make no parentInfo: gateway_collection.go).
 * Not predicted: listeners whose allowedRoutes use a namespace selector (it runs over every Namespace in the
 * cluster, which manifests rarely list), and listeners istiod drops as invalid or conflicting.
 */
import { getArray, getObject, getString } from '../model/access.ts';
import type { JsonValue, Resource } from '../model/types.ts';
import type { Mesh } from '../model/mesh.ts';
import { hostsOverlap } from '../ambient/index.ts';
import { cond, classController, GATEWAY_CONTROLLER } from './shared.ts';
import type { Condition } from './shared.ts';
import type { RouteError } from './route-errors.ts';

const GATEWAY_API = 'gateway.networking.k8s.io';

const SRC = {
  route: 'pilot/pkg/config/kube/gateway/conditions.go createRouteStatus',
  parent: 'pilot/pkg/config/kube/gateway/conversion.go referenceAllowed',
  refs: 'pilot/pkg/config/kube/gateway/conversion.go buildDestination',
} as const;

/** One listener as a route parent (G/gateway_collection.go parentInfo). */
interface Listener {
  readonly section: string;
  readonly port: number | undefined;
  /** `namespace/hostname` pairs (G/conversion.go buildHostnameMatch). */
  readonly hosts: readonly string[];
  readonly originalHostname: string;
  readonly kinds: readonly string[];
}

type Denial = { readonly reason: string; readonly message: string } | undefined;

/** Route kinds a listener supports (gatewaycommon/conversion.go GenerateGatewaySupportedKinds), by kind name. */
function supportedKinds(l: JsonValue): string[] {
  const protocol = getString(l, ['protocol']) ?? '';
  let kinds: string[] = [];
  if (protocol === 'HTTP' || protocol === 'HTTPS') kinds = ['HTTPRoute', 'GRPCRoute'];
  else if (protocol === 'TCP') kinds = ['TCPRoute'];
  else if (protocol === 'TLS')
    kinds = getString(l, ['tls', 'mode']) === 'Terminate' ? ['TLSRoute', 'TCPRoute'] : ['TLSRoute'];
  const allowed = getArray(l, ['allowedRoutes', 'kinds']);
  if (!allowed.length) return kinds;
  return kinds.filter((k) =>
    allowed.some((a) => getString(a, ['kind']) === k && (getString(a, ['group']) ?? GATEWAY_API) === GATEWAY_API),
  );
}

/** The listeners of a Gateway istiod's gateway controller runs, or undefined when not predicted. */
function listenersOf(mesh: Mesh, gw: Resource): Listener[] | undefined {
  if (classController(mesh, getString(gw.obj, ['spec', 'gatewayClassName']) ?? '') !== GATEWAY_CONTROLLER)
    return undefined;
  const out: Listener[] = [];
  for (const l of getArray(gw.obj, ['spec', 'listeners'])) {
    const from = getString(l, ['allowedRoutes', 'namespaces', 'from']) ?? 'Same';
    if (from === 'Selector') return undefined;
    const hostname = getString(l, ['hostname']);
    const port = getObject(l, [])?.port;
    out.push({
      section: getString(l, ['name']) ?? '',
      port: typeof port === 'number' ? port : undefined,
      // namespacesFromSelector: Same (the default) is the Gateway's namespace, All is `*`.
      hosts: [`${from === 'All' ? '*' : gw.namespace}/${hostname ?? '*'}`],
      originalHostname: hostname ?? '',
      kinds: supportedKinds(l),
    });
  }
  return out;
}

/** Why one listener refuses the route (G/conversion.go referenceAllowed, the Gateway branch), or undefined. */
function denial(l: Listener, ref: JsonValue, route: Resource, istio: string): Denial {
  const port = getObject(ref, [])?.port;
  if (typeof port === 'number' && port !== 0 && port !== l.port)
    return { reason: 'NoMatchingParent', message: `port ${port} not found` };
  const section = getString(ref, ['sectionName']) ?? '';
  if (section !== '' && section !== l.section)
    return { reason: 'NoMatchingParent', message: `sectionName "${section}" not found` };
  const hostnames = getArray(route.obj, ['spec', 'hostnames']).filter((h): h is string => typeof h === 'string');
  let matched = false;
  let hostMatched = false;
  for (const rh of hostnames.length ? hostnames : ['*']) {
    for (const pair of l.hosts) {
      const slash = pair.indexOf('/');
      const ns = slash < 0 ? '*' : pair.slice(0, slash);
      const h = slash < 0 ? pair : pair.slice(slash + 1);
      const hm = hostsOverlap(h, rh);
      hostMatched ||= hm;
      if (hm && (ns === '*' || ns === route.namespace)) matched = true;
    }
    if (matched) break;
  }
  if (!matched && hostMatched)
    return {
      reason: 'NotAllowedByListeners',
      message: `hostnames matched parent hostname "${l.originalHostname}", but namespace "${route.namespace}" is not allowed by the parent`,
    };
  if (!matched)
    return {
      reason: 'NoMatchingListenerHostname',
      message: `no hostnames matched parent hostname "${l.originalHostname}"`,
    };
  if (!l.kinds.includes(route.kind)) {
    const version = ROUTE_GVK_VERSION.get(istio)?.get(route.kind) ?? 'v1';
    return { reason: 'NotAllowedByListeners', message: `kind ${GATEWAY_API}/${version}/${route.kind} is not allowed` };
  }
  return undefined;
}

/**
 * Route kinds whose GVK istiod names by another version than v1 (pkg/config/schema/gvk/resources.gen.go of each
 * release branch: TCPRoute is v1alpha2 in 1.30, v1 from 1.31). It shows in the kind-not-allowed message.
 */
const ROUTE_GVK_VERSION: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  ['1.30', new Map([['TCPRoute', 'v1alpha2']])],
]);

/** Severity order createRouteStatus collapses per-listener results with: a success wins, then NotAllowed, … */
const RANK: ReadonlyMap<string, number> = new Map([
  ['NotAllowedByListeners', 1],
  ['NoMatchingListenerHostname', 2],
  ['ParentRefConflict', 3],
  ['NoMatchingParent', 4],
]);
const rankOf = (d: Denial): number => (d ? (RANK.get(d.reason) ?? 0) : 0);

/**
 * `Accepted`, `ResolvedRefs` and `ResolvedWaypoints` for one Gateway parentRef of a route, or undefined when
 * istiod's gateway controller writes nothing for it. `gatewayError` is the route's Gateway-conversion error.
 */
export function gatewayParentConditions(
  mesh: Mesh,
  r: Resource,
  ref: JsonValue,
  gatewayError: () => RouteError | undefined,
  istio: string,
): Condition[] | undefined {
  const group = getString(ref, ['group']) ?? GATEWAY_API;
  if (group !== GATEWAY_API) return undefined;
  const ns = getString(ref, ['namespace']) ?? r.namespace;
  const nameOf = getString(ref, ['name']) ?? '';
  const gw = mesh
    .inNamespace('Gateway', ns)
    .find((g) => g.name === nameOf && g.apiVersion.startsWith(`${GATEWAY_API}/`));
  const listeners = gw ? listenersOf(mesh, gw) : undefined;
  if (!listeners?.length) return undefined;
  const port = getObject(ref, [])?.port;
  const section = getString(ref, ['sectionName']);
  const parentRef = `Gateway/${ns}/${nameOf}${typeof port === 'number' ? `:${port}` : ''}${section ? `#${section}` : ''}`;
  // createRouteStatus: the first result, replaced by any less severe one; equally severe denials join messages.
  const results = listeners.map((l) => denial(l, ref, r, istio));
  let report = results[0];
  for (const d of results.slice(1)) {
    if (rankOf(d) < rankOf(report)) report = d;
    else if (rankOf(d) === rankOf(report) && report && d)
      report = { reason: report.reason, message: `${report.message}; ${d.message}` };
  }
  const successes = results.filter((d) => d === undefined).length;
  const out: Condition[] = [];
  if (report)
    out.push(cond('Accepted', false, report.reason, report.message, `${SRC.route}; ${SRC.parent}`, parentRef));
  else
    out.push(
      cond(
        'Accepted',
        true,
        'Accepted',
        successes > 1 ? `Route was valid, bound to ${successes} parents` : 'Route was valid',
        SRC.route,
        parentRef,
      ),
    );
  const err = gatewayError();
  out.push(
    err
      ? cond('ResolvedRefs', false, err.reason, err.message, `${SRC.route}; ${SRC.refs}`, parentRef)
      : cond('ResolvedRefs', true, 'ResolvedRefs', 'All references resolved', SRC.route, parentRef),
  );
  // With ambient on, every parent gets it; only mesh parents can carry a waypoint error (route_collections.go computeRoute).
  out.push(cond('ResolvedWaypoints', true, 'ResolvedWaypoints', 'All waypoints resolved', SRC.route, parentRef));
  return out;
}
