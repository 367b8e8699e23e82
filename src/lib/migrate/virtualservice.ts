// VirtualService (+ DestinationRule subsets) → per-subset Services + port-scoped HTTPRoutes (GAMMA: parentRef
// kind Service). A VirtualService is converted only when the result routes the same way; any feature Gateway
// API cannot express is reported: as an error (the VirtualService is then kept as it is) when it changes which
// requests match or where they go, as a warning when the converted route is faithful except for that feature.
//
// Upstream behaviour relied on:
// - Istio orders the HTTPRoute matches of one Service across rules (pilot/pkg/config/kube/gateway/conversion.go,
//   sortHTTPRoutes/getURIRank): Exact > PathPrefix > RegularExpression, then longer path, then a method match,
//   then more header matches, then more query matches; ties keep rule order. A VirtualService instead takes the
//   first matching entry in order, so we check that the sort cannot change which rule wins.
// - Gateway API PathPrefix matches whole path segments (gateway-api apis/v1/httproute_types.go, PathMatchType),
//   a VirtualService `prefix` is a plain string prefix.
// - HTTPRoute `retry` is experimental in Gateway API v1.5.1 (absent from the standard CRD), CORS is standard.
import { preferredApiVersion } from '../catalog/index.ts';
import { scalarText } from '../model/access.ts';
import type { JsonObject, JsonValue, ObjectPath, Resource } from '../model/types.ts';
import { compileRe2 } from '../model/re2.ts';
import type { MigrationContext, ServiceRef } from './context.ts';
import { DEFAULT_TRUST_DOMAIN as TRUST_DOMAIN } from '../ambient/index.ts';
import { keyOf } from './context.ts';
import {
  clone,
  dnsLabel,
  escapeRegex,
  GATEWAY_METHODS,
  gatewayDuration,
  isHeaderName,
  isObject,
  parseDurationMs,
} from './util.ts';

interface Problem {
  readonly severity: 'error' | 'warning' | 'info';
  readonly rule: string;
  readonly message: string;
  readonly path: ObjectPath;
}

interface Backend {
  readonly ref: ServiceRef;
  /** Explicit destination port; otherwise the parent port (or the backend's only port). */
  readonly port?: number;
  readonly weight?: number;
}

interface ConvMatch {
  readonly match: JsonObject;
  /** VirtualService `port` condition: the rule only applies to that Service port. */
  readonly port?: number;
  readonly rule: number;
  readonly path: ObjectPath;
}

interface ConvRule {
  readonly index: number;
  readonly name?: string;
  /** Undefined = the entry has no match: it matches every request. */
  readonly matches?: ConvMatch[];
  readonly filters: JsonObject[];
  readonly backends: Backend[];
  readonly timeouts?: JsonObject;
  /** The rule needs one HTTPRoute rule per match (URL prefix rewrite wants exactly one PathPrefix match). */
  readonly splitMatches: boolean;
}

export interface SubsetPlan {
  readonly service: ServiceRef;
  readonly subset: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly dr: Resource;
  readonly drPath: ObjectPath;
  readonly trafficPolicy?: JsonObject;
}

/** State shared across every VirtualService of one run, so subset Services are generated once. */
export interface VsShared {
  readonly subsets: Map<string, SubsetPlan>;
  /** Services that got an HTTPRoute already (several VirtualServices for one host are reported). */
  readonly routedServices: Map<string, Resource>;
  /** Services routed by a VirtualService that stays unconverted (its DestinationRule subsets stay in use). */
  readonly keptServices: Set<string>;
  /** Subset plans found while converting the current VirtualService; committed only if it converts. */
  readonly pending: Map<string, SubsetPlan>;
}

const NON_HTTP = new Set(['tcp', 'tls', 'https', 'mongo', 'mysql', 'redis', 'udp', 'grpc-web-tls']);

/** Service ports a VirtualService's `http` section can apply to (protocol selection by name or appProtocol). */
function httpPorts(svc: Resource): { port: number; name?: string }[] {
  const ports = (svc.obj.spec as JsonObject | undefined)?.ports;
  const out: { port: number; name?: string }[] = [];
  if (!Array.isArray(ports)) return out;
  for (const p of ports) {
    if (!isObject(p) || typeof p.port !== 'number') continue;
    if (typeof p.protocol === 'string' && p.protocol !== 'TCP') continue;
    const proto = (
      typeof p.appProtocol === 'string' ? p.appProtocol : typeof p.name === 'string' ? p.name.split('-')[0]! : ''
    ).toLowerCase();
    if (NON_HTTP.has(proto)) continue;
    out.push(typeof p.name === 'string' ? { port: p.port, name: p.name } : { port: p.port });
  }
  return out;
}

function servicePorts(svc: Resource): number[] {
  const ports = (svc.obj.spec as JsonObject | undefined)?.ports;
  return Array.isArray(ports) ? ports.flatMap((p) => (isObject(p) && typeof p.port === 'number' ? [p.port] : [])) : [];
}

/** Which DestinationRule applies to a Service (the oldest one, as Istio merges by creation time). */
function destinationRuleFor(ctx: MigrationContext, ref: ServiceRef): Resource | undefined {
  for (const r of ctx.kind('DestinationRule')) {
    const host = (r.obj.spec as JsonObject | undefined)?.host;
    if (typeof host !== 'string') continue;
    const h = ctx.resolveHost(host, r.namespace);
    if (h && h.namespace === ref.namespace && h.name === ref.name) return r;
  }
  return undefined;
}

function mergePolicy(top: JsonValue | undefined, sub: JsonValue | undefined): JsonObject | undefined {
  // A subset's traffic policy overrides the top-level one field by field (networking/v1 DestinationRule docs).
  if (!isObject(top) && !isObject(sub)) return undefined;
  return { ...(isObject(top) ? clone(top) : {}), ...(isObject(sub) ? clone(sub) : {}) };
}

