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
});
