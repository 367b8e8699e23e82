import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'peerauthentication-root-selector-ignored';
const pa = (ns: string, selector: boolean) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: PeerAuthentication',
    `metadata: {name: pa, namespace: ${ns}}`,
    'spec:',
    ...(selector ? ['  selector:', '    matchLabels: {app: a}'] : []),
    '  mtls: {mode: STRICT}',
  );

describe(ID, () => {
  it('selector in the root namespace: reported at selector', () => {
    expect(linesFor(ID, pa('istio-system', true))).toEqual([5]);
  });
  it('no selector in the root namespace, or a selector elsewhere: fine (boundary)', () => {
    expect(linesFor(ID, pa('istio-system', false))).toEqual([]);
    expect(linesFor(ID, pa('shop', true))).toEqual([]);
  });
  it('follows a custom root namespace', () => {
    expect(linesFor(ID, pa('mesh-root', true), { rootNamespace: 'mesh-root' })).toEqual([5]);
    expect(linesFor(ID, pa('istio-system', true), { rootNamespace: 'mesh-root' })).toEqual([]);
  });
});