function parseStringMatch(
  v: JsonValue | undefined,
): { kind: 'exact' | 'prefix' | 'regex' | 'present'; value: string } | undefined {
  if (!isObject(v)) return undefined;
  if (typeof v.exact === 'string') return { kind: 'exact', value: v.exact };
  if (typeof v.prefix === 'string') return { kind: 'prefix', value: v.prefix };
  if (typeof v.regex === 'string') return { kind: 'regex', value: v.regex };
  if (Object.keys(v).length === 0) return { kind: 'present', value: '' };
  return undefined;
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

function convertOne(ctx: MigrationContext, vs: Resource, shared: VsShared): void {
  const spec = isObject(vs.obj.spec) ? vs.obj.spec : {};
  shared.pending.clear();
  const problems: Problem[] = [];
  const err = (rule: string, message: string, path: ObjectPath) =>
    problems.push({ severity: 'error', rule, message, path });
  const warn = (rule: string, message: string, path: ObjectPath) =>
    problems.push({ severity: 'warning', rule, message, path });

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

  // Hosts → Services.
  const hosts = Array.isArray(spec.hosts) ? spec.hosts.map(String) : [];
  const targets: { ref: ServiceRef; svc: Resource; hostIndex: number }[] = [];
  hosts.forEach((h, i) => {
    const ref = ctx.resolveHost(h, vs.namespace);
    const svc = ref && ctx.service(ref.namespace, ref.name);
    if (!ref || !svc) {
      err(
        'migrate-vs-host-not-found',
        `Host "${h}" is not a Kubernetes Service in the input, so there is no Service to attach an HTTPRoute to (include the Service manifest; ServiceEntry and wildcard hosts are not converted).`,
        ['spec', 'hosts', i],
      );
      return;
    }
    targets.push({ ref, svc, hostIndex: i });
  });
  if (!hosts.length) err('migrate-vs-host-not-found', 'VirtualService has no hosts.', ['spec']);
  if (Array.isArray(spec.tcp) && spec.tcp.length)
    err(
      'migrate-unsupported-vs-feature',
      'TCP routes (spec.tcp) are not converted (TCPRoute conversion is not implemented).',
      ['spec', 'tcp'],
    );
  if (Array.isArray(spec.tls) && spec.tls.length)
    err(
      'migrate-unsupported-vs-feature',
      'TLS routes (spec.tls) are not converted (TLSRoute conversion is not implemented).',
      ['spec', 'tls'],
    );
  if (Array.isArray(spec.exportTo) && !spec.exportTo.map(String).includes('*')) {
    warn(
      'migrate-vs-feature-approximated',
      `exportTo (${spec.exportTo.join(', ')}) has no HTTPRoute equivalent: the HTTPRoute is created in the Service's namespace and applies to every client of the Service.`,
      ['spec', 'exportTo'],
    );
  }

  const http = Array.isArray(spec.http) ? spec.http : [];
  const rules: ConvRule[] = [];
  http.forEach((entry, i) => {
    const base: ObjectPath = ['spec', 'http', i];
    if (!isObject(entry)) return;
    const rule = convertRule(ctx, vs, entry, i, base, err, warn, shared);
    if (rule) rules.push(rule);
  });

  // A VirtualService rule after a match-everything rule never matches; Gateway API would rank it, so drop it.
  const catchAll = rules.findIndex((r) => !r.matches);
  const effective = catchAll >= 0 ? rules.slice(0, catchAll + 1) : rules;
  if (catchAll >= 0 && catchAll < rules.length - 1) {
    ctx.add(
      'migrate-vs-unreachable-rule',
      'info',
      `Rules after spec.http[${rules[catchAll]!.index}] can never match (it matches every request); they are not converted.`,
      vs,
      ['spec', 'http', rules[catchAll + 1]!.index],
    );
  }

  // Order: Istio sorts HTTPRoute matches; VirtualService takes the first match.
  checkOrder(effective, err);

  // Ports, backends, per host.
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
        warn(
          'migrate-mixed-routes',
          `HTTPRoute ${other.namespace}/${other.name} already routes Service ${t.ref.name}; its rules and the converted ones are ranked together, review them.`,
          ['spec', 'hosts', t.hostIndex],
        );
      }
    }
    const prev = shared.routedServices.get(keyOf(t.ref.namespace, t.ref.name));
    if (prev)
      err(
        'migrate-unsupported-vs-feature',
        `Service ${t.ref.name} is also a host of VirtualService ${prev.namespace}/${prev.name}; merging several VirtualServices for one host is not converted.`,
        ['spec', 'hosts', t.hostIndex],
      );
    const ports = httpPorts(t.svc);
    if (!ports.length)
      err(
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
      const hr = buildRoute(ctx, t.ref, p.port, name, effective, err);
      if (hr) routes.push(hr);
    }
  }

  routes.push(...referenceGrants(routes, vs.name));
  const errors = problems.filter((p) => p.severity === 'error');
  for (const p of problems) ctx.add(p.rule, p.severity, p.message, vs, p.path);
  if (errors.length) {
    ctx.add(
      'migrate-vs-kept',
      'info',
      `VirtualService ${vs.name} is kept unchanged (not converted) until the errors above are resolved; VirtualService at a waypoint is alpha in ambient.`,
      vs,
      [],
    );
    for (const t of targets) ctx.requireWaypoint(t.ref, `VirtualService ${vs.namespace}/${vs.name} routes it`);
    // Every destination of a kept VirtualService may still use subsets.
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
    return;
  }

  // Commit: remember subsets, mark services routed, replace the VirtualService.
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

