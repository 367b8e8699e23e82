/**
 * Waypoints and which one a Service, ServiceEntry, Pod or WorkloadEntry uses (SEMANTICS §2), following
 * istio/istio release-1.31 pilot/pkg/serviceregistry/ambient/waypoints.go and istio/ztunnel src/proxy/outbound.rs.
 */
import { get, getArray, getObject, getString, selectorMatches } from '../model/access.ts';
import type { JsonObject, Resource } from '../model/types.ts';
import { principalFor } from './authz.ts';
import {
  AGENTGATEWAY_WAYPOINT_CLASS,
  ANNOTATION_GATEWAY_NAME_OVERRIDE,
  ANNOTATION_GATEWAY_SERVICE_ACCOUNT,
  DEFAULT_TRUST_DOMAIN,
  ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT,
  HBONE_PORT,
  LABEL_USE_WAYPOINT,
  LABEL_USE_WAYPOINT_CANARY,
  LABEL_USE_WAYPOINT_CANARY_NAMESPACE,
  LABEL_USE_WAYPOINT_NAMESPACE,
  LABEL_WAYPOINT_FOR,
  WAYPOINT_CLASS,
  isWaypointOptOut,
  labelOf,
  parseCanaryWeight,
  waypointForOf,
  type WaypointFor,
} from './labels.ts';

export interface Waypoint {
  readonly resource: Resource;
  readonly namespace: string;
  readonly name: string;
  readonly gatewayClassName: string;
  readonly serviceAccount: string;
  /** SPIFFE principal the destination ztunnel sees for traffic that came through this waypoint. */
  readonly principal: string;
  readonly waypointFor: WaypointFor;
  /** `allowedRoutes.namespaces.from` of the HBONE listener: who may bind across namespaces. */
  readonly allowedRoutes: 'Same' | 'All' | 'Selector';
  readonly allowedSelector?: JsonObject;
  /** False only when the manifest carries a status without addresses (a waypoint that is not programmed). */
  readonly ready: boolean;
  /** It has an HBONE listener on 15008; without one, connections to it fail. */
  readonly hbone: boolean;
  readonly ip: string;
}

export type BindingReason =
  | 'bound'
  | 'no-label'
  | 'opt-out'
  | 'not-found'
  | 'not-ready'
  | 'waypoint-for-mismatch'
  | 'cross-namespace-denied'
  /** 1.31: a NAMESPACE-visibility ServiceEntry may not use a waypoint in another namespace. */
  | 'visibility-forbidden';

export interface WaypointRequest {
  readonly name: string;
  readonly namespace: string;
  readonly from: 'object' | 'namespace';
}

export interface WaypointBinding {
  /** Set only when traffic really goes through it. */
  readonly waypoint?: Waypoint;
  /** What a use-waypoint label asked for, and where that label was. */
  readonly requested?: WaypointRequest;
  readonly reason: BindingReason;
  /** One plain sentence explaining the outcome. */
  readonly note: string;
}

