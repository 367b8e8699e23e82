// Policy audit and conversions: AuthorizationPolicy (L7 selector → targetRefs, L4 kept), RequestAuthentication,
// WasmPlugin and Telemetry selectors, EnvoyFilter blockers, Sidecar no-ops, and sidecar injection switches.
//
// Upstream behaviour relied on (see SEMANTICS.md §3, §6, §7):
// - ztunnel only enforces L4 attributes; an ALLOW rule with an L7 field is dropped whole, and CUSTOM/AUDIT are
//   not enforced (istio/istio pilot/pkg/serviceregistry/ambient/authorization.go).
// - A waypoint only applies policies attached with targetRefs (Gateway, Service, ServiceEntry, or the
//   istio-waypoint GatewayClass from the root namespace); selector policies are ignored there.
// - Behind a waypoint the destination ztunnel sees the waypoint's identity, not the client's.
import {
  DEFAULT_ROOT_NAMESPACE as ROOT_NAMESPACE,
  L7_OPERATION_FIELDS as L7_OPERATION,
  L7_SOURCE_FIELDS as L7_SOURCE,
  LABEL_DATAPLANE_MODE,
  LABEL_INJECTION,
  LABEL_REV,
  LABEL_SIDECAR_INJECT,
  WAYPOINT_CLASS,
  hasTargetRefs,
  isL4WhenKey,
} from '../ambient/index.ts';
import { scalarText, selectorMatches, stringRecord } from '../model/access.ts';
import type { JsonObject, JsonValue, ObjectPath, Resource } from '../model/types.ts';
import type { MigrationContext, ServiceRef } from './context.ts';
import { keyOf, SYSTEM_NAMESPACES } from './context.ts';
import { clone, dnsLabel, isObject } from './util.ts';

/** Paths of every L7-only attribute in an AuthorizationPolicy (empty for an L4 policy). */
export function l7Attributes(spec: JsonObject): ObjectPath[] {
  const out: ObjectPath[] = [];
  if (spec.action === 'CUSTOM' || spec.action === 'AUDIT') out.push(['spec', 'action']);
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  rules.forEach((rule, i) => {
    if (!isObject(rule)) return;
    (Array.isArray(rule.from) ? rule.from : []).forEach((f, j) => {
      const src = isObject(f) ? f.source : undefined;
      if (isObject(src))
        for (const k of L7_SOURCE) if (src[k] !== undefined) out.push(['spec', 'rules', i, 'from', j, 'source', k]);
    });
    (Array.isArray(rule.to) ? rule.to : []).forEach((t, j) => {
      const op = isObject(t) ? t.operation : undefined;
      if (isObject(op))
        for (const k of L7_OPERATION) if (op[k] !== undefined) out.push(['spec', 'rules', i, 'to', j, 'operation', k]);
    });
    (Array.isArray(rule.when) ? rule.when : []).forEach((w, j) => {
      if (isObject(w) && typeof w.key === 'string' && !isL4WhenKey(w.key))
        out.push(['spec', 'rules', i, 'when', j, 'key']);
    });
  });
  return out;
}

function usesPorts(spec: JsonObject): boolean {
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  return rules.some(
    (r) =>
      isObject(r) &&
      ((Array.isArray(r.to) &&
        r.to.some(
          (t) =>
            isObject(t) &&
            isObject(t.operation) &&
            (t.operation.ports !== undefined || t.operation.notPorts !== undefined),
        )) ||
        (Array.isArray(r.when) && r.when.some((w) => isObject(w) && w.key === 'destination.port'))),
  );
}

/**
 * Services that front the pods a workload selector picks. With workloads in the input we follow real pod
 * labels; without, we compare selectors. `broader` = a Service also reaches pods the selector did not pick.
 */
