/**
 * TCP and TLS routing at a waypoint: TCPRoutes and TLSRoutes whose parentRef is the destination Service or
 * ServiceEntry (GAMMA form). istiod turns them into VirtualService `tcp`/`tls` routes (istio/istio
 * pilot/pkg/config/kube/gateway/route_collections.go TCPRouteCollection/TLSRouteCollection, conversion.go
 * convertTCPRoute/convertTLSRoute), and the waypoint chooses among them for its TCP filter chain
 * (pilot/pkg/networking/core/listener_waypoint.go getWaypointTCPRoutes, added for TCPRoute in istio/istio#55198):
 *  - TLS routes are consulted before TCP routes (GEP-1294 route precedence);
 *  - the first route with a rule for this port wins, oldest route first (selectOldestRoute for one key); within a
 *    route the first rule wins, since TCP and TLS rules carry no match criteria of their own;
 *  - a TLS route applies only when its hostnames, narrowed to those overlapping the service host, are exactly that
 *    host (no hostnames = the parent's hosts, augmentTLSPortMatch/compatibleRoutesForHost). The waypoint does not
 *    read the SNI of the connection (getTLSRouteMatch: "Waypoint does not currently support SNI matches").
 * Backends are weighted per connection; weight 0 everywhere sends the connection to a black hole.
 */
import { getArray, getObject } from '../model/access.ts';
import type { Resource } from '../model/types.ts';
import { hostsOverlap } from '../ambient/index.ts';
import type { Mesh, ServiceInfo as MeshService } from './mesh.ts';
import { backendsOf, byAge, l4RouteNamespaces, routesWithParent } from './routing.ts';
import type { RouteOutcome, RouteScope } from './routing.ts';
import type { Decision } from './types.ts';

/** The host the waypoint's filter chain is for: the Service FQDN, or the ServiceEntry host that was addressed. */
function serviceHost(svc: MeshService, addressed: string | undefined): string {
  if (svc.kind === 'ServiceEntry' && addressed !== undefined) {
    const hit = svc.hosts.find((h) => h.toLowerCase() === addressed.toLowerCase());
    if (hit) return hit;
  }
  return svc.hosts[0] ?? `${svc.name}.${svc.namespace}.svc.cluster.local`;
}

/** The SNI hosts istiod gives the TLS route for this service host, or why it cannot apply. */
function tlsHosts(r: Resource, svc: MeshService, host: string): { applies: boolean; hosts: string[] } {
  const own = getArray(r.obj, ['spec', 'hostnames']).map(String);
  let hosts = own.length ? own : [...svc.hosts];
  if (hosts.length > 1) hosts = hosts.filter((h) => hostsOverlap(host, h));
  return { applies: hosts.length === 1 && hosts[0] === host, hosts: own.length ? own : [...svc.hosts] };
}

/**
 * Route one TCP connection at the waypoint. `addressed` is the host the client dialled (for ServiceEntries with
 * several hosts).
 */
export function routeL4(
  mesh: Mesh,
  svc: MeshService,
  port: number,
  addressed: string | undefined,
  scope: RouteScope,
  /** The minimum CRD bundle a kind needs when the run's Gateway API line is older (istiod ignores the kind). */
  tooOld: (kind: string) => string | undefined = () => undefined,
): RouteOutcome {
  const decisions: Decision[] = [];
  const notes: string[] = [];
  const host = serviceHost(svc, addressed);
  const namespaces = l4RouteNamespaces(svc, scope);
  const watched = (kind: string): Resource[] => {
    const routes = routesWithParent(mesh, [kind], namespaces, svc, port).sort(byAge);
    const min = routes.length ? tooOld(kind) : undefined;
    if (!min) return routes;
    // IST0176: istiod does not watch a Gateway API CRD below the Istio line's minimum bundle-version.
    notes.push(
      `${kind} ${routes.map((r) => `${r.namespace}/${r.name}`).join(', ')} ignored: istiod needs the ${kind} CRD from Gateway API ${min} or later (rule gateway-api-crd-too-old)`,
    );
    return [];
  };
  const tls = watched('TLSRoute');
  const tcp = watched('TCPRoute');
  let chosen: Resource | undefined;
  for (const r of tls) {
    const { applies, hosts } = tlsHosts(r, svc, host);
    if (applies && getArray(r.obj, ['spec', 'rules']).length) {
      chosen = r;
      decisions.push({
        step: 'route',
        policy: `${r.namespace}/${r.name}`,
        matched: true,
        rule: 0,
        note: `TLSRoute ${r.name} names this service's host ${host}, so the waypoint uses it for TCP connections (TLS routes are tried before TCP routes; the waypoint does not look at the TLS SNI)`,
      });
      break;
    }
    decisions.push({
      step: 'route',
      policy: `${r.namespace}/${r.name}`,
      matched: false,
      note: `TLSRoute ${r.name} has hostnames ${hosts.join(', ')}, not exactly this service's host ${host}: the waypoint does not use it (it matches TLS routes on the service host, never on the SNI)`,
    });
  }
  if (!chosen) {
    const withRules = tcp.filter((r) => getArray(r.obj, ['spec', 'rules']).length > 0);
    chosen = withRules[0];
    if (chosen) {
      decisions.push({
        step: 'route',
        policy: `${chosen.namespace}/${chosen.name}`,
        matched: true,
        rule: 0,
        note: `TCPRoute ${chosen.name} has ${svc.kind} ${svc.name}${tcpPortNote(chosen, svc)} as parent: the waypoint forwards the connection by its first rule`,
      });
      for (const other of withRules.slice(1))
        decisions.push({
          step: 'route',
          policy: `${other.namespace}/${other.name}`,
          matched: false,
          note: `TCPRoute ${other.name} also attaches here, but only the oldest TCPRoute is used (${chosen.name})`,
        });
    }
  }
  if (!chosen) {
    decisions.push({
      step: 'route',
      note: `no TCPRoute or TLSRoute applies to ${svc.kind} ${svc.namespace}/${svc.name} port ${port}: the connection goes to the service itself`,
    });
    return { kind: 'default', decisions, notes };
  }
  const rules = getArray(chosen.obj, ['spec', 'rules']);
  if (rules.length > 1)
    notes.push(
      `${chosen.kind} ${chosen.name} has ${rules.length} rules; ${chosen.kind} rules have no match criteria, so only the first one is ever used`,
    );
  const rule = getObject(rules[0], []) ?? {};
  return { kind: 'matched', route: chosen, rule: 0, backends: backendsOf(mesh, chosen, rule), decisions, notes };
}

function tcpPortNote(r: Resource, svc: MeshService): string {
  const ref = getArray(r.obj, ['spec', 'parentRefs'])
    .map((p) => getObject(p, []) ?? {})
    .find((p) => p['name'] === svc.name && typeof p['port'] === 'number');
  return ref ? ` port ${String(ref['port'])}` : '';
}
