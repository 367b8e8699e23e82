// VirtualService (+ DestinationRule subsets) → per-subset Services + port-scoped HTTPRoutes (GAMMA: parentRef
// kind Service). A VirtualService is converted only when the result routes the same way; any feature Gateway
// API cannot express is reported: as an error (the VirtualService is then kept as it is) when it changes which
// requests match or where they go, as a warning when the converted route is faithful except for that feature.
//
//
// The steps, one file each: rule.ts (each `spec.http` field by a converter of its own), match.ts, filters.ts,
// backends.ts (destinations and subsets), order.ts (Istio's ranking vs first-match), emit.ts (the output).
// Gateway API PathPrefix matches whole path segments (gateway-api apis/v1/httproute_types.go, PathMatchType);
// a VirtualService `prefix` is a plain string prefix (match.ts reports the difference).
import { scalarText } from '../../model/access.ts';
import type { JsonObject, JsonValue, Resource } from '../../model/types.ts';
import type { MigrationContext, ServiceRef } from '../context.ts';
import { keyOf } from '../context.ts';
import { clone, dnsLabel, isObject } from '../util.ts';
import { httpPorts } from './backends.ts';
import { buildRoute, emitSubsetServices, referenceGrants } from './emit.ts';
import { checkOrder } from './order.ts';
import { convertRule } from './rule.ts';
import type { ConvRule, Problem, Problems, VsEnv, VsShared } from './types.ts';

export type { SubsetPlan, VsShared } from './types.ts';

interface Target {
  readonly ref: ServiceRef;
  readonly svc: Resource;
  readonly hostIndex: number;
}

export function convertVirtualServices(ctx: MigrationContext): void {
  const shared: VsShared = {
    subsets: new Map(),
    routedServices: new Map(),
    pending: new Map(),
    keptServices: new Set(),
  };
  for (const r of ctx.kind('VirtualService')) convertOne(ctx, r, shared);
  emitSubsetServices(ctx, shared);
  // Audit: subsets nothing in the input routes to (HTTPRoute cannot use them either).
  const used = new Set([...shared.subsets.values()].map((p) => p.dr));
  for (const dr of ctx.kind('DestinationRule')) {
    const subsets = isObject(dr.obj.spec) && Array.isArray(dr.obj.spec.subsets) ? dr.obj.spec.subsets : [];
    if (!subsets.length || used.has(dr)) continue;
    const host = isObject(dr.obj.spec) && typeof dr.obj.spec.host === 'string' ? dr.obj.spec.host : '';
    const ref = ctx.resolveHost(host, dr.namespace);
    if (ref && shared.keptServices.has(keyOf(ref.namespace, ref.name))) continue;
    ctx.add(
      'migrate-destinationrule-subsets-unused',
      'info',
      `${dr.name} defines subsets that no VirtualService in the input routes to. HTTPRoute cannot select subsets: if something else routes by them, create one Service per subset (Service selector + subset labels).`,
      dr,
      ['spec', 'subsets'],
    );
  }
  // Gateway API routes on Services (GAMMA) were applied by sidecars; in ambient only a waypoint applies them.
  for (const kind of ['HTTPRoute', 'GRPCRoute']) {
    for (const r of ctx.kind(kind)) {
      const parents = isObject(r.obj.spec) && Array.isArray(r.obj.spec.parentRefs) ? r.obj.spec.parentRefs : [];
      parents.forEach((p, i) => {
        if (!isObject(p) || p.kind !== 'Service' || typeof p.name !== 'string') return;
        const ns = typeof p.namespace === 'string' ? p.namespace : r.namespace;
        ctx.requireWaypoint({ namespace: ns, name: p.name }, `${kind} ${r.namespace}/${r.name}`);
        ctx.add(
          'migrate-route-needs-waypoint',
          'info',
          `${kind} ${r.name} attaches to Service ${p.name}: sidecars applied it on the client side, in ambient the Service's waypoint does, so the Service is bound to one.`,
          r,
          ['spec', 'parentRefs', i],
        );
      });
    }
  }
}

/** The Services a VirtualService routes, one per host (hosts that are not Services in the input are errors). */
function resolveTargets(env: VsEnv, hosts: string[]): Target[] {
  const { ctx, vs, problems } = env;
  const targets: Target[] = [];
  hosts.forEach((h, i) => {
    const ref = ctx.resolveHost(h, vs.namespace);
    const svc = ref && ctx.service(ref.namespace, ref.name);
    if (!ref || !svc) {
      problems.err(
        'migrate-vs-host-not-found',
        `Host "${h}" is not a Kubernetes Service in the input, so there is no Service to attach an HTTPRoute to (include the Service manifest; ServiceEntry and wildcard hosts are not converted).`,
        ['spec', 'hosts', i],
      );
      return;
    }
    targets.push({ ref, svc, hostIndex: i });
  });
  if (!hosts.length) problems.err('migrate-vs-host-not-found', 'VirtualService has no hosts.', ['spec']);
  return targets;
}

