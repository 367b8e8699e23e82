import { describe, expect, it } from 'vitest';
import { findingsFor, linesFor, y } from '../testing.ts';

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

describe(`${ID}: consumer routes`, () => {
  // listener_waypoint.go getVirtualServiceForWaypoint ignores routes outside the Service's and the waypoint's
  // namespaces, so "bind a waypoint" would not make this route apply: consumer-route-ignored-by-waypoint reports it.
  it('a consumer route for a Service without a waypoint is left to consumer-route-ignored-by-waypoint', () => {
    const consumer = y(
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata: {name: r, namespace: frontend}',
      'spec:',
      '  parentRefs:',
      '  - {group: "", kind: Service, name: cart, namespace: shop, port: 80}',
      '  rules: [{backendRefs: [{name: cart, namespace: shop, port: 80}]}]',
    );
    expect(linesFor(ID, wp + svc() + consumer)).toEqual([]);
  });
  it('a third-party-class Gateway named by use-waypoint is a waypoint (release-1.31 A/waypoints.go)', () => {
    const foreign = y(
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: Gateway',
      'metadata: {name: kgw, namespace: shop}',
      'spec:',
      '  gatewayClassName: example-waypoint',
      '  listeners: [{name: http, port: 80, protocol: HTTP}]',
      '---',
    );
    expect(linesFor(ID, foreign + svc('istio.io/use-waypoint: kgw') + route)).toEqual([]);
  });
});

describe(`${ID}: TCP routes`, () => {
  it('a TCPRoute finding has no HTTP wording', () => {
    const f = findingsFor(ID, wp + svc() + route.replace('kind: HTTPRoute', 'kind: TCPRoute'));
    expect(f.map((x) => x.line)).toEqual([21]);
    expect(f[0]!.message).not.toMatch(/HTTP|404|500|503/);
  });
});