export function servicesForSelector(
  ctx: MigrationContext,
  ns: string,
  selector: JsonObject,
): { refs: ServiceRef[]; broader: string[] } {
  const nsPods = ctx.podsIn(ns);
  const pods = nsPods.filter((p) => selectorMatches(selector, p.labels));
  const matchLabels = stringRecord(selector.matchLabels);
  const hasExpr = Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0;
  const refs: ServiceRef[] = [];
  const broader: string[] = [];
  for (const svc of ctx.servicesIn(ns)) {
    if (ctx.generatedServices.has(keyOf(ns, svc.name))) continue;
    const sel = ctx.serviceSelector(svc);
    if (!Object.keys(sel).length) continue;
    const picks = (labels: Readonly<Record<string, string>>) => Object.entries(sel).every(([k, v]) => labels[k] === v);
    if (pods.length) {
      if (!pods.some((p) => picks(p.labels))) continue;
      refs.push({ namespace: ns, name: svc.name });
      const others = nsPods.some((p) => picks(p.labels) && !selectorMatches(selector, p.labels));
      if (others) broader.push(svc.name);
    } else if (!hasExpr) {
      const agree = Object.entries(sel).every(([k, v]) => matchLabels[k] === undefined || matchLabels[k] === v);
      const svcInPolicy = Object.keys(sel).every((k) => matchLabels[k] !== undefined);
      const policyInSvc = Object.keys(matchLabels).every((k) => sel[k] !== undefined);
      if (!agree || !(svcInPolicy || policyInSvc)) continue;
      refs.push({ namespace: ns, name: svc.name });
      if (!policyInSvc) broader.push(svc.name);
    }
  }
  // Keep only the widest Services: a per-version Service (selector = another one's plus more labels) reaches a
  // subset of the same pods, and the bypass-prevention DENY already refuses it as a way around the waypoint.
  const sel = (r: ServiceRef) => ctx.serviceSelector(ctx.service(r.namespace, r.name)!);
  const extendsOther = (r: ServiceRef) =>
    refs.some((o) => {
      if (o === r) return false;
      const a = sel(r);
      const b = sel(o);
      const bk = Object.keys(b);
      return bk.length < Object.keys(a).length && bk.every((k) => a[k] === b[k]);
    });
  return { refs: refs.filter((r) => !extendsOther(r)), broader };
}

function withTargetRefs(obj: JsonObject, targetRefs: JsonValue[]): JsonObject {
  const out = clone(obj);
  const spec = isObject(out.spec) ? out.spec : {};
  delete spec.selector;
  delete spec.targetRef;
  out.spec = { targetRefs, ...spec };
  return out;
}

const serviceRef = (name: string): JsonObject => ({ kind: 'Service', group: '', name });
const gatewayRef = (name: string): JsonObject => ({ kind: 'Gateway', group: 'gateway.networking.k8s.io', name });
const gatewayClassRef = (): JsonObject => ({
  kind: 'GatewayClass',
  group: 'gateway.networking.k8s.io',
  name: WAYPOINT_CLASS,
});

/** Record the waypoint needs of a policy that already uses targetRefs. */
function noteExistingTargets(ctx: MigrationContext, r: Resource, spec: JsonObject, why: string): void {
  const refs = [
    ...(Array.isArray(spec.targetRefs) ? spec.targetRefs : []),
    ...(isObject(spec.targetRef) ? [spec.targetRef] : []),
  ];
  for (const t of refs) {
    if (!isObject(t)) continue;
    if (t.kind === 'Service' && typeof t.name === 'string')
      ctx.requireWaypoint({ namespace: r.namespace, name: t.name }, why);
    if (t.kind === 'Gateway') ctx.namespacesNeedingWaypoint.add(r.namespace);
  }
}

/**
 * Retarget a selector/namespace-wide policy to the waypoint. `mode` picks Service targets (precise) or the
 * namespace's waypoint Gateway. Returns false when nothing could be targeted (an error was reported).
 */
