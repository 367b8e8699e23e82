import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';

const ID = 'trust-domains-dropped';
const ap = (action: string, ...source: string[]) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata: {name: p, namespace: shop}',
    'spec:',
    `  action: ${action}`,
    '  rules:',
    '  - from:',
    '    - source:',
    ...source,
  );
const got = (yaml: string) => findingsFor(ID, yaml).map((f) => f.line);

describe(ID, () => {
  it('trustDomains and notTrustDomains in ALLOW/DENY are reported at the field', () => {
    expect(got(ap('ALLOW', '        namespaces: [shop]', '        trustDomains: [td]'))).toEqual([10]);
    expect(got(ap('DENY', '        notTrustDomains: [td]'))).toEqual([9]);
  });
  it('principals with the trust domain inside are fine (boundary)', () => {
    expect(got(ap('ALLOW', '        principals: [td/ns/shop/sa/a]'))).toEqual([]);
  });
  it('targetRefs policies are not reported', () => {
    const yaml = y(
      'apiVersion: security.istio.io/v1',
      'kind: AuthorizationPolicy',
      'metadata: {name: p, namespace: shop}',
      'spec:',
      '  targetRefs: [{kind: Service, group: "", name: a}]',
      '  rules:',
      '  - from:',
      '    - source:',
      '        trustDomains: [td]',
    );
    expect(got(yaml)).toEqual([]);
  });
  // istio/istio release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go handleRule: the source match is
  // built from ipBlocks, namespaces, serviceAccounts and principals only, and httpSources does not list
  // trustDomains — a source with nothing else becomes an empty match, which ztunnel never matches (src/rbac.rs
  // Authorization::matches skips empty matches).
  it('a source with only trust-domain fields never matches: an error for ALLOW (admits nobody), a warning for DENY', () => {
    const sev = (yaml: string) => findingsFor(ID, yaml).map((f) => `${f.line} ${f.severity}`);
    expect(sev(ap('ALLOW', '        trustDomains: [td]'))).toEqual(['9 error']);
    expect(sev(ap('DENY', '        notTrustDomains: [td]'))).toEqual(['9 warning']);
    expect(sev(ap('ALLOW', '        namespaces: [shop]', '        trustDomains: [td]'))).toEqual(['10 warning']);
  });
  // release-1.31 A/authorization.go convertAuthorizationPolicy: a dry-run policy is not sent to ztunnel unless
  // AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY is set, and ztunnel never enforces it then either.
  it('dry-run policies are not enforced, so not reported', () => {
    const yaml = ap('ALLOW', '        namespaces: [shop]', '        trustDomains: [td]').replace(
      'metadata: {name: p, namespace: shop}',
      'metadata: {name: p, namespace: shop, annotations: {istio.io/dry-run: "true"}}',
    );
    expect(got(yaml)).toEqual([]);
    expect(got(yaml.replace('"true"', '"yes"'))).toEqual([10]); // not a Go boolean: not dry-run
  });
  it('an ALLOW rule with an L7 field is dropped whole: that is l7-policy-on-ztunnel, not a broader rule', () => {
    expect(got(ap('ALLOW', '        requestPrincipals: ["*"]', '        trustDomains: [td]'))).toEqual([]);
    expect(got(ap('DENY', '        requestPrincipals: ["*"]', '        trustDomains: [td]'))).toEqual([10]);
  });
});
