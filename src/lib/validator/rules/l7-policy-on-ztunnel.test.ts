import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';
import { rule } from './l7-policy-on-ztunnel.ts';

const ID = rule.meta.id;
const got = (yaml: string) => findingsFor(ID, yaml).map((f) => [f.line, f.severity]);

const policy = (action: string, ...body: string[]) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata:',
    '  name: p',
    '  namespace: shop',
    'spec:',
    '  selector:',
    '    matchLabels:',
    '      app: cart',
    `  action: ${action}`,
    '  rules:',
    ...body,
  );

describe(ID, () => {
  it('ALLOW with methods is an error at the methods key', () => {
    expect(got(policy('ALLOW', '  - to:', '    - operation:', '        methods: ["GET"]'))).toEqual([[14, 'error']]);
  });
  it('ALLOW with ports only is fine (boundary: L4 operation field)', () => {
    expect(got(policy('ALLOW', '  - to:', '    - operation:', '        ports: ["8080"]'))).toEqual([]);
  });
  it('DENY with paths is a warning', () => {
    expect(got(policy('DENY', '  - to:', '    - operation:', '        paths: ["/admin"]'))).toEqual([[14, 'warning']]);
  });
  it('requestPrincipals and remoteIpBlocks are L7', () => {
    expect(got(policy('ALLOW', '  - from:', '    - source:', '        requestPrincipals: ["*"]'))).toEqual([
      [14, 'error'],
    ]);
    expect(got(policy('ALLOW', '  - from:', '    - source:', '        remoteIpBlocks: ["10.0.0.0/8"]'))).toEqual([
      [14, 'error'],
    ]);
  });
  it('ipBlocks and principals are L4 (boundary)', () => {
    expect(got(policy('ALLOW', '  - from:', '    - source:', '        ipBlocks: ["10.0.0.0/8"]'))).toEqual([]);
  });
  it('when keys: source.namespace is L4, request.auth.claims is L7, source.serviceAccount is L7', () => {
    expect(got(policy('ALLOW', '  - when:', '    - key: source.namespace', '      values: ["shop"]'))).toEqual([]);
    expect(got(policy('ALLOW', '  - when:', '    - key: request.auth.claims[iss]', '      values: ["x"]'))).toEqual([
      [13, 'error'],
    ]);
    expect(got(policy('ALLOW', '  - when:', '    - key: source.serviceAccount', '      values: ["x"]'))).toEqual([
      [13, 'error'],
    ]);
  });
  it('one finding per rule, at the first L7 field', () => {
    expect(
      got(
        policy(
          'ALLOW',
          '  - to:',
          '    - operation:',
          '        methods: ["GET"]',
          '        paths: ["/x"]',
          '  - to:',
          '    - operation:',
          '        hosts: ["a"]',
        ),
      ),
    ).toEqual([
      [14, 'error'],
      [18, 'error'],
    ]);
  });
  it('namespace-wide policy (no selector) is checked too', () => {
    const yaml = y(
      'apiVersion: security.istio.io/v1',
      'kind: AuthorizationPolicy',
      'metadata:',
      '  name: p',
      '  namespace: shop',
      'spec:',
      '  rules:',
      '  - to:',
      '    - operation:',
      '        methods: ["GET"]',
    );
    expect(got(yaml)).toEqual([[10, 'error']]);
  });
  it('targetRefs policies are enforced at the waypoint: not reported', () => {
    const yaml = y(
      'apiVersion: security.istio.io/v1',
      'kind: AuthorizationPolicy',
      'metadata:',
      '  name: p',
      '  namespace: shop',
      'spec:',
      '  targetRefs:',
      '  - {kind: Service, group: "", name: cart}',
      '  rules:',
      '  - to:',
      '    - operation:',
      '        methods: ["GET"]',
    );
    expect(got(yaml)).toEqual([]);
  });
  it('not reported when the manifests show the namespace uses sidecars', () => {
    const ns = y(
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      '  name: shop',
      '  labels:',
      '    istio-injection: enabled',
      '---',
    );
    expect(got(ns + policy('ALLOW', '  - to:', '    - operation:', '        methods: ["GET"]'))).toEqual([]);
    const amb = y(
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      '  name: shop',
      '  labels:',
      '    istio.io/dataplane-mode: ambient',
      '---',
    );
    expect(got(amb + policy('ALLOW', '  - to:', '    - operation:', '        methods: ["GET"]'))).toEqual([
      [21, 'error'],
    ]);
  });
  it('AUDIT and CUSTOM are left to ztunnel-unsupported-action', () => {
    expect(got(policy('AUDIT', '  - to:', '    - operation:', '        methods: ["GET"]'))).toEqual([]);
  });
  // release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go convertAuthorizationPolicy: a dry-run policy
  // (istio.io/dry-run, ParseBool) is not sent to ztunnel without AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY, and
  // ztunnel src/state.rs gives dry-run policies no effect even with it.
  it('a dry-run policy is never enforced: it cannot deny all, so it is not reported', () => {
    const dry = (v: string) =>
      policy('ALLOW', '  - to:', '    - operation:', '        methods: ["GET"]').replace(
        '  namespace: shop',
        `  namespace: shop\n  annotations: {istio.io/dry-run: "${v}"}`,
      );
    expect(got(dry('true'))).toEqual([]);
    expect(got(dry('T'))).toEqual([]);
    expect(got(dry('false'))).toEqual([[15, 'error']]);
  });
});
