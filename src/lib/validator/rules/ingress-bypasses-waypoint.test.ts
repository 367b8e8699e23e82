import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'ingress-bypasses-waypoint';
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
    '  name: web',
    '  namespace: shop',
    '  labels:',
    ...labels,
    'spec:',
    '  ports: [{port: 80}]',
    '---',
  );
const route = (parent: string) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: HTTPRoute',
    'metadata: {name: r, namespace: shop}',
    'spec:',
    `  parentRefs: [${parent}]`,
    '  rules:',
    '  - backendRefs:',
    '    - {name: web, port: 80}',
  );

describe(ID, () => {
  it('ingress route to a waypoint-bound Service without the flag: reported at the backendRef', () => {
    expect(
      linesFor(ID, wp + svc('    istio.io/use-waypoint: waypoint') + route('{name: public, namespace: istio-ingress}')),
    ).toEqual([25]);
  });
  it('with istio.io/ingress-use-waypoint: "true": fine (boundary)', () => {
    expect(
      linesFor(
        ID,
        wp +
          svc('    istio.io/use-waypoint: waypoint', '    istio.io/ingress-use-waypoint: "true"') +
          route('{name: public, namespace: istio-ingress}'),
      ),
    ).toEqual([]);
  });
  it('Service not bound to a waypoint: nothing to bypass', () => {
    expect(linesFor(ID, wp + svc('    app: web') + route('{name: public, namespace: istio-ingress}'))).toEqual([]);
  });
  it('mesh (Service-parent) routes are not ingress', () => {
    expect(
      linesFor(ID, wp + svc('    istio.io/use-waypoint: waypoint') + route('{group: "", kind: Service, name: web}')),
    ).toEqual([]);
  });
});
