import { describe, expect, it } from 'vitest';
import { findingsFor, linesFor, y } from '../testing.ts';

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

describe(`${ID}: third-party waypoints`, () => {
  // SEMANTICS §2 [rev]: a Gateway of any class named by use-waypoint is a waypoint (release-1.31 A/waypoints.go),
  // but only Istio's own waypoint classes are programmed by istiod, which converts no Gateway-parent route for them.
  it('a route on a third-party-class waypoint Gateway is not reported', () => {
    const svc = y(
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: cart, namespace: shop, labels: {istio.io/use-waypoint: gw}}',
      'spec: {ports: [{port: 80}]}',
      '---',
    );
    expect(linesFor(ID, svc + gw('example-waypoint') + route('  - name: gw'))).toEqual([]);
  });
});

describe(`${ID}: TCP routes`, () => {
  it('a TCPRoute on the waypoint Gateway: reported without HTTP wording', () => {
    const f = findingsFor(
      ID,
      gw('istio-waypoint') + route('  - name: gw').replace('kind: HTTPRoute', 'kind: TCPRoute'),
    );
    expect(f.map((x) => x.line)).toEqual([13]);
    expect(f[0]!.message).not.toMatch(/HTTP|404|500|503/);
  });
});
