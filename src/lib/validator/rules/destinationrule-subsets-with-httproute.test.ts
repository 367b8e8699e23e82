import { describe, expect, it } from 'vitest';
import { findingsFor, linesFor, y } from '../testing.ts';

const ID = 'destinationrule-subsets-with-httproute';
const svc = y(
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: reviews, namespace: bookinfo}',
  'spec:',
  '  ports: [{port: 9080}]',
  '---',
);
const routeParent = y(
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: HTTPRoute',
  'metadata: {name: r, namespace: bookinfo}',
  'spec:',
  '  parentRefs: [{group: "", kind: Service, name: reviews}]',
  '  rules: [{backendRefs: [{name: reviews, port: 9080}]}]',
  '---',
);
const routeBackend = y(
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: HTTPRoute',
  'metadata: {name: r, namespace: bookinfo}',
  'spec:',
  '  parentRefs: [{name: public}]',
  '  rules: [{backendRefs: [{name: reviews, port: 9080}]}]',
  '---',
);
const dr = (subsets: boolean) =>
  y(
    'apiVersion: networking.istio.io/v1',
    'kind: DestinationRule',
    'metadata: {name: d, namespace: bookinfo}',
    'spec:',
    '  host: reviews.bookinfo.svc.cluster.local',
    ...(subsets
      ? ['  subsets:', '  - {name: v1, labels: {version: v1}}']
      : ['  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}']),
  );

describe(ID, () => {
  it('subsets for a Service-parent route target', () => {
    expect(linesFor(ID, svc + routeParent + dr(true))).toEqual([19]);
  });
  it('subsets for an HTTPRoute backend', () => {
    expect(linesFor(ID, svc + routeBackend + dr(true))).toEqual([19]);
  });
  it('traffic policy without subsets is fine (boundary)', () => {
    expect(linesFor(ID, svc + routeParent + dr(false))).toEqual([]);
  });
  it('no HTTPRoute: subsets are fine (VirtualService world)', () => {
    expect(linesFor(ID, svc + dr(true))).toEqual([]);
  });
});

describe(`${ID}: TCP routes`, () => {
  it('a TCPRoute target is reported without calling it an HTTPRoute', () => {
    const f = findingsFor(ID, svc + routeParent.replace('kind: HTTPRoute', 'kind: TCPRoute') + dr(true));
    expect(f.map((x) => x.line)).toEqual([19]);
    expect(f[0]!.message).not.toMatch(/HTTP|404|500|503/);
  });
});
