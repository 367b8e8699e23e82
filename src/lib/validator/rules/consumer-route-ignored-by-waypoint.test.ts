import { describe, expect, it } from 'vitest';
import { findingsFor, linesFor, y } from '../testing.ts';

// istio/istio release-1.31 pilot/pkg/networking/core/listener_waypoint.go getVirtualServiceForWaypoint: a waypoint
// uses routes from the Service's namespace and its own only; tests/integration/ambient/gateway_conformance_test.go
// drops MeshConsumerRoute from the ambient conformance run.
const ID = 'consumer-route-ignored-by-waypoint';
const svc = (labels: string) =>
  y(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: reviews',
    '  namespace: bookinfo',
    `  labels: {${labels}}`,
    'spec:',
    '  ports: [{port: 9080}]',
    '---',
  );
const waypoint = (ns: string, allowed = '') =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    `metadata: {name: waypoint, namespace: ${ns}}`,
    'spec:',
    '  gatewayClassName: istio-waypoint',
    `  listeners: [{name: mesh, port: 15008, protocol: HBONE${allowed}}]`,
    '---',
  );
const route = (
  ns: string,
  kind = 'HTTPRoute',
  parent = '{group: "", kind: Service, name: reviews, namespace: bookinfo}',
) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    `kind: ${kind}`,
    `metadata: {name: r, namespace: ${ns}}`,
    'spec:',
    `  parentRefs: [${parent}]`,
    '  rules: [{backendRefs: [{name: reviews, namespace: bookinfo, port: 9080}]}]',
  );

describe(ID, () => {
  it('a consumer route for a waypoint-bound Service is reported at its parentRef', () => {
    expect(linesFor(ID, svc('istio.io/use-waypoint: waypoint') + waypoint('bookinfo') + route('frontend'))).toEqual([
      21,
    ]);
  });
  it('a producer route in the Service namespace is fine', () => {
    expect(linesFor(ID, svc('istio.io/use-waypoint: waypoint') + waypoint('bookinfo') + route('bookinfo'))).toEqual([]);
  });
  it("a route in the waypoint's own namespace is used (boundary)", () => {
    expect(
      linesFor(
        ID,
        svc('istio.io/use-waypoint: waypoint, istio.io/use-waypoint-namespace: mesh-routes') +
          waypoint('mesh-routes', ', allowedRoutes: {namespaces: {from: All}}') +
          route('mesh-routes'),
      ),
    ).toEqual([]);
  });
  it('the Service is not in the manifests: still reported (only a waypoint in the route namespace would use it)', () => {
    expect(linesFor(ID, route('frontend'))).toEqual([5]);
  });
  it('Gateway parents are not consumer routes', () => {
    expect(linesFor(ID, route('frontend', 'HTTPRoute', '{name: public, namespace: istio-ingress}'))).toEqual([]);
  });
  it('a TCPRoute consumer route: reported without HTTP status codes', () => {
    const f = findingsFor(
      ID,
      svc('istio.io/use-waypoint: waypoint') + waypoint('bookinfo') + route('frontend', 'TCPRoute'),
    );
    expect(f.map((x) => x.line)).toEqual([21]);
    expect(f[0]!.message).not.toMatch(/HTTP|404|500|503/);
  });
  it('ServiceEntry parents count too', () => {
    expect(
      linesFor(
        ID,
        route(
          'frontend',
          'HTTPRoute',
          '{group: networking.istio.io, kind: ServiceEntry, name: ext, namespace: egress}',
        ),
      ),
    ).toEqual([5]);
  });
});

describe(`${ID}: VirtualServices`, () => {
  const vs = (ns: string) =>
    y(
      'apiVersion: networking.istio.io/v1',
      'kind: VirtualService',
      `metadata: {name: reviews, namespace: ${ns}}`,
      'spec:',
      '  hosts: [reviews.bookinfo.svc.cluster.local]',
      '  http: [{route: [{destination: {host: reviews.bookinfo.svc.cluster.local, subset: v2}}]}]',
    );
  it('a VirtualService in a client namespace for a waypoint-bound Service is reported at the host', () => {
    expect(linesFor(ID, svc('istio.io/use-waypoint: waypoint') + waypoint('bookinfo') + vs('frontend'))).toEqual([21]);
  });
  it("a VirtualService in the Service's namespace is used by the waypoint", () => {
    expect(linesFor(ID, svc('istio.io/use-waypoint: waypoint') + waypoint('bookinfo') + vs('bookinfo'))).toEqual([]);
  });
  it('the VirtualService rules leave it alone', () => {
    const yaml = svc('istio.io/use-waypoint: waypoint') + waypoint('bookinfo') + vs('frontend');
    expect(linesFor('virtualservice-on-waypoint', yaml)).toEqual([]);
  });
});
