// The output of a conversion: port-scoped HTTPRoutes (GAMMA: parentRef kind Service), the ReferenceGrants their
// cross-namespace backends need, and one Service per DestinationRule subset in use.
import { DEFAULT_TRUST_DOMAIN as TRUST_DOMAIN } from '../../ambient/index.ts';
import { preferredApiVersion } from '../../catalog/index.ts';
import { scalarText } from '../../model/access.ts';
import type { JsonObject, JsonValue, Resource } from '../../model/types.ts';
import type { MigrationContext, ServiceRef } from '../context.ts';
import { keyOf } from '../context.ts';
import { clone, dnsLabel, isObject } from '../util.ts';
import { resolvePort } from './backends.ts';
import type { Backend, ConvMatch, ConvRule, Problems, SubsetPlan, VsShared } from './types.ts';

function backendRefJson(b: Backend, port: number | undefined, routeNs: string): JsonObject {
  const out: JsonObject = { name: b.ref.name };
  if (b.ref.namespace !== routeNs) out.namespace = b.ref.namespace;
  const p = b.port ?? port;
  if (p !== undefined) out.port = p;
  if (b.weight !== undefined) out.weight = b.weight;
  return out;
}

export function buildRoute(
  ctx: MigrationContext,
  parent: ServiceRef,
  port: number,
  name: string,
  rules: ConvRule[],
  problems: Problems,
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
              problems.err(
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
            problems.err(
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
export function referenceGrants(routes: JsonObject[], vsName: string): JsonObject[] {
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

export function emitSubsetServices(ctx: MigrationContext, shared: VsShared): void {
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
