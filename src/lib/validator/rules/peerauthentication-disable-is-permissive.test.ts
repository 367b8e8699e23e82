import { ruleCases } from '../../../../tests/support/rule-cases.ts';
import { y } from '../testing.ts';
import { rule } from './peerauthentication-disable-is-permissive.ts';

const pa = (...spec: string[]) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: PeerAuthentication',
    'metadata: {name: default, namespace: shop}',
    'spec:',
    ...spec,
  );
const sidecarNs = y(
  'apiVersion: v1',
  'kind: Namespace',
  'metadata:',
  '  name: shop',
  '  labels: {istio-injection: enabled}',
  '---',
);

ruleCases(rule, {
  valid: [
    { name: 'PERMISSIVE (boundary)', yaml: pa('  mtls: {mode: PERMISSIVE}') },
    { name: 'STRICT', yaml: pa('  mtls: {mode: STRICT}') },
    { name: 'a sidecar namespace', yaml: sidecarNs + pa('  mtls: {mode: DISABLE}') },
  ],
  invalid: [
    { name: 'DISABLE at namespace level', yaml: pa('  mtls: {mode: DISABLE}'), lines: ['5:16'] },
    {
      name: 'DISABLE per port',
      yaml: pa('  selector:', '    matchLabels: {app: a}', '  portLevelMtls:', '    "8080":', '      mode: DISABLE'),
      lines: ['9:13'],
    },
  ],
});
