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
});
