import { describe, expect, it } from 'vitest';
import { lint } from '../lint.ts';
import { y } from '../testing.ts';

const ID = 'waypoint-canary-not-attached';
const got = (yaml: string, istio: '1.30' | '1.31' = '1.31') =>
  lint({ file: 'case.yaml', text: yaml }, { rules: [ID], istio })
    .findings.filter((f) => f.rule === ID)
    .map((f) => [f.line, f.severity, /reason (\w+)|1\.31\)|no working primary/.exec(f.message)?.[0]]);

const gw = (ns: string, name: string, ...extra: string[]) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    `metadata: {name: ${name}, namespace: ${ns}${extra.includes('workload') ? ', labels: {istio.io/waypoint-for: workload}' : ''}}`,
    'spec:',
    '  gatewayClassName: istio-waypoint',
    '  listeners:',
    `  - {name: mesh, port: 15008, protocol: HBONE${extra.includes('all') ? ', allowedRoutes: {namespaces: {from: All}}' : ''}}`,
    ...(extra.includes('not-ready') ? ['status: {addresses: []}'] : []),
    '---',
  ); // 8 lines (9 with status)
const svc = (...labels: string[]) =>
  y(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: cart',
    '  namespace: shop',
    '  labels:',
    ...labels.map((l) => `    ${l}`),
    'spec: {selector: {app: cart}, ports: [{port: 80}]}',
  );
const P = 'istio.io/use-waypoint: waypoint';
const C = 'istio.io/use-waypoint-canary: waypoint-v2';

describe(ID, () => {
  const primary = gw('shop', 'waypoint');
  it('canary attached: nothing to say', () => {
    expect(got(primary + gw('shop', 'waypoint-v2') + svc(P, C))).toEqual([]);
  });
  it('canary missing while waypoints exist: error WaypointIsNotReady at the canary label', () => {
    expect(got(primary + svc(P, C))).toEqual([[16, 'error', 'reason WaypointIsNotReady']]);
  });
  it('canary without an address: warning WaypointIsNotReady', () => {
    expect(got(primary + gw('shop', 'waypoint-v2', 'not-ready') + svc(P, C))).toEqual([
      [25, 'warning', 'reason WaypointIsNotReady'],
    ]);
  });
  it('cross-namespace canary: AttachmentDenied unless its listener admits the namespace', () => {
    const labels = [P, C, 'istio.io/use-waypoint-canary-namespace: infra'];
    expect(got(primary + gw('infra', 'waypoint-v2') + svc(...labels))).toEqual([
      [24, 'error', 'reason AttachmentDenied'],
    ]);
    expect(got(primary + gw('infra', 'waypoint-v2', 'all') + svc(...labels))).toEqual([]);
  });
  it('workload-only canary: UnsupportedTrafficType', () => {
    expect(got(primary + gw('shop', 'waypoint-v2', 'workload') + svc(P, C))).toEqual([
      [24, 'warning', 'reason UnsupportedTrafficType'],
    ]);
  });
  it('no primary waypoint: the canary is ignored', () => {
    expect(got(gw('shop', 'waypoint-v2') + svc(C))).toEqual([[15, 'warning', 'no working primary']]);
  });
  it('Istio 1.30: the label is reported as doing nothing, whatever the canary', () => {
    expect(got(primary + gw('shop', 'waypoint-v2') + svc(P, C), '1.30')).toEqual([[24, 'warning', '1.31)']]);
  });
  it('a Namespace canary is reported at the Namespace, once', () => {
    const ns = y(
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      '  name: shop',
      '  labels:',
      `    ${P}`,
      `    ${C}`,
      '---',
    );
    const plain = y(
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: cart, namespace: shop}',
      'spec: {ports: [{port: 80}]}',
    );
    expect(got(ns + primary + plain)).toEqual([[7, 'error', 'reason WaypointIsNotReady']]);
  });
});
