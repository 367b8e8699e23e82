import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'route-not-through-waypoint';
const wp = y(
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: Gateway',
  'metadata: {name: waypoint, namespace: shop}',
  'spec:',
  '  gatewayClassName: istio-waypoint',
  '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
  '---',
);
const svc = (label?: string) =>
  y(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: cart',
    '  namespace: shop',
    ...(label ? [`  labels: {${label}}`] : []),
    'spec:',
    '  ports: [{port: 80}]',
    '---',
  );
const route = y(
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: HTTPRoute',
  'metadata: {name: r, namespace: shop}',
  'spec:',
  '  parentRefs:',
  '  - {group: "", kind: Service, name: cart, port: 80}',
  '  rules: [{backendRefs: [{name: cart, port: 80}]}]',
);

describe(ID, () => {
  it('Service without a waypoint label is reported at the parentRef', () => {
    expect(linesFor(ID, wp + svc() + route)).toEqual([21]);
  });
  it('Service bound to an existing waypoint is fine (boundary)', () => {
    expect(linesFor(ID, wp + svc('istio.io/use-waypoint: waypoint') + route)).toEqual([]);
  });
  it('label naming a missing waypoint still bypasses', () => {
    expect(linesFor(ID, wp + svc('istio.io/use-waypoint: missing') + route)).toEqual([22]);
  });
  it('Service not in the manifests: nothing said', () => {
    expect(linesFor(ID, route)).toEqual([]);
  });
});
