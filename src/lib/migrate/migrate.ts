// Orchestration: audit + conversions over one manifest set, then waypoints, namespace switches and bypass
// prevention, assembled in apply order.
import { parseManifests } from '../model/parse.ts';
import { scalarText } from '../model/access.ts';
import type { JsonObject, Resource, SourceInput } from '../model/types.ts';
import { formatPath } from '../model/path.ts';
import {
  HBONE_PORT,
  LABEL_DATAPLANE_MODE as DATAPLANE_MODE,
  LABEL_USE_WAYPOINT as USE_WAYPOINT,
  LABEL_USE_WAYPOINT_NAMESPACE as USE_WAYPOINT_NS,
  LABEL_WAYPOINT_FOR,
  WAYPOINT_CLASS,
  lastWins,
  objectKey,
} from '../ambient/index.ts';
import { keyOf, MigrationContext, SYSTEM_NAMESPACES } from './context.ts';
import { convertPolicies, fixL4BehindWaypoint, setNamespaceAmbient } from './policies.ts';
import type { MigrateFinding, MigrateOptions, MigrationResult } from './types.ts';
import { isObject } from './util.ts';
import { convertVirtualServices } from './virtualservice/index.ts';

interface Binding {
  readonly ns: string;
  readonly name: string;
  readonly principal: string;
}

/** Audit sidecar-era manifests and convert them to ambient. Pure: never throws on odd input. */
export function migrate(resources: readonly Resource[], options: MigrateOptions = {}): MigrationResult {
  // The same object given twice: the later copy wins, as with kubectl apply.
  const unique = lastWins(resources);
  const ctx = new MigrationContext(unique, options);
  const last = new Map<string, Resource>();
  if (unique !== resources) for (const r of resources) last.set(objectKey(r), r);
  for (const r of unique === resources ? [] : resources) {
    const later = last.get(objectKey(r))!;
    if (later !== r) {
      ctx.add(
        'migrate-duplicate-object',
        'info',
        `${r.kind} ${r.name} appears again later (${later.file}:${later.locate([]).line}); the later copy is used, as kubectl apply would.`,
        r,
        [],
      );
    }
  }
  convertVirtualServices(ctx);
  convertPolicies(ctx);
  const bound = bindWaypoints(ctx);
  fixL4BehindWaypoint(ctx, bound);
  bypassPrevention(ctx, bound);
  return assemble(ctx);
}

/** Parse text inputs (files, stdin, a browser textarea) and migrate them; YAML problems become findings. */
export function migrateSources(
  inputs: SourceInput | readonly SourceInput[],
  options: MigrateOptions = {},
): MigrationResult & { readonly resources: number } {
  const parsed = parseManifests(inputs);
  const result = migrate(parsed.resources, options);
  const inputFindings: MigrateFinding[] = parsed.issues.map((i) => ({
    rule: 'migrate-invalid-input',
    severity: 'error',
    message: `${i.rule === 'yaml-syntax' ? 'YAML' : 'Manifest'} problem: ${i.message}`,
    file: i.file,
    line: i.range.line,
    column: i.range.column,
    ...(i.resource
      ? {
          resource: {
            apiVersion: i.resource.apiVersion,
            kind: i.resource.kind,
            namespace: i.resource.namespace,
            name: i.resource.name,
          },
        }
      : {}),
    ...(i.path ? { path: formatPath(i.path) } : {}),
  }));
  const findings = [...inputFindings, ...result.findings];
  return {
    manifests: result.manifests,
    findings,
    blockers: findings.filter((f) => f.severity === 'error').length,
    resources: parsed.resources.length,
  };
}

