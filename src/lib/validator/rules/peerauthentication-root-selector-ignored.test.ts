import { ruleCases } from '../../../../tests/support/rule-cases.ts';
import { y } from '../testing.ts';
import { rule } from './peerauthentication-root-selector-ignored.ts';

const pa = (ns: string, selector: boolean) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: PeerAuthentication',
    `metadata: {name: pa, namespace: ${ns}}`,
    'spec:',
    ...(selector ? ['  selector:', '    matchLabels: {app: a}'] : []),
    '  mtls: {mode: STRICT}',
  );
const customRoot = { rootNamespace: 'mesh-root' };

ruleCases(rule, {
  valid: [
    { name: 'no selector in the root namespace (boundary)', yaml: pa('istio-system', false) },
    { name: 'a selector elsewhere', yaml: pa('shop', true) },
    { name: 'istio-system is not the root under a custom root', yaml: pa('istio-system', true), options: customRoot },
  ],
  invalid: [
    { name: 'selector in the root namespace: at the selector', yaml: pa('istio-system', true), lines: ['5:3'] },
    { name: 'follows a custom root namespace', yaml: pa('mesh-root', true), options: customRoot, lines: ['5:3'] },
  ],
});
