import { ruleCases } from '../../../../tests/support/rule-cases.ts';
import { y } from '../testing.ts';
import { rule } from './ztunnel-unsupported-action.ts';

const ap = (action: string, attach = ['  selector:', '    matchLabels: {app: cart}']) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata: {name: p, namespace: shop}',
    'spec:',
    ...attach,
    `  action: ${action}`,
    '  provider: {name: opa}',
    '  rules: [{}]',
  );
// release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go convertAuthorizationPolicy: a dry-run policy
// (istio.io/dry-run, ParseBool) is not sent to ztunnel without AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY, and
// ztunnel src/state.rs gives dry-run policies no effect even with it.
const dry = (action: string, v = 'true') =>
  ap(action).replace(
    'metadata: {name: p, namespace: shop}',
    `metadata:\n  name: p\n  namespace: shop\n  annotations:\n    istio.io/dry-run: "${v}"`,
  );

ruleCases(rule, {
  valid: [
    { name: 'ALLOW by selector (boundary)', yaml: ap('ALLOW') },
    {
      name: 'CUSTOM with targetRefs runs at the waypoint',
      yaml: ap('CUSTOM', ['  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]']),
    },
    { name: 'dry-run "false" is no dry run', yaml: dry('ALLOW', 'false') },
    {
      name: 'a dry-run targetRefs policy',
      yaml: dry('ALLOW').replace(
        / {2}selector:\n {4}matchLabels: \{app: cart\}/,
        '  targetRefs: [{kind: Service, group: "", name: a}]',
      ),
    },
  ],
  invalid: [
    { name: 'CUSTOM by selector: at the action', yaml: ap('CUSTOM'), lines: ['7:3'] },
    { name: 'AUDIT by selector: at the action', yaml: ap('AUDIT'), lines: ['7:3'] },
    { name: 'namespace-wide CUSTOM', yaml: ap('CUSTOM', []), lines: ['5:3'] },
    {
      name: 'dry-run ALLOW selector policy: information at the annotation',
      yaml: dry('ALLOW'),
      lines: ['7:5'],
      severity: 'info',
    },
    {
      name: 'dry-run CUSTOM selector policy: information at the annotation',
      yaml: dry('CUSTOM'),
      lines: ['7:5'],
      severity: 'info',
    },
  ],
});
