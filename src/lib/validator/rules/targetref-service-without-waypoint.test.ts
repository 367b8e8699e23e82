import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'targetref-service-without-waypoint';
const wp = y(
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: Gateway',
  'metadata: {name: waypoint, namespace: shop}',
  'spec:',
  '  gatewayClassName: istio-waypoint',
  '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
  '---',
);
const svc = (...labels: string[]) =>
  y(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: cart',
    '  namespace: shop',
    ...(labels.length ? ['  labels:', ...labels] : []),
    'spec:',
    '  ports: [{port: 80}]',
    '---',
  );
const ap = (ref: string) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata: {name: p, namespace: shop}',
    'spec:',
    '  targetRefs:',
    `  - ${ref}`,
    '  rules: [{}]',
  );

describe(ID, () => {
  it('Service without a waypoint: error at the targetRef', () => {
    expect(linesFor(ID, wp + svc() + ap('{kind: Service, group: "", name: cart}'))).toEqual([21]);
  });
  it('Service bound to the waypoint: fine (boundary)', () => {
    expect(
      linesFor(ID, wp + svc('    istio.io/use-waypoint: waypoint') + ap('{kind: Service, group: "", name: cart}')),
    ).toEqual([]);
  });
  it('namespace label binds it too', () => {
    const ns = y(
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      '  name: shop',
      '  labels: {istio.io/use-waypoint: waypoint}',
      '---',
    );
    expect(linesFor(ID, ns + wp + svc() + ap('{kind: Service, group: "", name: cart}'))).toEqual([]);
  });
  it('Service opted out with none while the namespace names a waypoint: enforced nowhere', () => {
    const ns = y(
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      '  name: shop',
      '  labels: {istio.io/use-waypoint: waypoint}',
      '---',
    );
    expect(
      linesFor(ID, ns + wp + svc('    istio.io/use-waypoint: none') + ap('{kind: Service, group: "", name: cart}')),
    ).toEqual([29]);
  });
  it('targetRef to a Gateway, or to a Service not in the manifests: nothing said', () => {
    expect(linesFor(ID, wp + ap('{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}'))).toEqual([]);
    expect(linesFor(ID, ap('{kind: Service, group: "", name: other}'))).toEqual([]);
  });
  it('RequestAuthentication targeting an unbound Service is reported too', () => {
    const ra = y(
      'apiVersion: security.istio.io/v1',
      'kind: RequestAuthentication',
      'metadata: {name: r, namespace: shop}',
      'spec:',
      '  targetRefs:',
      '  - {kind: Service, group: "", name: cart}',
      '  jwtRules: [{issuer: i}]',
    );
    expect(linesFor(ID, svc() + ra)).toEqual([14]);
  });
});