function convertRule(
  ctx: MigrationContext,
  vs: Resource,
  entry: JsonObject,
  i: number,
  base: ObjectPath,
  err: (rule: string, message: string, path: ObjectPath) => void,
  warn: (rule: string, message: string, path: ObjectPath) => void,
  shared: VsShared,
): ConvRule | undefined {
  const unsupported = (field: string, why: string) => err('migrate-unsupported-vs-feature', why, [...base, field]);
  if (entry.delegate !== undefined)
    unsupported(
      'delegate',
      'Delegation (delegate) has no Gateway API equivalent; merge the delegate VirtualService by hand first.',
    );
  if (entry.directResponse !== undefined)
    unsupported(
      'directResponse',
      'directResponse has no Gateway API equivalent (there is no direct-response filter in HTTPRoute).',
    );

  // Matches.
  let matches: ConvMatch[] | undefined;
  let rewriteKinds = new Set<string>();
  if (Array.isArray(entry.match) && entry.match.length) {
    matches = [];
    let skipped = 0;
    entry.match.forEach((m, j) => {
      const mp: ObjectPath = [...base, 'match', j];
      if (!isObject(m)) return;
      const conv = convertMatch(m, mp, err, warn);
      if (conv === 'skip') {
        skipped++;
        return;
      }
      if (conv) {
        matches!.push({ ...conv, rule: i, path: mp });
        const pt = isObject(conv.match.path) ? scalarText(conv.match.path.type) : 'none';
        rewriteKinds.add(isObject(m.uri) && typeof m.uri.prefix === 'string' && pt === 'PathPrefix' ? 'prefix' : pt);
      }
    });
    if (!matches.length && skipped === entry.match.length) {
      ctx.add(
        'migrate-vs-unreachable-rule',
        'info',
        `spec.http[${i}] only matches gateway traffic, not mesh traffic; it is not part of the mesh HTTPRoute.`,
        vs,
        [...base, 'match'],
      );
      return undefined;
    }
  } else rewriteKinds = new Set(['none']);

  const filters: JsonObject[] = [];
  let splitMatches = false;

  // Redirect.
  const redirect = entry.redirect;
  if (isObject(redirect)) {
    const rr: JsonObject = {};
    if (typeof redirect.scheme === 'string') rr.scheme = redirect.scheme;
    if (typeof redirect.authority === 'string') rr.hostname = redirect.authority;
    if (typeof redirect.port === 'number') rr.port = redirect.port;
    if (typeof redirect.uri === 'string') rr.path = { type: 'ReplaceFullPath', replaceFullPath: redirect.uri };
    const code = typeof redirect.redirectCode === 'number' ? redirect.redirectCode : 301;
    if (![301, 302, 303, 307, 308].includes(code))
      unsupported('redirect', `Redirect code ${code} is not one Gateway API allows (301, 302, 303, 307, 308).`);
    rr.statusCode = code;
    if (redirect.derivePort !== undefined)
      warn(
        'migrate-vs-feature-approximated',
        "redirect.derivePort has no Gateway API field; without a port the redirect uses the scheme's well-known port (or the request port when no scheme is set).",
        [...base, 'redirect', 'derivePort'],
      );
    filters.push({ type: 'RequestRedirect', requestRedirect: rr });
  }

  // Rewrite.
  const rewrite = entry.rewrite;
  if (isObject(rewrite)) {
    const ur: JsonObject = {};
    if (typeof rewrite.authority === 'string') ur.hostname = rewrite.authority;
    if (rewrite.uriRegexRewrite !== undefined)
      unsupported(
        'rewrite',
        'rewrite.uriRegexRewrite has no Gateway API equivalent (URLRewrite replaces a full path or a prefix only).',
      );
    if (typeof rewrite.uri === 'string') {
      const kinds = [...rewriteKinds];
      if (kinds.length === 1 && kinds[0] === 'prefix') {
        ur.path = { type: 'ReplacePrefixMatch', replacePrefixMatch: rewrite.uri };
        splitMatches = (matches?.length ?? 0) > 1;
      } else if (kinds.length === 1 && kinds[0] === 'Exact') {
        ur.path = { type: 'ReplaceFullPath', replaceFullPath: rewrite.uri };
      } else if (kinds.length === 1 && kinds[0] === 'none') {
        // No URI condition: Envoy replaces the implicit "/" prefix; Gateway API's prefix replacement keeps a
        // segment boundary, so "/a" becomes "<uri>/a" instead of "<uri>a".
        ur.path = { type: 'ReplacePrefixMatch', replacePrefixMatch: rewrite.uri };
        warn(
          'migrate-vs-feature-approximated',
          'rewrite.uri without a uri match: Gateway API keeps the "/" between the new prefix and the rest of the path, which Envoy\'s prefix rewrite did not add.',
          [...base, 'rewrite', 'uri'],
        );
        return finish(true);
      } else
        unsupported(
          'rewrite',
          'rewrite.uri on a rule whose matches are regex, case-insensitive or of mixed types cannot be expressed with URLRewrite.',
        );
    }
    if (Object.keys(ur).length) filters.push({ type: 'URLRewrite', urlRewrite: ur });
  }
  return finish(false);

  function finish(prefixAll: boolean): ConvRule | undefined {
    if (prefixAll) {
      matches = (matches ?? [{ match: {}, rule: i, path: base }]).map((m) => ({
        ...m,
        match: { ...m.match, path: { type: 'PathPrefix', value: '/' } },
      }));
      if (isObject(rewrite) && typeof rewrite.authority === 'string') {
        const f = {
          type: 'URLRewrite',
          urlRewrite: {
            hostname: rewrite.authority,
            path: { type: 'ReplacePrefixMatch', replacePrefixMatch: scalarText(rewrite.uri) },
          },
        };
        filters.push(f);
      } else
        filters.push({
          type: 'URLRewrite',
          urlRewrite: {
            path: { type: 'ReplacePrefixMatch', replacePrefixMatch: scalarText(isObject(rewrite) ? rewrite.uri : '/') },
          },
        });
      splitMatches = matches.length > 1;
    }

    // Header changes.
    const headers = entry.headers;
    if (isObject(headers)) {
      for (const [side, type, field] of [
        ['request', 'RequestHeaderModifier', 'requestHeaderModifier'],
        ['response', 'ResponseHeaderModifier', 'responseHeaderModifier'],
      ] as const) {
        const h = headers[side];
        if (!isObject(h)) continue;
        const mod = headerModifier(h, [...base, 'headers', side], err);
        if (mod) filters.push({ type, [field]: mod });
      }
    }

    // Backends.
    const backends: Backend[] = [];
    const route = Array.isArray(entry.route) ? entry.route : [];
    if (!isObject(redirect) && !route.length && entry.directResponse === undefined && entry.delegate === undefined)
      unsupported('route', 'Rule has neither route nor redirect.');
    const perDestHeaders: JsonValue[] = [];
    route.forEach((d, k) => {
      const dp: ObjectPath = [...base, 'route', k];
      if (!isObject(d) || !isObject(d.destination)) return;
      const b = backendOf(ctx, vs, d.destination, [...dp, 'destination'], err);
      if (!b) return;
      const weight = route.length > 1 ? (typeof d.weight === 'number' ? d.weight : 0) : undefined;
      backends.push(weight === undefined ? b : { ...b, weight });
      if (d.headers !== undefined) perDestHeaders.push(d.headers);
    });
    if (perDestHeaders.length) {
      if (route.length === 1 && isObject(perDestHeaders[0])) {
        // One destination: its header changes are the rule's.
        for (const [side, type, field] of [
          ['request', 'RequestHeaderModifier', 'requestHeaderModifier'],
          ['response', 'ResponseHeaderModifier', 'responseHeaderModifier'],
        ] as const) {
          const h = (perDestHeaders[0] as JsonObject)[side];
          if (!isObject(h)) continue;
          const mod = headerModifier(h, [...base, 'route', 0, 'headers', side], err);
          if (mod) filters.push({ type, [field]: mod });
        }
      } else
        unsupported(
          'route',
          'Per-destination header changes with several weighted destinations are not converted (Istio does not support backendRef filters on HTTPRoute).',
        );
    }

    // Mirrors.
    const mirrors: { dest: JsonObject; pct?: number; path: ObjectPath }[] = [];
    if (isObject(entry.mirror)) {
      const pct =
        isObject(entry.mirrorPercentage) && typeof entry.mirrorPercentage.value === 'number'
          ? entry.mirrorPercentage.value
          : undefined;
      mirrors.push(
        pct === undefined
          ? { dest: entry.mirror, path: [...base, 'mirror'] }
          : { dest: entry.mirror, pct, path: [...base, 'mirror'] },
      );
    }
    if (Array.isArray(entry.mirrors)) {
      entry.mirrors.forEach((m, k) => {
        if (!isObject(m) || !isObject(m.destination)) return;
        const pct = isObject(m.percentage) && typeof m.percentage.value === 'number' ? m.percentage.value : undefined;
        mirrors.push(
          pct === undefined
            ? { dest: m.destination, path: [...base, 'mirrors', k, 'destination'] }
            : { dest: m.destination, pct, path: [...base, 'mirrors', k, 'destination'] },
        );
      });
    }
    for (const m of mirrors) {
      const b = backendOf(ctx, vs, m.dest, m.path, err);
      if (!b) continue;
      const f: JsonObject = {
        backendRef: { name: b.ref.name, namespace: b.ref.namespace, ...(b.port !== undefined ? { port: b.port } : {}) },
      };
      if (m.pct !== undefined && m.pct < 100) {
        if (Number.isInteger(m.pct)) f.percent = m.pct;
        else f.fraction = { numerator: Math.round(m.pct * 1000), denominator: 100000 };
      }
      filters.push({ type: 'RequestMirror', requestMirror: f });
    }

    // Timeouts and retries.
    let timeouts: JsonObject | undefined;
    if (entry.timeout !== undefined) {
      const ms = parseDurationMs(entry.timeout);
      if (ms === undefined) unsupported('timeout', `timeout "${scalarText(entry.timeout)}" is not a duration.`);
      else timeouts = { request: gatewayDuration(ms) };
    }
    if (isObject(entry.retries)) {
      const rt = entry.retries;
      const per = parseDurationMs(rt.perTryTimeout);
      if (per !== undefined) {
        const req = timeouts?.request ? parseDurationMs(timeouts.request) : undefined;
        if (req !== undefined && req !== 0 && per > req)
          warn(
            'migrate-vs-feature-approximated',
            'retries.perTryTimeout is longer than the request timeout; Gateway API requires backendRequest ≤ request, so it is capped.',
            [...base, 'retries', 'perTryTimeout'],
          );
        timeouts = {
          ...(timeouts ?? {}),
          backendRequest: gatewayDuration(req !== undefined && req !== 0 ? Math.min(per, req) : per),
        };
      }
      warn(
        'migrate-vs-feature-approximated',
        `retries (attempts ${scalarText(rt.attempts ?? 'default')}${rt.retryOn ? `, retryOn ${scalarText(rt.retryOn)}` : ''}) are not carried over: HTTPRoute "retry" is experimental in Gateway API v1.5 and absent from the standard CRDs; Istio's default retry policy applies instead.`,
        [...base, 'retries'],
      );
    }
    if (entry.fault !== undefined)
      warn('migrate-vs-feature-approximated', 'Fault injection (fault) has no Gateway API equivalent and is dropped.', [
        ...base,
        'fault',
      ]);
    if (entry.corsPolicy !== undefined) {
      const cors = convertCors(entry.corsPolicy, [...base, 'corsPolicy'], warn);
      if (cors) filters.push({ type: 'CORS', cors });
    }
    for (const f of ['mirror_percent', 'mirrorPercent'] as const)
      if (entry[f] !== undefined)
        warn('migrate-vs-feature-approximated', `${f} is deprecated and not converted; use mirrorPercentage.`, [
          ...base,
          f,
        ]);

    const name =
      typeof entry.name === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(entry.name) && entry.name.length <= 253
        ? entry.name
        : undefined;
    const rule: ConvRule = {
      index: i,
      filters,
      backends,
      splitMatches,
      ...(name ? { name } : {}),
      ...(matches ? { matches } : {}),
      ...(timeouts ? { timeouts } : {}),
    };
    return rule;
  }

  function backendOf(
    c: MigrationContext,
    v: Resource,
    dest: JsonObject,
    dp: ObjectPath,
    e: (rule: string, message: string, path: ObjectPath) => void,
  ): Backend | undefined {
    const host = typeof dest.host === 'string' ? dest.host : '';
    const ref = c.resolveHost(host, v.namespace);
    const svc = ref && c.service(ref.namespace, ref.name);
    if (!ref || !svc) {
      e(
        'migrate-vs-host-not-found',
        `Destination host "${host}" is not a Kubernetes Service in the input; include its manifest (ServiceEntry backends are not converted).`,
        [...dp, 'host'],
      );
      return undefined;
    }
    const port = isObject(dest.port) && typeof dest.port.number === 'number' ? dest.port.number : undefined;
    if (port !== undefined && !servicePorts(svc).includes(port))
      e('migrate-vs-host-not-found', `Service ${ref.name} has no port ${port}.`, [...dp, 'port']);
    if (typeof dest.subset !== 'string') return port === undefined ? { ref } : { ref, port };
    const subset = dest.subset;
    const dr = destinationRuleFor(c, ref);
    const subs = dr && isObject(dr.obj.spec) && Array.isArray(dr.obj.spec.subsets) ? dr.obj.spec.subsets : [];
    const idx = subs.findIndex((s) => isObject(s) && s.name === subset);
    if (!dr || idx < 0) {
      e(
        'migrate-unknown-subset',
        `Subset "${subset}" of ${ref.name} is not defined by any DestinationRule in the input (in sidecar mode such a route fails with 503).`,
        [...dp, 'subset'],
      );
      return undefined;
    }
    const s = subs[idx] as JsonObject;
    const key = keyOf(ref.namespace, `${ref.name}/${subset}`);
    let plan = shared.subsets.get(key) ?? shared.pending.get(key);
    if (!plan) {
      const labels: Record<string, string> = {};
      if (isObject(s.labels)) for (const [k, x] of Object.entries(s.labels)) labels[k] = scalarText(x);
      const policy = mergePolicy(isObject(dr.obj.spec) ? dr.obj.spec.trafficPolicy : undefined, s.trafficPolicy);
      plan = {
        service: ref,
        subset,
        name: dnsLabel(`${ref.name}-${subset}`),
        labels,
        dr,
        drPath: ['spec', 'subsets', idx],
        ...(policy ? { trafficPolicy: policy } : {}),
      };
      shared.pending.set(key, plan);
    }
    const bref = { namespace: ref.namespace, name: plan.name };
    return port === undefined ? { ref: bref } : { ref: bref, port };
  }
}

