/**
 * The status conditions istiod writes for ambient, predicted offline from manifests (DESIGN §4.5c). Each
 * condition names the upstream function that writes it (istio/istio release-1.31; 1.30 writes the same ones,
 * without the 1.31 canary and ServiceEntry-visibility conditions). Where istiod writes nothing, nothing is
 * predicted: a Service without any `use-waypoint` label gets no `WaypointBound`, a targetRefs policy no
 * `ZtunnelAccepted`, RequestAuthentication and PeerAuthentication nothing at all.
 *
 * `A/` = pilot/pkg/serviceregistry/ambient/, `G/` = pilot/pkg/config/kube/gateway/.
 * Semantics come from src/lib/ambient (waypoint resolution, attachment, authz attribute tables, ParseBool).
 */
import {
  actionOf,
  AGENTGATEWAY_WAYPOINT_CLASS,
  attachmentOf,
  canaryLookup,
  GATEWAY_MANAGED_MESH,
  ingressUseWaypoint,
  isDryRun,
  isL4WhenKey,
  L7_OPERATION_FIELDS,
  L7_SOURCE_FIELDS,
  LABEL_GATEWAY_MANAGED,
  LABEL_USE_WAYPOINT,
  labelOf,
  resolveCanaryWaypoint,
  targetRefs,
  waypointOf,
} from '../ambient/index.ts';
import type { CanaryBinding, WaypointBinding } from '../ambient/index.ts';
import { versionRows } from '../versions.ts';
import type { Versions } from '../versions.ts';
import { getArray, getObject, getString } from '../model/access.ts';
import type { JsonValue, Resource } from '../model/types.ts';
import type { Mesh, ServiceInfo } from '../model/mesh.ts';
import { gatewayParentConditions } from './gateway-routes.ts';
import { routeError } from './route-errors.ts';
import type { RouteError } from './route-errors.ts';
import { classController, cond, GATEWAY_CONTROLLER, MESH_CONTROLLER } from './shared.ts';
import type { Condition } from './shared.ts';

export type { Condition } from './shared.ts';

export interface ResourceStatus {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly conditions: readonly Condition[];
}

const SRC = {
  serviceConditions: 'pilot/pkg/model/service.go ServiceInfo.GetConditions',
  workloadConditions: 'pilot/pkg/model/service.go WorkloadInfo.GetConditions',
  waypointErrors: 'pilot/pkg/serviceregistry/ambient/status.go (via waypoints.go fetchWaypointForTarget)',
  ztunnel:
    'pilot/pkg/serviceregistry/ambient/authorization.go convertAuthorizationPolicy; model/service.go WorkloadAuthorization.GetConditions',
  waypointPolicy:
    'pilot/pkg/serviceregistry/ambient/policies.go WaypointPolicyStatusCollection; model/service.go flattenConditions',
  route: 'pilot/pkg/config/kube/gateway/conditions.go createRouteStatus',
  routeParent: 'pilot/pkg/config/kube/gateway/conversion.go referenceAllowed',
  routeRefs: 'pilot/pkg/config/kube/gateway/conversion.go buildDestination',
} as const;

/** The `WaypointBindingStatus.Error` istiod reports for a failed binding (A/status.go), or undefined. */
function bindingError(
  b: WaypointBinding,
  traffic: 'service' | 'workload',
): { reason: string; message: string } | undefined {
  const wp = b.requested ? `${b.requested.namespace}/${b.requested.name}` : '';
  switch (b.reason) {
    case 'not-found':
    case 'not-ready':
      // A Gateway without status.addresses is not in istiod's Waypoints collection: "not ready" either way.
      return { reason: 'WaypointIsNotReady', message: `waypoint "${wp}" is not ready` };
    case 'visibility-forbidden':
      return {
        reason: 'CrossNamespaceWaypointForbidden',
        message: `cannot bind to waypoint "${wp}" in another namespace: cross-namespace waypoint binding is not permitted for a ServiceEntry with NAMESPACE visibility`,
      };
    case 'cross-namespace-denied':
      return {
        reason: 'AttachmentDenied',
        message: `we are not permitted to attach to waypoint "${wp}" (missing allowedRoutes?)`,
      };
    case 'waypoint-for-mismatch':
      // A workload that inherits a service-only waypoint from its namespace is not an error
      // (A/waypoints.go fetchWaypointForWorkload: only a workload's own label reports it).
      if (traffic === 'workload' && b.requested?.from !== 'object') return undefined;
      return {
        reason: 'UnsupportedTrafficType',
        message: `attempting to bind to traffic type "${traffic}" which the waypoint "${wp}" does not support`,
      };
    default:
      return undefined;
  }
}

