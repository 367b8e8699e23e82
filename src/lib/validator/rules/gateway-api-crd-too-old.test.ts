import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';
import type { GatewayApiVersion, IstioVersion } from '../../versions.ts';

const ID = 'gateway-api-crd-too-old';
const got = (yaml: string, istio: IstioVersion, gatewayApi?: GatewayApiVersion) =>
  findingsFor(ID, yaml, { istio, ...(gatewayApi ? { gatewayApi } : {}) }).map((f) => [f.line, f.severity]);

const crd = (kind: string, bundle: string) =>
  y(
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    `  name: ${kind.toLowerCase()}s.gateway.networking.k8s.io`,
    `  annotations: {gateway.networking.k8s.io/bundle-version: ${bundle}}`,
    'spec:',
    '  group: gateway.networking.k8s.io',
    `  names: {kind: ${kind}, plural: ${kind.toLowerCase()}s}`,
  );

const tcp = (v: string) =>
  y(
    `apiVersion: gateway.networking.k8s.io/${v}`,
    'kind: TCPRoute',
    'metadata: {name: db, namespace: shop}',
    'spec:',
    '  parentRefs: [{group: "", kind: Service, name: db}]',
    '  rules: [{backendRefs: [{name: db, port: 5432}]}]',
  );

describe(ID, () => {
  it('a TCPRoute CRD below 1.6.0 is reported under Istio 1.31 only (TCPRoute has no minimum on 1.30)', () => {
    expect(got(crd('TCPRoute', 'v1.5.1'), '1.31')).toEqual([[5, 'warning']]);
    expect(got(crd('TCPRoute', 'v1.5.1'), '1.30')).toEqual([]);
    expect(got(crd('TCPRoute', 'v1.6.1'), '1.31')).toEqual([]);
    // The pre-release part is dropped before comparing, as crdversion.go does.
    expect(got(crd('TCPRoute', 'v1.6.0-rc.1'), '1.31')).toEqual([]);
  });
  it('TLSRoute needs 1.5.0 on both lines; kinds without a minimum are never reported', () => {
    expect(got(crd('TLSRoute', 'v1.4.1'), '1.30')).toEqual([[5, 'warning']]);
    expect(got(crd('TLSRoute', 'v1.4.1'), '1.31')).toEqual([[5, 'warning']]);
    expect(got(crd('HTTPRoute', 'v0.1.0'), '1.31')).toEqual([]);
  });
  it('TCPRoutes are reported when the chosen Gateway API line is older than the Istio line needs', () => {
    expect(got(tcp('v1alpha2'), '1.31', '1.5')).toEqual([[1, 'warning']]);
    expect(got(tcp('v1'), '1.31')).toEqual([]);
    expect(got(tcp('v1alpha2'), '1.30')).toEqual([]);
  });
});
