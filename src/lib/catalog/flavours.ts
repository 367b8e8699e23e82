/**
 * Waypoint flavours: the proxies a `use-waypoint` label can end up sending traffic to, and which APIs each one
 * honours (issue #17; SEMANTICS §2 [rev]; the seed's "every waypoint flavour" note). Rendered by the
 * /waypoint-flavours/ page and the diagram. Upstream rows come from Istio's docs and code; vendor rows repeat
 * what the vendor or the seed document claims and say so (`claimsBy`), because this project cannot check them.
 */
import { AGENTGATEWAY_WAYPOINT_CLASS, WAYPOINT_CLASS } from '../ambient/labels.ts';
import type { IstioVersion } from '../versions.ts';

export interface FlavourSource {
  readonly label: string;
  readonly url?: string;
}

export interface WaypointFlavour {
  readonly id: string;
  readonly name: string;
  /** The GatewayClass a waypoint Gateway names; undefined where we could not confirm the vendor's class name. */
  readonly gatewayClassName?: string;
  readonly proxy: string;
  /** `istio` for upstream Istio; otherwise the vendor whose product it is. */
  readonly provider: 'istio' | { readonly vendor: string };
  /** Upstream Istio lines that ship it (empty for vendor distributions, which have their own versions). */
  readonly istioLines: readonly IstioVersion[];
  readonly maturity: string;
  /** Routing APIs it applies. */
  readonly routing: readonly string[];
  /** Istio policy and configuration kinds it applies (see `notes` for limits). */
  readonly policies: readonly string[];
  /** Istio kinds that reach it by targetRefs or selection but are not applied there. */
  readonly ignores: readonly string[];
  /** The vendor's own policy APIs for what Istio's APIs cannot express. */
  readonly ownPolicies: readonly { readonly kind: string; readonly apiVersion: string; readonly purpose: string }[];
  /** Who makes the claims in this row, when not upstream Istio. */
  readonly claimsBy?: string;
  readonly notes: readonly string[];
  readonly sources: readonly FlavourSource[];
}

/** The Istio kinds istio.io says an agentgateway waypoint does not apply (SEMANTICS §2 [rev]). */
export const ISTIO_KINDS_IGNORED_BY_AGENTGATEWAY = [
  'AuthorizationPolicy',
  'RequestAuthentication',
  'PeerAuthentication',
  'VirtualService',
  'DestinationRule',
  'Telemetry',
  'WasmPlugin',
  'EnvoyFilter',
] as const;

const SEED = 'the seed reference map (ambient-crd-visual-map), repeating Solo.io';

export const WAYPOINT_FLAVOURS: readonly WaypointFlavour[] = [
  {
    id: 'istio-waypoint',
    name: 'Istio waypoint (Envoy)',
    gatewayClassName: WAYPOINT_CLASS,
    proxy: 'Envoy',
    provider: 'istio',
    istioLines: ['1.30', '1.31'],
    maturity: 'stable',
    routing: ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'VirtualService (alpha)'],
    policies: [
      'AuthorizationPolicy (targetRefs; L7 attributes)',
      'RequestAuthentication (targetRefs)',
      'DestinationRule',
      'ServiceEntry',
      'Telemetry',
      'WasmPlugin (targetRefs)',
      'EnvoyFilter (targetRefs only, alpha)',
      'ProxyConfig',
    ],
    ignores: ['PeerAuthentication (ztunnel terminates mTLS)', 'EnvoyFilter with a workload selector'],
    ownPolicies: [],
    notes: [
      'The default waypoint; `istioctl waypoint apply` creates one.',
      'TLSRoutes are tried before TCPRoutes, only the oldest TCPRoute on a port applies, and there is no SNI routing at a waypoint.',
    ],
    sources: [
      { label: 'istio.io: Use Layer 7 features', url: 'https://istio.io/latest/docs/ambient/usage/l7-features/' },
      { label: 'SEMANTICS.md §2, §5, §7 (project research notes)' },
    ],
  },
  {
    id: 'istio-agentgateway-waypoint',
    name: 'Istio agentgateway waypoint',
    gatewayClassName: AGENTGATEWAY_WAYPOINT_CLASS,
    proxy: 'agentgateway (Rust)',
    provider: 'istio',
    istioLines: ['1.31'],
    maturity: 'experimental (istiod needs PILOT_ENABLE_AGENTGATEWAY=true)',
    routing: ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'],
    policies: [],
    ignores: [...ISTIO_KINDS_IGNORED_BY_AGENTGATEWAY],
    ownPolicies: [],
    notes: [
      'istiod configures it only from Gateway API resources, so nothing in Istio’s security, networking, telemetry or extension APIs reaches it.',
      'It exists from Istio 1.31; Istio 1.30 offers agentgateway only as an ingress Gateway class (`istio-agentgateway`).',
    ],
    sources: [
      { label: 'istio.io: Use agentgateway', url: 'https://istio.io/latest/docs/ambient/usage/agentgateway/' },
      {
        label: 'istio/istio release-1.31 releasenotes/notes/agw-waypoint-gatewayclass.yaml',
        url: 'https://github.com/istio/istio/blob/release-1.31/releasenotes/notes/agw-waypoint-gatewayclass.yaml',
      },
    ],
  },
  {
    id: 'solo-istiod-gloo-waypoint',
    name: 'Solo.io istiod-gloo waypoint',
    proxy: 'Envoy (Solo.io’s Istio distribution)',
    provider: { vendor: 'Solo.io' },
    istioLines: [],
    maturity: 'vendor product',
    routing: ['as the Istio waypoint (vendor’s claim)'],
    policies: ['AuthorizationPolicy, with `to.operation` matching HTTP attributes only (vendor’s claim)'],
    ignores: [],
    ownPolicies: [],
    claimsBy: SEED,
    notes: [
      'Its GatewayClass name and exact API support are the vendor’s to document; this project has not verified them.',
    ],
    sources: [{ label: 'Seed: ambient-crd-visual-map, AuthorizationPolicy L7 section' }],
  },
  {
    id: 'solo-enterprise-agentgateway-waypoint',
    name: 'Solo Enterprise for agentgateway waypoint',
    proxy: 'agentgateway (Solo.io enterprise build)',
    provider: { vendor: 'Solo.io' },
    istioLines: [],
    maturity: 'vendor product',
    routing: ['Gateway API routes (vendor’s claim)'],
    policies: ['AuthorizationPolicy, with `to.operation` matching HTTP attributes only (vendor’s claim)'],
    ignores: [],
    ownPolicies: [
      {
        kind: 'EnterpriseAgentgatewayPolicy',
        apiVersion: 'enterpriseagentgateway.solo.io/v1alpha1',
        purpose:
          'MCP tool-level and A2A skill-level authorization (attributes such as `mcp.tool.name`, `mcp.tool.target` and A2A skill names), per the vendor',
      },
    ],
    claimsBy: SEED,
    notes: [
      'Its GatewayClass name is the vendor’s to document; this project has not verified it.',
      'Ambient Atlas does not validate or simulate EnterpriseAgentgatewayPolicy: the validator and simulator do not know the kind.',
    ],
    sources: [{ label: 'Seed: ambient-crd-visual-map, AuthorizationPolicy L7 section' }],
  },
];
