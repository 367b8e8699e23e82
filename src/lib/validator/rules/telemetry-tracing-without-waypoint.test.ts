import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'telemetry-tracing-without-waypoint';
const wp = y(
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: Gateway',
  'metadata: {name: waypoint, namespace: shop}',
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
    '  name: cart',
    '  namespace: shop',
    `  labels: {${label}}`,
    'spec:',
    '  ports: [{port: 80}]',
    '---',
  );
const tel = (ns = 'shop', ...spec: string[]) =>
  y('apiVersion: telemetry.istio.io/v1', 'kind: Telemetry', `metadata: {name: t, namespace: ${ns}}`, 'spec:', ...spec);

describe(ID, () => {
  it('tracing with no waypoint-bound Service: reported at tracing', () => {
    expect(linesFor(ID, wp + svc('app: cart') + tel('shop', '  tracing: [{providers: [{name: otel}]}]'))).toEqual([21]);
  });
  it('a bound Service: fine (boundary)', () => {
    expect(
      linesFor(
        ID,
        wp + svc('istio.io/use-waypoint: waypoint') + tel('shop', '  tracing: [{providers: [{name: otel}]}]'),
      ),
    ).toEqual([]);
  });
  it('metrics only: fine', () => {
    expect(linesFor(ID, svc('app: cart') + tel('shop', '  metrics: [{providers: [{name: prometheus}]}]'))).toEqual([]);
  });
  it('no Service in the namespace, or root namespace: nothing said', () => {
    expect(linesFor(ID, tel('shop', '  tracing: [{providers: [{name: otel}]}]'))).toEqual([]);
    expect(
      linesFor(
        ID,
        svc('app: cart').replace('namespace: shop', 'namespace: istio-system') +
          tel('istio-system', '  tracing: [{providers: [{name: otel}]}]'),
      ),
    ).toEqual([]);
  });
});
