import { describe, expect, it } from 'vitest';
import { findingsFor, linesFor, y } from '../testing.ts';

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
  // release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go convertAuthorizationPolicy: a dry-run policy
  // (istio.io/dry-run, ParseBool) is not sent to ztunnel without AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY, and
  // ztunnel src/state.rs gives dry-run policies no effect even with it.
  it('a dry-run selector policy is reported as information at the annotation, whatever its action', () => {
    const dry = (action: string, v = 'true') =>
      ap(action).replace(
        'metadata: {name: p, namespace: shop}',
        `metadata:\n  name: p\n  namespace: shop\n  annotations:\n    istio.io/dry-run: "${v}"`,
      );
    const sev = (yaml: string) => findingsFor(ID, yaml).map((f) => `${f.line} ${f.severity}`);
    expect(sev(dry('ALLOW'))).toEqual(['7 info']);
    expect(sev(dry('CUSTOM'))).toEqual(['7 info']);
    expect(sev(dry('ALLOW', 'false'))).toEqual([]);
    expect(
      sev(
        dry('ALLOW').replace(
          / {2}selector:\n {4}matchLabels: \{app: cart\}/,
          '  targetRefs: [{kind: Service, group: "", name: a}]',
        ),
      ),
    ).toEqual([]);
  });
});
