import { describe, expect, it } from 'vitest';
import { findingsFor, linesFor, y } from '../testing.ts';

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

// istio/istio release-1.31 pilot/pkg/serviceregistry/ambient/services.go ingressUseWaypointFromLabels and
// services_test.go TestIngressUseWaypointFromLabels: ParseBool values, the Service's label overrides its
// Namespace's in both directions, an invalid value counts as false.
describe(`${ID}: istio.io/ingress-use-waypoint as istiod parses it`, () => {
  const ns = (value: string) =>
    y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', `    ${value}`, '---');
  const ingress = route('{name: public, namespace: istio-ingress}');
  for (const v of ['"1"', 't', 'T', 'TRUE', '"True"'])
    it(`Service value ${v} is true: no finding`, () => {
      expect(
        linesFor(
          ID,
          wp + svc('    istio.io/use-waypoint: waypoint', `    istio.io/ingress-use-waypoint: ${v}`) + ingress,
        ),
      ).toEqual([]);
    });
  it('an invalid value ("yes") counts as false: reported, saying why', () => {
    const f = findingsFor(
      ID,
      wp + svc('    istio.io/use-waypoint: waypoint', '    istio.io/ingress-use-waypoint: "yes"') + ingress,
    );
    expect(f.map((x) => x.line)).toEqual([26]);
    expect(f[0]!.message).toContain('"yes"');
  });
  it('Service "false" under a Namespace "true": the Service wins, ingress bypasses the waypoint', () => {
    expect(
      linesFor(
        ID,
        ns('istio.io/ingress-use-waypoint: "true"') +
          wp +
          svc('    istio.io/use-waypoint: waypoint', '    istio.io/ingress-use-waypoint: "false"') +
          ingress,
      ),
    ).toEqual([33]);
  });
  it('Service "true" under a Namespace "false": the Service wins, no finding', () => {
    expect(
      linesFor(
        ID,
        ns('istio.io/ingress-use-waypoint: "false"') +
          wp +
          svc('    istio.io/use-waypoint: waypoint', '    istio.io/ingress-use-waypoint: "true"') +
          ingress,
      ),
    ).toEqual([]);
  });
  it('Namespace "TRUE" and nothing on the Service: no finding', () => {
    expect(
      linesFor(
        ID,
        ns('istio.io/ingress-use-waypoint: "TRUE"') + wp + svc('    istio.io/use-waypoint: waypoint') + ingress,
      ),
    ).toEqual([]);
  });
});

describe(`${ID}: TCP routes`, () => {
  it('a TCPRoute finding speaks of connections, not HTTP', () => {
    const tcp = y(
      'apiVersion: gateway.networking.k8s.io/v1alpha2',
      'kind: TCPRoute',
      'metadata: {name: r, namespace: shop}',
      'spec:',
      '  parentRefs: [{name: public, namespace: istio-ingress}]',
      '  rules:',
      '  - backendRefs:',
      '    - {name: web, port: 80}',
    );
    const f = findingsFor(ID, wp + svc('    istio.io/use-waypoint: waypoint') + tcp);
    expect(f.map((x) => x.line)).toEqual([25]);
    expect(f[0]!.message).not.toMatch(/HTTP|404|500|503|request/);
  });
});
