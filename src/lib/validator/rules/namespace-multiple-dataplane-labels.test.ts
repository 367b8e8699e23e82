import { ruleCases } from '../../../../tests/support/rule-cases.ts';
import { y } from '../testing.ts';
import { rule } from './namespace-multiple-dataplane-labels.ts';

const ns = (...labels: string[]) =>
  y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', ...labels);

ruleCases(rule, {
  valid: [
    {
      name: 'ambient with injection disabled (boundary)',
      yaml: ns('    istio.io/dataplane-mode: ambient', '    istio-injection: disabled'),
    },
    { name: 'injection alone', yaml: ns('    istio-injection: enabled') },
  ],
  invalid: [
    {
      name: 'ambient + istio-injection=enabled',
      yaml: ns('    istio.io/dataplane-mode: ambient', '    istio-injection: enabled'),
      lines: ['6:5'],
    },
    {
      name: 'ambient + istio.io/rev',
      yaml: ns('    istio.io/rev: canary', '    istio.io/dataplane-mode: ambient'),
      lines: ['7:5'],
    },
  ],
});