/** Sections and fields of the whole VirtualService that no HTTPRoute carries. */
function checkWholeVs(env: VsEnv, spec: JsonObject): void {
  const { problems } = env;
  if (Array.isArray(spec.tcp) && spec.tcp.length)
    problems.err(
      'migrate-unsupported-vs-feature',
      'TCP routes (spec.tcp) are not converted (TCPRoute conversion is not implemented).',
      ['spec', 'tcp'],
    );
  if (Array.isArray(spec.tls) && spec.tls.length)
    problems.err(
      'migrate-unsupported-vs-feature',
      'TLS routes (spec.tls) are not converted (TLSRoute conversion is not implemented).',
      ['spec', 'tls'],
    );
  if (Array.isArray(spec.exportTo) && !spec.exportTo.map(String).includes('*')) {
    problems.warn(
      'migrate-vs-feature-approximated',
      `exportTo (${spec.exportTo.join(', ')}) has no HTTPRoute equivalent: the HTTPRoute is created in the Service's namespace and applies to every client of the Service.`,
      ['spec', 'exportTo'],
    );
  }
}

/** The converted rules that can match: a VirtualService rule after a match-everything rule never matches. */
function reachableRules(env: VsEnv, http: JsonValue[]): ConvRule[] {
  const rules: ConvRule[] = [];
  http.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const rule = convertRule(env, entry, i);
    if (rule) rules.push(rule);
  });
  // Gateway API would rank a rule after the catch-all instead of ignoring it, so it is dropped.
  const catchAll = rules.findIndex((r) => !r.matches);
  if (catchAll < 0) return rules;
  if (catchAll < rules.length - 1) {
    env.ctx.add(
      'migrate-vs-unreachable-rule',
      'info',
      `Rules after spec.http[${rules[catchAll]!.index}] can never match (it matches every request); they are not converted.`,
      env.vs,
      ['spec', 'http', rules[catchAll + 1]!.index],
    );
  }
  return rules.slice(0, catchAll + 1);
}

/** One HTTPRoute per target Service and HTTP port. */
function routesFor(env: VsEnv, targets: Target[], rules: ConvRule[]): JsonObject[] {
  const { ctx, vs, shared, problems } = env;
  const routes: JsonObject[] = [];
  for (const t of targets) {
    for (const other of ctx.kind('HTTPRoute')) {
      const parents = (other.obj.spec as JsonObject | undefined)?.parentRefs;
      if (
        Array.isArray(parents) &&
        parents.some(
          (p) =>
            isObject(p) &&
            p.kind === 'Service' &&
            p.name === t.ref.name &&
            (p.namespace ?? other.namespace) === t.ref.namespace,
        )
      ) {
        problems.warn(
          'migrate-mixed-routes',
          `HTTPRoute ${other.namespace}/${other.name} already routes Service ${t.ref.name}; its rules and the converted ones are ranked together, review them.`,
          ['spec', 'hosts', t.hostIndex],
        );
      }
    }
    const prev = shared.routedServices.get(keyOf(t.ref.namespace, t.ref.name));
    if (prev)
      problems.err(
        'migrate-unsupported-vs-feature',
        `Service ${t.ref.name} is also a host of VirtualService ${prev.namespace}/${prev.name}; merging several VirtualServices for one host is not converted.`,
        ['spec', 'hosts', t.hostIndex],
      );
    const ports = httpPorts(t.svc);
    if (!ports.length)
      problems.err(
        'migrate-vs-host-not-found',
        `Service ${t.ref.name} has no HTTP-capable port for an HTTPRoute to attach to.`,
        ['spec', 'hosts', t.hostIndex],
      );
    for (const p of ports) {
      const name =
        targets.length === 1
          ? ports.length === 1
            ? vs.name
            : dnsLabel(`${vs.name}-${p.port}`)
          : dnsLabel(ports.length === 1 ? `${vs.name}-${t.ref.name}` : `${vs.name}-${t.ref.name}-${p.port}`);
      const hr = buildRoute(ctx, t.ref, p.port, name, rules, problems);
      if (hr) routes.push(hr);
    }
  }
  return routes;
}

