/**
 * Label and annotation names istiod, istio-cni and ztunnel read for ambient, and how their values are parsed.
 * The one home of these strings: the mesh index, the rules, the simulator, migrate and the virtual shell import them.
 * Names from istio/api `label/labels.gen.go` and `annotation/annotations.gen.go`.
 */

export const LABEL_DATAPLANE_MODE = 'istio.io/dataplane-mode';
export const LABEL_USE_WAYPOINT = 'istio.io/use-waypoint';
export const LABEL_USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';
export const LABEL_WAYPOINT_FOR = 'istio.io/waypoint-for';
/**
 * 1.31 canary waypoints (alpha): a second waypoint for a Service/ServiceEntry (or its Namespace) and the share of new
 * connections sent to it. Names from istio/api release-1.31 `label/labels.yaml` and `annotation/annotations.yaml`;
 * release-1.30 has none of them (istiod 1.30 ignores them).
 */
export const LABEL_USE_WAYPOINT_CANARY = 'istio.io/use-waypoint-canary';
export const LABEL_USE_WAYPOINT_CANARY_NAMESPACE = 'istio.io/use-waypoint-canary-namespace';
export const ANNOTATION_USE_WAYPOINT_CANARY_WEIGHT = 'istio.io/use-waypoint-canary-weight';
export const LABEL_INGRESS_USE_WAYPOINT = 'istio.io/ingress-use-waypoint';
export const LABEL_REV = 'istio.io/rev';
export const LABEL_INJECTION = 'istio-injection';
export const LABEL_SIDECAR_INJECT = 'sidecar.istio.io/inject';
/** The Gateway a gateway-controller-made pod belongs to (Gateway API GEP-1762). */
export const LABEL_GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';
export const LABEL_GATEWAY_MANAGED = 'gateway.istio.io/managed';
export const GATEWAY_MANAGED_MESH = 'istio.io-mesh-controller';
/** Opt a ServiceEntry out of VIP auto-allocation (istio/istio pilot/pkg/serviceregistry/serviceentry ip_autoallocation). */
export const LABEL_ENABLE_AUTOALLOCATE_IP = 'networking.istio.io/enable-autoallocate-ip';

export const ANNOTATION_SIDECAR_STATUS = 'sidecar.istio.io/status';
export const ANNOTATION_DRY_RUN = 'istio.io/dry-run';
export const ANNOTATION_GATEWAY_SERVICE_ACCOUNT = 'gateway.istio.io/service-account';
/** On a Gateway: the name of the Deployment and Service istiod makes for it, instead of the default. */
export const ANNOTATION_GATEWAY_NAME_OVERRIDE = 'gateway.istio.io/name-override';
/** On a waypoint Gateway: the port (and protocol) ztunnel tunnels to instead of the HBONE listener's 15008. */
export const ANNOTATION_WAYPOINT_INBOUND_BINDING = 'ambient.istio.io/waypoint-inbound-binding';

export const DATAPLANE_AMBIENT = 'ambient';
export const DATAPLANE_NONE = 'none';
export const WAYPOINT_CLASS = 'istio-waypoint';
/**
 * 1.31's experimental agentgateway waypoint class (behind PILOT_ENABLE_AGENTGATEWAY): configured only through
 * Gateway API routes, so AuthorizationPolicy, RequestAuthentication, VirtualService and DestinationRule do not
 * apply to it (istio.io docs/ambient/usage/agentgateway; SEMANTICS §2 [rev]).
 */
export const AGENTGATEWAY_WAYPOINT_CLASS = 'istio-agentgateway-waypoint';
export const HBONE_PORT = 15008;
export const DEFAULT_ROOT_NAMESPACE = 'istio-system';
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/**
 * Go's `strconv.ParseBool`, which istiod uses for boolean labels and annotations (`istio.io/ingress-use-waypoint`,
 * `istio.io/dry-run`): exactly `1 t T TRUE true True` and `0 f F FALSE false False`; anything else is an error.
 */