function convertMatch(
  m: JsonObject,
  mp: ObjectPath,
  err: (rule: string, message: string, path: ObjectPath) => void,
  warn: (rule: string, message: string, path: ObjectPath) => void,
): { match: JsonObject; port?: number } | 'skip' | undefined {
  if (Array.isArray(m.gateways) && !m.gateways.map(String).includes('mesh')) return 'skip';
  const out: JsonObject = {};
  let ok = true;
  const no = (field: string, why: string) => {
    err('migrate-unsupported-vs-feature', why, [...mp, field]);
    ok = false;
  };
  for (const f of ['sourceLabels', 'sourceNamespace', 'withoutHeaders', 'scheme', 'authority'] as const) {
    if (m[f] !== undefined)
      no(
        f,
        `Match condition "${f}" has no HTTPRoute equivalent; converting without it would change which requests this rule catches.`,
      );
  }
  const ci = m.ignoreUriCase === true;
  const uri = m.uri !== undefined ? parseStringMatch(m.uri) : undefined;
  if (m.uri !== undefined && !uri) no('uri', 'Unrecognised uri match.');
  if (uri) {
    if (uri.kind === 'exact')
      out.path = ci ? { type: 'RegularExpression', value: anyCase(uri.value) } : { type: 'Exact', value: uri.value };
    // ignoreUriCase leaves a regex case-sensitive: istiod sets RouteMatch.case_sensitive, which Envoy ignores for
    // safe_regex (route_components.proto: "Ignored for safe_regex matching"), so the regex converts as written.
    else if (uri.kind === 'regex') out.path = { type: 'RegularExpression', value: uri.value };
    else if (uri.kind === 'prefix') {
      if (ci) out.path = { type: 'RegularExpression', value: `${anyCase(uri.value)}.*` };
      else {
        out.path = { type: 'PathPrefix', value: uri.value || '/' };
        if (uri.value !== '/' && uri.value !== '') {
          warn(
            'migrate-prefix-match-narrowed',
            uri.value.endsWith('/')
              ? `PathPrefix "${uri.value}" matches whole segments and ignores the trailing slash: "${uri.value.replace(/\/$/, '')}" itself now matches too. Use RegularExpression "${escapeRegex(uri.value)}.*" if that matters.`
              : `PathPrefix "${uri.value}" matches whole segments: "${uri.value}x" no longer matches (a VirtualService prefix is a plain string prefix). Use RegularExpression "${escapeRegex(uri.value)}.*" if such paths exist.`,
            [...mp, 'uri', 'prefix'],
          );
        }
      }
    } else no('uri', 'An empty uri match is not converted.');
  }
  if (m.method !== undefined) {
    const meth = parseStringMatch(m.method);
    if (meth?.kind === 'exact' && GATEWAY_METHODS.has(meth.value)) out.method = meth.value;
    else
      no(
        'method',
        'Only an exact match on a standard HTTP method converts to HTTPRoute (no prefix/regex method match).',
      );
  }
  if (isObject(m.headers)) {
    const hs: JsonValue[] = [];
    for (const [name, v] of Object.entries(m.headers)) {
      const sm = parseStringMatch(v);
      if (!isHeaderName(name))
        no(
          'headers',
          `Header "${name}" is not a name HTTPRoute can match (pseudo-headers such as :authority are not allowed).`,
        );
      else if (!sm) no('headers', `Unrecognised match for header "${name}".`);
      else hs.push(valueMatch(name, sm));
    }
    if (hs.length) out.headers = hs;
  }
  if (isObject(m.queryParams)) {
    const qs: JsonValue[] = [];
    for (const [name, v] of Object.entries(m.queryParams)) {
      const sm = parseStringMatch(v);
      if (!sm) no('queryParams', `Unrecognised match for query parameter "${name}".`);
      else qs.push(valueMatch(name, sm));
    }
    if (qs.length) out.queryParams = qs;
  }
  if (m.statPrefix !== undefined)
    warn(
      'migrate-vs-feature-approximated',
      'statPrefix (per-route stats name) has no HTTPRoute equivalent and is dropped.',
      [...mp, 'statPrefix'],
    );
  if (!ok) return undefined;
  return typeof m.port === 'number' ? { match: out, port: m.port } : { match: out };
}

