import { describe, expect, it } from 'vitest';
import { lint } from '../lint.ts';
import { linesFor, y } from '../testing.ts';

const ID = 'ignore-annotation-invalid';
const policy = (annotation: string) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata:',
    '  name: cart-get-only',
    '  namespace: shop',
    '  annotations:',
    `    ambient-atlas.dev/ignore: ${annotation}`,
    'spec:',
    '  selector: {matchLabels: {app: cart}}',
    '  rules: [{to: [{operation: {methods: ["GET"]}}]}]',
  );

describe(ID, () => {
  it('a known rule id and a reason: no finding', () => {
    expect(linesFor(ID, policy('"l7-policy-on-ztunnel -- waypoint lands in Q3"'))).toEqual([]);
    expect(linesFor(ID, policy('"l7-policy-on-ztunnel, schema -- waypoint lands in Q3"'))).toEqual([]);
  });
  it('no reason, an empty reason, no rule id, an unknown id: one finding on the annotation', () => {
    expect(linesFor(ID, policy('"l7-policy-on-ztunnel"'))).toEqual([7]);
    expect(linesFor(ID, policy('"l7-policy-on-ztunnel --   "'))).toEqual([7]);
    expect(linesFor(ID, policy('"-- because"'))).toEqual([7]);
    expect(linesFor(ID, policy('"l7-policy-on-ztunnel,no-such-rule -- because"'))).toEqual([7]);
  });
  it('thousands of unknown ids: one finding naming three of them, in linear time', () => {
    const ids = Array.from({ length: 20000 }, (_, i) => `made-up-rule-${i}`).join(',');
    const t0 = performance.now();
    const r = lint({ file: 'case.yaml', text: policy(`"${ids} -- why"`) }, { rules: [ID] });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]!.message).toContain('and 19997 more unknown rule ids');
  });
  it('an invalid annotation suppresses nothing, not even its known ids', () => {
    const r = lint({ file: 'case.yaml', text: policy('"l7-policy-on-ztunnel"') });
    expect(r.findings.map((f) => f.rule).sort()).toEqual([ID, 'l7-policy-on-ztunnel']);
    expect(r.summary.suppressed).toBe(0);
  });
  it('a valid one suppresses the named rule on its resource', () => {
    const r = lint({ file: 'case.yaml', text: policy('"l7-policy-on-ztunnel -- waypoint lands in Q3"') });
    expect(r.findings).toEqual([]);
    expect(r.summary.suppressed).toBe(1);
  });
});
