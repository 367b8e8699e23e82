/**
 * A curl addressed to an ingress Gateway's Service. istiod deploys a Deployment and a Service for every Gateway of
 * an Istio class, named by gatewayDeploymentName, with the listener ports as Service ports (release-1.31
 * pilot/pkg/config/kube/gatewaycommon/deploymentcontroller.go extractServicePorts). The virtual cluster stores no
 * such Service, so the request is answered here the way the gateway would: the HTTPRoutes attached to the Gateway
 * pick a backend, then the simulator walks the request from the Gateway as the client (as `simulate --from
 * <ns>/<gateway>` does). The leg from the curl pod to the gateway pod is plain TCP between two uncaptured pods:
 * no ztunnel sees it, so nothing is recorded for it.
 *
 * The simulator routes only for Service parents, so the Gateway's routes are found here (parentRefs, the listener's
 * allowedRoutes and hostnames, Gateway API v1.6 apis/v1/gateway_types.go and httproute_types.go) and ranked with the
 * simulator's rankedRules; backends go through its backendsOf/pickBackends. Filters other than the backend choice
 * (redirects, rewrites, header changes) are not applied.
 */
import { getArray, getObject, getString, selectorMatches } from '../model/access.ts';
import type { Mesh, ServiceInfo } from '../model/mesh.ts';
import type { JsonObject, Resource } from '../model/types.ts';
import { gatewayDeploymentName, hasIngressClass } from '../ambient/waypoints.ts';
import { referenceGrantAllows, referenceGrantEnforced } from '../ambient/routes.ts';
import { domainMatches } from '../ambient/hostnames.ts';
import { parsePath } from '../simulator/request.ts';
import { HTTP_ROUTE_KINDS, backendsOf, pickBackends, rankedRules } from '../simulator/routing.ts';
import { shortHash } from './hash.ts';
import type { TrafficPeer } from './traffic.ts';

export interface IngressRequest {
  readonly method: string;
  /** Path with the query string. */
  readonly path: string;
  /** As curl sends them (a `Host` header replaces the URL's host). */
  readonly headers: ReadonlyMap<string, string>;
}

export type IngressAnswer =
  /** No listener on that port: the Service has no such port. */
  | { readonly kind: 'refused' }
  /** The gateway answers by itself: 404 when no route matches, 500 when the rule has no usable backend. */
  | { readonly kind: 'answered'; readonly status: 404 | 500 }
  /** Simulate from the Gateway (`from`) to the chosen backend (`to`, host:port), which `service` is. */
  | { readonly kind: 'forward'; readonly from: string; readonly to: string; readonly service: ServiceInfo };

const isGatewayApi = (r: Resource): boolean => r.apiVersion.startsWith('gateway.networking.k8s.io/');

/**
 * The ingress Gateway whose Service `host` names (`svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`; a
 * short name in the client's namespace), or undefined. A waypoint is not an ingress: its Service is reached through
 * the mesh, not through this path.
 */
export function ingressGatewayFor(mesh: Mesh, host: string, clientNs: string): Resource | undefined {
  const parts = host
    .toLowerCase()
    .replace(/\.svc(\.cluster\.local)?\.?$/, '')
    .split('.');
  if (parts.length > 2) return undefined;
  const [name, ns = clientNs] = parts as [string, string | undefined];
  return mesh
    .inNamespace('Gateway', ns)
    .find((g) => isGatewayApi(g) && !mesh.waypoint(g.namespace, g.name) && gatewayDeploymentName(g) === name);
}

/**
 * The Gateways istiod's gateway controller deploys an ingress for: class `istio` (release-1.31
 * pilot/pkg/config/kube/gatewaycommon/classinfo.go: the managed controller's template is kube-gateway, Service type
 * LoadBalancer), other than waypoints. In creation order, as podsOf lists pods.
 */
export function ingressGateways(mesh: Mesh): Resource[] {
  return mesh
    .byKind('Gateway')
    .filter((g) => isGatewayApi(g) && hasIngressClass(g) && !mesh.waypoint(g.namespace, g.name));
}

/** The gateway pod as ztunnel and Envoy name it: the Deployment's one pod, an address the model never hands out. */
export function gatewayPeer(g: Resource, identity: string | null): TrafficPeer {
  const deployment = gatewayDeploymentName(g);
  let n = 0;
  for (const c of shortHash(`${g.namespace}/${g.name}/ingress`)) n = (n * 31 + c.charCodeAt(0)) % 250;
  return {
    namespace: g.namespace,
    pod: `${deployment}-${shortHash(`${g.namespace}/${deployment}`, 10)}-${shortHash(`${g.namespace}/${g.name}/pod`)}`,
    ip: `10.243.1.${2 + n}`,
    identity,
  };
}

