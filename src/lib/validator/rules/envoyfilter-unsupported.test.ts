import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'envoyfilter-unsupported';
const ef = (ns: string) =>
  y(
    'apiVersion: networking.istio.io/v1alpha3',
    'kind: EnvoyFilter',
    `metadata: {name: f, namespace: ${ns}}`,
    'spec:',
    '  configPatches: []',
  );
const nsDoc = (name: string, label: string) =>
  y('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, `  labels: {${label}}`, '---');

describe(ID, () => {
  it('reported in an ambient namespace and when the namespace is unknown', () => {
    expect(linesFor(ID, nsDoc('shop', 'istio.io/dataplane-mode: ambient') + ef('shop'))).toEqual([8]);
    expect(linesFor(ID, ef('shop'))).toEqual([2]);
  });
  it('not reported in a namespace the manifests show as sidecar (boundary)', () => {
    expect(linesFor(ID, nsDoc('shop', 'istio-injection: enabled') + ef('shop'))).toEqual([]);
  });
  it('root namespace EnvoyFilter is reported', () => {
    expect(linesFor(ID, nsDoc('istio-system', 'a: b') + ef('istio-system'))).toEqual([8]);
  });
  it('patches that only target gateways (context: GATEWAY) are not reported', () => {
    const gw = (context: string) =>
      y(
        'apiVersion: networking.istio.io/v1alpha3',
        'kind: EnvoyFilter',
        'metadata: {name: f, namespace: istio-system}',
        'spec:',
        '  configPatches:',
        `  - applyTo: HTTP_FILTER`,
        `    match: {context: ${context}}`,
        '    patch: {operation: MERGE, value: {}}',
      );
    expect(linesFor(ID, gw('GATEWAY'))).toEqual([]);
    expect(linesFor(ID, gw('SIDECAR_INBOUND'))).toEqual([2]);
  });
});
