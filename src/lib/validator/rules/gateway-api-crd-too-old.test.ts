import { ruleCases } from '../../../../tests/support/rule-cases.ts';
import { y } from '../testing.ts';
import { rule } from './gateway-api-crd-too-old.ts';

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
const on130 = { istio: '1.30' } as const;
const on131 = { istio: '1.31' } as const;

ruleCases(rule, {
  valid: [
    { name: 'TCPRoute has no minimum on 1.30', yaml: crd('TCPRoute', 'v1.5.1'), options: on130 },
    { name: 'TCPRoute CRD 1.6.1 on 1.31', yaml: crd('TCPRoute', 'v1.6.1'), options: on131 },
    // The pre-release part is dropped before comparing, as crdversion.go does.
    { name: 'TCPRoute CRD 1.6.0-rc.1 on 1.31', yaml: crd('TCPRoute', 'v1.6.0-rc.1'), options: on131 },
    { name: 'kinds without a minimum are never reported', yaml: crd('HTTPRoute', 'v0.1.0'), options: on131 },
    { name: 'a v1 TCPRoute on 1.31 with its own line', yaml: tcp('v1'), options: on131 },
    { name: 'a v1alpha2 TCPRoute on 1.30', yaml: tcp('v1alpha2'), options: on130 },
  ],
  invalid: [
    {
      name: 'TCPRoute CRD below 1.6.0 on 1.31',
      yaml: crd('TCPRoute', 'v1.5.1'),
      options: on131,
      lines: ['5:59'],
      severity: 'warning',
    },
    {
      name: 'TLSRoute needs 1.5.0 on 1.30',
      yaml: crd('TLSRoute', 'v1.4.1'),
      options: on130,
      lines: ['5:59'],
      severity: 'warning',
    },
    {
      name: 'TLSRoute needs 1.5.0 on 1.31',
      yaml: crd('TLSRoute', 'v1.4.1'),
      options: on131,
      lines: ['5:59'],
      severity: 'warning',
    },
    {
      name: 'TCPRoutes when the chosen Gateway API line is older than the Istio line needs',
      yaml: tcp('v1alpha2'),
      options: { istio: '1.31', gatewayApi: '1.5' },
      lines: ['1:13'],
      severity: 'warning',
    },
  ],
});
