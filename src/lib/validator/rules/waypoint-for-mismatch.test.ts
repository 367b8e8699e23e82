import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'waypoint-for-mismatch';
const waypoint = (waypointFor?: string) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    'metadata:',
    '  name: waypoint',
    '  namespace: shop',
    ...(waypointFor ? ['  labels:', `    istio.io/waypoint-for: ${waypointFor}`] : []),
    'spec:',
    '  gatewayClassName: istio-waypoint',
    '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
    '---',
  );
const svc = y(
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: cart',
  '  namespace: shop',
  '  labels: {istio.io/use-waypoint: waypoint}',
  'spec:',
  '  ports: [{port: 80}]',
);
const pod = y(
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: p',
  '  namespace: shop',
  '  labels: {istio.io/use-waypoint: waypoint}',
  'spec:',
  '  containers: [{name: c, image: c}]',
);

describe(ID, () => {
  it('Service on a workload-only waypoint is reported; on service/all it is fine', () => {
    expect(linesFor(ID, waypoint('workload') + svc)).toEqual([17]);
    expect(linesFor(ID, waypoint('service') + svc)).toEqual([]);
    expect(linesFor(ID, waypoint('all') + svc)).toEqual([]);
  });
  it('Pod on the default (service) waypoint is reported; on workload it is fine (boundary)', () => {
    expect(linesFor(ID, waypoint() + pod)).toEqual([15]);
    expect(linesFor(ID, waypoint('workload') + pod)).toEqual([]);
  });
  it('waypoint-for: none takes nothing', () => {
    expect(linesFor(ID, waypoint('none') + svc)).toEqual([17]);
  });
  it('GatewayClass label is used when the Gateway has none', () => {
    const cls = y(
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: GatewayClass',
      'metadata:',
      '  name: istio-waypoint',
      '  labels: {istio.io/waypoint-for: workload}',
      'spec:',
      '  controllerName: istio.io/mesh-controller',
      '---',
    );
    expect(linesFor(ID, cls + waypoint() + svc)).toEqual([23]);
  });
});