/** An error anywhere: the VirtualService stays as it is (at the waypoint), and its subsets stay in use. */
function keep(env: VsEnv, targets: Target[], http: JsonValue[]): void {
  const { ctx, vs, shared } = env;
  ctx.add(
    'migrate-vs-kept',
    'info',
    `VirtualService ${vs.name} is kept unchanged (not converted) until the errors above are resolved; VirtualService at a waypoint is alpha in ambient.`,
    vs,
    [],
  );
  for (const t of targets) ctx.requireWaypoint(t.ref, `VirtualService ${vs.namespace}/${vs.name} routes it`);
  for (const e of http) {
    for (const d of isObject(e) && Array.isArray(e.route) ? e.route : []) {
      const host =
        isObject(d) && isObject(d.destination) && typeof d.destination.host === 'string'
          ? d.destination.host
          : undefined;
      const ref = host ? ctx.resolveHost(host, vs.namespace) : undefined;
      if (ref) shared.keptServices.add(keyOf(ref.namespace, ref.name));
    }
  }
}

/** Converted: remember its subsets, mark its Services routed, and replace the VirtualService by the routes. */
function commit(env: VsEnv, targets: Target[], gateways: string[], routes: JsonObject[]): void {
  const { ctx, vs, shared } = env;
  for (const t of targets) {
    shared.routedServices.set(keyOf(t.ref.namespace, t.ref.name), vs);
    ctx.requireWaypoint(t.ref, `HTTPRoute converted from VirtualService ${vs.namespace}/${vs.name}`);
  }
  for (const [k, plan] of shared.pending) shared.subsets.set(k, plan);
  shared.pending.clear();
  const replacement: JsonObject[] = [];
  const others = gateways.filter((g) => g !== 'mesh');
  if (others.length) {
    const kept = clone(ctx.primary(vs)!);
    (kept.spec as JsonObject).gateways = others;
    replacement.push(kept);
    ctx.add(
      'migrate-vs-gateways-kept',
      'info',
      `The VirtualService also serves gateways (${others.join(', ')}); it is kept for them with "mesh" removed, and mesh traffic uses the HTTPRoute.`,
      vs,
      ['spec', 'gateways'],
    );
  }
  replacement.push(...routes);
  ctx.output.set(vs, replacement);
  const names = (kind: string) =>
    routes
      .filter((r) => r.kind === kind)
      .map((r) => `${scalarText((r.metadata as JsonObject).namespace)}/${scalarText((r.metadata as JsonObject).name)}`);
  ctx.add(
    'migrate-virtualservice-converted',
    'info',
    `VirtualService ${vs.name} → HTTPRoute ${names('HTTPRoute').join(', ')} (parentRef kind Service, port-scoped), match order preserved.`,
    vs,
    [],
  );
  const grants = names('ReferenceGrant');
  if (grants.length)
    ctx.add(
      'migrate-reference-grant',
      'info',
      `Cross-namespace backends need a ReferenceGrant in the backend's namespace: ${grants.join(', ')} is generated.`,
      vs,
      ['spec', 'http'],
    );
}

function convertOne(ctx: MigrationContext, vs: Resource, shared: VsShared): void {
  const spec = isObject(vs.obj.spec) ? vs.obj.spec : {};
  shared.pending.clear();
  const gateways = Array.isArray(spec.gateways) ? spec.gateways.map(String) : ['mesh'];
  if (!gateways.includes('mesh')) {
    ctx.add(
      'migrate-vs-ingress-only',
      'info',
      `VirtualService ${vs.name} is bound to gateways only (${gateways.join(', ')}), not to mesh traffic; ingress gateways keep supporting it, so it is left unchanged.`,
      vs,
      ['spec', 'gateways'],
    );
    return;
  }
  const found: Problem[] = [];
  const problems: Problems = {
    err: (rule, message, path) => found.push({ severity: 'error', rule, message, path }),
    warn: (rule, message, path) => found.push({ severity: 'warning', rule, message, path }),
  };
  const env: VsEnv = { ctx, vs, shared, problems };

  const targets = resolveTargets(env, Array.isArray(spec.hosts) ? spec.hosts.map(String) : []);
  checkWholeVs(env, spec);
  const http = Array.isArray(spec.http) ? spec.http : [];
  const rules = reachableRules(env, http);
  checkOrder(rules, problems);
  const routes = routesFor(env, targets, rules);
  routes.push(...referenceGrants(routes, vs.name));

  for (const p of found)
    if (p.severity === 'error') ctx.add(p.rule, p.severity, p.message, vs, p.path);
    else ctx.add(p.rule, p.severity, p.message, vs, p.path);
  if (found.some((p) => p.severity === 'error')) keep(env, targets, http);
  else commit(env, targets, gateways, routes);
}