function retarget(
  ctx: MigrationContext,
  r: Resource,
  spec: JsonObject,
  mode: 'service' | 'gateway',
  rule: 'migrate-l7-policy-retargeted' | 'migrate-selector-retargeted',
  what: string,
): boolean {
  const selector = isObject(spec.selector) ? spec.selector : undefined;
  if (r.namespace === ROOT_NAMESPACE) {
    if (selector) {
      ctx.add(
        'migrate-l7-policy-no-service',
        'error',
        `${what} ${r.name} selects workloads mesh-wide from the root namespace; a waypoint cannot enforce that. Move it to the workloads' namespaces with targetRefs.`,
        r,
        ['spec', 'selector'],
      );
      return false;
    }
    ctx.output.set(r, [withTargetRefs(ctx.primary(r)!, [gatewayClassRef()])]);
    ctx.add(
      rule,
      'info',
      `${what} ${r.name} (mesh-wide) → targetRefs GatewayClass ${WAYPOINT_CLASS}: every waypoint enforces it; traffic that does not cross a waypoint is not covered.`,
      r,
      ['spec'],
    );
    return true;
  }
  if (!selector) {
    // Namespace-wide: everything the namespace's waypoint carries, so every Service there must use it.
    const wp = ctx.waypointName(r.namespace);
    ctx.namespacesNeedingWaypoint.add(r.namespace);
    for (const svc of ctx.servicesIn(r.namespace))
      if (!ctx.generatedServices.has(keyOf(svc.namespace, svc.name)) && Object.keys(ctx.serviceSelector(svc)).length)
        ctx.requireWaypoint({ namespace: svc.namespace, name: svc.name }, `namespace-wide ${what} ${r.name}`);
    ctx.output.set(r, [withTargetRefs(ctx.primary(r)!, [gatewayRef(wp)])]);
    ctx.add(
      rule,
      'info',
      `${what} ${r.name} (namespace-wide) → targetRefs Gateway ${wp}, the namespace's waypoint; its Services are bound to it.`,
      r,
      ['spec'],
    );
    return true;
  }
  const { refs, broader } = servicesForSelector(ctx, r.namespace, selector);
  if (mode === 'gateway') {
    const wp = ctx.waypointName(r.namespace);
    ctx.namespacesNeedingWaypoint.add(r.namespace);
    for (const s of refs) ctx.requireWaypoint(s, `${what} ${r.name}`);
    ctx.output.set(r, [withTargetRefs(ctx.primary(r)!, [gatewayRef(wp)])]);
    ctx.add(rule, 'info', `${what} ${r.name}: selector → targetRefs Gateway ${wp}.`, r, ['spec', 'selector']);
    const otherServices = ctx
      .servicesIn(r.namespace)
      .filter((s) => !refs.some((x) => x.name === s.name) && !ctx.generatedServices.has(keyOf(s.namespace, s.name)));
    if (otherServices.length) {
      ctx.add(
        'migrate-policy-scope-broadened',
        'warning',
        `Targeting the waypoint Gateway applies ${r.name} to every Service bound to ${wp}, not only to the selected workloads (also ${otherServices.map((s) => s.name).join(', ')} if they use it). Use --target service to keep the original scope.`,
        r,
        ['spec', 'selector'],
      );
    }
    return true;
  }
  if (!refs.length) {
    ctx.add(
      'migrate-l7-policy-no-service',
      'error',
      `${what} ${r.name} selects workloads that no Service in the input fronts; a waypoint-enforced policy needs a Service (or the waypoint Gateway: --target gateway) to attach to. Include the Service manifest.`,
      r,
      ['spec', 'selector'],
    );
    return false;
  }
  for (const s of refs) ctx.requireWaypoint(s, `${what} ${r.name}`);
  ctx.output.set(r, [
    withTargetRefs(
      ctx.primary(r)!,
      refs.map((s) => serviceRef(s.name)),
    ),
  ]);
  ctx.add(
    rule,
    'info',
    `${what} ${r.name}: selector → targetRefs Service ${refs.map((s) => s.name).join(', ')}; the waypoint enforces it for traffic addressed to ${refs.length > 1 ? 'those Services' : 'that Service'}.`,
    r,
    ['spec', 'selector'],
  );
  if (broader.length) {
    ctx.add(
      'migrate-policy-scope-broadened',
      'warning',
      `Service ${broader.join(', ')} also reaches pods the original selector did not pick; the policy now covers them too.`,
      r,
      ['spec', 'selector'],
    );
  }
  return true;
}

