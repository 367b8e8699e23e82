/**
 * Quick fixes: for findings whose fix is mechanical, the text edits that make it. Pure and browser-safe (source text
 * + finding + the parsed resources → edits), so the editor offers them as lint actions and the CLI could apply them.
 * A fix is offered only when the manifests say enough to make it correctly (the Service a selector picks, the
 * waypoint a Service should use); otherwise quickFix returns undefined and the finding's prose fix stands.
 */
import { LABEL_INGRESS_USE_WAYPOINT, LABEL_USE_WAYPOINT } from '../../ambient/labels.ts';
import { getObject, getString } from '../../model/access.ts';
import { buildMesh } from '../../model/mesh.ts';
import type { Mesh, ServiceInfo, Waypoint } from '../../model/mesh.ts';
import type { Resource } from '../../model/types.ts';
import type { Finding } from '../finding.ts';
import { formatPath } from '../../model/path.ts';
import { policies, refService, routeRefs, selectedTargets, serviceWaypoint } from '../facts/index.ts';
import { YamlSource, flowMap, isMap, isSeq, parsePath, yamlString } from './yaml-edit.ts';
import type { TextEdit } from './yaml-edit.ts';

export type { TextEdit } from './yaml-edit.ts';
export { applyEdits } from './yaml-edit.ts';

