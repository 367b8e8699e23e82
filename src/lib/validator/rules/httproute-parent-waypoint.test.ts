import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'httproute-parent-waypoint';
const gw = (cls: string) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    'metadata: {name: gw, namespace: shop}',
    'spec:',
    `  gatewayClassName: ${cls}`,
    `  listeners: [${cls === 'istio-waypoint' ? '{name: mesh, port: 15008, protocol: HBONE}' : '{name: http, port: 80, protocol: HTTP}'}]`,
    '---',
  );
const route = (...parent: string[]) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: HTTPRoute',
    'metadata: {name: r, namespace: shop}',
    'spec:',
    '  parentRefs:',
    ...parent,
    '  rules: [{backendRefs: [{name: cart, port: 80}]}]',
  );

describe(ID, () => {
  it('parentRef to a waypoint Gateway is reported', () => {
    expect(linesFor(ID, gw('istio-waypoint') + route('  - name: gw'))).toEqual([13]);
  });
  it('parentRef to an ingress Gateway is fine (boundary)', () => {
    expect(linesFor(ID, gw('istio') + route('  - name: gw'))).toEqual([]);
  });
  it('parentRef to the Service is fine', () => {
    expect(linesFor(ID, gw('istio-waypoint') + route('  - {group: "", kind: Service, name: cart}'))).toEqual([]);
  });
  it('a waypoint in another namespace, referenced with namespace', () => {
    const other = gw('istio-waypoint').replace('namespace: shop', 'namespace: infra');
    expect(linesFor(ID, other + route('  - {name: gw, namespace: infra}'))).toEqual([13]);
    expect(linesFor(ID, other + route('  - {name: gw}'))).toEqual([]);
  });
});
