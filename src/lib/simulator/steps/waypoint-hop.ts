/**
 * The waypoint hop: the waypoint must be reachable (an HBONE listener on 15008); then it authenticates a JWT
 * (authenticateJwt), authorizes the request (authorizeAtWaypoint) and routes it (decideRoute). Objects that look
 * like they apply here but do not (selector policies, routes on the waypoint Gateway, anything but Gateway API
 * routes on an agentgateway waypoint) are named in the hop's notes.
 */
import { AGENTGATEWAY_WAYPOINT_CLASS, isAgentgatewayWaypoint } from '../../ambient/index.ts';
import { evaluate } from '../authz.ts';
import type { AuthzRequest, JwtAuth } from '../authz.ts';
import { endpointsOf, readinessNote, waypointReachable } from '../mesh.ts';
import type { Waypoint } from '../mesh.ts';
import { policiesForWaypoint, policiesForWorkload } from '../policies.ts';
import { routesOnWaypointGateway } from '../routing.ts';
import type { RouteScope } from '../routing.ts';
import { virtualServicesFor } from '../vs.ts';
import type { Decision, Hop } from '../types.ts';
import { finished, peerOf } from '../trace.ts';
import type { Finished, PendingJwt, Routed, Step, Walk } from '../trace.ts';
import { authenticateJwt } from './authenticate-jwt.ts';
import { decideRoute } from './route-decision.ts';
import type { WaypointChosen } from './waypoint-choice.ts';

type ServiceRef = { kind: 'Service' | 'ServiceEntry'; namespace: string; name: string };

export function waypointHop(w: Walk, wp: Waypoint, chosen: WaypointChosen): Step<Routed> | PendingJwt {
  const { dest, t, client } = w;
  if (!waypointReachable(wp)) {
    t.notes.push(
      `waypoint ${wp.namespace}/${wp.name} has no HBONE listener on 15008, so its Service does not expose the port ztunnel tunnels to: the connection fails (rule waypoint-listener)`,
    );
    return finished(w, { verdict: 'error', status: null, waypoint: wp });
  }
  const decisions: Decision[] = [
    { step: 'waypoint', note: chosen.binding.note },
    ...(chosen.canaryNote ? [{ step: 'waypoint', note: chosen.canaryNote }] : []),
  ];
  const notes: string[] = [readinessNote(wp), `forwards to the destination as spiffe://${wp.principal}`];
  const hop: Hop = { at: 'waypoint', name: `${wp.namespace}/${wp.name}`, decisions, notes };
  t.hops.push(hop);
  const svcRef: ServiceRef | undefined =
    dest.kind === 'service'
      ? { kind: dest.service.kind, namespace: dest.service.namespace, name: dest.service.name }
      : undefined;
  const scope: RouteScope = { at: 'waypoint', waypointNamespace: wp.namespace, clientNamespace: client.namespace };
  // Istio 1.30 has no agentgateway waypoint class: such a Gateway is a third-party waypoint there (SEMANTICS §2).
  const agentgateway = w.line.behaviour.agentgatewayWaypointClass && isAgentgatewayWaypoint(wp);
  notesOnWhatDoesNotApply(w, wp, svcRef, scope, agentgateway, notes);
  let auth: JwtAuth | undefined;
  if (w.http) {
    const jwt = authenticateJwt(w, wp, svcRef, agentgateway, decisions);
    if (jwt.kind !== 'continue') return jwt;
    auth = jwt.auth;
  }
  const az = authorizeAtWaypoint(w, wp, svcRef, agentgateway, auth, decisions, notes);
  if (az) return az;
  if (dest.kind !== 'service')
    return { kind: 'continue', backends: [], target: { workload: dest.workload, port: dest.port } };
  return decideRoute(w, dest.service, dest.port, {
    scope,
    decisions,
    notes,
    waypoint: wp,
    gatewayApiOnly: agentgateway,
  });
}

/** The waypoint's AuthorizationPolicies (targetRefs) over the whole request; the finished trace when they deny. */
function authorizeAtWaypoint(
  w: Walk,
  wp: Waypoint,
  svcRef: ServiceRef | undefined,
  agentgateway: boolean,
  auth: JwtAuth | undefined,
  decisions: Decision[],
  notes: string[],
): Finished | undefined {
  const { http, client, t } = w;
  const areq: AuthzRequest = {
    layer: http ? 'l7' : 'l4',
    source: peerOf(client),
    destPort: w.servicePort,
    ...(http ? { method: w.method, path: w.path, host: w.hostHeader, headers: w.headers } : {}),
    ...(client.workload?.ip ? { remoteIp: client.workload.ip } : {}),
    ...(auth ? { auth } : {}),
  };
  const az = evaluate(
    agentgateway ? [] : policiesForWaypoint(w.mesh, 'AuthorizationPolicy', wp, svcRef),
    areq,
    'waypoint',
    w.meshConfig,
  );
  decisions.push(...az.decisions);
  notes.push(...az.notes);
  if (!az.allowed) {
    t.decidedBy = az.decidedBy;
    return finished(w, { verdict: 'denied', status: http ? 403 : null, deniedAt: 'waypoint', waypoint: wp });
  }
  t.allowedBy ??= az.decidedBy;
  return undefined;
}

function notesOnWhatDoesNotApply(
  w: Walk,
  wp: Waypoint,
  svcRef: ServiceRef | undefined,
  scope: RouteScope,
  agentgateway: boolean,
  notes: string[],
): void {
  const { mesh, dest, client } = w;
  if (!agentgateway && isAgentgatewayWaypoint(wp))
    notes.push(
      `Istio ${w.line.version} has no ${AGENTGATEWAY_WAYPOINT_CLASS} class (it arrives, experimental, in 1.31): this Gateway is modelled as a third-party waypoint that honours Istio policy`,
    );
  if (agentgateway) {
    const unused = [
      ...policiesForWaypoint(mesh, 'RequestAuthentication', wp, svcRef),
      ...policiesForWaypoint(mesh, 'AuthorizationPolicy', wp, svcRef),
    ].map((p) => `${p.resource.kind} ${p.resource.namespace}/${p.resource.name}`);
    if (dest.kind === 'service')
      for (const r of virtualServicesFor(mesh, dest.service, scope))
        unused.push(`VirtualService ${r.namespace}/${r.name}`);
    if (unused.length)
      notes.push(
        `${unused.join(', ')} do${unused.length > 1 ? '' : 'es'} not apply: an ${AGENTGATEWAY_WAYPOINT_CLASS} waypoint (1.31, experimental) is configured only through Gateway API routes`,
      );
  }
  const stray = routesOnWaypointGateway(mesh, wp.namespace, wp.name, [
    ...(dest.kind === 'service' ? [dest.service.namespace] : []),
    ...(client.namespace ? [client.namespace] : []),
  ]);
  if (stray.length)
    notes.push(
      `HTTPRoute ${stray.map((r) => `${r.namespace}/${r.name}`).join(', ')} has the waypoint Gateway as parent: never used for mesh routing (attach it to the Service instead)`,
    );
  const ignoredSelector =
    dest.kind === 'service'
      ? endpointsOf(mesh, dest.service)
          .flatMap((wl) => policiesForWorkload(mesh, 'AuthorizationPolicy', wl))
          .filter((p) => p.attachment !== 'mesh')
      : [];
  if (ignoredSelector.length)
    notes.push(
      `selector/namespace AuthorizationPolicies (${[...new Set(ignoredSelector.map((p) => `${p.resource.namespace}/${p.resource.name}`))].join(', ')}) are not applied by the waypoint; ztunnel enforces their L4 part`,
    );
}
