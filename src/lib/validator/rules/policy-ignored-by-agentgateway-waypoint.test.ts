import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';

const ID = 'policy-ignored-by-agentgateway-waypoint';
const got = (yaml: string, istio: '1.30' | '1.31' = '1.31') =>
  findingsFor(ID, yaml, { istio }).map((f) => [f.line, f.severity]);

const mesh = (className = 'istio-agentgateway-waypoint') =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    'metadata: {name: agw, namespace: shop}',
    'spec:',
    `  gatewayClassName: ${className}`,
    '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: orders, namespace: shop, labels: {istio.io/use-waypoint: agw}}',
    'spec:',
    '  selector: {app: orders}',
    '  ports: [{name: http, port: 8080}]',
    '---',
  );

const policy = (kind: string, apiVersion: string, ...spec: string[]) =>
  y(`apiVersion: ${apiVersion}`, `kind: ${kind}`, 'metadata: {name: p, namespace: shop}', 'spec:', ...spec);

describe(ID, () => {
  it('an AuthorizationPolicy targeting a Service behind the agentgateway waypoint is an error on 1.31 only', () => {
    const text =
      mesh() +
      policy(
        'AuthorizationPolicy',
        'security.istio.io/v1',
        '  targetRefs: [{kind: Service, group: "", name: orders}]',
        '  action: DENY',
        '  rules: [{to: [{operation: {methods: [DELETE]}}]}]',
      );
    expect(got(text)).toEqual([[19, 'error']]);
    expect(got(text, '1.30')).toEqual([]);
  });
  it('the same policy on an istio-waypoint waypoint is fine', () => {
    const text =
      mesh('istio-waypoint') +
      policy('AuthorizationPolicy', 'security.istio.io/v1', '  targetRefs: [{kind: Service, group: "", name: orders}]');
    expect(got(text)).toEqual([]);
  });
  it('a targetRef to the Gateway itself; RequestAuthentication is an error, Telemetry/WasmPlugin/EnvoyFilter warnings', () => {
    const gw = '  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: agw}]';
    expect(
      got(mesh() + policy('RequestAuthentication', 'security.istio.io/v1', gw, '  jwtRules: [{issuer: a}]')),
    ).toEqual([[19, 'error']]);
    expect(got(mesh() + policy('Telemetry', 'telemetry.istio.io/v1', gw))).toEqual([[19, 'warning']]);
    expect(got(mesh() + policy('WasmPlugin', 'extensions.istio.io/v1alpha1', gw, '  url: oci://x/y:1'))).toEqual([
      [19, 'warning'],
    ]);
    expect(got(mesh() + policy('EnvoyFilter', 'networking.istio.io/v1alpha3', gw))).toEqual([[19, 'warning']]);
    // Another namespace's Gateway of the same name is not this waypoint.
    expect(
      got(mesh() + policy('Telemetry', 'telemetry.istio.io/v1', gw).replace('namespace: shop}', 'namespace: web}')),
    ).toEqual([]);
  });
  it('VirtualService hosts and DestinationRule host for a Service it serves are warnings at the host', () => {
    expect(
      got(
        mesh() +
          policy(
            'VirtualService',
            'networking.istio.io/v1',
            '  hosts: [other, orders]',
            '  http: [{route: [{destination: {host: orders}}]}]',
          ),
      ),
    ).toEqual([[19, 'warning']]);
    expect(
      got(mesh() + policy('DestinationRule', 'networking.istio.io/v1', '  host: orders.shop.svc.cluster.local')),
    ).toEqual([[19, 'warning']]);
    expect(got(mesh() + policy('DestinationRule', 'networking.istio.io/v1', '  host: payments'))).toEqual([]);
  });
  it('selector policies and a Service not bound to the waypoint are left to other rules', () => {
    expect(
      got(
        mesh() +
          policy(
            'AuthorizationPolicy',
            'security.istio.io/v1',
            '  selector: {matchLabels: {app: orders}}',
            '  action: DENY',
            '  rules: [{}]',
          ),
      ),
    ).toEqual([]);
    expect(
      got(
        mesh().replace('labels: {istio.io/use-waypoint: agw}', 'labels: {}') +
          policy(
            'AuthorizationPolicy',
            'security.istio.io/v1',
            '  targetRefs: [{kind: Service, group: "", name: orders}]',
          ),
      ),
    ).toEqual([]);
  });
});