function bindWaypoints(ctx: MigrationContext): Map<string, Binding> {
  const bound = new Map<string, Binding>();
  const waypoints = new Map<string, { ns: string; name: string }>();
  for (const [key, why] of ctx.needsWaypoint) {
    const svc = ctx.services.get(key);
    if (!svc) {
      const [ns, name] = key.split('/') as [string, string];
      ctx.add(
        'migrate-target-service-missing',
        'warning',
        `${why} targets Service ${ns}/${name}, which is not in the input; label it istio.io/use-waypoint yourself or include it.`,
      );
      continue;
    }
    const own = svc.labels[USE_WAYPOINT];
    const nsObj = ctx.namespaces.get(svc.namespace);
    const nsLabel = nsObj?.labels[USE_WAYPOINT];
    let ns = svc.namespace;
    let name: string;
    if (own === 'none') {
      ctx.add(
        'migrate-waypoint-opt-out',
        'warning',
        `Service ${svc.name} opts out of waypoints (istio.io/use-waypoint=none) but ${why} needs one; its L7 behaviour will not be applied until the label is removed.`,
        svc,
        ['metadata', 'labels', USE_WAYPOINT],
      );
      continue;
    } else if (own) {
      name = own;
      ns = svc.labels[USE_WAYPOINT_NS] ?? svc.namespace;
    } else if (nsLabel && nsLabel !== 'none') {
      name = nsLabel;
      ns = nsObj?.labels[USE_WAYPOINT_NS] ?? svc.namespace;
    } else {
      name = ctx.waypointName(svc.namespace);
      const out = ctx.primary(svc)!;
      const md = isObject(out.metadata) ? out.metadata : (out.metadata = {});
      const labels = isObject(md.labels) ? md.labels : (md.labels = {});
      labels[USE_WAYPOINT] = name;
      ctx.add(
        'migrate-waypoint-label',
        'info',
        `Service ${svc.name} gets istio.io/use-waypoint=${name} (needed by ${why}).`,
        svc,
        ['metadata'],
      );
    }
    bound.set(key, { ns, name, principal: ctx.waypointPrincipal(ns, name) });
    waypoints.set(keyOf(ns, name), { ns, name });
  }
  for (const ns of ctx.namespacesNeedingWaypoint) {
    const name = ctx.waypointName(ns);
    waypoints.set(keyOf(ns, name), { ns, name });
  }

  const ambientNamespaces = new Set<string>();
  for (const { ns, name } of waypoints.values()) {
    ambientNamespaces.add(ns);
    const existing = ctx
      .kind('Gateway')
      .find(
        (r) =>
          r.kind === 'Gateway' &&
          r.apiVersion.startsWith('gateway.networking.k8s.io/') &&
          r.namespace === ns &&
          r.name === name,
      );
    if (existing) {
      const forLabel = existing.labels[LABEL_WAYPOINT_FOR];
      if (forLabel === 'workload' || forLabel === 'none') {
        ctx.add(
          'migrate-waypoint-for-mismatch',
          'error',
          `Waypoint ${ns}/${name} has istio.io/waypoint-for=${forLabel}, so Services cannot use it; set it to service or all.`,
          existing,
          ['metadata', 'labels', LABEL_WAYPOINT_FOR],
        );
      }
      continue;
    }
    ctx.prelude.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name, namespace: ns, labels: { [LABEL_WAYPOINT_FOR]: 'service' } },
      spec: { gatewayClassName: WAYPOINT_CLASS, listeners: [{ name: 'mesh', port: HBONE_PORT, protocol: 'HBONE' }] },
    });
    ctx.add(
      'migrate-waypoint-created',
      'info',
      `Waypoint Gateway ${ns}/${name} (class ${WAYPOINT_CLASS}, HBONE listener on 15008) is created; its identity is ${ctx.waypointPrincipal(ns, name)}.`,
    );
  }
  for (const key of bound.keys()) ambientNamespaces.add(key.split('/')[0]!);

  for (const ns of ambientNamespaces) {
    if (SYSTEM_NAMESPACES.has(ns)) continue;
    const nsObj = ctx.namespaces.get(ns);
    if (nsObj) {
      const out = ctx.primary(nsObj)!;
      const labels = isObject(out.metadata) && isObject(out.metadata.labels) ? out.metadata.labels : {};
      if (labels[DATAPLANE_MODE] !== 'ambient') {
        setNamespaceAmbient(out);
        ctx.add(
          'migrate-namespace-ambient',
          'info',
          `Namespace ${ns} hosts a waypoint or waypoint-bound Services, so it gets istio.io/dataplane-mode=ambient.`,
          nsObj,
          ['metadata'],
        );
      }
      continue;
    }
    ctx.prelude.unshift({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { [DATAPLANE_MODE]: 'ambient' } },
    });
    ctx.add(
      'migrate-namespace-generated',
      'warning',
      `Namespace ${ns} is not in the input; a Namespace with istio.io/dataplane-mode=ambient is generated. Applying it does not remove an existing istio-injection label, and injection wins over ambient: run \`kubectl label namespace ${ns} istio-injection-\` too.`,
    );
  }
  return bound;
}