/**
 * A regex matching `s` in any letter case, written with character classes (`[dD][oO]…`) rather than RE2's
 * `(?i)` flag so that every regex engine (RE2 in Envoy, JavaScript in the browser tools) reads it the same.
 */
export function anyCase(s: string): string {
  return [...s]
    .map((ch) => (ch.toLowerCase() !== ch.toUpperCase() ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : escapeRegex(ch)))
    .join('');
}

function valueMatch(name: string, sm: { kind: string; value: string }): JsonObject {
  switch (sm.kind) {
    case 'exact':
      return { name, value: sm.value };
    case 'regex':
      return { type: 'RegularExpression', name, value: sm.value };
    case 'prefix':
      return { type: 'RegularExpression', name, value: `${escapeRegex(sm.value)}.*` };
    default:
      // Presence: any value (Envoy's present_match; an absent header fails a regex match).
      return { type: 'RegularExpression', name, value: '.*' };
  }
}

function headerModifier(
  h: JsonObject,
  path: ObjectPath,
  err: (rule: string, message: string, path: ObjectPath) => void,
): JsonObject | undefined {
  const mod: JsonObject = {};
  for (const op of ['set', 'add'] as const) {
    const v = h[op];
    if (!isObject(v)) continue;
    const list: JsonValue[] = [];
    for (const [name, value] of Object.entries(v)) {
      if (!isHeaderName(name))
        err('migrate-unsupported-vs-feature', `Header "${name}" cannot be modified by an HTTPRoute filter.`, [
          ...path,
          op,
        ]);
      else list.push({ name, value: scalarText(value) });
    }
    if (list.length) mod[op] = list;
  }
  if (Array.isArray(h.remove) && h.remove.length) mod.remove = h.remove.map(String);
  return Object.keys(mod).length ? mod : undefined;
}

