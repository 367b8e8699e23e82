import { describe, expect, it } from 'vitest';
import { lint } from '../lint.ts';
import { y } from '../testing.ts';

const ID = 'waypoint-canary-weight-invalid';
const lines = (yaml: string, istio: '1.30' | '1.31' = '1.31') =>
  lint({ file: 'case.yaml', text: yaml }, { rules: [ID], istio })
    .findings.filter((f) => f.rule === ID)
    .map((f) => f.line);

const gws = y(
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: Gateway',
  'metadata: {name: waypoint, namespace: shop}',
  'spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}',
  '---',
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: Gateway',
  'metadata: {name: waypoint-v2, namespace: shop}',
  'spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}',
  '---',
); // 10 lines
const svc = (
  weight: string,
  labels = ['istio.io/use-waypoint: waypoint', 'istio.io/use-waypoint-canary: waypoint-v2'],
) =>
  y(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: cart',
    '  namespace: shop',
    '  labels:',
    ...labels.map((l) => `    ${l}`),
    '  annotations:',
    `    istio.io/use-waypoint-canary-weight: ${JSON.stringify(weight)}`,
    'spec: {selector: {app: cart}, ports: [{port: 80}]}',
  );

describe(ID, () => {
  it.each(['0', '100', '+5', '007'])('%j is a weight istiod accepts', (w) => expect(lines(gws + svc(w))).toEqual([]));
  it.each(['101', '-1', '12.5', '20%', ' 20', 'ten', ''])('%j is rejected at the annotation', (w) =>
    expect(lines(gws + svc(w))).toEqual([20]),
  );
  it('a weight without a canary label is inert: no finding', () => {
    expect(lines(gws + svc('500', ['istio.io/use-waypoint: waypoint']))).toEqual([]);
  });
  it('Istio 1.30 ignores the annotation', () => {
    expect(lines(gws + svc('500'), '1.30')).toEqual([]);
  });
  it('a Namespace weight is reported on the Namespace when its services inherit the primary', () => {
    const ns = y(
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      '  name: shop',
      '  labels: {istio.io/use-waypoint: waypoint, istio.io/use-waypoint-canary: waypoint-v2}',
      '  annotations:',
      '    istio.io/use-waypoint-canary-weight: "half"',
      '---',
    );
    expect(lines(ns + gws)).toEqual([7]);
  });
});
