import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';

const ID = 'sidecar-resource-ineffective';
const sc = y(
  'apiVersion: networking.istio.io/v1',
  'kind: Sidecar',
  'metadata: {name: default, namespace: shop}',
  'spec:',
  '  egress: [{hosts: ["./*"]}]',
);
const nsDoc = (label: string) =>
  y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', `  labels: {${label}}`, '---');
const got = (yaml: string) => findingsFor(ID, yaml).map((f) => [f.line, f.severity]);

describe(ID, () => {
  it('warning in an ambient namespace', () => {
    expect(got(nsDoc('istio.io/dataplane-mode: ambient') + sc)).toEqual([[8, 'warning']]);
  });
  it('info when the namespace is not in the manifests', () => {
    expect(got(sc)).toEqual([[2, 'info']]);
  });
  it('nothing in a sidecar namespace (boundary)', () => {
    expect(got(nsDoc('istio-injection: enabled') + sc)).toEqual([]);
  });
});