function bypassPrevention(ctx: MigrationContext, bound: Map<string, Binding>): void {
  const extra = [...(ctx.options.keepSidecarPrincipals ?? [])];
  const perNs = new Map<string, string[]>();
  for (const key of bound.keys()) {
    if (ctx.generatedServices.has(key)) continue;
    const [ns] = key.split('/') as [string];
    perNs.set(ns, [...(perNs.get(ns) ?? []), key]);
  }
  const names = new Set(ctx.kind('AuthorizationPolicy').map((r) => keyOf(r.namespace, r.name)));
  let made = 0;
  const edges = routeEdges(ctx);
  for (const [ns, keys] of perNs) {
    for (const key of keys) {
      const svc = ctx.services.get(key)!;
      const b = bound.get(key)!;
      const selector = ctx.serviceSelector(svc);
      if (!Object.keys(selector).length) continue;
      const principals = [
        b.principal,
        ...routingWaypoints(edges, bound, ns, selector).filter((p) => p !== b.principal),
        ...extra.filter((p) => p !== b.principal),
      ];
      const already = ctx.kind('AuthorizationPolicy').some((r) => {
        if (r.namespace !== ns) return false;
        const spec = isObject(r.obj.spec) ? r.obj.spec : {};
        if (spec.action !== 'DENY' || !isObject(spec.selector)) return false;
        return (
          JSON.stringify(spec).includes(`"${b.principal}"`) &&
          JSON.stringify(spec.selector.matchLabels ?? {}) === JSON.stringify(selector)
        );
      });
      if (already) continue;
      let name = keys.length === 1 ? 'deny-waypoint-bypass' : `deny-waypoint-bypass-${svc.name}`;
      if (names.has(keyOf(ns, name))) name = `deny-waypoint-bypass-${svc.name}`;
      names.add(keyOf(ns, name));
      // Services that reach the same pods without the waypoint: bypass prevention will refuse their callers.
      const direct = ctx.servicesIn(ns).filter((o) => {
        const k = keyOf(o.namespace, o.name);
        if (k === key || bound.has(k) || ctx.generatedServices.has(k)) return false;
        const s = ctx.serviceSelector(o);
        return Object.keys(s).length > 0 && Object.entries(selector).every(([a, v]) => s[a] === v);
      });
      if (direct.length) {
        ctx.add(
          'migrate-bypass-blocks-direct-services',
          'warning',
          `Service ${direct.map((d) => d.name).join(', ')} reaches the same pods as ${svc.name} but is not bound to the waypoint: once ${name} applies, requests addressed to ${direct.length > 1 ? 'them' : 'it'} directly are refused. Send those callers through ${svc.name}, or bind ${direct.length > 1 ? 'them' : 'it'} with istio.io/use-waypoint.`,
          direct[0],
          ['spec', 'selector'],
        );
      }
      ctx.epilogue.push({
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name, namespace: ns },
        spec: {
          selector: { matchLabels: { ...selector } },
          action: 'DENY',
          rules: [{ from: [{ source: { notPrincipals: principals } }] }],
        },
      });
      made++;
    }
  }
  if (!made) return;
  ctx.add(
    'migrate-bypass-prevention',
    'info',
    extra.length
      ? `Option 2: the bypass-prevention DENY policies (deny-waypoint-bypass*) also let the remaining sidecar callers (${extra.join(', ')}) through; remove each principal as that caller moves to ambient, until only the waypoint is left.`
      : 'Option 1: apply the bypass-prevention DENY policies (deny-waypoint-bypass*) last, once every caller runs in ambient: a caller still in sidecar mode reaches the pod directly with its own identity and would be denied. Use --keep-sidecar-principal for callers that stay on sidecars for now (option 2).',
  );
}

/**
 * Principals of other waypoints that send to these pods as a route backend or mirror (a waypoint talks to
 * backend endpoints directly, without crossing the backend Service's own waypoint), so bypass prevention
 * must let them through too.
 */
/** Per HTTPRoute: its namespace, backend/mirror Services and parent Services, computed once per run. */
interface RouteEdges {
  readonly parents: string[];
  readonly backends: { ns: string; selector: Record<string, string> }[];
}

