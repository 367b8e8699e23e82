/**
 * Routing at the proxy that routes the request — the waypoint, or a sidecar client for itself: Gateway API routes
 * or VirtualServices for HTTP, TCP/TLS routes for plain TCP, then the weighted backend this trace follows. The
 * proxy may answer itself (no route: 404; a redirect or direct response; a rule with no usable backend).
 */
import { crdBundleTooOld } from '../../versions.ts';
import type { ServiceInfo as MeshService, ServicePort, Waypoint } from '../mesh.ts';
import { pickBackends, route, routesFor, unusedRouteNotes } from '../routing.ts';
import type { HttpRequestView, RouteOutcome, RouteScope } from '../routing.ts';
import { routeL4 } from '../l4routing.ts';
import { routeVirtualServices, virtualServicesFor } from '../vs.ts';
import type { Decision, SidecarHop } from '../types.ts';
import { finished, ref } from '../trace.ts';
import type { Continue, Routed, Step, Walk } from '../trace.ts';

/** Where routing happens and where its decisions and notes are written. */
export interface RoutingProxy {
  readonly scope: RouteScope;
  readonly decisions: Decision[];
  readonly notes: string[];
  /** The waypoint, when it is the one routing (for the result's `waypoint`). */
  readonly waypoint: Waypoint | undefined;
  /** An agentgateway waypoint: Gateway API routes only. */
  readonly gatewayApiOnly: boolean;
}

/** No proxy routes (ambient client, no waypoint): the request goes to the Service it dialled. */
export function directRoute(svc: MeshService, sp: ServicePort): Continue<Routed> {
  return {
    kind: 'continue',
    backends: [{ namespace: svc.namespace, service: svc.name, port: sp.port, probability: 1 }],
    target: { service: svc, servicePort: sp },
  };
}

export function decideRoute(w: Walk, svc: MeshService, sp: ServicePort, at: RoutingProxy): Step<Routed> {
  const { mesh, t, tcp, http } = w;
  const { decisions, notes, scope } = at;
  const servicePort = w.servicePort;
  notes.push(...unusedRouteNotes(mesh, svc, servicePort, scope, tcp, true));
  let ro: RouteOutcome;
  if (http) {
    const view: HttpRequestView = {
      method: w.method,
      path: w.path,
      query: w.query,
      headers: w.headers,
      clientNamespace: w.client.namespace,
      servicePort,
    };
    const vss = at.gatewayApiOnly ? [] : virtualServicesFor(mesh, svc, scope);
    // Only needed to choose between VirtualServices and Gateway API routes (route() finds the routes itself).
    const httpRoutes = vss.length ? routesFor(mesh, svc, servicePort, scope).routes : [];
    if (vss.length && httpRoutes.length)
      notes.push(
        `both Gateway API routes and VirtualService (${vss.map((r) => `${r.namespace}/${r.name}`).join(', ')}) target this service: their routes are concatenated upstream and the result is undefined; the simulator follows the Gateway API routes`,
      );
    ro =
      vss.length && !httpRoutes.length
        ? routeVirtualServices(mesh, vss, { ...view, clientLabels: w.client.workload?.labels ?? {} })
        : route(mesh, svc, view, scope);
  } else {
    const host = w.dest.kind === 'service' ? w.dest.host : undefined;
    ro = routeL4(mesh, svc, servicePort, host, scope, (kind) => crdBundleTooOld(w.rows, kind));
  }
  decisions.push(...ro.decisions);
  notes.push(...ro.notes);
  const wp = at.waypoint;
  if (ro.kind === 'no-match') {
    t.decidedBy = ref(ro.routes[0]!);
    return finished(w, { verdict: 'no-route', status: http ? 404 : null, waypoint: wp });
  }
  if (ro.kind !== 'matched') return directRoute(svc, sp);
  if (ro.redirect !== undefined) {
    // The proxy answers itself (redirect or direct response).
    const code = ro.redirect;
    if (code < 400) t.allowedBy ??= ref(ro.route, ro.rule);
    else t.decidedBy = ref(ro.route, ro.rule);
    const verdict = code < 400 ? 'allowed' : code === 404 ? 'no-route' : 'error';
    return finished(w, { verdict, status: code, waypoint: wp });
  }
  for (const b of ro.backends) if (b.note !== undefined && b.weight > 0) notes.push(b.note);
  const picked = pickBackends(ro.backends, servicePort, tcp);
  const backends = picked.backends;
  if (picked.invalidNote) notes.push(picked.invalidNote);
  if (!picked.chosen) {
    t.decidedBy = ref(ro.route, ro.rule);
    if (picked.noBackendRefs && http && ro.route.kind === 'HTTPRoute') {
      // HTTPRoute only: GRPCRoute answered 500 on both lines (conversion.go convertGRPCRoute).
      const code = w.line.behaviour.backendlessRuleStatus;
      decisions.push({
        step: 'backend',
        policy: `${ro.route.namespace}/${ro.route.name}`,
        rule: ro.rule,
        matched: false,
        note: `the matched rule has no backendRefs: the waypoint answers ${code} (Istio ${w.line.version}${code === 500 ? '; 404 before 1.31' : '; 500 from 1.31'})`,
      });
      return finished(w, { verdict: code === 404 ? 'no-route' : 'error', status: code, waypoint: wp, backends });
    }
    decisions.push({
      step: 'backend',
      policy: `${ro.route.namespace}/${ro.route.name}`,
      rule: ro.rule,
      matched: false,
      note: picked.why,
    });
    return finished(w, { verdict: 'error', status: http ? 500 : null, waypoint: wp, backends });
  }
  if (backends.length > 1)
    notes.push(
      `weighted split${tcp ? ' per connection' : ''}: following ${picked.chosen.service.namespace}/${picked.chosen.service.name} (the most likely backend)`,
    );
  return {
    kind: 'continue',
    backends,
    target: {
      service: picked.chosen.service,
      servicePort: picked.chosen.port,
      ...(picked.chosen.subsetLabels ? { subsetLabels: picked.chosen.subsetLabels } : {}),
    },
  };
}

/**
 * Without a waypoint only a sidecar client routes (for itself, into its own hop); an ambient client or a gateway
 * goes to the Service it dialled, and a pod destination needs no routing.
 */
export function routeWithoutWaypoint(w: Walk, sidecarHop: SidecarHop | undefined): Step<Routed> {
  const { dest } = w;
  if (dest.kind === 'pod')
    return { kind: 'continue', backends: [], target: { workload: dest.workload, port: dest.port } };
  if (!sidecarHop) return directRoute(dest.service, dest.port);
  return decideRoute(w, dest.service, dest.port, {
    scope: { at: 'client', clientNamespace: w.client.namespace },
    decisions: sidecarHop.decisions,
    notes: sidecarHop.notes,
    waypoint: undefined,
    gatewayApiOnly: false,
  });
}
