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
});