function routeEdges(ctx: MigrationContext): RouteEdges[] {
  const selectorOf = new Map<string, Record<string, string>>();
  for (const [k, svc] of ctx.services) selectorOf.set(k, ctx.serviceSelector(svc));
  const routes: { ns: string; obj: JsonObject }[] = [];
  for (const list of ctx.output.values()) {
    for (const o of list) {
      if (o.kind === 'Service' && isObject(o.metadata) && isObject(o.spec) && isObject(o.spec.selector)) {
        const sel: Record<string, string> = {};
        for (const [k, v] of Object.entries(o.spec.selector)) sel[k] = scalarText(v);
        selectorOf.set(keyOf(scalarText(o.metadata.namespace ?? 'default'), scalarText(o.metadata.name)), sel);
      }
      if (o.kind === 'HTTPRoute' && isObject(o.metadata))
        routes.push({ ns: scalarText(o.metadata.namespace ?? 'default'), obj: o });
    }
  }
  return routes.map(({ ns: routeNs, obj }) => {
    const spec = isObject(obj.spec) ? obj.spec : {};
    const refs: JsonObject[] = [];
    for (const r of Array.isArray(spec.rules) ? spec.rules : []) {
      if (!isObject(r)) continue;
      for (const b of Array.isArray(r.backendRefs) ? r.backendRefs : []) if (isObject(b)) refs.push(b);
      for (const f of Array.isArray(r.filters) ? r.filters : [])
        if (isObject(f) && isObject(f.requestMirror) && isObject(f.requestMirror.backendRef))
          refs.push(f.requestMirror.backendRef);
    }
    const backends = refs.flatMap((b) => {
      const bns = typeof b.namespace === 'string' ? b.namespace : routeNs;
      const selector = selectorOf.get(keyOf(bns, scalarText(b.name)));
      return selector ? [{ ns: bns, selector }] : [];
    });
    const parents = (Array.isArray(spec.parentRefs) ? spec.parentRefs : []).flatMap((p) =>
      isObject(p) && p.kind === 'Service'
        ? [keyOf(typeof p.namespace === 'string' ? p.namespace : routeNs, scalarText(p.name))]
        : [],
    );
    return { parents, backends };
  });
}

/**
 * Principals of other waypoints that send to these pods as a route backend or mirror (a waypoint talks to
 * backend endpoints directly, without crossing the backend Service's own waypoint), so bypass prevention
 * must let them through too.
 */
function routingWaypoints(
  edges: readonly RouteEdges[],
  bound: Map<string, Binding>,
  ns: string,
  selector: Record<string, string>,
): string[] {
  const overlaps = (a: Record<string, string>) =>
    Object.keys(a).length > 0 && Object.entries(a).every(([k, v]) => selector[k] === undefined || selector[k] === v);
  const out = new Set<string>();
  for (const e of edges) {
    if (!e.backends.some((b) => b.ns === ns && overlaps(b.selector))) continue;
    for (const p of e.parents) {
      const w = bound.get(p);
      if (w) out.add(w.principal);
    }
  }
  return [...out].sort();
}

function priority(o: JsonObject, generatedWaypoints: Set<JsonObject>): number {
  if (o.kind === 'Namespace') return 0;
  if (generatedWaypoints.has(o)) return 1;
  return 2;
}

function assemble(ctx: MigrationContext): MigrationResult {
  const generatedWaypoints = new Set(ctx.prelude.filter((o) => o.kind === 'Gateway'));
  const body: JsonObject[] = [...ctx.prelude];
  for (const r of ctx.resources) body.push(...(ctx.output.get(r) ?? []));
  const ordered = body
    .map((o, i) => ({ o, i, p: priority(o, generatedWaypoints) }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map((x) => x.o);
  const manifests = [...ordered, ...ctx.epilogue];
  const findings = ctx.findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => {
      const fa = a.f.file ?? '\uffff';
      const fb = b.f.file ?? '\uffff';
      if (fa !== fb) return fa < fb ? -1 : 1;
      return (a.f.line ?? Infinity) - (b.f.line ?? Infinity) || (a.f.column ?? 0) - (b.f.column ?? 0) || a.i - b.i;
    })
    .map((x) => x.f);
  return { manifests, findings, blockers: findings.filter((f) => f.severity === 'error').length };
}