function bindingOf(mesh: Mesh, s: ServiceInfo): WaypointBinding {
  return mesh.resolveWaypoint({ kind: s.kind, resource: s.resource, namespace: s.namespace, labels: s.labels });
}

/** The WaypointBound message of a canary that is not attached (A/status.go, 1.31), or undefined. */
function canaryError(c: CanaryBinding | undefined): string | undefined {
  if (!c) return undefined;
  const wp = `${c.requested.namespace}/${c.requested.name}`;
  switch (c.reason) {
    case 'CanaryInvalidWeight':
      return `canary waypoint "${wp}" has an invalid weight; must be an integer in [0,100]`;
    case 'CanarySameAsPrimary':
      return `canary waypoint "${wp}" must differ from the primary waypoint`;
    case 'WaypointIsNotReady':
      return `waypoint "${wp}" is not ready`;
    case 'AttachmentDenied':
      return `we are not permitted to attach to waypoint "${wp}" (missing allowedRoutes?)`;
    case 'UnsupportedTrafficType':
      return `attempting to bind to traffic type "service" which the waypoint "${wp}" does not support`;
    default:
      return undefined;
  }
}

/** `istio.io/WaypointBound` (and `istio.io/WaypointMissing`) on a Service or ServiceEntry. */
function serviceConditions(mesh: Mesh, s: ServiceInfo, canaries: boolean): Condition[] {
  // A waypoint's own Service never has a waypoint; an ExternalName Service is not in ambient's index at all
  // (A/waypoints.go fetchWaypointForService, A/services.go).
  if (labelOf(s.labels, LABEL_GATEWAY_MANAGED) === GATEWAY_MANAGED_MESH) return [];
  if (s.kind === 'Service' && getString(s.resource.obj, ['spec', 'type']) === 'ExternalName') return [];
  const out: Condition[] = [];
  const b = bindingOf(mesh, s);
  if (b.reason === 'bound' && b.waypoint) {
    let msg = `Successfully attached to waypoint ${b.waypoint.namespace}/${b.waypoint.name}`;
    const iuw = ingressUseWaypoint(s.labels, mesh.namespaceLabels(s.namespace));
    if (iuw.use) msg += '. Ingress traffic will traverse the waypoint';
    else if (iuw.present)
      msg +=
        '. Ingress traffic is not using the waypoint, set the istio.io/ingress-use-waypoint label to true if desired.';
    // A canary that fails keeps the Service bound to its primary; the error is appended (model/service.go, 1.31).
    const canary = canaryError(
      resolveCanaryWaypoint(
        { kind: s.kind, resource: s.resource, namespace: s.namespace, labels: s.labels },
        b,
        canaryLookup(mesh),
        canaries,
      ),
    );
    if (canary) msg += `. Canary waypoint not attached: ${canary}`;
    out.push(cond('istio.io/WaypointBound', true, 'WaypointAccepted', msg, SRC.serviceConditions));
    return out;
  }
  const err = bindingError(b, 'service');
  if (err)
    out.push(
      cond('istio.io/WaypointBound', false, err.reason, err.message, `${SRC.serviceConditions}; ${SRC.waypointErrors}`),
    );
  if (s.kind === 'ServiceEntry' && s.hosts.some((h) => h.startsWith('*')))
    out.push(
      cond(
        'istio.io/WaypointMissing',
        true,
        'NoWaypointForWildcardService',
        'ServiceEntry will not apply until it is bound to a valid waypoint.',
        SRC.serviceConditions,
      ),
    );
  return out;
}

