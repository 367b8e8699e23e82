// What differs for ambient between the Istio lines the site speaks for (issue #17; SEMANTICS §2, §5, §8, §10):
// one row per change, read by the "Changed in" callouts on reference pages and by the /istio-1-31/ page, so a
// change is described once. The behaviour itself lives in versions.ts (the switches the validator and simulator
// read); `behaviour` names the switch a row explains, and a test checks that the switch really differs between
// the lines the row compares. Text uses `backticks` for code; nothing else is interpreted.
import type { IstioBehaviour, IstioVersion } from './versions.ts';

export interface VersionSource {
  readonly label: string;
  readonly url: string;
}

export interface VersionChange {
  /** Stable id: pages place a callout with `<ChangedIn id="…" />`. */
  readonly id: string;
  /** The line that changed the behaviour. */
  readonly since: IstioVersion;
  /** The line before it, whose behaviour `before` describes. */
  readonly before: IstioVersion;
  readonly title: string;
  /** Behaviour on `since` and later lines. */
  readonly now: string;
  /** Behaviour on the `before` line. */
  readonly was: string;
  /** What a reader upgrading has to do or check. */
  readonly action: string;
  /** The versions.ts behaviour switch that models it, when the validator or simulator acts on it. */
  readonly behaviour?: keyof IstioBehaviour;
  /** Site pages the change matters to (each carries the callout). */
  readonly pages: readonly string[];
  /** Validator rules that exist because of it (their rule pages carry the callout). */
  readonly rules?: readonly string[];
  readonly sources: readonly VersionSource[];
}

const RELEASE_NOTES_131 = 'https://istio.io/latest/news/releases/1.31.x/announcing-1.31/change-notes/';
const note = (file: string): VersionSource => ({
  label: `istio/istio release-1.31 releasenotes/notes/${file}`,
  url: `https://github.com/istio/istio/blob/release-1.31/releasenotes/notes/${file}`,
});

