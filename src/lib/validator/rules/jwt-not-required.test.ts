import { ruleCases } from '../../../../tests/support/rule-cases.ts';
import { y } from '../testing.ts';
import { rule } from './jwt-not-required.ts';

const ra = (ns = 'shop') =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: RequestAuthentication',
    `metadata: {name: jwt, namespace: ${ns}}`,
    'spec:',
    '  targetRefs: [{kind: Service, group: "", name: api}]',
    '  jwtRules: [{issuer: i, jwksUri: "https://i/jwks"}]',
    '---',
  );
const ap = (ns: string, action: string, ...rule: string[]) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    `metadata: {name: p, namespace: ${ns}}`,
    'spec:',
    '  targetRefs: [{kind: Service, group: "", name: api}]',
    `  action: ${action}`,
    '  rules:',
    ...rule,
  );
const requiring = '  - from: [{source: {requestPrincipals: ["*"]}}]';
// release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go convertAuthorizationPolicy: a dry-run policy at a
// waypoint is a shadow rule (logged only); for ztunnel (istio.io/dry-run, ParseBool) it is not sent without
// AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY, and ztunnel src/state.rs gives dry-run policies no effect even with it.
const dryRun = ap('shop', 'ALLOW', requiring).replace(
  'metadata: {name: p, namespace: shop}',
  'metadata: {name: p, namespace: shop, annotations: {istio.io/dry-run: "true"}}',
);

ruleCases(rule, {
  valid: [
    { name: 'with an ALLOW requiring requestPrincipals (boundary)', yaml: ra() + ap('shop', 'ALLOW', requiring) },
    {
      name: 'DENY notRequestPrincipals requires a token',
      yaml: ra() + ap('shop', 'DENY', '  - from: [{source: {notRequestPrincipals: ["*"]}}]'),
    },
    {
      name: 'ALLOW when request.auth.claims requires a token',
      yaml: ra() + ap('shop', 'ALLOW', '  - when: [{key: "request.auth.claims[iss]", values: [i]}]'),
    },
    { name: 'a requiring policy in the root namespace counts', yaml: ra() + ap('istio-system', 'ALLOW', requiring) },
  ],
  invalid: [
    { name: 'alone: at the kind line', yaml: ra(), lines: ['2:1'] },
    {
      name: 'an ALLOW on methods only does not require a token',
      yaml: ra() + ap('shop', 'ALLOW', '  - to: [{operation: {methods: [GET]}}]'),
      lines: ['2:1'],
    },
    {
      name: 'a requiring policy in another (non-root) namespace does not count',
      yaml: ra() + ap('other', 'ALLOW', requiring),
      lines: ['2:1'],
    },
    { name: 'a dry-run ALLOW requiring a token requires nothing', yaml: ra() + dryRun, lines: ['2:1'] },
  ],
});