export function convertPolicies(ctx: MigrationContext): void {
  const mode = ctx.options.target ?? 'service';
  for (const r of ctx.resources) {
    const spec = isObject(r.obj.spec) ? r.obj.spec : {};
    switch (r.kind) {
      case 'AuthorizationPolicy': {
        if (spec.targetRef !== undefined || spec.targetRefs !== undefined) {
          noteExistingTargets(ctx, r, spec, `AuthorizationPolicy ${r.namespace}/${r.name}`);
          break;
        }
        const l7 = l7Attributes(spec);
        if (!l7.length) {
          ctx.add(
            'migrate-l4-policy-unchanged',
            'info',
            `AuthorizationPolicy ${r.name} only uses L4 attributes; ztunnel enforces it as it is.`,
            r,
            [],
          );
          break;
        }
        const custom = spec.action === 'CUSTOM' || spec.action === 'AUDIT';
        ctx.add(
          'migrate-l7-policy-needs-waypoint',
          'info',
          custom
            ? `AuthorizationPolicy ${r.name} uses action ${scalarText(spec.action)}, which ztunnel does not enforce; only a waypoint does.`
            : `AuthorizationPolicy ${r.name} uses L7 attributes that only a waypoint enforces (ztunnel would drop ${spec.action === 'DENY' ? 'those matches' : 'the whole rule'}).`,
          r,
          l7[0]!,
        );
        if (retarget(ctx, r, spec, mode, 'migrate-l7-policy-retargeted', 'AuthorizationPolicy') && usesPorts(spec)) {
          ctx.add(
            'migrate-policy-port-semantics',
            'warning',
            "At the waypoint, ports and destination.port are checked against the port the request was addressed to (the Service port); ztunnel checked the pod's target port. Review the port numbers.",
            r,
            ['spec', 'rules'],
          );
        }
        break;
      }
      case 'RequestAuthentication':
      case 'WasmPlugin': {
        if (spec.targetRef !== undefined || spec.targetRefs !== undefined) {
          noteExistingTargets(ctx, r, spec, `${r.kind} ${r.namespace}/${r.name}`);
          break;
        }
        // WasmPlugin in ambient runs only on a waypoint Gateway target (SEMANTICS §7).
        ctx.add(
          'migrate-selector-needs-targetrefs',
          'info',
          `${r.kind} ${r.name} ${spec.selector ? 'selects workloads' : 'is namespace-wide'}; in ambient it only takes effect on a waypoint through targetRefs.`,
          r,
          spec.selector ? ['spec', 'selector'] : [],
        );
        retarget(ctx, r, spec, r.kind === 'WasmPlugin' ? 'gateway' : mode, 'migrate-selector-retargeted', r.kind);
        break;
      }
      case 'Telemetry': {
        if (spec.targetRef !== undefined || spec.targetRefs !== undefined) break;
        if (!isObject(spec.selector)) break; // namespace/mesh-wide Telemetry applies to ztunnel and waypoints alike
        ctx.add(
          'migrate-selector-needs-targetrefs',
          'info',
          `Telemetry ${r.name} selects workloads; ambient pods have no proxy of their own, so L7 telemetry (tracing, access logs) for them comes from the waypoint through targetRefs.`,
          r,
          ['spec', 'selector'],
        );
        retarget(ctx, r, spec, mode, 'migrate-selector-retargeted', 'Telemetry');
        break;
      }
      case 'EnvoyFilter': {
        const patches = Array.isArray(spec.configPatches) ? spec.configPatches : [];
        const gatewayOnly =
          patches.length > 0 && patches.every((p) => isObject(p) && isObject(p.match) && p.match.context === 'GATEWAY');
        // Where an EnvoyFilter applies in ambient (SEMANTICS §7 [rev]; tests/integration/ambient/baseline_test.go
        // TestWaypointEnvoyFilter): through targetRefs at the waypoint it names (alpha since 1.30), by selector or
        // GATEWAY patches at ingress gateways, and nowhere for ambient workloads otherwise.
        if (hasTargetRefs(r)) {
          ctx.add(
            'migrate-envoyfilter-targetrefs',
            'info',
            `EnvoyFilter ${r.name} is attached with targetRefs: the Gateway it names applies it, a waypoint included (alpha since Istio 1.30); nothing to migrate.`,
            r,
            ['spec', 'targetRefs'],
          );
        } else if (gatewayOnly) {
          ctx.add(
            'migrate-envoyfilter-gateway',
            'info',
            `EnvoyFilter ${r.name} only patches gateways (context GATEWAY); Istio ingress gateways still apply it. A waypoint applies an EnvoyFilter only through targetRefs.`,
            r,
            ['spec', 'configPatches'],
          );
        } else {
          ctx.add(
            'migrate-envoyfilter-blocker',
            'error',
            `EnvoyFilter ${r.name} configures sidecar proxies by selector; ztunnel is not Envoy and waypoints take EnvoyFilter only through targetRefs, so its behaviour silently disappears after migration. Attach it to the waypoint with targetRefs (alpha since Istio 1.30), replace it with a WasmPlugin targeting the waypoint, or delete it if it is no longer needed; do not migrate these workloads while none of these is possible.`,
            r,
            ['kind'],
          );
        }
        break;
      }
      case 'Sidecar':
        ctx.add(
          'migrate-sidecar-resource-noop',
          'info',
          `Sidecar ${r.name} only configures sidecar proxies; it has no effect on ambient workloads (delete it once no sidecars are left).`,
          r,
          ['kind'],
        );
        break;
      case 'Namespace':
        switchNamespace(ctx, r);
        break;
      default:
        break;
    }
  }
  // Pod templates that force a sidecar would keep it after the namespace switches to ambient.
  for (const p of ctx.pods) {
    if (SYSTEM_NAMESPACES.has(p.namespace)) continue;
    const out = ctx.primary(p.resource);
    let md: JsonValue | undefined = out;
    for (const seg of p.metadataPath) md = isObject(md) ? md[scalarText(seg)] : undefined;
    if (!isObject(md)) continue;
    for (const where of ['labels', 'annotations'] as const) {
      const m = md[where];
      if (isObject(m) && scalarText(m[LABEL_SIDECAR_INJECT]) === 'true') {
        delete m[LABEL_SIDECAR_INJECT];
        if (!Object.keys(m).length) delete md[where];
        ctx.add(
          'migrate-workload-sidecar-inject',
          'warning',
          `${p.resource.kind} ${p.resource.name} forced a sidecar with sidecar.istio.io/inject=true (${where}); injection wins over ambient, so the setting is removed. Its pods move to ambient on their next restart.`,
          p.resource,
          [...p.metadataPath, where, LABEL_SIDECAR_INJECT],
        );
      }
    }
  }
}

