import type { ScenarioCase } from './types.ts';

// Each case pins one (!) behaviour of SEMANTICS.md on the ambient-traps.yaml mesh.
export const cases: readonly ScenarioCase[] = [
  {
    name: 'sidecar injection wins over dataplane-mode=ambient',
    source: 'SEMANTICS §1 (!)',
    request: { from: 'mixed/app', to: 'details.shop' },
    expect: { clientDataplane: 'sidecar' },
  },
  {
    name: 'a pod with sidecar.istio.io/inject=false in that namespace is ambient',
    source: 'SEMANTICS §1',
    request: { from: 'mixed/optout', to: 'cart.shop' },
    expect: { clientDataplane: 'ambient', verdict: 'allowed' },
  },
  {
    name: 'a mesh client goes through the Service waypoint, which enforces its L7 policy',
    source: 'SEMANTICS §2–3',
    request: { from: 'shop/web', to: 'reviews', method: 'POST' },
    expect: { verdict: 'denied', deniedAt: 'waypoint', status: 403, waypoint: 'shop/waypoint' },
  },
  {
    name: 'a client outside the mesh never traverses the waypoint: the L7 policy does not apply',
    source: 'SEMANTICS §1 (!)',
    request: { from: 'legacy/curl', to: 'reviews.shop', method: 'POST' },
    expect: { verdict: 'allowed', waypoint: null, clientDataplane: 'none' },
  },
  {
    name: 'a missing waypoint means no waypoint, and the targetRefs DENY is enforced nowhere',
    source: 'SEMANTICS §2 (!), §3 (!)',
    request: { from: 'shop/web', to: 'ratings' },
    expect: { verdict: 'allowed', waypoint: null, status: 200 },
  },
  {
    name: 'an ALLOW rule with an L7 field is dropped at ztunnel: the policy denies everything',
    source: 'SEMANTICS §3 (!)',
    request: { from: 'shop/web', to: 'details', method: 'GET' },
    expect: {
      verdict: 'denied',
      deniedAt: 'ztunnel',
      status: null,
      decidedBy: 'AuthorizationPolicy shop/details-get-from-web',
    },
  },
  {
    name: 'a DENY with only L7 fields is a no-op at ztunnel',
    source: 'SEMANTICS §3 (!)',
    request: { from: 'shop/web', to: 'cart', method: 'DELETE' },
    expect: { verdict: 'allowed', status: 200 },
  },
  {
    name: 'a DENY with an L7 field beside an L4 field keeps the L4 part: a broader deny',
    source: 'SEMANTICS §3 (!)',
    request: { from: 'shop/web', to: 'payments', method: 'GET' },
    expect: { verdict: 'denied', deniedAt: 'ztunnel', decidedBy: 'AuthorizationPolicy shop/payments-no-post' },
  },
  {
    name: 'behind a waypoint ztunnel sees the waypoint identity: a client-principal ALLOW now fails with 503',
    source: 'SEMANTICS §3 (!)',
    request: { from: 'shop/web', to: 'orders' },
    expect: { verdict: 'denied', deniedAt: 'ztunnel', status: 503, waypoint: 'shop/waypoint' },
  },
  {
    name: 'bypass prevention: through the waypoint is allowed',
    source: 'SEMANTICS §3',
    request: { from: 'shop/web', to: 'inventory' },
    expect: { verdict: 'allowed', waypoint: 'shop/waypoint' },
  },
  {
    name: 'bypass prevention: straight to the pod is reset',
    source: 'SEMANTICS §3',
    request: { from: 'shop/web', to: 'pod/shop/inventory' },
    expect: {
      verdict: 'denied',
      deniedAt: 'ztunnel',
      waypoint: null,
      decidedBy: 'AuthorizationPolicy shop/inventory-only-via-waypoint',
    },
  },
  {
    name: 'an HTTPRoute whose parent is the waypoint Gateway does not route mesh traffic',
    source: 'SEMANTICS §5 (!)',
    request: { from: 'shop/web', to: 'catalog' },
    expect: { verdict: 'allowed', waypoint: 'shop/waypoint', backends: ['shop/catalog'] },
  },
  {
    name: 'selector policies are ignored at the waypoint (and an L7-only DENY is a no-op at ztunnel)',
    source: 'SEMANTICS §3 (!)',
    request: { from: 'shop/web', to: 'search', path: '/admin/users' },
    expect: { verdict: 'allowed', waypoint: 'shop/waypoint' },
  },
  {
    name: 'a selector RequestAuthentication does nothing: a garbage token passes',
    source: 'SEMANTICS §6 (!)',
    request: { from: 'shop/web', to: 'search', jwt: 'not-a-token' },
    expect: { verdict: 'allowed', status: 200 },
  },
  {
    name: 'DISABLE behaves like PERMISSIVE: plaintext from outside the mesh is accepted',
    source: 'SEMANTICS §4 (!)',
    request: { from: 'legacy/curl', to: 'cart.shop' },
    expect: { verdict: 'allowed', status: 200 },
  },
  {
    name: 'workload STRICT beats the namespace DISABLE and resets plaintext',
    source: 'SEMANTICS §4',
    request: { from: 'legacy/curl', to: 'profile.shop' },
    expect: {
      verdict: 'denied',
      deniedAt: 'ztunnel',
      status: null,
      decidedBy: 'PeerAuthentication shop/profile-strict',
    },
  },
  {
    name: 'STRICT does not affect mesh clients',
    source: 'SEMANTICS §4',
    request: { from: 'shop/web', to: 'profile' },
    expect: { verdict: 'allowed' },
  },
  {
    name: "traffic to the Service VIP ignores the pod's workload waypoint",
    source: 'SEMANTICS §2 (!)',
    request: { from: 'shop/web', to: 'metrics' },
    expect: { verdict: 'allowed', waypoint: null },
  },
  {
    name: "traffic to the pod IP uses the pod's workload waypoint",
    source: 'SEMANTICS §2 (!)',
    request: { from: 'shop/web', to: 'pod/shop/metrics' },
    expect: { verdict: 'allowed', waypoint: 'shop/pod-waypoint' },
  },
  {
    name: 'ztunnel silently ignores trustDomains: the ALLOW rule keeps its other fields and admits more than written',
    source:
      'SEMANTICS §3 (!) [rev]; istio release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go handleRule/httpSources',
    request: { from: 'shop/web', to: 'ledger' },
    expect: { verdict: 'allowed', decidedBy: 'AuthorizationPolicy shop/ledger-same-trust-domain' },
  },
  {
    name: 'remoteIpBlocks is L7: the ALLOW rule is dropped at ztunnel',
    source: 'SEMANTICS §3 (!)',
    request: { from: 'shop/web', to: 'audit' },
    expect: { verdict: 'denied', deniedAt: 'ztunnel', decidedBy: 'AuthorizationPolicy shop/audit-from-office' },
  },
  {
    name: 'a Service naming a missing waypoint does not fall back to the namespace waypoint',
    source: 'SEMANTICS §2 (!)',
    request: { from: 'shop/web', to: 'api.typo' },
    expect: { verdict: 'allowed', waypoint: null },
  },
  {
    name: 'while its unlabelled neighbour uses the namespace waypoint',
    source: 'SEMANTICS §2',
    request: { from: 'shop/web', to: 'api-internal.typo' },
    expect: { verdict: 'allowed', waypoint: 'typo/waypoint' },
  },
];