export interface WaypointTarget {
  readonly kind: 'Service' | 'ServiceEntry' | 'Pod' | 'WorkloadEntry';
  readonly resource: Resource;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

const isGatewayApi = (r: Resource): boolean => r.apiVersion.startsWith('gateway.networking.k8s.io/');

function hasHboneListener(listeners: readonly unknown[]): boolean {
  return listeners.some(
    (l) => getString(l as JsonObject, ['protocol']) === 'HBONE' && get(l as JsonObject, ['port']) === HBONE_PORT,
  );
}

/**
 * The class `istioctl waypoint list|status|delete --all` takes for a waypoint: `istio-waypoint` only, whatever the
 * listeners (release-1.31 istioctl/pkg/waypoint/waypoint.go filters on spec.gatewayClassName).
 */
export function hasWaypointClass(gatewayClassName: string | undefined): boolean {
  return gatewayClassName === WAYPOINT_CLASS;
}

/**
 * Whether istiod deploys a Gateway as an ingress: class `istio`, whose controller renders the kube-gateway
 * template with a LoadBalancer Service (release-1.31 pilot/pkg/config/kube/gatewaycommon/classinfo.go). Callers
 * still exclude a Gateway the mesh uses as a waypoint.
 */
export function hasIngressClass(r: Resource): boolean {
  return getString(r.obj, ['spec', 'gatewayClassName']) === 'istio';
}

/**
 * Built-in classes whose controllers do not append `-<class>` to the Deployment and Service names
 * (release-1.31 pilot/pkg/config/kube/gatewaycommon/classinfo.go DisableNameSuffix: the waypoint, east-west and
 * agentgateway controllers).
 */
const NO_NAME_SUFFIX: ReadonlySet<string> = new Set([
  WAYPOINT_CLASS,
  AGENTGATEWAY_WAYPOINT_CLASS,
  'istio-east-west',
  'agentgateway',
]);

/**
 * The name of the Deployment and Service istiod makes for a Gateway: the `gateway.istio.io/name-override` annotation,
 * else `<name>-<gatewayClassName>` (no suffix for the classes above) (release-1.31
 * pilot/pkg/config/kube/gatewaycommon/gateway_utils.go GetDefaultName, deploymentcontroller.go; gateway
 * conversion.go extractGatewayServices). A class the manifest leaves out reads as `istio`.
 */
export function gatewayDeploymentName(r: Resource): string {
  const override = labelOf(r.annotations, ANNOTATION_GATEWAY_NAME_OVERRIDE);
  if (override) return override;
  const cls = getString(r.obj, ['spec', 'gatewayClassName']) ?? 'istio';
  return NO_NAME_SUFFIX.has(cls) ? r.name : `${r.name}-${cls}`;
}

/**
 * Whether a Gateway is a waypoint. istiod treats any Gateway that a `use-waypoint` label names as the waypoint
 * once it has an address, whatever its class (release-1.31 A/waypoints.go fetchWaypointForTarget looks the Gateway
 * up by name; SEMANTICS §2 [rev]); the `istio-waypoint` class or an HBONE listener make one recognisable even before
 * anything names it.
 */
export function isWaypointGateway(r: Resource, namedByUseWaypoint: boolean): boolean {
  if (r.kind !== 'Gateway' || !isGatewayApi(r)) return false;
  if (namedByUseWaypoint) return true;
  if (hasWaypointClass(getString(r.obj, ['spec', 'gatewayClassName']))) return true;
  return hasHboneListener(getArray(r.obj, ['spec', 'listeners']));
}

/**
 * A 1.31 agentgateway waypoint: istiod configures it only through Gateway API routes (AuthorizationPolicy,
 * RequestAuthentication, VirtualService and DestinationRule do not apply to it; SEMANTICS §2 [rev]).
 */
export function isAgentgatewayWaypoint(wp: Pick<Waypoint, 'gatewayClassName'>): boolean {
  return wp.gatewayClassName === AGENTGATEWAY_WAYPOINT_CLASS;
}

/** The waypoint a Gateway stands for (`ip` is the synthetic address the model gives it). */
export function waypointOf(
  r: Resource,
  classLabels: Readonly<Record<string, string>> | undefined,
  ip: string,
  trustDomain: string = DEFAULT_TRUST_DOMAIN,
): Waypoint {
  const className = getString(r.obj, ['spec', 'gatewayClassName']) ?? '';
  const listeners = getArray(r.obj, ['spec', 'listeners']);
  const hboneListener = listeners.find((l) => getString(l, ['protocol']) === 'HBONE');
  const listener = hboneListener ?? listeners[0];
  const from = getString(listener, ['allowedRoutes', 'namespaces', 'from']);
  const allowedSelector = getObject(listener, ['allowedRoutes', 'namespaces', 'selector']);
  const status = getObject(r.obj, ['status']);
  const sa = labelOf(r.annotations, ANNOTATION_GATEWAY_SERVICE_ACCOUNT) || r.name;
  return {
    resource: r,
    namespace: r.namespace,
    name: r.name,
    gatewayClassName: className,
    serviceAccount: sa,
    principal: principalFor(trustDomain, r.namespace, sa),
    waypointFor: waypointForOf(labelOf(r.labels, LABEL_WAYPOINT_FOR), labelOf(classLabels, LABEL_WAYPOINT_FOR)),
    allowedRoutes: from === 'All' || from === 'Selector' ? from : 'Same',
    ...(allowedSelector ? { allowedSelector } : {}),
    // Manifests rarely carry status; when one does, a waypoint without addresses is not usable yet.
    ready: status === undefined || getArray(status, ['addresses']).length > 0,
    hbone: hasHboneListener(listeners),
    ip,
  };
}

/**
 * What the `use-waypoint` labels ask for: the object's own label first (`none` opts out and the namespace is not
 * consulted), else its Namespace's. The waypoint's namespace comes from `use-waypoint-namespace` beside the label
 * that named it, else the object's own.
 */
export function requestedWaypoint(
  labels: Readonly<Record<string, string>>,
  namespace: string,
  nsLabels: Readonly<Record<string, string>>,
): WaypointRequest | 'opt-out-object' | 'opt-out-namespace' | undefined {
  const own = labelOf(labels, LABEL_USE_WAYPOINT);
  if (own !== undefined) {
    if (isWaypointOptOut(own)) return 'opt-out-object';
    return { name: own, namespace: labelOf(labels, LABEL_USE_WAYPOINT_NAMESPACE) || namespace, from: 'object' };
  }
  const fromNs = labelOf(nsLabels, LABEL_USE_WAYPOINT);
  if (fromNs === undefined) return undefined;
  if (isWaypointOptOut(fromNs)) return 'opt-out-namespace';
  return { name: fromNs, namespace: labelOf(nsLabels, LABEL_USE_WAYPOINT_NAMESPACE) || namespace, from: 'namespace' };
}

export interface WaypointLookup {
  namespaceLabels(ns: string): Readonly<Record<string, string>>;
  waypoint(namespace: string, name: string): Waypoint | undefined;
}

/** Which waypoint traffic to `target` goes through, and why (no fallback to the namespace when a named one fails). */
export function resolveWaypoint(target: WaypointTarget, lookup: WaypointLookup): WaypointBinding {
  const ns = lookup.namespaceLabels(target.namespace);
  const requested = requestedWaypoint(target.labels, target.namespace, ns);
  if (requested === 'opt-out-object')
    return {
      reason: 'opt-out',
      note: `${target.kind} ${target.resource.name} opts out with istio.io/use-waypoint: none.`,
    };
  if (requested === 'opt-out-namespace')
    return { reason: 'opt-out', note: `Namespace ${target.namespace} opts out with istio.io/use-waypoint: none.` };
  if (!requested)
    return {
      reason: 'no-label',
      note: `No istio.io/use-waypoint label on ${target.kind} ${target.resource.name} or namespace ${target.namespace}: no waypoint.`,
    };
  const where =
    requested.from === 'object' ? `${target.kind} ${target.resource.name}` : `namespace ${target.namespace}`;
  const wp = lookup.waypoint(requested.namespace, requested.name);
  if (!wp)
    return {
      requested,
      reason: 'not-found',
      note: `${where} asks for waypoint ${requested.namespace}/${requested.name}, which does not exist: traffic goes direct and L7 policy is bypassed (no fallback to the namespace label).`,
    };
  if (!wp.ready)
    return {
      requested,
      reason: 'not-ready',
      note: `Waypoint ${wp.namespace}/${wp.name} has no address yet: traffic goes direct and L7 policy is bypassed.`,
    };
  // allowedRoutes is checked before waypoint-for, as istiod does (release-1.31 A/waypoints.go fetchWaypointForTarget
  // reports AttachmentDenied before fetchWaypointForService/ForWorkload look at the traffic type): when both fail,
  // the status names the attachment.
  if (wp.namespace !== target.namespace) {
    const allowed =
      wp.allowedRoutes === 'All' ||
      (wp.allowedRoutes === 'Selector' && wp.allowedSelector !== undefined && selectorMatches(wp.allowedSelector, ns));
    if (!allowed)
      return {
        requested,
        reason: 'cross-namespace-denied',
        note: `Waypoint ${wp.namespace}/${wp.name} only accepts its own namespace (allowedRoutes ${wp.allowedRoutes}); ${target.namespace} cannot use it.`,
      };
  }
  const forServices = target.kind === 'Service' || target.kind === 'ServiceEntry';
  const accepts = wp.waypointFor === 'all' || wp.waypointFor === (forServices ? 'service' : 'workload');
  if (!accepts)
    return {
      requested,
      reason: 'waypoint-for-mismatch',
      note: `Waypoint ${wp.namespace}/${wp.name} is for "${wp.waypointFor}" traffic, not ${forServices ? 'service' : 'workload'}-addressed traffic: it is not used.`,
    };
  return {
    waypoint: wp,
    requested,
    reason: 'bound',
    note: `${where} is bound to waypoint ${wp.namespace}/${wp.name}.`,
  };
}

/** Whether a waypoint admits objects of `namespace` (its own namespace always; others per allowedRoutes). */
export function waypointAdmits(wp: Waypoint, namespace: string, nsLabels: Readonly<Record<string, string>>): boolean {
  if (wp.namespace === namespace) return true;
  return (
    wp.allowedRoutes === 'All' ||
    (wp.allowedRoutes === 'Selector' &&
      wp.allowedSelector !== undefined &&
      selectorMatches(wp.allowedSelector, nsLabels))
  );
}

// ── canary waypoints (Istio 1.31, alpha) ──────────────────────────────────────────────────────────────────────
// Evidence: istio/istio release-1.31 pilot/pkg/serviceregistry/ambient/waypoints.go (getUseWaypointCanary,
// getCanaryWeight, resolveCanaryWaypoint, buildWeightedWaypoints), status.go (the reasons), model/service.go
// GetConditions (a canary error keeps WaypointBound=True and is appended to its message); istio/ztunnel
// release-1.31 src/state.rs sample_weighted_waypoint (one pick per new connection, proportional to the weights);
// pilot/pkg/xds/endpoints/endpoint_builder.go weightedWaypointEndpoints (ingress: per request, weight-0 entries
// dropped). release-1.30 has none of it.

/** Why a canary is not attached, as istiod's WaypointBound message names it (`A/status.go`). */
export type CanaryFailure =
  'CanaryInvalidWeight' | 'CanarySameAsPrimary' | 'WaypointIsNotReady' | 'AttachmentDenied' | 'UnsupportedTrafficType';

export interface CanaryBinding {
  /**
   * `attached`: new connections split between primary and canary. `no-primary`: the object has no working primary
   * waypoint, so istiod ignores the canary without a word. `unsupported`: the Istio line has no canary waypoints
   * (1.30), the labels do nothing. Otherwise the failure, reported inside `WaypointBound` while traffic stays on
   * the primary.
   */
  readonly reason: 'attached' | 'no-primary' | 'unsupported' | CanaryFailure;
  /** The canary asked for, and whether its label sits on the object or its Namespace. */
  readonly requested: WaypointRequest;
  /** Set only when attached. */
  readonly waypoint?: Waypoint;
  /** Share (0..100) of new connections the canary gets; 0 unless attached. */
  readonly weight: number;
  /** The weight annotation as written, where it was found. */
  readonly weightAnnotation?: { readonly value: string; readonly from: 'object' | 'namespace' };
  /** One plain sentence explaining the outcome. */
  readonly note: string;
}

/** What canary resolution needs beyond WaypointLookup: the Namespace's annotations (the weight may sit there). */
export interface CanaryLookup extends WaypointLookup {
  namespaceAnnotations(ns: string): Readonly<Record<string, string>>;
}

/**
 * The canary waypoint of a Service or ServiceEntry, given its primary binding, or undefined when no canary label
 * applies. The canary is inherited from the Namespace only when the primary was (the object sets no
 * `use-waypoint` of its own); the label's value `none` or an empty value names no canary; a missing weight is 0
 * (the canary is checked but gets nothing). `enabled` is the Istio line's `canaryWaypoints` switch.
 */
export function resolveCanaryWaypoint(
  target: WaypointTarget,
  primary: WaypointBinding,
  lookup: CanaryLookup,
  enabled: boolean,
): CanaryBinding | undefined {
  if (target.kind !== 'Service' && target.kind !== 'ServiceEntry') return undefined;
  const inherits = labelOf(target.labels, LABEL_USE_WAYPOINT) === undefined;
  const nsLabels = inherits ? lookup.namespaceLabels(target.namespace) : undefined;
  let labels: Readonly<Record<string, string>> = target.labels;
  let from: 'object' | 'namespace' = 'object';
  if (
    labelOf(labels, LABEL_USE_WAYPOINT_CANARY) === undefined &&
    labelOf(nsLabels, LABEL_USE_WAYPOINT_CANARY) !== undefined
  ) {
    labels = nsLabels!;
    from = 'namespace';
  }
  const name = labelOf(labels, LABEL_USE_WAYPOINT_CANARY);
  if (name === undefined || name === '' || name === 'none') return undefined;
  // The namespace override is taken as written, even empty (upstream reads it whenever the key is present).
  const requested: WaypointRequest = {
    name,
    namespace: labelOf(labels, LABEL_USE_WAYPOINT_CANARY_NAMESPACE) ?? target.namespace,
    from,
  };
  const ref = `${requested.namespace}/${requested.name}`;
  const where = from === 'object' ? `${target.kind} ${target.resource.name}` : `namespace ${target.namespace}`;
  if (!enabled)
    return {
      reason: 'unsupported',
      requested,
      weight: 0,
      note: `${where} names canary waypoint ${ref}, but this Istio line has no canary waypoints (added in 1.31): the label is ignored.`,
    };
  if (primary.reason !== 'bound' || !primary.waypoint)
    return {
      reason: 'no-primary',
      requested,
      weight: 0,
      note: `${where} names canary waypoint ${ref}, but there is no working primary waypoint (${LABEL_USE_WAYPOINT}): the canary is ignored.`,
    };
  const fail = (reason: CanaryFailure, why: string): CanaryBinding => ({
    reason,
    requested,
    weight: 0,
    ...(weightAnnotation ? { weightAnnotation } : {}),
    note: `Canary waypoint ${ref} is not attached (WaypointBound message, reason ${reason}): ${why}; all traffic stays on the primary ${primary.waypoint!.namespace}/${primary.waypoint!.name}.`,
  });
  let weightAnnotation: CanaryBinding['weightAnnotation'];
  const ownWeight = labelOf(target.resource.annotations, ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT);
  if (ownWeight !== undefined) weightAnnotation = { value: ownWeight, from: 'object' };
  else if (inherits) {
    const nsWeight = labelOf(lookup.namespaceAnnotations(target.namespace), ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT);
    if (nsWeight !== undefined) weightAnnotation = { value: nsWeight, from: 'namespace' };
  }
  if (ref === `${primary.waypoint.namespace}/${primary.waypoint.name}`)
    return fail('CanarySameAsPrimary', 'it is the primary waypoint itself');
  const weight = weightAnnotation === undefined ? 0 : parseCanaryWeight(weightAnnotation.value);
  if (weight === undefined)
    return fail(
      'CanaryInvalidWeight',
      `${ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT} "${weightAnnotation!.value}" is not an integer from 0 to 100`,
    );
  const wp = lookup.waypoint(requested.namespace, requested.name);
  if (!wp || !wp.ready)
    return fail('WaypointIsNotReady', wp ? 'it has no address yet' : 'no such waypoint Gateway exists');
  if (!waypointAdmits(wp, target.namespace, lookup.namespaceLabels(target.namespace)))
    return fail(
      'AttachmentDenied',
      `its HBONE listener does not admit namespace ${target.namespace} (allowedRoutes ${wp.allowedRoutes})`,
    );
  if (wp.waypointFor !== 'service' && wp.waypointFor !== 'all')
    return fail('UnsupportedTrafficType', `it is for "${wp.waypointFor}" traffic, not service traffic`);
  return {
    reason: 'attached',
    requested,
    waypoint: wp,
    weight,
    ...(weightAnnotation ? { weightAnnotation } : {}),
    note:
      weight === 0
        ? `Canary waypoint ${ref} is attached with weight 0${weightAnnotation ? '' : ` (no ${ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT})`}: it gets no connections yet.`
        : `${where} splits new connections: ${100 - weight}% to primary ${primary.waypoint.namespace}/${primary.waypoint.name}, ${weight}% to canary ${ref}.`,
  };
}

/** A CanaryLookup over a mesh index (Namespace annotations found once, by name). */
export function canaryLookup(base: WaypointLookup & { byKind(kind: string): readonly Resource[] }): CanaryLookup {
  let annotations: Map<string, Readonly<Record<string, string>>> | undefined;
  const none: Readonly<Record<string, string>> = Object.freeze({});
  return {
    namespaceLabels: (ns) => base.namespaceLabels(ns),
    waypoint: (ns, name) => base.waypoint(ns, name),
    namespaceAnnotations(ns) {
      if (!annotations) {
        annotations = new Map();
        for (const r of base.byKind('Namespace')) if (r.apiVersion === 'v1') annotations.set(r.name, r.annotations);
      }
      return annotations.get(ns) ?? none;
    },
  };
}

/**
 * Istio 1.31 `meshConfig.serviceEntryVisibility` on a ServiceEntry's waypoint: an entry visible only in its own
 * namespace must not bind to a waypoint elsewhere (that would expose it there), so istiod refuses the binding —
 * `WaypointBound=False`, reason `CrossNamespaceWaypointForbidden` — and traffic goes without a waypoint (release-1.31
 * A/waypoints.go fetchWaypointForService, status.go ReportWaypointCrossNamespaceForbidden). Kubernetes Services are
 * not governed by it. `visibility` is the entry's resolved level (meshconfig.ts serviceEntryVisibilityFor).
 */
export function applyServiceEntryVisibility(
  target: WaypointTarget,
  binding: WaypointBinding,
  visibility: 'PUBLIC' | 'NAMESPACE' | 'NONE',
): WaypointBinding {
  const wp = binding.waypoint;
  if (target.kind !== 'ServiceEntry' || !wp || visibility !== 'NAMESPACE' || wp.namespace === target.namespace)
    return binding;
  return {
    ...(binding.requested ? { requested: binding.requested } : {}),
    reason: 'visibility-forbidden',
    note: `ServiceEntry ${target.namespace}/${target.resource.name} is visible only in its namespace (meshConfig.serviceEntryVisibility NAMESPACE), so it may not use waypoint ${wp.namespace}/${wp.name} in another namespace (WaypointBound=False, reason CrossNamespaceWaypointForbidden): traffic goes without a waypoint.`,
  };
}
