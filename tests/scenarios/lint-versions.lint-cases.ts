import type { LintScenarioCase } from './types.ts';

// lint-versions.yaml on both lines (issue #17). `source` names the upstream code (istio/istio release-1.31 unless
// said otherwise); Gateway API facts come from the v1.5.1 / v1.6.1 CRDs in ../shared/crds.
const CONSUMER = 'warning consumer-route-ignored-by-waypoint HTTPRoute stripe-from-shop';
const V1ALPHA2_EXPERIMENTAL = 'info gateway-api-experimental-field TCPRoute db-v1alpha2';
const V1_NOT_SERVED = 'error schema TCPRoute db-v1';
const AGW = 'error policy-ignored-by-agentgateway-waypoint AuthorizationPolicy api-get-only';
const CANARY_SAME = 'warning waypoint-canary-same-as-primary Service cart';
const CANARY_INERT = 'warning waypoint-canary-not-attached Service cart';
const NAMESPACE_ONLY = 'serviceEntryVisibility: {defaultVisibility: NAMESPACE}';
const WITH_PROVIDER = `${NAMESPACE_ONLY}\nextensionProviders: [{name: ext-authz, envoyExtAuthzGrpc: {service: authz.lv.svc.cluster.local, port: 9000}}]`;
const NO_PROVIDER = 'error extension-provider-not-found AuthorizationPolicy db-ext-authz';

export const cases: readonly LintScenarioCase[] = [
  {
    name: '1.31 (Gateway API v1.6): TCPRoute v1 is served, v1alpha2 only by the experimental channel; agentgateway ignores the policy; the canary equal to the primary is dropped',
    source:
      'gateway-api v1.6.1 config/crd/{standard,experimental}/gateway.networking.k8s.io_tcproutes.yaml; SEMANTICS §2 [rev]; pilot/pkg/serviceregistry/ambient/waypoints.go buildWeightedWaypoints',
    istio: '1.31',
    findings: [V1ALPHA2_EXPERIMENTAL, AGW, CANARY_SAME, CONSUMER],
  },
  {
    name: '1.30 (Gateway API v1.5): TCPRoute v1 is not served; no agentgateway waypoint class, so the policy applies; canary labels are inert',
    source:
      'gateway-api v1.5.1 config/crd/experimental/gateway.networking.k8s.io_tcproutes.yaml; release-1.30 waypoints.go',
    istio: '1.30',
    findings: [V1_NOT_SERVED, V1ALPHA2_EXPERIMENTAL, CANARY_INERT, CONSUMER],
  },
  {
    name: '1.31 with the v1.5 CRDs: IST0176 for every TCPRoute (bundle below 1.6.0), and v1 is not served',
    source: 'pkg/config/schema/gatewayapi/minimumversions.go; pkg/config/analysis/analyzers/k8sgateway/crdversion.go',
    istio: '1.31',
    gatewayApi: '1.5',
    findings: [
      V1_NOT_SERVED,
      'warning gateway-api-crd-too-old TCPRoute db-v1',
      'warning gateway-api-crd-too-old TCPRoute db-v1alpha2',
      V1ALPHA2_EXPERIMENTAL,
      AGW,
      CANARY_SAME,
      CONSUMER,
    ],
  },
  {
    name: '1.31 with serviceEntryVisibility NAMESPACE: the route in shop names an entry that does not exist for shop',
    source: 'pilot/pkg/model/serviceentry_visibility.go; pilot/pkg/serviceregistry/ambient/services.go',
    istio: '1.31',
    meshConfig: NAMESPACE_ONLY,
    findings: [
      V1ALPHA2_EXPERIMENTAL,
      AGW,
      CANARY_SAME,
      CONSUMER,
      'warning serviceentry-hidden-by-visibility HTTPRoute stripe-from-shop',
      NO_PROVIDER,
    ],
  },
  {
    name: '1.30 with the same MeshConfig: the field does not exist there (ignored), so nothing is hidden',
    source: 'release-1.30 pkg/util/protomarshal/protomarshal.go ApplyJSON (unknown fields allowed)',
    istio: '1.30',
    meshConfig: NAMESPACE_ONLY,
    findings: [V1_NOT_SERVED, V1ALPHA2_EXPERIMENTAL, CANARY_INERT, CONSUMER, NO_PROVIDER],
  },
  {
    name: '1.31 with the provider in MeshConfig extensionProviders: the CUSTOM policy is fine',
    source: 'pkg/config/mesh/mesh.go ApplyMeshConfig; pilot/pkg/security/authz/builder/extauthz.go getExtAuthz',
    istio: '1.31',
    meshConfig: WITH_PROVIDER,
    findings: [
      V1ALPHA2_EXPERIMENTAL,
      AGW,
      CANARY_SAME,
      CONSUMER,
      'warning serviceentry-hidden-by-visibility HTTPRoute stripe-from-shop',
    ],
  },
  {
    name: '1.30 with the same MeshConfig: the provider is found there too (extension providers are not line-specific)',
    source: 'release-1.30 pkg/config/mesh/mesh.go ApplyMeshConfig; extauthz.go getExtAuthz',
    istio: '1.30',
    meshConfig: WITH_PROVIDER,
    findings: [V1_NOT_SERVED, V1ALPHA2_EXPERIMENTAL, CANARY_INERT, CONSUMER],
  },
];
