import { ruleCases } from '../../../../tests/support/rule-cases.ts';
import { y } from '../testing.ts';
import { rule } from './sidecar-resource-ineffective.ts';

const sc = y(
  'apiVersion: networking.istio.io/v1',
  'kind: Sidecar',
  'metadata: {name: default, namespace: shop}',
  'spec:',
  '  egress: [{hosts: ["./*"]}]',
);
const nsDoc = (label: string) =>
  y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', `  labels: {${label}}`, '---');

ruleCases(rule, {
  valid: [{ name: 'a sidecar namespace (boundary)', yaml: nsDoc('istio-injection: enabled') + sc }],
  invalid: [
    {
      name: 'warning in an ambient namespace',
      yaml: nsDoc('istio.io/dataplane-mode: ambient') + sc,
      lines: ['8:1'],
      severity: 'warning',
    },
    { name: 'info when the namespace is not in the manifests', yaml: sc, lines: ['2:1'], severity: 'info' },
  ],
});