function switchNamespace(ctx: MigrationContext, r: Resource): void {
  if (SYSTEM_NAMESPACES.has(r.name)) return;
  const injection = r.labels[LABEL_INJECTION];
  const rev = r.labels[LABEL_REV];
  if (injection !== 'enabled' && rev === undefined) return;
  setNamespaceAmbient(ctx.primary(r)!);
  ctx.add(
    'migrate-namespace-ambient',
    'info',
    `Namespace ${r.name}: ${injection === 'enabled' ? LABEL_INJECTION : LABEL_REV} removed and istio.io/dataplane-mode=ambient added. Restart its workloads afterwards so the sidecars go away.`,
    r,
    ['metadata', 'labels'],
  );
}

export function setNamespaceAmbient(obj: JsonObject): void {
  const md = isObject(obj.metadata) ? obj.metadata : (obj.metadata = {});
  const labels = isObject(md.labels) ? md.labels : (md.labels = {});
  delete labels[LABEL_INJECTION];
  delete labels[LABEL_REV];
  labels[LABEL_DATAPLANE_MODE] = 'ambient';
}

/** Identity conditions that stop matching once a waypoint sits in front of the pod. */
export function identityRules(spec: JsonObject): number[] {
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  const out: number[] = [];
  rules.forEach((rule, i) => {
    if (!isObject(rule) || !Array.isArray(rule.from) || !rule.from.length) return;
    const identity = rule.from.some((f) => isObject(f) && isObject(f.source) && Object.keys(f.source).length > 0);
    if (identity) out.push(i);
  });
  return out;
}

