import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'ztunnel-unsupported-action';
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

describe(ID, () => {
  it('CUSTOM and AUDIT by selector are reported at the action', () => {
    expect(linesFor(ID, ap('CUSTOM'))).toEqual([7]);
    expect(linesFor(ID, ap('AUDIT'))).toEqual([7]);
  });
  it('ALLOW by selector is not (boundary)', () => {
    expect(linesFor(ID, ap('ALLOW'))).toEqual([]);
  });
  it('CUSTOM with targetRefs runs at the waypoint: not reported', () => {
    expect(
      linesFor(ID, ap('CUSTOM', ['  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]'])),
    ).toEqual([]);
  });
  it('namespace-wide CUSTOM is reported', () => {
    expect(linesFor(ID, ap('CUSTOM', []))).toEqual([5]);
  });
});
