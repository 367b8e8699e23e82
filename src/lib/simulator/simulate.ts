/**
 * Walk one request through the ambient dataplane: source ztunnel → waypoint? → destination ztunnel → pod, with
 * every decision and the resource that made it (DESIGN §4.3, SEMANTICS §1–6). run() is the sequence of named steps
 * in ./steps; each returns `continue` with what it decided, or `finished` with the result.
 */
import type { Resource } from '../model/types.ts';
import { buildMesh } from '../model/mesh.ts';
import { meshConfigInManifests } from '../ambient/index.ts';
import { validateJwt } from './jwt.ts';
import type { JwtOutcome } from './jwt.ts';
import type { Mesh } from './mesh.ts';
import type { SimOptions, SimRequest, SimResult } from './types.ts';
import { startWalk } from './trace.ts';
import type { PendingJwt } from './trace.ts';
import { noteUndeclaredNamespaces, serviceEntryVisibility, sourceHop } from './steps/source-hop.ts';
import { chooseWaypoint } from './steps/waypoint-choice.ts';
import { waypointHop } from './steps/waypoint-hop.ts';
import { routeWithoutWaypoint } from './steps/route-decision.ts';
import { chooseEndpoint } from './steps/endpoint-choice.ts';
import { destinationHop } from './steps/destination-hop.ts';

export { resolveClient, resolveDestination } from './request.ts';
export type { Client, Destination } from './request.ts';

/**
 * Simulate one request over manifests (applied in order, later duplicates win). Throws SimulationInputError for an
 * unknown client or destination.
 */
export async function simulate(
  input: Mesh | readonly Resource[],
  req: SimRequest,
  opts: SimOptions = {},
): Promise<SimResult> {
  // A Mesh (built once with buildMesh, as the playground and labs do) or the parsed resources themselves.
  if (!Array.isArray(input)) return simulateIn(input as Mesh, req, opts);
  // buildMesh applies the manifests in order: a later object with the same identity replaces the earlier one
  // (ambient lastWins, as `kubectl apply` does).
  // Without a MeshConfig, the istio ConfigMap among the manifests (as lint does).
  const meshConfig = opts.meshConfig ?? meshConfigInManifests(input);
  const rootNamespace = opts.rootNamespace ?? meshConfig?.rootNamespace;
  const mesh = buildMesh(input, {
    ...(rootNamespace ? { rootNamespace } : {}),
    ...(meshConfig ? { trustDomain: meshConfig.trustDomain } : {}),
  });
  return simulateIn(mesh, req, meshConfig ? { ...opts, meshConfig } : opts);
}

/**
 * Simulate one request over a Mesh built with buildMesh. Only a JWT signature checked against an inline `jwks`
 * needs to wait (WebCrypto); every other trace is computed synchronously, as simulateSync does.
 */
export async function simulateIn(mesh: Mesh, req: SimRequest, opts: SimOptions = {}): Promise<SimResult> {
  const first = run(mesh, req, opts);
  if (first.kind === 'finished') return first.result;
  const { token, ras, now } = first.pending;
  // The trace is a pure function of its inputs: run it again with the verified outcome and the same clock.
  const again = run(mesh, req, { ...opts, nowSeconds: now }, await validateJwt(token, ras, now));
  if (again.kind === 'pending') throw new Error('internal: a trace given its JWT outcome asked for it again');
  return again.result;
}

/**
 * simulateIn without a Promise, for callers that run many traces: the same result, or undefined when the request
 * carries a JWT whose signature must be verified against an inline `jwks` (only simulateIn can, with WebCrypto).
 */
export function simulateSync(mesh: Mesh, req: SimRequest, opts: SimOptions = {}): SimResult | undefined {
  const r = run(mesh, req, opts);
  return r.kind === 'finished' ? r.result : undefined;
}

/** The steps in order. Each one that can end the trace is followed by its check. */
function run(
  mesh: Mesh,
  req: SimRequest,
  opts: SimOptions,
  verified?: JwtOutcome,
): { readonly kind: 'finished'; readonly result: SimResult } | PendingJwt {
  const w = startWalk(mesh, req, opts, verified);
  noteUndeclaredNamespaces(w);
  const { sidecarHop } = sourceHop(w);
  const visible = serviceEntryVisibility(w);
  if (visible.kind === 'finished') return visible;
  const chosen = chooseWaypoint(w, visible.level, sidecarHop !== undefined);
  const { waypoint } = chosen;
  const routed = waypoint ? waypointHop(w, waypoint, chosen) : routeWithoutWaypoint(w, sidecarHop);
  if (routed.kind !== 'continue') return routed;
  const endpoint = chooseEndpoint(w, routed, waypoint, sidecarHop !== undefined);
  if (endpoint.kind === 'finished') return endpoint;
  return destinationHop(w, endpoint, waypoint, routed.backends, sidecarHop !== undefined);
}
