import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'peerauthentication-disable-is-permissive';
const pa = (...spec: string[]) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: PeerAuthentication',
    'metadata: {name: default, namespace: shop}',
    'spec:',
    ...spec,
  );

describe(ID, () => {
  it('DISABLE at namespace level and per port', () => {
    expect(linesFor(ID, pa('  mtls: {mode: DISABLE}'))).toEqual([5]);
    expect(
      linesFor(
        ID,
        pa('  selector:', '    matchLabels: {app: a}', '  portLevelMtls:', '    "8080":', '      mode: DISABLE'),
      ),
    ).toEqual([9]);
  });
  it('PERMISSIVE and STRICT are fine (boundary)', () => {
    expect(linesFor(ID, pa('  mtls: {mode: PERMISSIVE}'))).toEqual([]);
    expect(linesFor(ID, pa('  mtls: {mode: STRICT}'))).toEqual([]);
  });
  it('not reported for a sidecar namespace', () => {
    const ns = y(
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      '  name: shop',
      '  labels: {istio-injection: enabled}',
      '---',
    );
    expect(linesFor(ID, ns + pa('  mtls: {mode: DISABLE}'))).toEqual([]);
  });
});
