import type { ScenarioCase } from './types.ts';

// custom-provider.yaml on both Istio lines. Without a MeshConfig the provider cannot be checked and the ext-authz
// call is not simulated (assumed to allow); with a MeshConfig that lacks the provider, istiod replaces the CUSTOM
// filter by an RBAC DENY of the same rules, so exactly the requests the policy matches get 403 at the waypoint.
const BAD_CUSTOM =
  'release-1.31 and release-1.30 pilot/pkg/security/authz/builder/builder.go: getExtAuthz fails, "will generate deny configs", getBadCustomDenyRules';
const NOT_SIMULATED = 'SEMANTICS §3: CUSTOM delegates to an external authorizer the simulator does not run';
const WITHOUT_OPA =
  'extensionProviders: [{name: other, envoyExtAuthzHttp: {service: authz.other.svc.cluster.local, port: 8000}}]';
const WITH_OPA =
  'extensionProviders: [{name: opa, envoyExtAuthzGrpc: {service: opa.shop.svc.cluster.local, port: 9191}}]';
const ADMIN = { from: 'shop/web', to: 'cart:8080', path: '/admin/users' } as const;
const OTHER = { from: 'shop/web', to: 'cart:8080', path: '/items' } as const;
const ALLOWED = { verdict: 'allowed', status: 200, waypoint: 'shop/waypoint' } as const;
const DENIED = {
  verdict: 'denied',
  deniedAt: 'waypoint',
  status: 403,
  waypoint: 'shop/waypoint',
  decidedBy: 'AuthorizationPolicy shop/admin-ext-authz',
} as const;

export const cases: readonly ScenarioCase[] = (['1.31', '1.30'] as const).flatMap((istio) => [
  {
    name: `${istio}, provider missing from the MeshConfig: a request the CUSTOM rules match is denied (403)`,
    source: BAD_CUSTOM,
    istio,
    meshConfig: WITHOUT_OPA,
    request: ADMIN,
    expect: DENIED,
  },
  {
    name: `${istio}, provider missing: a request the rules do not match passes`,
    source: BAD_CUSTOM,
    istio,
    meshConfig: WITHOUT_OPA,
    request: OTHER,
    expect: ALLOWED,
  },
  {
    name: `${istio}, provider defined: the external authorizer decides; not simulated, assumed to allow`,
    source: NOT_SIMULATED,
    istio,
    meshConfig: WITH_OPA,
    request: ADMIN,
    expect: ALLOWED,
  },
  {
    name: `${istio}, no MeshConfig given: providers unknown, assumed to allow`,
    source: NOT_SIMULATED,
    istio,
    request: ADMIN,
    expect: ALLOWED,
  },
]);