function convertCors(
  p: JsonValue,
  path: ObjectPath,
  warn: (rule: string, message: string, path: ObjectPath) => void,
): JsonObject | undefined {
  if (!isObject(p)) return undefined;
  const out: JsonObject = {};
  const origins: JsonValue[] = [];
  if (Array.isArray(p.allowOrigins)) {
    for (const o of p.allowOrigins) {
      const sm = parseStringMatch(o);
      if (sm?.kind === 'exact') origins.push(sm.value);
      else
        warn(
          'migrate-vs-feature-approximated',
          'Only exact CORS origins convert (Gateway API allows "*" wildcards, not prefix or regex origins); this origin is dropped.',
          [...path, 'allowOrigins'],
        );
    }
  }
  if (Array.isArray(p.allowOrigin)) origins.push(...p.allowOrigin.map(String));
  if (origins.length) out.allowOrigins = origins;
  if (Array.isArray(p.allowMethods)) out.allowMethods = p.allowMethods.map(String);
  if (Array.isArray(p.allowHeaders)) out.allowHeaders = p.allowHeaders.map(String);
  if (Array.isArray(p.exposeHeaders)) out.exposeHeaders = p.exposeHeaders.map(String);
  if (typeof p.allowCredentials === 'boolean') out.allowCredentials = p.allowCredentials;
  const age = parseDurationMs(p.maxAge);
  if (age !== undefined) out.maxAge = Math.max(1, Math.round(age / 1000));
  if (p.unmatchedPreflights !== undefined)
    warn('migrate-vs-feature-approximated', 'corsPolicy.unmatchedPreflights has no Gateway API equivalent.', [
      ...path,
      'unmatchedPreflights',
    ]);
  return Object.keys(out).length ? out : undefined;
}

// ---- Order check -------------------------------------------------------------------------------------------

interface Ranked {
  readonly m: ConvMatch;
  readonly rank: number;
  readonly len: number;
}

function pathOf(m: JsonObject): { type: string; value: string } {
  return isObject(m.path)
    ? { type: scalarText(m.path.type), value: scalarText(m.path.value) }
    : { type: 'PathPrefix', value: '/' };
}

function rankOf(m: ConvMatch): Ranked {
  const p = pathOf(m.match);
  const rank = p.type === 'Exact' ? 3 : p.type === 'PathPrefix' ? 2 : 1;
  return { m, rank, len: p.value.length };
}

/** Negative when a is ordered before b by Istio's sort of Gateway API matches. */
function compare(a: Ranked, b: Ranked): number {
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (a.len !== b.len) return b.len - a.len;
  const am = a.m.match.method !== undefined;
  const bm = b.m.match.method !== undefined;
  if (am !== bm) return am ? -1 : 1;
  const ah = Array.isArray(a.m.match.headers) ? a.m.match.headers.length : 0;
  const bh = Array.isArray(b.m.match.headers) ? b.m.match.headers.length : 0;
  if (ah !== bh) return bh - ah;
  const aq = Array.isArray(a.m.match.queryParams) ? a.m.match.queryParams.length : 0;
  const bq = Array.isArray(b.m.match.queryParams) ? b.m.match.queryParams.length : 0;
  return bq - aq;
}

function segPrefix(prefix: string, path: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  return p === '' || path === p || path.startsWith(`${p}/`);
}

/** True only when the (RE2, full-match) regex surely rejects the literal path; unsure ⇒ false. */
function regexRejects(regex: string, path: string): boolean {
  const c = compileRe2(regex);
  return c.ok && !c.matcher.fullMatch(path);
}

/**
 * The fixed start of a path pattern as a list of allowed-character sets: literal and escaped characters and
 * two-letter case classes like `[dD]` (what {@link anyCase} writes), up to the first other regex construct.
 */
function fixedStart(type: string, value: string): string[][] {
  if (type !== 'RegularExpression') return [...value].map((c) => [c]);
  const out: string[][] = [];
  let i = value.startsWith('^') ? 1 : 0;
  while (i < value.length) {
    const c = value[i]!;
    const class2 = /^\[([^\]\\])([^\]\\])\]/.exec(value.slice(i));
    if (c === '\\' && i + 1 < value.length && !/[a-zA-Z0-9]/.test(value[i + 1]!)) {
      out.push([value[i + 1]!]);
      i += 2;
    } else if (class2) {
      out.push([class2[1]!, class2[2]!]);
      i += 4;
    } else if (/[.+*?()|[\]{}^$\\]/.test(c)) break;
    else {
      out.push([c]);
      i++;
    }
  }
  // A quantifier after the last token makes that token optional or repeated: drop it.
  if (i < value.length && /[*?{]/.test(value[i]!)) out.pop();
  return out;
}

/** Two path conditions whose fixed starts differ somewhere can never match the same path. */
function startsConflict(a: { type: string; value: string }, b: { type: string; value: string }): boolean {
  const fa = fixedStart(a.type, a.value);
  const fb = fixedStart(b.type, b.value);
  for (let i = 0; i < Math.min(fa.length, fb.length); i++) if (!fa[i]!.some((c) => fb[i]!.includes(c))) return true;
  return false;
}