export const VERSION_CHANGES: readonly VersionChange[] = [
  {
    id: 'tcproute-v1',
    since: '1.31',
    before: '1.30',
    title: 'TCPRoute is `v1`, and Istio needs the v1.6 TCPRoute CRD',
    now:
      'Istio 1.31 builds on Gateway API v1.6, whose standard channel serves TCPRoute (and UDPRoute) as `v1`; ' +
      '`v1alpha2` is served only by the experimental-channel CRD. istiod ignores a TCPRoute CRD whose ' +
      '`gateway.networking.k8s.io/bundle-version` is below 1.6.0, and with it every TCPRoute, without an error on ' +
      'the route; `istioctl analyze` reports it as IST0176.',
    was:
      'Istio 1.30 builds on Gateway API v1.5, where TCPRoute exists only in the experimental channel, as ' +
      '`v1alpha2`, and any installed TCPRoute CRD is used.',
    action:
      'Install the Gateway API v1.6 CRDs before or with Istio 1.31 and write `apiVersion: ' +
      'gateway.networking.k8s.io/v1` on TCPRoutes (the standard channel refuses `v1alpha2`).',
    pages: ['/gateway-api/tcproute-tlsroute-grpcroute/'],
    rules: ['gateway-api-crd-too-old'],
    sources: [
      {
        label: 'istio/istio release-1.31 pkg/config/schema/gatewayapi/minimumversions.go',
        url: 'https://github.com/istio/istio/blob/release-1.31/pkg/config/schema/gatewayapi/minimumversions.go',
      },
      {
        label: 'kubernetes-sigs/gateway-api v1.6.1 config/crd/standard/gateway.networking.k8s.io_tcproutes.yaml',
        url: 'https://github.com/kubernetes-sigs/gateway-api/blob/v1.6.1/config/crd/standard/gateway.networking.k8s.io_tcproutes.yaml',
      },
    ],
  },
  {
    id: 'backendless-rule-500',
    since: '1.31',
    before: '1.30',
    title: 'An HTTPRoute rule without backends answers 500',
    now:
      'A request matched by an HTTPRoute rule with no `backendRefs` (and no redirect) gets HTTP 500, as the ' +
      'Gateway API spec and its v1.6 conformance test HTTPRouteNoBackendRefs require.',
    was: 'The same request got HTTP 404.',
    action:
      'Alerts, tests or clients that treat a 404 from such a rule as "not found" see 500 after the upgrade; give ' +
      'the rule a backend or a redirect if neither status is what you want.',
    behaviour: 'backendlessRuleStatus',
    pages: ['/gateway-api/httproute/'],
    sources: [note('60787.yaml'), { label: 'Istio 1.31.0 change notes', url: RELEASE_NOTES_131 }],
  },
  {
    id: 'agentgateway-waypoint',
    since: '1.31',
    before: '1.30',
    title: 'agentgateway can be a waypoint, and ignores Istio policy CRDs there',
    now:
      'Istio 1.31 adds the experimental `istio-agentgateway-waypoint` GatewayClass (with `PILOT_ENABLE_AGENTGATEWAY` ' +
      'on istiod). istiod configures such a waypoint only from Gateway API resources (Gateway, HTTPRoute, ' +
      'GRPCRoute, TCPRoute, TLSRoute): AuthorizationPolicy, RequestAuthentication, PeerAuthentication, ' +
      'VirtualService, DestinationRule, Telemetry, WasmPlugin and EnvoyFilter do not apply to it.',
    was: 'Istio 1.30 offers agentgateway only as an ingress Gateway class (`istio-agentgateway`), not as a waypoint.',
    action:
      'Before moving a waypoint to the agentgateway class, list the Istio policies that target it or its Services: ' +
      'none of them will be enforced there.',
    behaviour: 'agentgatewayWaypointClass',
    pages: ['/waypoint-flavours/', '/gateway-api/gateway/', '/security/authorizationpolicy/'],
    rules: ['policy-ignored-by-agentgateway-waypoint'],
    sources: [
      note('agw-waypoint-gatewayclass.yaml'),
      { label: 'istio.io: Use agentgateway', url: 'https://istio.io/latest/docs/ambient/usage/agentgateway/' },
      { label: 'Istio 1.30.0 announcement', url: 'https://istio.io/latest/news/releases/1.30.x/announcing-1.30/' },
    ],
  },
  {
    id: 'canary-waypoints',
    since: '1.31',
    before: '1.30',
    title: 'Canary waypoints (alpha)',
    now:
      'A Service or Namespace can name a second, canary waypoint with the `istio.io/use-waypoint-canary` label ' +
      '(and `istio.io/use-waypoint-canary-namespace` for one in another namespace); the ' +
      '`istio.io/use-waypoint-canary-weight` annotation (0–100) sends that share of new mesh connections — or of ' +
      'requests, on the ingress-use-waypoint path — to the canary. A bad weight, a canary equal to the primary or ' +
      'a cross-namespace canary without permission is reported in the `istio.io/WaypointBound` condition ' +
      '(`CanaryInvalidWeight`, `CanarySameAsPrimary`, `CrossNamespaceWaypointForbidden`).',
    was: 'The canary labels and annotation mean nothing; all traffic goes to the `istio.io/use-waypoint` waypoint.',
    action:
      'A waypoint upgrade can now be rolled out by weight without touching clients; on 1.30 the labels are inert.',
    behaviour: 'canaryWaypoints',
    pages: ['/labels/use-waypoint/'],
    rules: ['waypoint-canary-not-attached', 'waypoint-canary-same-as-primary', 'waypoint-canary-weight-invalid'],
    sources: [
      note('60801-weighted-waypoint-canary.yaml'),
      { label: 'istio/api#3735', url: 'https://github.com/istio/api/pull/3735' },
    ],
  },
  {
    id: 'serviceentry-visibility',
    since: '1.31',
    before: '1.30',
    title: '`meshConfig.serviceEntryVisibility` can hide ServiceEntries',
    now:
      'MeshConfig gains `serviceEntryVisibility`: per namespace (chosen by label selector) ServiceEntries are ' +
      '`PUBLIC` (as before), `NAMESPACE` (visible only in their own namespace) or `NONE` (visible nowhere). ' +
      'ztunnel and waypoints enforce it whenever it is set; sidecars only with `applyToSidecars`. Where an entry ' +
      'is hidden it behaves as absent — as if no ServiceEntry named its hosts — not as blocked. Unset, nothing ' +
      'changes.',
    was: 'Only `exportTo` on the ServiceEntry (and the mesh defaults for it) limits who sees it.',
    action:
      'If a mesh administrator sets it, a ServiceEntry that works in one namespace can be absent in another: ' +
      'check the visibility the namespace gets before debugging routes.',
    behaviour: 'serviceEntryVisibility',
    pages: ['/networking/serviceentry/'],
    rules: ['serviceentry-waypoint-visibility-forbidden', 'serviceentry-hidden-by-visibility'],
    sources: [
      note('60870-serviceentry-visibility.yaml'),
      { label: 'istio/api#3729', url: 'https://github.com/istio/api/pull/3729' },
      {
        label: 'istio/istio release-1.31 pilot/pkg/model/serviceentry_visibility.go',
        url: 'https://github.com/istio/istio/blob/release-1.31/pilot/pkg/model/serviceentry_visibility.go',
      },
    ],
  },
];

/** The row with this id; build-time callers fail loudly on a typo rather than render nothing. */
export function versionChange(id: string): VersionChange {
  const change = VERSION_CHANGES.find((c) => c.id === id);
  if (!change)
    throw new Error(`no version change with id "${id}" (known: ${VERSION_CHANGES.map((c) => c.id).join(', ')})`);
  return change;
}