/** Whether a route's parentRef names this Gateway and one of its listeners (by sectionName and port when given). */
function attaches(ref: JsonObject, route: Resource, g: Resource, listener: JsonObject): boolean {
  if ((getString(ref, ['group']) ?? 'gateway.networking.k8s.io') !== 'gateway.networking.k8s.io') return false;
  if ((getString(ref, ['kind']) ?? 'Gateway') !== 'Gateway') return false;
  if ((getString(ref, ['namespace']) ?? route.namespace) !== g.namespace || getString(ref, ['name']) !== g.name)
    return false;
  const section = getString(ref, ['sectionName']);
  if (section !== undefined && section !== getString(listener, ['name'])) return false;
  const port = ref['port'];
  return typeof port !== 'number' || port === listener['port'];
}

/** allowedRoutes.namespaces of the listener (default Same). */
function admits(mesh: Mesh, g: Resource, listener: JsonObject, routeNs: string): boolean {
  const from = getString(listener, ['allowedRoutes', 'namespaces', 'from']) ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Selector') {
    const sel = getObject(listener, ['allowedRoutes', 'namespaces', 'selector']);
    return sel !== undefined && selectorMatches(sel, mesh.namespaceLabels(routeNs));
  }
  return routeNs === g.namespace;
}

/** The routes attached to the Gateway's listeners on `port` that accept the request's host. */
function routesOf(mesh: Mesh, g: Resource, listeners: readonly JsonObject[], host: string): Resource[] {
  const out: Resource[] = [];
  for (const kind of HTTP_ROUTE_KINDS)
    for (const r of mesh.byKind(kind)) {
      if (!isGatewayApi(r)) continue;
      const names = getArray(r.obj, ['spec', 'hostnames']).filter((x): x is string => typeof x === 'string');
      if (names.length && !names.some((n) => domainMatches(n, host))) continue;
      const ok = listeners.some((l) => {
        const lh = getString(l, ['hostname']);
        if (lh !== undefined && !domainMatches(lh, host)) return false;
        return (
          admits(mesh, g, l, r.namespace) &&
          getArray(r.obj, ['spec', 'parentRefs']).some((ref) => attaches(getObject(ref, []) ?? {}, r, g, l))
        );
      });
      if (ok) out.push(r);
    }
  return out;
}

/**
 * What the Gateway does with the request on `port`. `random` picks among weighted backends (the curl's dice);
 * cross-namespace backends need a ReferenceGrant for a Gateway parent (release-1.31 route_collections.go
 * enforceRefGrant), else the rule's backend is unresolved and the gateway answers 500.
 */
export function ingressAnswer(
  mesh: Mesh,
  g: Resource,
  port: number,
  req: IngressRequest,
  urlHost: string,
  random: () => number,
): IngressAnswer {
  const listeners = getArray(g.obj, ['spec', 'listeners'])
    .map((l) => getObject(l, []) ?? {})
    .filter((l) => l['port'] === port);
  if (!listeners.length) return { kind: 'refused' };
  const host = (req.headers.get('host') ?? urlHost).toLowerCase().replace(/:\d+$/, '');
  const { path, query } = parsePath(req.path);
  const ranked = rankedRules(routesOf(mesh, g, listeners, host), {
    method: req.method,
    path,
    query,
    headers: req.headers,
    clientNamespace: g.namespace,
    servicePort: port,
  });
  const best = ranked[0];
  if (!best) return { kind: 'answered', status: 404 };
  const rule = getObject(getArray(best.route.obj, ['spec', 'rules'])[best.rule], []) ?? {};
  const refs = backendsOf(mesh, best.route, rule).map((b) =>
    b.service &&
    b.namespace !== best.route.namespace &&
    referenceGrantEnforced('gateway') &&
    !grantFor(mesh, best.route, b.service)
      ? {
          ...b,
          invalid: `no ReferenceGrant in ${b.namespace} lets ${best.route.kind} ${best.route.namespace}/${best.route.name} refer to it`,
        }
      : b,
  );
  const picked = pickBackends(refs, port);
  if (!picked.chosen) return { kind: 'answered', status: 500 };
  let x = random() * picked.backends.reduce((a, b) => a + b.probability, 0);
  let chosen = picked.chosen.service;
  let chosenPort = picked.chosen.port.port;
  for (const b of picked.backends) {
    x -= b.probability;
    if (x < 0) {
      const svc = refs.find((r) => r.namespace === b.namespace && r.name === b.service)?.service;
      if (svc) [chosen, chosenPort] = [svc, b.port];
      break;
    }
  }
  const target = chosen.kind === 'Service' ? `${chosen.name}.${chosen.namespace}` : (chosen.hosts[0] ?? chosen.name);
  return { kind: 'forward', from: `${g.namespace}/${g.name}`, to: `${target}:${chosenPort}`, service: chosen };
}

function grantFor(mesh: Mesh, route: Resource, svc: ServiceInfo): boolean {
  return referenceGrantAllows(
    mesh.inNamespace('ReferenceGrant', svc.namespace),
    { group: 'gateway.networking.k8s.io', kind: route.kind, namespace: route.namespace },
    { group: svc.kind === 'Service' ? '' : 'networking.istio.io', kind: svc.kind, name: svc.name },
  );
}