/**
 * L4 policies on pods that will sit behind a waypoint: ztunnel now sees the waypoint's identity and address.
 * An ALLOW naming the real callers would start denying, a DENY naming them would stop matching. We keep the
 * check where it still works (a copy attached to the waypoint via targetRefs) and, for ALLOW, also let the
 * waypoint's own principal through at ztunnel.
 */
export function fixL4BehindWaypoint(
  ctx: MigrationContext,
  bound: Map<string, { ns: string; name: string; principal: string }>,
): void {
  for (const r of ctx.resources) {
    if (r.kind !== 'AuthorizationPolicy' || SYSTEM_NAMESPACES.has(r.namespace)) continue;
    const spec = isObject(r.obj.spec) ? r.obj.spec : {};
    if (spec.targetRef !== undefined || spec.targetRefs !== undefined || l7Attributes(spec).length) continue;
    const action = spec.action ?? 'ALLOW';
    if (action !== 'ALLOW' && action !== 'DENY') continue;
    const selector = isObject(spec.selector) ? spec.selector : {};
    const affected = identityRules(spec);
    if (!affected.length) continue;
    const { refs } = servicesForSelector(ctx, r.namespace, selector);
    const behind = refs.filter((s) => bound.has(keyOf(s.namespace, s.name)));
    if (!behind.length) continue;
    const principals = [...new Set(behind.map((s) => bound.get(keyOf(s.namespace, s.name))!.principal))];
    const out = ctx.primary(r)!;
    // It no longer stays "unchanged": drop that note.
    const stale = ctx.findings.findIndex(
      (f) =>
        f.rule === 'migrate-l4-policy-unchanged' && f.resource?.name === r.name && f.resource.namespace === r.namespace,
    );
    if (stale >= 0) ctx.findings.splice(stale, 1);
    if (action === 'ALLOW') {
      const rules = (out.spec as JsonObject).rules as JsonObject[];
      for (const i of affected) {
        const from = rules[i]!.from as JsonValue[];
        const has = from.some((f) => {
          const listed =
            isObject(f) && isObject(f.source) && Array.isArray(f.source.principals)
              ? f.source.principals.map(String)
              : [];
          return principals.every((p) => listed.includes(p));
        });
        if (!has) from.push({ source: { principals } });
      }
    }
    const copy = withTargetRefs(
      clone(r.obj),
      behind.map((s) => serviceRef(s.name)),
    );
    const md = copy.metadata as JsonObject;
    const cleaned: JsonObject = { name: dnsLabel(`${r.name}-waypoint`), namespace: r.namespace };
    if (isObject(md.labels)) cleaned.labels = md.labels;
    copy.metadata = cleaned;
    delete copy.status;
    ctx.output.get(r)!.push(copy);
    ctx.add(
      action === 'ALLOW' ? 'migrate-l4-allow-behind-waypoint' : 'migrate-l4-deny-behind-waypoint',
      'warning',
      action === 'ALLOW'
        ? `AuthorizationPolicy ${r.name} allows callers by identity, but behind the waypoint ztunnel sees the waypoint (${principals.join(', ')}) as the caller and would deny everything. The waypoint principal is added at ztunnel and a copy (${scalarText(cleaned.name)}) attached to ${behind.map((s) => s.name).join(', ')} checks the real callers at the waypoint.`
        : `AuthorizationPolicy ${r.name} denies callers by identity, but behind the waypoint ztunnel sees the waypoint as the caller, so the DENY would stop matching. A copy (${scalarText(cleaned.name)}) attached to ${behind.map((s) => s.name).join(', ')} enforces it at the waypoint.`,
      r,
      ['spec', 'rules', affected[0]!, 'from'],
    );
  }
}
