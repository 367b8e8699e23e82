import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';

const ID = 'use-waypoint-not-found';
const got = (yaml: string) => findingsFor(ID, yaml).map((f) => [f.line, f.severity]);
const waypoint = (ns: string, from?: string, status?: string[]) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    `metadata: {name: waypoint, namespace: ${ns}}`,
    'spec:',
    '  gatewayClassName: istio-waypoint',
    '  listeners:',
    '  - name: mesh',
    '    port: 15008',
    '    protocol: HBONE',
    ...(from ? [`    allowedRoutes: {namespaces: {from: ${from}}}`] : []),
    ...(status ?? []),
    '---',
  );
const svc = (...labels: string[]) =>
  y(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: cart',
    '  namespace: shop',
    '  labels:',
    ...labels,
    'spec:',
    '  selector: {app: cart}',
    '  ports: [{port: 80}]',
  );

describe(ID, () => {
  it('Service label naming a missing waypoint: error when other waypoints exist', () => {
    expect(got(waypoint('shop') + svc('    istio.io/use-waypoint: other'))).toEqual([[17, 'error']]);
  });
  it('same name that exists is fine (boundary)', () => {
    expect(got(waypoint('shop') + svc('    istio.io/use-waypoint: waypoint'))).toEqual([]);
  });
  it('info when the manifests contain no waypoint at all', () => {
    expect(got(svc('    istio.io/use-waypoint: waypoint'))).toEqual([[7, 'info']]);
  });
  it('use-waypoint: none is an opt-out, not a name', () => {
    expect(got(waypoint('shop') + svc('    istio.io/use-waypoint: none'))).toEqual([]);
  });
  it('cross-namespace waypoint: denied by default allowedRoutes, fine with from: All', () => {
    const labels = ['    istio.io/use-waypoint: waypoint', '    istio.io/use-waypoint-namespace: infra'];
    expect(got(waypoint('infra') + svc(...labels))).toEqual([[17, 'error']]);
    expect(got(waypoint('infra', 'All') + svc(...labels))).toEqual([]);
  });
  it('waypoint with a status but no addresses is not ready: warning', () => {
    expect(
      got(waypoint('shop', undefined, ['status:', '  addresses: []']) + svc('    istio.io/use-waypoint: waypoint')),
    ).toEqual([[19, 'warning']]);
  });
  it('Deployment pod-template label is checked at the template label', () => {
    const dep = y(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: cart, namespace: shop}',
      'spec:',
      '  selector: {matchLabels: {app: cart}}',
      '  template:',
      '    metadata:',
      '      labels:',
      '        app: cart',
      '        istio.io/use-waypoint: nope',
      '    spec:',
      '      containers: [{name: c, image: c}]',
    );
    expect(got(waypoint('shop') + dep)).toEqual([[20, 'error']]);
  });
});

// SEMANTICS §2 [rev]; release-1.31 A/waypoints.go looks the named Gateway up by name, whatever its class.
describe(`${ID}: third-party waypoint classes`, () => {
  it('a use-waypoint label naming a Gateway of another class finds it', () => {
    const foreign = y(
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: Gateway',
      'metadata: {name: kgw, namespace: shop}',
      'spec:',
      '  gatewayClassName: example-waypoint',
      '  listeners: [{name: http, port: 80, protocol: HTTP}]',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: cart, namespace: shop, labels: {istio.io/use-waypoint: kgw}}',
      'spec: {ports: [{port: 80}]}',
    );
    expect(got(waypoint('shop') + foreign)).toEqual([]);
  });
});
