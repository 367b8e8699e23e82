// The rule registry: one file per rule (DESIGN §2). The site generates /validator/rules/<id>/ from `meta`.
// Order: input problems first, then the API-server view, then ambient rules grouped by theme.
import type { Rule } from '../rule.ts';
import { rule as yamlSyntax } from './yaml-syntax.ts';
import { rule as schema } from './schema.ts';
import { rule as l7PolicyOnZtunnel } from './l7-policy-on-ztunnel.ts';
import { rule as ztunnelUnsupportedAction } from './ztunnel-unsupported-action.ts';
import { rule as trustDomainsDropped } from './trust-domains-dropped.ts';
import { rule as targetrefServiceWithoutWaypoint } from './targetref-service-without-waypoint.ts';
import { rule as selectorPolicyIgnoredInAmbient } from './selector-policy-ignored-in-ambient.ts';
import { rule as useWaypointNotFound } from './use-waypoint-not-found.ts';
import { rule as waypointForMismatch } from './waypoint-for-mismatch.ts';
import { rule as waypointListener } from './waypoint-listener.ts';
import { rule as httprouteParentWaypoint } from './httproute-parent-waypoint.ts';
import { rule as routeNotThroughWaypoint } from './route-not-through-waypoint.ts';
import { rule as consumerRouteIgnoredByWaypoint } from './consumer-route-ignored-by-waypoint.ts';
import { rule as parentrefServiceMissingGroup } from './parentref-service-missing-group.ts';
import { rule as regexNotRe2 } from './regex-not-re2.ts';
import { rule as gatewayApiExperimentalField } from './gateway-api-experimental-field.ts';
import { rule as backendRefNotPermitted } from './backend-ref-not-permitted.ts';
import { rule as mixedVirtualserviceHttproute } from './mixed-virtualservice-httproute.ts';
import { rule as virtualserviceOnWaypoint } from './virtualservice-on-waypoint.ts';
import { rule as destinationruleSubsetsWithHttproute } from './destinationrule-subsets-with-httproute.ts';
import { rule as envoyfilterUnsupported } from './envoyfilter-unsupported.ts';
import { rule as sidecarResourceIneffective } from './sidecar-resource-ineffective.ts';
import { rule as namespaceMultipleDataplaneLabels } from './namespace-multiple-dataplane-labels.ts';
import { rule as jwtNotRequired } from './jwt-not-required.ts';
import { rule as allowMissesWaypointIdentity } from './allow-misses-waypoint-identity.ts';
import { rule as ingressBypassesWaypoint } from './ingress-bypasses-waypoint.ts';
import { rule as peerauthenticationDisableIsPermissive } from './peerauthentication-disable-is-permissive.ts';
import { rule as allowNothing } from './allow-nothing.ts';
import { rule as serviceentryNeedsAddresses } from './serviceentry-needs-addresses.ts';
import { rule as telemetryTracingWithoutWaypoint } from './telemetry-tracing-without-waypoint.ts';
import { rule as policySelectsNothing } from './policy-selects-nothing.ts';
import { rule as workloadWaypointSkippedForServiceTraffic } from './workload-waypoint-skipped-for-service-traffic.ts';
import { rule as policyPortIsServicePort } from './policy-port-is-service-port.ts';
import { rule as peerauthenticationRootSelectorIgnored } from './peerauthentication-root-selector-ignored.ts';
import { rule as ignoreAnnotationInvalid } from './ignore-annotation-invalid.ts';
import { rule as waypointCanaryNotAttached } from './waypoint-canary-not-attached.ts';
import { rule as waypointCanaryWeightInvalid } from './waypoint-canary-weight-invalid.ts';
import { rule as waypointCanarySameAsPrimary } from './waypoint-canary-same-as-primary.ts';
import { rule as extensionProviderNotFound } from './extension-provider-not-found.ts';
import { rule as serviceentryWaypointVisibilityForbidden } from './serviceentry-waypoint-visibility-forbidden.ts';
import { rule as policyIgnoredByAgentgatewayWaypoint } from './policy-ignored-by-agentgateway-waypoint.ts';
import { rule as gatewayApiCrdTooOld } from './gateway-api-crd-too-old.ts';
import { rule as serviceentryHiddenByVisibility } from './serviceentry-hidden-by-visibility.ts';
import { rule as internalError } from './internal-error.ts';

export const RULES: readonly Rule[] = [
  yamlSyntax,
  schema,
  l7PolicyOnZtunnel,
  ztunnelUnsupportedAction,
  trustDomainsDropped,
  targetrefServiceWithoutWaypoint,
  selectorPolicyIgnoredInAmbient,
  useWaypointNotFound,
  waypointForMismatch,
  waypointListener,
  httprouteParentWaypoint,
  routeNotThroughWaypoint,
  consumerRouteIgnoredByWaypoint,
  parentrefServiceMissingGroup,
  regexNotRe2,
  gatewayApiExperimentalField,
  backendRefNotPermitted,
  mixedVirtualserviceHttproute,
  virtualserviceOnWaypoint,
  destinationruleSubsetsWithHttproute,
  envoyfilterUnsupported,
  sidecarResourceIneffective,
  namespaceMultipleDataplaneLabels,
  jwtNotRequired,
  allowMissesWaypointIdentity,
  ingressBypassesWaypoint,
  peerauthenticationDisableIsPermissive,
  allowNothing,
  serviceentryNeedsAddresses,
  telemetryTracingWithoutWaypoint,
  policySelectsNothing,
  workloadWaypointSkippedForServiceTraffic,
  policyPortIsServicePort,
  peerauthenticationRootSelectorIgnored,
  ignoreAnnotationInvalid,
  waypointCanaryNotAttached,
  waypointCanaryWeightInvalid,
  waypointCanarySameAsPrimary,
  extensionProviderNotFound,
  serviceentryWaypointVisibilityForbidden,
  policyIgnoredByAgentgatewayWaypoint,
  gatewayApiCrdTooOld,
  serviceentryHiddenByVisibility,
  internalError,
];

const BY_ID = new Map(RULES.map((r) => [r.meta.id, r]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}
