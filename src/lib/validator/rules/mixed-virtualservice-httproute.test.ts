import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'mixed-virtualservice-httproute';
const svc = y(
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: reviews, namespace: bookinfo}',
  'spec:',
  '  ports: [{port: 9080}]',
  '---',
);
const route = (parent: string) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: HTTPRoute',
    'metadata: {name: r, namespace: bookinfo}',
    'spec:',
    `  parentRefs: [${parent}]`,
    '  rules: [{backendRefs: [{name: reviews, port: 9080}]}]',
    '---',
  );
const vs = (host: string, gateways?: string) =>
  y(
    'apiVersion: networking.istio.io/v1',
    'kind: VirtualService',
    'metadata: {name: v, namespace: bookinfo}',
    'spec:',
    `  hosts: [${host}]`,
    ...(gateways ? [`  gateways: [${gateways}]`] : []),
    '  http: [{route: [{destination: {host: reviews}}]}]',
  );

describe(ID, () => {
  it('short name and FQDN hosts both resolve to the routed Service', () => {
    expect(linesFor(ID, svc + route('{group: "", kind: Service, name: reviews}') + vs('reviews'))).toEqual([18]);
    expect(
      linesFor(ID, svc + route('{group: "", kind: Service, name: reviews}') + vs('reviews.bookinfo.svc.cluster.local')),
    ).toEqual([18]);
  });
  it('VirtualService for another host is fine (boundary)', () => {
    expect(linesFor(ID, svc + route('{group: "", kind: Service, name: reviews}') + vs('ratings'))).toEqual([]);
  });
  it('VirtualService bound to an ingress gateway only does not mix with mesh routes', () => {
    expect(linesFor(ID, svc + route('{group: "", kind: Service, name: reviews}') + vs('reviews', 'public'))).toEqual(
      [],
    );
  });
  it('HTTPRoute on an ingress Gateway is not a mesh route', () => {
    expect(linesFor(ID, svc + route('{name: public}') + vs('reviews'))).toEqual([]);
  });
});

describe(`${ID}: VirtualServices the waypoint ignores`, () => {
  // listener_waypoint.go getVirtualServiceForWaypoint: only the Service's and the waypoint's namespaces count, so a
  // VirtualService from a client namespace is not concatenated with anything (consumer-route-ignored-by-waypoint).
  it('a VirtualService from a third namespace is not reported as mixed', () => {
    const bound = svc.replace('namespace: bookinfo}', 'namespace: bookinfo, labels: {istio.io/use-waypoint: wp}}');
    const wp = y(
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: Gateway',
      'metadata: {name: wp, namespace: bookinfo}',
      'spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}',
      '---',
    );
    const client = vs('reviews.bookinfo.svc.cluster.local').replace('namespace: bookinfo', 'namespace: frontend');
    expect(linesFor(ID, bound + wp + route('{group: "", kind: Service, name: reviews}') + client)).toEqual([]);
    expect(
      linesFor(
        ID,
        bound + wp + route('{group: "", kind: Service, name: reviews}') + vs('reviews.bookinfo.svc.cluster.local'),
      ),
    ).toEqual([23]);
  });
});