/** True when no request can satisfy both matches (conservative: unsure ⇒ false). */
export function disjoint(a: JsonObject, b: JsonObject): boolean {
  const pa = pathOf(a);
  const pb = pathOf(b);
  if (pa.type !== 'RegularExpression' && pb.type !== 'RegularExpression') {
    if (pa.type === 'Exact' && pb.type === 'Exact' && pa.value !== pb.value) return true;
    if (pa.type === 'Exact' && pb.type === 'PathPrefix' && !segPrefix(pb.value, pa.value)) return true;
    if (pb.type === 'Exact' && pa.type === 'PathPrefix' && !segPrefix(pa.value, pb.value)) return true;
    if (
      pa.type === 'PathPrefix' &&
      pb.type === 'PathPrefix' &&
      !segPrefix(pa.value, pb.value) &&
      !segPrefix(pb.value, pa.value)
    )
      return true;
  }
  if (startsConflict(pa, pb)) return true;
  if (pa.type === 'Exact' && pb.type === 'RegularExpression' && regexRejects(pb.value, pa.value)) return true;
  if (pb.type === 'Exact' && pa.type === 'RegularExpression' && regexRejects(pa.value, pb.value)) return true;
  if (typeof a.method === 'string' && typeof b.method === 'string' && a.method !== b.method) return true;
  for (const [field, ci] of [
    ['headers', true],
    ['queryParams', false],
  ] as const) {
    const la = Array.isArray(a[field]) ? (a[field] as JsonObject[]) : [];
    const lb = Array.isArray(b[field]) ? (b[field] as JsonObject[]) : [];
    for (const x of la) {
      if (x.type !== undefined && x.type !== 'Exact') continue;
      for (const y of lb) {
        if (y.type !== undefined && y.type !== 'Exact') continue;
        const same = ci ? scalarText(x.name).toLowerCase() === scalarText(y.name).toLowerCase() : x.name === y.name;
        if (same && x.value !== y.value) return true;
      }
    }
  }
  return false;
}

function checkOrder(rules: ConvRule[], err: (rule: string, message: string, path: ObjectPath) => void): void {
  const all: Ranked[] = [];
  for (const r of rules) {
    const ms = r.matches ?? [{ match: {}, rule: r.index, path: ['spec', 'http', r.index] }];
    for (const m of ms) all.push(rankOf(m));
  }
  const reported = new Set<string>();
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i]!;
      const b = all[j]!;
      if (a.m.rule === b.m.rule) continue;
      if (a.m.port !== undefined && b.m.port !== undefined && a.m.port !== b.m.port) continue;
      if (compare(b, a) >= 0) continue; // Istio keeps a before b.
      if (disjoint(a.m.match, b.m.match)) continue;
      const key = `${a.m.rule}/${b.m.rule}`;
      if (reported.has(key)) continue;
      reported.add(key);
      err(
        'migrate-match-order-changed',
        `spec.http[${b.m.rule}] would win over spec.http[${a.m.rule}] after conversion: Gateway API ranks matches by specificity (exact path, longest prefix, method, header count, query count) instead of list order, and the two can match the same request. Make the earlier rule at least as specific, or split the paths, before converting.`,
        b.m.path,
      );
    }
  }
}

// ---- Emission ----------------------------------------------------------------------------------------------

function backendRefJson(b: Backend, port: number | undefined, routeNs: string): JsonObject {
  const out: JsonObject = { name: b.ref.name };
  if (b.ref.namespace !== routeNs) out.namespace = b.ref.namespace;
  const p = b.port ?? port;
  if (p !== undefined) out.port = p;
  if (b.weight !== undefined) out.weight = b.weight;
  return out;
}

function buildRoute(
  ctx: MigrationContext,
  parent: ServiceRef,
  port: number,
  name: string,
  rules: ConvRule[],
  err: (rule: string, message: string, path: ObjectPath) => void,
): JsonObject | undefined {
  const ns = parent.namespace;
  const out: JsonObject[] = [];
  for (const r of rules) {
    const ms = r.matches?.filter((m) => m.port === undefined || m.port === port);
    if (r.matches && !ms?.length) continue;
    const groups: (ConvMatch[] | undefined)[] = r.splitMatches && ms ? ms.map((m) => [m]) : [ms];
    for (const g of groups) {
      const rule: JsonObject = {};
      if (r.name && groups.length === 1) rule.name = r.name;
      if (g) rule.matches = g.map((m) => clone(m.match));
      const filters = r.filters.map((f) => {
        const c = clone(f);
        if (c.type === 'RequestMirror' && isObject(c.requestMirror)) {
          const br = c.requestMirror.backendRef as JsonObject;
          const mirrorNs = scalarText(br.namespace);
          if (br.port === undefined) {
            const p = resolvePort(ctx, { namespace: mirrorNs, name: scalarText(br.name) }, port);
            if (p === undefined)
              err(
                'migrate-vs-host-not-found',
                `Cannot tell which port of mirror ${scalarText(br.name)} to use for Service port ${port}; set the mirror's port.number.`,
                ['spec', 'http', r.index],
              );
            else br.port = p;
          }
          if (mirrorNs === ns) delete br.namespace;
          const ordered: JsonObject = { name: br.name ?? null };
          if (br.namespace !== undefined) ordered.namespace = br.namespace;
          if (br.port !== undefined) ordered.port = br.port;
          c.requestMirror.backendRef = ordered;
        }
        return c;
      });
      if (filters.length) rule.filters = filters;
      if (r.backends.length) {
        rule.backendRefs = r.backends.map((b) => {
          const p = b.port ?? resolvePort(ctx, b.ref, port);
          if (p === undefined)
            err(
              'migrate-vs-host-not-found',
              `Cannot tell which port of ${b.ref.name} to send to for Service port ${port}; set destination.port.number.`,
              ['spec', 'http', r.index, 'route'],
            );
          return backendRefJson(b, p, ns);
        });
      }
      if (r.timeouts) rule.timeouts = clone(r.timeouts);
      out.push(rule);
    }
  }
  if (!out.length) return undefined;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: ns },
    spec: { parentRefs: [{ group: '', kind: 'Service', name: parent.name, port }], rules: out },
  };
}

