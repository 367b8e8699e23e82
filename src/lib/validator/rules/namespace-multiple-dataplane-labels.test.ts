import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'namespace-multiple-dataplane-labels';
const ns = (...labels: string[]) =>
  y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', ...labels);

describe(ID, () => {
  it('ambient + istio-injection=enabled, ambient + istio.io/rev', () => {
    expect(linesFor(ID, ns('    istio.io/dataplane-mode: ambient', '    istio-injection: enabled'))).toEqual([6]);
    expect(linesFor(ID, ns('    istio.io/rev: canary', '    istio.io/dataplane-mode: ambient'))).toEqual([7]);
  });
  it('ambient with injection disabled is fine (boundary)', () => {
    expect(linesFor(ID, ns('    istio.io/dataplane-mode: ambient', '    istio-injection: disabled'))).toEqual([]);
  });
  it('injection alone is fine', () => {
    expect(linesFor(ID, ns('    istio-injection: enabled'))).toEqual([]);
  });
});
