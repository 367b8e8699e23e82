import type { ScenarioCase } from './types.ts';

// Each behaviour that changed between Istio 1.30 and 1.31 (SEMANTICS [rev] §2, §5, §10), once per line, on the
// versions.yaml mesh. `source` names the upstream change (istio/istio release-1.31 unless said otherwise).
const BACKENDLESS =
  'SEMANTICS §5 [rev]; istio/istio#60787 pilot/pkg/config/kube/gateway/conversion.go convertHTTPRoute (testdata/empty-backend-refs.yaml.golden)';
const AGW = 'SEMANTICS §2 [rev]; istio/istio#60551; istio.io docs/ambient/usage/agentgateway';

export const cases: readonly ScenarioCase[] = [
  {
    name: '1.31: an HTTPRoute rule without backendRefs answers 500',
    source: BACKENDLESS,
    istio: '1.31',
    request: { from: 'ver/client', to: 'shop', path: '/maintenance' },
    expect: { verdict: 'error', status: 500, waypoint: 'ver/waypoint', decidedBy: 'HTTPRoute ver/shop', backends: [] },
  },
  {
    name: '1.30: the same rule answers 404',
    source: `${BACKENDLESS}; release-1.30 returned 404 when backendRefs is empty`,
    istio: '1.30',
    request: { from: 'ver/client', to: 'shop', path: '/maintenance' },
    expect: {
      verdict: 'no-route',
      status: 404,
      waypoint: 'ver/waypoint',
      decidedBy: 'HTTPRoute ver/shop',
      backends: [],
    },
  },
  {
    name: '1.31: a backend-less rule with a redirect still redirects',
    source: `${BACKENDLESS} (only when vs.Redirect == nil)`,
    istio: '1.31',
    request: { from: 'ver/client', to: 'shop', path: '/old' },
    expect: { verdict: 'allowed', status: 301 },
  },
  {
    name: '1.30: a backend-less rule with a redirect still redirects',
    source: `${BACKENDLESS} (only when vs.Redirect == nil)`,
    istio: '1.30',
    request: { from: 'ver/client', to: 'shop', path: '/old' },
    expect: { verdict: 'allowed', status: 301 },
  },
  {
    name: '1.31: the other rules of the route are unchanged',
    source: BACKENDLESS,
    istio: '1.31',
    request: { from: 'ver/client', to: 'shop', path: '/' },
    expect: { verdict: 'allowed', status: 200, backends: ['ver/api'] },
  },
  {
    name: '1.30: a GRPCRoute rule without backendRefs answered 500 already',
    source: 'release-1.30 pilot/pkg/config/kube/gateway/conversion.go convertGRPCRoute (grpcWeightSum == 0 → 500)',
    istio: '1.30',
    request: { from: 'ver/client', to: 'rpc:9090', method: 'POST', path: '/shop.Catalog/List' },
    expect: { verdict: 'error', status: 500 },
  },
  {
    name: '1.31: a GRPCRoute rule without backendRefs answers 500',
    source: 'pilot/pkg/config/kube/gateway/conversion.go convertGRPCRoute',
    istio: '1.31',
    request: { from: 'ver/client', to: 'rpc:9090', method: 'POST', path: '/shop.Catalog/List' },
    expect: { verdict: 'error', status: 500 },
  },
  {
    name: '1.31: an agentgateway waypoint ignores a Service-targeted AuthorizationPolicy',
    source: AGW,
    istio: '1.31',
    request: { from: 'ver/client', to: 'agent', method: 'POST' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'ver/agw', backends: ['ver/agent'] },
  },
  {
    name: '1.31: and a Gateway-targeted one',
    source: AGW,
    istio: '1.31',
    request: { from: 'ver/client', to: 'agent', method: 'DELETE' },
    expect: { verdict: 'allowed', status: 200, waypoint: 'ver/agw' },
  },
  {
    name: '1.30: no agentgateway class; the Gateway is a third-party waypoint and the DENY applies',
    source: `${AGW}; the class and its istiod support are new in 1.31 (pilot/pkg/config/kube/agentgateway)`,
    istio: '1.30',
    request: { from: 'ver/client', to: 'agent', method: 'POST' },
    expect: {
      verdict: 'denied',
      deniedAt: 'waypoint',
      status: 403,
      waypoint: 'ver/agw',
      decidedBy: 'AuthorizationPolicy ver/agent-no-post',
    },
  },
  {
    name: '1.31 with Gateway API v1.6: the TCPRoute sends the connection to db-replica',
    source: 'SEMANTICS §5 [rev]; istio/istio#60766 (TCPRoute v1)',
    istio: '1.31',
    request: { from: 'ver/client', to: 'db:5432', tcp: true },
    expect: { verdict: 'allowed', waypoint: 'ver/waypoint', backends: ['ver/db-replica'] },
  },
  {
    name: '1.31 with the v1.5 CRDs: istiod ignores TCPRoutes (below the 1.6.0 minimum), the Service itself answers',
    source:
      'pkg/config/schema/gatewayapi/minimumversions.go (tcproutes 1.6.0); pkg/config/analysis/analyzers/k8sgateway/crdversion.go (IST0176)',
    istio: '1.31',
    gatewayApi: '1.5',
    request: { from: 'ver/client', to: 'db:5432', tcp: true },
    expect: { verdict: 'allowed', waypoint: 'ver/waypoint', backends: ['ver/db'] },
  },
  {
    name: '1.30 (Gateway API v1.5): TCPRoute has no minimum there, so the route applies',
    source: 'release-1.30 pkg/config/schema/gatewayapi/minimumversions.go (no TCPRoute entry)',
    istio: '1.30',
    request: { from: 'ver/client', to: 'db:5432', tcp: true },
    expect: { verdict: 'allowed', waypoint: 'ver/waypoint', backends: ['ver/db-replica'] },
  },
];