/** One ReferenceGrant per (backend namespace, route namespace) for cross-namespace backendRefs and mirrors. */
function referenceGrants(routes: JsonObject[], vsName: string): JsonObject[] {
  const wanted = new Map<string, { from: string; to: string; names: Set<string> }>();
  for (const r of routes) {
    const from = scalarText((r.metadata as JsonObject).namespace);
    const refs: JsonValue[] = [];
    for (const rule of ((r.spec as JsonObject).rules as JsonObject[]) ?? []) {
      if (Array.isArray(rule.backendRefs)) refs.push(...rule.backendRefs);
      if (Array.isArray(rule.filters))
        for (const f of rule.filters)
          if (isObject(f) && isObject(f.requestMirror)) refs.push(f.requestMirror.backendRef ?? null);
    }
    for (const b of refs) {
      if (!isObject(b) || typeof b.namespace !== 'string' || b.namespace === from) continue;
      const k = `${b.namespace}/${from}`;
      const w = wanted.get(k) ?? { from, to: b.namespace, names: new Set<string>() };
      w.names.add(scalarText(b.name));
      wanted.set(k, w);
    }
  }
  return [...wanted.values()].map((w) => ({
    apiVersion: preferredApiVersion('ReferenceGrant') ?? 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { name: dnsLabel(`${vsName}-routes-from-${w.from}`), namespace: w.to },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: w.from }],
      to: [...w.names].sort().map((name) => ({ group: '', kind: 'Service', name })),
    },
  }));
}

/** A backend port for a request that arrived on `port`: the same port if the backend has it, else its only one. */
function resolvePort(ctx: MigrationContext, ref: ServiceRef, port: number): number | undefined {
  const svc = ctx.service(ref.namespace, ref.name);
  if (!svc) return port; // a generated per-subset Service copies the parent's ports
  const ports = servicePorts(svc);
  if (ports.includes(port)) return port;
  return ports.length === 1 ? ports[0] : undefined;
}

function emitSubsetServices(ctx: MigrationContext, shared: VsShared): void {
  const byDr = new Map<Resource, SubsetPlan[]>();
  const generated = new Map<Resource, JsonObject[]>();
  // DestinationRule order, subset order: the output reads like the DestinationRule it replaces.
  const plans = [...shared.subsets.values()].sort(
    (a, b) => a.dr.seq - b.dr.seq || Number(a.drPath[2]) - Number(b.drPath[2]),
  );
  for (const plan of plans) {
    byDr.set(plan.dr, [...(byDr.get(plan.dr) ?? []), plan]);
    const parent = ctx.service(plan.service.namespace, plan.service.name)!;
    const selector = { ...ctx.serviceSelector(parent), ...plan.labels };
    const existing = ctx.service(plan.service.namespace, plan.name);
    ctx.generatedServices.add(keyOf(plan.service.namespace, plan.name));
    if (existing) {
      const sel = ctx.serviceSelector(existing);
      const same =
        Object.keys(sel).length === Object.keys(selector).length &&
        Object.entries(selector).every(([k, v]) => sel[k] === v);
      if (!same)
        ctx.add(
          'migrate-subset-service-conflict',
          'error',
          `Service ${plan.name} already exists with a different selector than subset "${plan.subset}" needs (${JSON.stringify(selector)}); rename one of them.`,
          existing,
          ['spec', 'selector'],
        );
      continue;
    }
    const parentSpec = parent.obj.spec as JsonObject;
    const ports = Array.isArray(parentSpec.ports)
      ? parentSpec.ports.flatMap((p) => {
          if (!isObject(p)) return [];
          const q: JsonObject = {};
          for (const k of ['name', 'port', 'targetPort', 'protocol', 'appProtocol'] as const)
            if (p[k] !== undefined) q[k] = clone(p[k]);
          return [q];
        })
      : [];
    const svc: JsonObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: plan.name, namespace: plan.service.namespace },
      spec: { selector, ports },
    };
    const gen = generated.get(plan.dr) ?? [];
    gen.push(svc);
    generated.set(plan.dr, gen);
    if (plan.trafficPolicy) {
      ctx.output.get(plan.dr)!.push({
        apiVersion: plan.dr.apiVersion,
        kind: 'DestinationRule',
        metadata: { name: dnsLabel(`${plan.dr.name}-${plan.subset}`), namespace: plan.dr.namespace },
        spec: { host: `${plan.name}.${plan.service.namespace}.svc.${TRUST_DOMAIN}`, trafficPolicy: plan.trafficPolicy },
      });
    }
  }
  for (const [dr, plans] of byDr) {
    // Per-subset Services go right before the DestinationRule that defined the subsets. Once no VirtualService
    // uses its subsets, the DestinationRule keeps only its traffic policy (or goes, when nothing else is left).
    const [drOut, ...after] = ctx.output.get(dr)!;
    let kept: JsonObject[] = [drOut!];
    if (!shared.keptServices.has(keyOf(plans[0]!.service.namespace, plans[0]!.service.name)) && isObject(drOut!.spec)) {
      delete drOut!.spec.subsets;
      const left = Object.keys(drOut!.spec).filter((k) => k !== 'host' && k !== 'exportTo' && k !== 'workloadSelector');
      if (!left.length) kept = [];
      ctx.add(
        'migrate-destinationrule-subsets-removed',
        'info',
        kept.length
          ? `The subsets of ${dr.name} are no longer used by any route and are removed; its traffic policy stays for traffic addressed to ${plans[0]!.service.name} itself.`
          : `${dr.name} only defined subsets, which no route uses any more: it is not part of the output (delete it after the migration).`,
        dr,
        ['spec', 'subsets'],
      );
    }
    ctx.output.set(dr, [...(generated.get(dr) ?? []), ...kept, ...after]);
    ctx.add(
      'migrate-destinationrule-subsets',
      'info',
      `Subsets ${plans.map((p) => p.subset).join(', ')} of ${dr.name} → Services ${plans.map((p) => p.name).join(', ')} (selector = Service selector + subset labels)${plans.some((p) => p.trafficPolicy) ? '; their traffic policies move to per-Service DestinationRules, since routed traffic now targets those hosts' : ''}.`,
      dr,
      ['spec', 'subsets'],
    );
  }
}
