import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';

const ID = 'allow-nothing';
const head = ['apiVersion: security.istio.io/v1', 'kind: AuthorizationPolicy', 'metadata: {name: p, namespace: shop}'];
const got = (yaml: string) => findingsFor(ID, yaml).map((f) => [f.line, f.severity]);

describe(ID, () => {
  it('empty spec, missing spec and ALLOW with empty rules are reported (info)', () => {
    expect(got(y(...head, 'spec: {}'))).toEqual([[4, 'info']]);
    expect(got(y(...head))).toEqual([[2, 'info']]);
    expect(got(y(...head, 'spec:', '  action: ALLOW', '  rules: []'))).toEqual([[4, 'info']]);
  });
  it('one empty rule allows everything: not reported (boundary)', () => {
    expect(got(y(...head, 'spec:', '  rules: [{}]'))).toEqual([]);
  });
  it('DENY without rules is a schema error, not this rule', () => {
    expect(got(y(...head, 'spec:', '  action: DENY'))).toEqual([]);
  });
  // release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go convertAuthorizationPolicy: a dry-run policy
  // (istio.io/dry-run, ParseBool) is not sent to ztunnel without AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY, and
  // ztunnel src/state.rs gives dry-run policies no effect even with it.
  it('a dry-run ALLOW without rules does not switch the scope to deny: not reported', () => {
    const meta = 'metadata: {name: p, namespace: shop, annotations: {istio.io/dry-run: "true"}}';
    expect(got(y(head[0]!, head[1]!, meta, 'spec: {}'))).toEqual([]);
    expect(got(y(head[0]!, head[1]!, meta.replace('"true"', '"no"'), 'spec: {}'))).toEqual([[4, 'info']]);
  });
});
