import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';

const ID = 'virtualservice-on-waypoint';
const got = (yaml: string) => findingsFor(ID, yaml).map((f) => [f.line, f.severity]);
const wp = y(
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: Gateway',
  'metadata: {name: waypoint, namespace: bookinfo}',
  'spec:',
  '  gatewayClassName: istio-waypoint',
  '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
  '---',
);
const svc = (label: string) =>
  y(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: reviews',
    '  namespace: bookinfo',
    `  labels: {${label}}`,
    'spec:',
    '  ports: [{port: 9080}]',
    '---',
  );
const vs = y(
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata: {name: v, namespace: bookinfo}',
  'spec:',
  '  hosts: [reviews]',
  '  http: [{route: [{destination: {host: reviews}}]}]',
);

describe(ID, () => {
  it('waypoint-bound host: info at the host', () => {
    expect(got(wp + svc('istio.io/use-waypoint: waypoint') + vs)).toEqual([[21, 'info']]);
  });
  it('service without a waypoint: not this rule (boundary)', () => {
    expect(got(wp + svc('app: reviews') + vs)).toEqual([]);
  });
  it('service opted out with use-waypoint: none', () => {
    expect(got(wp + svc('istio.io/use-waypoint: none') + vs)).toEqual([]);
  });
});