export interface QuickFix {
  /** What the fix does, as a button label: "Set group: \"\"". */
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

interface FixContext {
  readonly src: YamlSource;
  readonly finding: Finding;
  /** The resource the finding is about. */
  readonly resource: Resource;
  readonly resources: readonly Resource[];
  mesh(): Mesh;
}

type Fixer = (ctx: FixContext) => QuickFix | undefined;

/** Rule id → fixer. The rule ids are the validator's (src/lib/validator/rules); this only maps them to edits. */
const FIXERS: Readonly<Record<string, Fixer>> = {
  'parentref-service-missing-group': fixParentRefGroup,
  'l7-policy-on-ztunnel': fixSelectorToTargetRefs,
  'allow-misses-waypoint-identity': fixAllowWaypointPrincipal,
  'targetref-service-without-waypoint': fixUseWaypointLabel,
  'ingress-bypasses-waypoint': fixIngressUseWaypoint,
};

/** Whether findings of this rule may have a quick fix (cheap: no parsing; quickFix decides for one finding). */
export function hasQuickFix(rule: string): boolean {
  return Object.hasOwn(FIXERS, rule);
}

/**
 * The quick fix for one finding of `text` (the file the finding is in), or undefined when there is none. Never
 * throws: text from a hostile link that defeats the edit logic yields no fix.
 */
export function quickFix(text: string, finding: Finding, resources: readonly Resource[]): QuickFix | undefined {
  const fixer = Object.hasOwn(FIXERS, finding.rule) ? FIXERS[finding.rule] : undefined;
  const ref = finding.resource;
  if (!fixer || !ref) return undefined;
  const resource = resources.find(
    (r) =>
      r.file === finding.file &&
      r.kind === ref.kind &&
      r.name === ref.name &&
      (ref.namespace === undefined || r.namespace === ref.namespace),
  );
  if (!resource) return undefined;
  let mesh: Mesh | undefined;
  try {
    return fixer({
      src: new YamlSource(text),
      finding,
      resource,
      resources,
      mesh: () => (mesh ??= buildMesh(resources)),
    });
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- helpers

/** An edit that sets `metadata.labels[key]` on a resource of the same file, creating `labels` if needed. */
function setLabel(ctx: FixContext, target: Resource, key: string, value: string): TextEdit | undefined {
  if (target.file !== ctx.finding.file) return undefined;
  const labels = ctx.src.node(target, ['metadata', 'labels']);
  if (isMap(labels)) return ctx.src.setKey(labels, key, yamlString(value));
  const metadata = ctx.src.node(target, ['metadata']);
  if (!isMap(metadata)) return undefined;
  return ctx.src.setKey(metadata, 'labels', flowMap({ [key]: value }));
}

/** A waypoint in the namespace that serves Service traffic and can take traffic: the one to bind a Service to. */
function usableWaypoint(mesh: Mesh, namespace: string): Waypoint | undefined {
  const all = mesh.waypoints.filter(
    (w) => w.namespace === namespace && w.ready && w.hbone && (w.waypointFor === 'service' || w.waypointFor === 'all'),
  );
  // The conventional name first (`istioctl waypoint apply` creates `waypoint`), then the first declared.
  return all.find((w) => w.name === 'waypoint') ?? all[0];
}

const edits = (...list: (TextEdit | undefined)[]): readonly TextEdit[] | undefined =>
  list.every((e): e is TextEdit => e !== undefined) ? list : undefined;

// ---------------------------------------------------------------- the fixes

/** parentRefs[i] naming a Service/ServiceEntry: set the group the kind lives in. */
function fixParentRefGroup(ctx: FixContext): QuickFix | undefined {
  const path = parsePath(ctx.finding.path);
  if (path[path.length - 1] === 'group') path.pop();
  const ref = ctx.src.node(ctx.resource, path);
  if (!isMap(ref)) return undefined;
  const kind = getString(ctx.resource.obj, [...path, 'kind']);
  const group = kind === 'Service' ? '' : kind === 'ServiceEntry' ? 'networking.istio.io' : undefined;
  if (group === undefined) return undefined;
  const e = edits(ctx.src.setKey(ref, 'group', group === '' ? '""' : group));
  return e && { title: `Set group: ${group === '' ? '""' : group}`, edits: e };
}

/**
 * A selector policy with L7 attributes: attach it to the Services its selector picks instead, when every one of
 * them goes through a waypoint (otherwise the targetRefs policy would be enforced nowhere, a worse error).
 */
function fixSelectorToTargetRefs(ctx: FixContext): QuickFix | undefined {
  const { resource: r } = ctx;
  const selector = getObject(r.obj, ['spec', 'selector']);
  const mesh = ctx.mesh();
  if (!selector || r.namespace === mesh.rootNamespace) return undefined;
  const services = selectedTargets(mesh, r.namespace, selector).services.filter((s) => s.kind === 'Service');
  if (!services.length || !services.every((s) => serviceWaypoint(mesh, s).waypoint)) return undefined;
  const spec = ctx.src.node(r, ['spec']);
  if (!isMap(spec)) return undefined;
  const refs = services.map((s) => `{kind: Service, group: "", name: ${yamlString(s.name)}}`).join(', ');
  const e = edits(ctx.src.replacePair(spec, 'selector', `targetRefs: [${refs}]`));
  return e && { title: `Replace selector with targetRefs to ${services.map((s) => s.name).join(', ')}`, edits: e };
}

/** An ALLOW policy that does not admit the waypoint in front of its pods: add a rule admitting the waypoint. */
function fixAllowWaypointPrincipal(ctx: FixContext): QuickFix | undefined {
  const mesh = ctx.mesh();
  const digest = policies(mesh, 'AuthorizationPolicy').find((p) => p.resource === ctx.resource);
  if (!digest) return undefined;
  const services: readonly ServiceInfo[] =
    ctx.resource.namespace === mesh.rootNamespace
      ? mesh.services
      : selectedTargets(mesh, ctx.resource.namespace, digest.selector).services;
  const principals = [...new Set(services.flatMap((s) => serviceWaypoint(mesh, s).waypoint?.principal ?? []))].sort();
  if (!principals.length) return undefined;
  const rules = ctx.src.node(ctx.resource, ['spec', 'rules']);
  if (!isSeq(rules) || !rules.items.length) return undefined;
  const e = edits(
    ctx.src.appendItem(
      rules,
      `{from: [{source: {principals: [${principals.map((p) => JSON.stringify(p)).join(', ')}]}}]}`,
    ),
  );
  return e && { title: `Allow the waypoint principal ${principals.join(', ')}`, edits: e };
}

/** A targetRefs policy on a Service without a waypoint: label the Service with the namespace's waypoint. */
function fixUseWaypointLabel(ctx: FixContext): QuickFix | undefined {
  const path = parsePath(ctx.finding.path);
  const kind = getString(ctx.resource.obj, [...path, 'kind']);
  const name = getString(ctx.resource.obj, [...path, 'name']);
  if ((kind !== 'Service' && kind !== 'ServiceEntry') || !name) return undefined;
  const mesh = ctx.mesh();
  const svc = mesh.service(kind, ctx.resource.namespace, name);
  const wp = svc && usableWaypoint(mesh, svc.namespace);
  if (!svc || !wp) return undefined;
  const e = edits(setLabel(ctx, svc.resource, LABEL_USE_WAYPOINT, wp.name));
  return e && { title: `Label ${svc.kind} ${svc.name} ${LABEL_USE_WAYPOINT}: ${wp.name}`, edits: e };
}

/** An ingress route to a Service behind a waypoint: label the Service to send ingress traffic through it. */
function fixIngressUseWaypoint(ctx: FixContext): QuickFix | undefined {
  const mesh = ctx.mesh();
  const ref = routeRefs(mesh).backends.find((b) => b.route === ctx.resource && formatPath(b.path) === ctx.finding.path);
  const svc = ref && refService(mesh, ref);
  if (!svc) return undefined;
  const e = edits(setLabel(ctx, svc.resource, LABEL_INGRESS_USE_WAYPOINT, 'true'));
  return e && { title: `Label ${svc.kind} ${svc.name} ${LABEL_INGRESS_USE_WAYPOINT}: "true"`, edits: e };
}
