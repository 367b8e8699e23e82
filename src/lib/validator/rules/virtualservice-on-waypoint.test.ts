import { ruleCases } from '../../../../tests/support/rule-cases.ts';
import { y } from '../testing.ts';
import { rule } from './virtualservice-on-waypoint.ts';

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

ruleCases(rule, {
  valid: [
    { name: 'service without a waypoint: not this rule (boundary)', yaml: wp + svc('app: reviews') + vs },
    { name: 'service opted out with use-waypoint: none', yaml: wp + svc('istio.io/use-waypoint: none') + vs },
    {
      // istiod takes a dotted host as written (ambient resolveShortname): `reviews.bookinfo` is not this Service.
      name: 'host reviews.bookinfo is not the Service reviews.bookinfo.svc.cluster.local',
      yaml: wp + svc('istio.io/use-waypoint: waypoint') + vs.replace('hosts: [reviews]', 'hosts: [reviews.bookinfo]'),
    },
  ],
  invalid: [
    {
      name: 'waypoint-bound host: info at the host',
      yaml: wp + svc('istio.io/use-waypoint: waypoint') + vs,
      lines: ['21:11'],
      severity: 'info',
    },
    {
      name: 'the fully qualified host: info at the host',
      yaml:
        wp +
        svc('istio.io/use-waypoint: waypoint') +
        vs.replace('hosts: [reviews]', 'hosts: [reviews.bookinfo.svc.cluster.local]'),
      lines: ['21:11'],
      severity: 'info',
    },
  ],
});
