import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'workload-waypoint-skipped-for-service-traffic';
const wp = (name: string, waypointFor: string) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    'metadata:',
    `  name: ${name}`,
    '  namespace: shop',
    `  labels: {istio.io/waypoint-for: ${waypointFor}}`,
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
    '  name: db',
    '  namespace: shop',
    `  labels: {${label}}`,
    'spec:',
    '  selector: {app: db}',
    '  ports: [{port: 5432}]',
    '---',
  );
const pod = y(
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: db-0',
  '  namespace: shop',
  '  labels:',
  '    app: db',
  '    istio.io/use-waypoint: waypoint',
  'spec:',
  '  containers: [{name: db, image: postgres:16}]',
);

describe(ID, () => {
  it('Service without a waypoint: reported at the pod label', () => {
    expect(linesFor(ID, wp('waypoint', 'workload') + svc('app: db') + pod)).toEqual([28]);
  });
  it('Service on the same waypoint: fine (boundary)', () => {
    expect(linesFor(ID, wp('waypoint', 'all') + svc('istio.io/use-waypoint: waypoint') + pod)).toEqual([]);
  });
  it('Service on a different waypoint: reported', () => {
    expect(
      linesFor(
        ID,
        wp('waypoint', 'workload') + wp('svc-waypoint', 'service') + svc('istio.io/use-waypoint: svc-waypoint') + pod,
      ),
    ).toEqual([38]);
  });
  it('no Service selecting the pod, or the pod binding fails: nothing said here', () => {
    expect(linesFor(ID, wp('waypoint', 'workload') + pod)).toEqual([]);
    expect(linesFor(ID, wp('waypoint', 'service') + svc('app: db') + pod)).toEqual([]);
  });
});
