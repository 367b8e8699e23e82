import { ruleCases } from '../../../../tests/support/rule-cases.ts';
import { y } from '../testing.ts';
import { rule } from './telemetry-tracing-without-waypoint.ts';

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
const tracing = '  tracing: [{providers: [{name: otel}]}]';

ruleCases(rule, {
  valid: [
    { name: 'a bound Service (boundary)', yaml: wp + svc('istio.io/use-waypoint: waypoint') + tel('shop', tracing) },
    { name: 'metrics only', yaml: svc('app: cart') + tel('shop', '  metrics: [{providers: [{name: prometheus}]}]') },
    { name: 'no Service in the namespace: nothing said', yaml: tel('shop', tracing) },
    {
      name: 'the root namespace: nothing said',
      yaml: svc('app: cart').replace('namespace: shop', 'namespace: istio-system') + tel('istio-system', tracing),
    },
  ],
  invalid: [
    {
      name: 'tracing with no waypoint-bound Service: at tracing',
      yaml: wp + svc('app: cart') + tel('shop', tracing),
      lines: ['21:3'],
    },
  ],
});
