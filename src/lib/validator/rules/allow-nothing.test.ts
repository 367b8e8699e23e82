import { ruleCases } from '../../../../tests/support/rule-cases.ts';
import { y } from '../testing.ts';
import { rule } from './allow-nothing.ts';

const head = ['apiVersion: security.istio.io/v1', 'kind: AuthorizationPolicy', 'metadata: {name: p, namespace: shop}'];
const dryMeta = 'metadata: {name: p, namespace: shop, annotations: {istio.io/dry-run: "true"}}';

ruleCases(rule, {
  valid: [
    { name: 'one empty rule allows everything (boundary)', yaml: y(...head, 'spec:', '  rules: [{}]') },
    { name: 'DENY without rules is a schema error, not this rule', yaml: y(...head, 'spec:', '  action: DENY') },
    // release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go convertAuthorizationPolicy: a dry-run policy
    // (istio.io/dry-run, ParseBool) is not sent to ztunnel without AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY, and
    // ztunnel src/state.rs gives dry-run policies no effect even with it.
    {
      name: 'a dry-run ALLOW without rules does not switch the scope to deny',
      yaml: y(head[0]!, head[1]!, dryMeta, 'spec: {}'),
    },
  ],
  invalid: [
    { name: 'empty spec', yaml: y(...head, 'spec: {}'), lines: ['4:1'], severity: 'info' },
    { name: 'missing spec', yaml: y(...head), lines: ['2:1'], severity: 'info' },
    {
      name: 'ALLOW with empty rules',
      yaml: y(...head, 'spec:', '  action: ALLOW', '  rules: []'),
      lines: ['4:1'],
      severity: 'info',
    },
    {
      name: 'dry-run "no" is not a dry run',
      yaml: y(head[0]!, head[1]!, dryMeta.replace('"true"', '"no"'), 'spec: {}'),
      lines: ['4:1'],
      severity: 'info',
    },
  ],
});
