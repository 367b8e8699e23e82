import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'jwt-not-required';
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

describe(ID, () => {
  it('alone: reported at the kind line', () => {
    expect(linesFor(ID, ra())).toEqual([2]);
  });
  it('with an ALLOW requiring requestPrincipals: fine (boundary)', () => {
    expect(linesFor(ID, ra() + ap('shop', 'ALLOW', '  - from: [{source: {requestPrincipals: ["*"]}}]'))).toEqual([]);
  });
  it('an ALLOW on methods only does not require a token', () => {
    expect(linesFor(ID, ra() + ap('shop', 'ALLOW', '  - to: [{operation: {methods: [GET]}}]'))).toEqual([2]);
  });
  it('DENY notRequestPrincipals and ALLOW when request.auth.claims both require a token', () => {
    expect(linesFor(ID, ra() + ap('shop', 'DENY', '  - from: [{source: {notRequestPrincipals: ["*"]}}]'))).toEqual([]);
    expect(
      linesFor(ID, ra() + ap('shop', 'ALLOW', '  - when: [{key: "request.auth.claims[iss]", values: [i]}]')),
    ).toEqual([]);
  });
  it('a requiring policy in another (non-root) namespace does not count; in the root namespace it does', () => {
    expect(linesFor(ID, ra() + ap('other', 'ALLOW', '  - from: [{source: {requestPrincipals: ["*"]}}]'))).toEqual([2]);
    expect(
      linesFor(ID, ra() + ap('istio-system', 'ALLOW', '  - from: [{source: {requestPrincipals: ["*"]}}]')),
    ).toEqual([]);
  });
  // release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go convertAuthorizationPolicy: a dry-run policy at a waypoint is
  // a shadow rule (logged only); for ztunnel
  // (istio.io/dry-run, ParseBool) is not sent to ztunnel without AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY, and
  // ztunnel src/state.rs gives dry-run policies no effect even with it.
  it('a dry-run ALLOW requiring a token requires nothing', () => {
    const dry = ap('shop', 'ALLOW', '  - from: [{source: {requestPrincipals: ["*"]}}]').replace(
      'metadata: {name: p, namespace: shop}',
      'metadata: {name: p, namespace: shop, annotations: {istio.io/dry-run: "true"}}',
    );
    expect(linesFor(ID, ra() + dry)).toEqual([2]);
  });
});