/** `istio.io/WaypointBound` on a WorkloadEntry (istiod writes it on no other workload kind: A/ambientindex.go). */
function workloadEntryConditions(mesh: Mesh, r: Resource): Condition[] {
  const w = mesh.workload(r.namespace, r.name);
  if (!w || w.resource !== r) return [];
  const b = mesh.resolveWaypoint({ kind: 'WorkloadEntry', resource: r, namespace: r.namespace, labels: w.labels });
  if (b.reason === 'bound' && b.waypoint)
    return [
      cond(
        'istio.io/WaypointBound',
        true,
        'WaypointAccepted',
        `Successfully attached to waypoint ${b.waypoint.namespace}/${b.waypoint.name}`,
        SRC.workloadConditions,
      ),
    ];
  const err = bindingError(b, 'workload');
  return err
    ? [
        cond(
          'istio.io/WaypointBound',
          false,
          err.reason,
          err.message,
          `${SRC.workloadConditions}; ${SRC.waypointErrors}`,
        ),
      ]
    : [];
}

const nonEmpty = (v: JsonValue | undefined): boolean => Array.isArray(v) && v.length > 0;

/** The HTTP attributes ztunnel cannot enforce that a policy uses, as istiod names them (sorted, unique). */
function httpAttributes(r: Resource): string[] {
  const found = new Set<string>();
  for (const rule of getArray(r.obj, ['spec', 'rules'])) {
    for (const to of getArray(rule, ['to'])) {
      const op = getObject(to, ['operation']) ?? {};
      for (const f of L7_OPERATION_FIELDS) if (nonEmpty(op[f])) found.add(f);
    }
    for (const from of getArray(rule, ['from'])) {
      const src = getObject(from, ['source']) ?? {};
      for (const f of L7_SOURCE_FIELDS) if (nonEmpty(src[f])) found.add(f);
    }
    for (const when of getArray(rule, ['when'])) {
      const key = getString(when, ['key']) ?? '';
      if (!isL4WhenKey(key)) found.add(key);
    }
  }
  // Go's sort.Strings: byte order, which is UTF-16 code-unit order for these ASCII names.
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `ZtunnelAccepted` on an AuthorizationPolicy (A/authorization.go convertAuthorizationPolicy). */
function ztunnelAccepted(r: Resource, rootNamespace: string): Condition | undefined {
  if (isDryRun(r.annotations))
    // Checked before targetRefs upstream: a dry-run targetRefs policy gets this too. AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY
    // is off by default.
    return cond(
      'ZtunnelAccepted',
      false,
      'UnsupportedValue',
      `found policy "${r.namespace}/${r.name}" using dry-run annotation, but support for ambient dry-run authorizationPolicies isn't enabled`,
      SRC.ztunnel,
    );
  if (attachmentOf(r, rootNamespace) === 'targetRefs') return undefined;
  const action = actionOf(r);
  if (action === 'CUSTOM' || action === 'AUDIT')
    return cond(
      'ZtunnelAccepted',
      false,
      'UnsupportedValue',
      `ztunnel does not support the ${action} action`,
      SRC.ztunnel,
    );
  const http = httpAttributes(r);
  if (http.length) {
    const boilerplate =
      action === 'DENY'
        ? 'DENY policy with HTTP attributes is enforced without the HTTP rules. This will be more restrictive than requested.'
        : 'Within an ALLOW policy, rules matching HTTP attributes are omitted. This will be more restrictive than requested.';
    return cond(
      'ZtunnelAccepted',
      true,
      'UnsupportedValue',
      `ztunnel does not support HTTP attributes (found: ${http.join(', ')}). In ambient mode you must use a waypoint proxy to enforce HTTP rules. ${boilerplate}`,
      SRC.ztunnel,
    );
  }
  return cond('ZtunnelAccepted', true, 'Accepted', 'attached to ztunnel', SRC.ztunnel);
}

/** A Gateway in istiod's Waypoints collection: any Gateway with `status.addresses` (A/waypoints.go). */
function readyGateway(mesh: Mesh, namespace: string, name: string): boolean {
  const g = mesh
    .inNamespace('Gateway', namespace)
    .find((x) => x.name === name && x.apiVersion.startsWith('gateway.networking.k8s.io/'));
  // The readiness rule lives in ambient/waypoints.ts (no status in the manifests = assumed programmed).
  return g !== undefined && waypointOf(g, undefined, '').ready;
}

/** `WaypointAccepted` on an AuthorizationPolicy with targetRefs (A/policies.go, flattened by model/service.go). */
function waypointAccepted(mesh: Mesh, r: Resource): Condition | undefined {
  const refs = targetRefs(r);
  if (!refs.length) return undefined;
  const results: { bound: boolean; reason: string; message: string; ancestor: string }[] = [];
  for (const t of refs) {
    const key = `${r.namespace}/${t.name ?? ''}`;
    let bound = false;
    let reason = 'unknown';
    let message = 'not bound';
    if (t.kind === 'GatewayClass') {
      if (r.namespace !== mesh.rootNamespace) {
        reason = 'Invalid';
        message = `AuthorizationPolicy must be in the root namespace \`${mesh.rootNamespace}\` when referencing a GatewayClass`;
      } else {
        const controller = classController(mesh, t.name ?? '');
        if (controller === undefined) reason = 'TargetNotFound';
        else if (controller !== MESH_CONTROLLER) {
          reason = 'Invalid';
          message = `GatewayClass must use controller name \`${MESH_CONTROLLER}\` for waypoints`;
        } else {
          bound = true;
          reason = 'Accepted';
          message = `bound to ${t.name ?? ''}`;
        }
      }
    } else if (t.kind === 'Gateway') {
      if (readyGateway(mesh, r.namespace, t.name ?? '')) {
        bound = true;
        reason = 'Accepted';
        message = `bound to ${key}`;
      } else reason = 'TargetNotFound';
    } else if (t.kind === 'Service' || t.kind === 'ServiceEntry') {
      const s = mesh.service(r.namespace, t.name ?? '');
      const label = t.kind;
      if (!s || s.kind !== t.kind) {
        reason = 'TargetNotFound';
        message = `${label} ${key} was not found`;
      } else {
        const b = bindingOf(mesh, s);
        if (b.reason === 'bound' && b.waypoint) {
          bound = true;
          reason = 'Accepted';
          message = `bound to ${b.waypoint.namespace}/${b.waypoint.name}`;
        } else {
          reason = 'AncestorNotBound';
          message = `${label} ${key} is not bound to a waypoint`;
        }
      }
    }
    const group = t.group === undefined || t.group === '' ? 'core' : t.group;
    results.push({ bound, reason, message, ancestor: `${t.kind ?? ''}.${group}:${key}` });
  }
  if (results.length === 1) {
    const c = results[0]!;
    return cond('WaypointAccepted', c.bound, c.reason, c.message, SRC.waypointPolicy);
  }
  const anyBound = results.some((c) => c.bound);
  const unbound = results.filter((c) => !c.bound).map((c) => c.ancestor);
  const reason = anyBound ? (unbound.length ? 'PartiallyInvalid' : 'Accepted') : 'Invalid';
  return cond(
    'WaypointAccepted',
    anyBound,
    reason,
    unbound.length ? `Invalid targetRefs: ${unbound.join(', ')}` : '',
    SRC.waypointPolicy,
  );
}

/** `use-waypoint` set to a waypoint name (G/conversion.go waypointConfigured: not empty, not `none` in any case). */
function waypointConfigured(labels: Readonly<Record<string, string>>): boolean {
  const v = labelOf(labels, LABEL_USE_WAYPOINT);
  return v !== undefined && v !== '' && v.toLowerCase() !== 'none';
}

const ROUTE_KINDS: ReadonlySet<string> = new Set(['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute']);
/** `Accepted`, `ResolvedRefs` and `ResolvedWaypoints` per Service/ServiceEntry parent, and per Gateway parent (gateway-routes.ts). */
function routeConditions(mesh: Mesh, r: Resource, istio: string): Condition[] {
  const out: Condition[] = [];
  let err: RouteError | undefined | null = null; // computed once, on the first mesh parent
  let gwErr: RouteError | undefined | null = null; // the Gateway conversion's, on the first Gateway parent
  const gatewayError = (): RouteError | undefined =>
    gwErr === null ? (gwErr = routeError(mesh, r, 'gateway')) : gwErr;
  for (const ref of getArray(r.obj, ['spec', 'parentRefs'])) {
    const kind = getString(ref, ['kind']) ?? 'Gateway';
    if (kind === 'Gateway') {
      out.push(...(gatewayParentConditions(mesh, r, ref, gatewayError, istio) ?? []));
      continue;
    }
    if (kind !== 'Service' && kind !== 'ServiceEntry') continue;
    const ns = getString(ref, ['namespace']) ?? r.namespace;
    const nameOf = getString(ref, ['name']) ?? '';
    const port = getObject(ref, [])?.port;
    const parentRef = `${kind}/${ns}/${nameOf}${typeof port === 'number' ? `:${port}` : ''}`;
    const s = mesh.service(ns, nameOf);
    const found = s !== undefined && s.kind === kind;
    if (found) {
      // A parent whose waypoint another controller manages is left to that controller (G/conversion.go
      // waypointManagedByAnotherController): no status from istiod's gateway controller.
      const b = bindingOf(mesh, s);
      const wpName = b.requested ? b.requested.name : undefined;
      const wp =
        wpName !== undefined
          ? mesh.inNamespace('Gateway', b.requested!.namespace).find((g) => g.name === wpName)
          : undefined;
      const cls = wp ? (getString(wp.obj, ['spec', 'gatewayClassName']) ?? '') : undefined;
      const controller =
        cls === undefined
          ? undefined
          : cls === AGENTGATEWAY_WAYPOINT_CLASS
            ? 'agentgateway'
            : classController(mesh, cls);
      if (controller !== undefined && controller !== MESH_CONTROLLER && controller !== GATEWAY_CONTROLLER) continue;
    }
    if (!found) {
      out.push(
        cond(
          'Accepted',
          false,
          'NoMatchingParent',
          `parent ${kind === 'Service' ? 'service' : 'service entry'}: "${nameOf}" not found`,
          `${SRC.route}; ${SRC.routeParent}`,
          parentRef,
        ),
      );
    } else out.push(cond('Accepted', true, 'Accepted', 'Route was valid', SRC.route, parentRef));
    if (err === null) err = routeError(mesh, r, 'mesh');
    out.push(
      err
        ? cond('ResolvedRefs', false, err.reason, err.message, `${SRC.route}; ${SRC.routeRefs}`, parentRef)
        : cond('ResolvedRefs', true, 'ResolvedRefs', 'All references resolved', SRC.route, parentRef),
    );
    // Always True (the error only replaces the message: conditions.go sets no error on this condition).
    let message = 'All waypoints resolved';
    if (!found) message = 'parent not found';
    else if (!waypointConfigured(s.labels) && !waypointConfigured(mesh.namespaceLabels(s.namespace)))
      message =
        'istio.io/use-waypoint label missing from parent and parent namespace; in ambient mode, route will not be respected';
    out.push(
      cond('ResolvedWaypoints', true, 'ResolvedWaypoints', message, `${SRC.route}; ${SRC.routeParent}`, parentRef),
    );
  }
  return out;
}

/** Every resource istiod would write an ambient or mesh-route condition on, in input order. */
export function predictStatus(mesh: Mesh, versions: Partial<Versions> = {}): ResourceStatus[] {
  const rows = versionRows(versions);
  const canaries = rows.istio.behaviour.canaryWaypoints;
  const out: ResourceStatus[] = [];
  const services = new Map(mesh.services.map((s) => [s.resource, s]));
  for (const r of mesh.resources) {
    let conditions: Condition[] = [];
    const s = services.get(r);
    if (s) conditions = serviceConditions(mesh, s, canaries);
    else if (r.kind === 'WorkloadEntry' && r.apiVersion.startsWith('networking.istio.io/'))
      conditions = workloadEntryConditions(mesh, r);
    else if (r.kind === 'AuthorizationPolicy' && r.apiVersion.startsWith('security.istio.io/')) {
      const z = ztunnelAccepted(r, mesh.rootNamespace);
      const w = waypointAccepted(mesh, r);
      conditions = [...(w ? [w] : []), ...(z ? [z] : [])];
    } else if (ROUTE_KINDS.has(r.kind) && r.apiVersion.startsWith('gateway.networking.k8s.io/'))
      conditions = routeConditions(mesh, r, rows.istio.version);
    if (conditions.length)
      out.push({ apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace, name: r.name, conditions });
  }
  return out;
}