export function parseGoBool(value: string): boolean | undefined {
  switch (value) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
    default:
      return undefined;
  }
}

/** Own-property read of a label map, so a key named like an Object.prototype member finds nothing. */
export function labelOf(labels: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  if (labels === undefined || !Object.prototype.hasOwnProperty.call(labels, key)) return undefined;
  const v = labels[key];
  return typeof v === 'string' ? v : undefined;
}

export interface IngressUseWaypoint {
  /** The label is set on the Service, or (without one there) on its Namespace. */
  readonly present: boolean;
  readonly from: 'service' | 'namespace' | undefined;
  readonly value: string | undefined;
  /** Ingress gateways send to the Service's waypoint. */
  readonly use: boolean;
  /** The value is not a Go boolean: istiod logs a warning and uses false. */
  readonly invalid: boolean;
}

/**
 * `istio.io/ingress-use-waypoint` as istiod reads it (release-1.31 pilot/pkg/serviceregistry/ambient/services.go
 * ingressUseWaypointFromLabels; TestIngressUseWaypointFromLabels): a label on the Service wins over its Namespace's
 * whatever its value, so Service "false" under Namespace "true" means no waypoint for ingress; the value goes
 * through ParseBool and an invalid one counts as false.
 */
export function ingressUseWaypoint(
  serviceLabels: Readonly<Record<string, string>>,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
): IngressUseWaypoint {
  let value = labelOf(serviceLabels, LABEL_INGRESS_USE_WAYPOINT);
  let from: 'service' | 'namespace' | undefined = value !== undefined ? 'service' : undefined;
  if (value === undefined) {
    value = labelOf(namespaceLabels, LABEL_INGRESS_USE_WAYPOINT);
    if (value !== undefined) from = 'namespace';
  }
  if (value === undefined) return { present: false, from, value, use: false, invalid: false };
  const parsed = parseGoBool(value);
  return { present: true, from, value, use: parsed === true, invalid: parsed === undefined };
}

/**
 * `istio.io/dry-run` on an AuthorizationPolicy (release-1.31 A/authorization.go: an empty value is "not set", any
 * other value goes through ParseBool and an unparsable one is treated as not dry-run).
 */
export function isDryRun(annotations: Readonly<Record<string, string>>): boolean {
  const v = labelOf(annotations, ANNOTATION_DRY_RUN);
  return v !== undefined && v !== '' && parseGoBool(v) === true;
}

export type WaypointFor = 'service' | 'workload' | 'all' | 'none';

/**
 * `istio.io/waypoint-for` (Gateway label over its GatewayClass label, default `service`); an unknown value behaves
 * like `none` (SEMANTICS §2).
 */
export function waypointForOf(gatewayValue: string | undefined, classValue: string | undefined): WaypointFor {
  const raw = gatewayValue ?? classValue ?? 'service';
  return raw === 'service' || raw === 'workload' || raw === 'all' ? raw : 'none';
}

/** A `use-waypoint` value that names no waypoint: `none` opts out, and so does an empty value. */
export function isWaypointOptOut(value: string): boolean {
  return value === 'none' || value === '';
}

/**
 * Go's `strconv.Atoi` as istiod applies it to `istio.io/use-waypoint-canary-weight` (release-1.31
 * pilot/pkg/serviceregistry/ambient/waypoints.go getCanaryWeight): an optional sign then decimal digits only (no
 * spaces, no underscores, no fraction), and the result must lie in 0..100. Undefined when istiod rejects it.
 */
export function parseCanaryWeight(value: string): number | undefined {
  if (!/^[+-]?\d+$/.test(value)) return undefined;
  const negative = value.startsWith('-');
  // Leading zeros are fine for Atoi ("050" is 50); more than three significant digits is out of range anyway.
  const digits = value.replace(/^[+-]/, '').replace(/^0+/, '');
  if (digits.length > 3) return undefined;
  const n = digits === '' ? 0 : Number(digits);
  if (negative && n !== 0) return undefined;
  return n <= 100 ? n : undefined;
}
