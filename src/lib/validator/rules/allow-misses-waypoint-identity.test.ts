import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'allow-misses-waypoint-identity';
const wp = (annotation?: string) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    'metadata:',
    '  name: waypoint',
    '  namespace: shop',
    ...(annotation ? ['  annotations:', `    gateway.istio.io/service-account: ${annotation}`] : []),
    'spec:',
    '  gatewayClassName: istio-waypoint',
    '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
    '---',
  );
const svc = (label = 'istio.io/use-waypoint: waypoint') =>
  y(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: cart',
    '  namespace: shop',
    `  labels: {${label}}`,
    'spec:',
    '  selector: {app: cart}',
    '  ports: [{port: 80}]',
    '---',
  );
const ap = (...source: string[]) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata: {name: p, namespace: shop}',
    'spec:',
    '  selector:',
    '    matchLabels: {app: cart}',
    '  rules:',
    '  - from:',
    '    - source:',
    ...source,
  );

describe(ID, () => {
  it('only the original caller allowed: error at principals', () => {
    expect(linesFor(ID, wp() + svc() + ap('        principals: [cluster.local/ns/shop/sa/web]'))).toEqual([29]);
  });
  it('waypoint principal allowed: fine (boundary)', () => {
    expect(
      linesFor(
        ID,
        wp() + svc() + ap('        principals: [cluster.local/ns/shop/sa/web, cluster.local/ns/shop/sa/waypoint]'),
      ),
    ).toEqual([]);
  });
  it('the waypoint service account annotation changes the principal', () => {
    expect(linesFor(ID, wp('wp-sa') + svc() + ap('        principals: [cluster.local/ns/shop/sa/waypoint]'))).toEqual([
      31,
    ]);
    expect(linesFor(ID, wp('wp-sa') + svc() + ap('        principals: [cluster.local/ns/shop/sa/wp-sa]'))).toEqual([]);
  });
  it('namespaces including the waypoint namespace admit it', () => {
    expect(linesFor(ID, wp() + svc() + ap('        namespaces: [shop]'))).toEqual([]);
    expect(linesFor(ID, wp() + svc() + ap('        namespaces: [frontend]'))).toEqual([29]);
  });
  it('Service not behind a waypoint: nothing to say', () => {
    expect(linesFor(ID, wp() + svc('app: cart') + ap('        principals: [cluster.local/ns/shop/sa/web]'))).toEqual(
      [],
    );
  });
  it('uses Deployments when present: a selector matching no backing pod of the Service is not reported', () => {
    const dep = y(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: other, namespace: shop}',
      'spec:',
      '  selector: {matchLabels: {app: other}}',
      '  template:',
      '    metadata: {labels: {app: other}}',
      '    spec: {containers: [{name: c, image: c}]}',
      '---',
    );
    const other = ap('        principals: [cluster.local/ns/shop/sa/web]').replace('{app: cart}', '{app: other}');
    expect(linesFor(ID, wp() + svc() + dep + other)).toEqual([]);
  });
  // release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go stringToServiceAccountMatch: `sa` alone is in
  // the policy's namespace.
  it('a bare serviceAccounts entry is in the policy namespace, so `waypoint` admits shop/waypoint', () => {
    expect(linesFor(ID, wp() + svc() + ap('        serviceAccounts: [waypoint]'))).toEqual([]);
    expect(linesFor(ID, wp() + svc() + ap('        serviceAccounts: [shop/waypoint]'))).toEqual([]);
    expect(linesFor(ID, wp() + svc() + ap('        serviceAccounts: [web]'))).toEqual([29]);
  });
  // release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go convertAuthorizationPolicy: a dry-run policy
  // (istio.io/dry-run, ParseBool) is not sent to ztunnel without AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY, and
  // ztunnel src/state.rs gives dry-run policies no effect even with it.
  it('a dry-run policy denies nothing: not reported', () => {
    const dry = ap('        principals: [cluster.local/ns/shop/sa/web]').replace(
      'metadata: {name: p, namespace: shop}',
      'metadata: {name: p, namespace: shop, annotations: {istio.io/dry-run: "true"}}',
    );
    expect(linesFor(ID, wp() + svc() + dry)).toEqual([]);
  });
  // release-1.31 A/authorization.go (a root-namespace policy without selector is Scope_GLOBAL) and A/workloads.go (a
  // selector policy in the root namespace selects workloads of every namespace).
  it('a root-namespace policy reaches the waypoint-bound Service in every namespace', () => {
    const root = (...spec: string[]) =>
      y(
        'apiVersion: security.istio.io/v1',
        'kind: AuthorizationPolicy',
        'metadata: {name: p, namespace: istio-system}',
        'spec:',
        ...spec,
        '  rules:',
        '  - from:',
        '    - source:',
        '        principals: [cluster.local/ns/shop/sa/web]',
      );
    expect(linesFor(ID, wp() + svc() + root())).toEqual([27]);
    expect(linesFor(ID, wp() + svc() + root('  selector:', '    matchLabels: {app: cart}'))).toEqual([29]);
    expect(linesFor(ID, wp() + svc() + root('  selector:', '    matchLabels: {app: other}'))).toEqual([]);
  });
});
