import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'policy-selects-nothing';
const dep = y(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: cart, namespace: shop}',
  'spec:',
  '  selector: {matchLabels: {app: cart}}',
  '  template:',
  '    metadata: {labels: {app: cart, version: v1}}',
  '    spec: {containers: [{name: c, image: c}]}',
  '---',
);
const svc = y(
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: cart, namespace: shop}',
  'spec:',
  '  selector: {app: cart}',
  '  ports: [{port: 80}]',
  '---',
);
const ap = (labels: string, ns = 'shop') =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    `metadata: {name: p, namespace: ${ns}}`,
    'spec:',
    '  selector:',
    `    matchLabels: {${labels}}`,
    '  rules: [{}]',
  );

describe(ID, () => {
  it('typo in a label: reported at selector', () => {
    expect(linesFor(ID, dep + ap('app: crat'))).toEqual([14]);
  });
  it('matching label (and subset of labels): fine (boundary)', () => {
    expect(linesFor(ID, dep + ap('app: cart'))).toEqual([]);
    expect(linesFor(ID, dep + ap('app: cart, version: v1'))).toEqual([]);
    expect(linesFor(ID, dep + ap('app: cart, version: v2'))).toEqual([14]);
  });
  it('without Deployments, Service selectors stand in for pod labels', () => {
    expect(linesFor(ID, svc + ap('app: cart'))).toEqual([]);
    expect(linesFor(ID, svc + ap('app: crat'))).toEqual([12]);
  });
  it('nothing in the namespace: nothing said; workloads in another namespace do not count', () => {
    expect(linesFor(ID, ap('app: cart'))).toEqual([]);
    expect(linesFor(ID, dep + ap('app: cart', 'other'))).toEqual([]);
  });
  it('Sidecar workloadSelector.labels is checked too', () => {
    const sc = y(
      'apiVersion: networking.istio.io/v1',
      'kind: Sidecar',
      'metadata: {name: s, namespace: shop}',
      'spec:',
      '  workloadSelector:',
      '    labels: {app: nope}',
    );
    expect(linesFor(ID, dep + sc)).toEqual([14]);
  });
  // release-1.31 pilot/pkg/serviceregistry/ambient/workloads.go: a selector policy applies to a workload when the
  // policy's namespace is the workload's or the root namespace.
  it('a root-namespace selector policy selects workloads of every namespace', () => {
    const istiod = y(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: istiod, namespace: istio-system}',
      'spec:',
      '  selector: {matchLabels: {app: istiod}}',
      '  template:',
      '    metadata: {labels: {app: istiod}}',
      '    spec: {containers: [{name: c, image: c}]}',
      '---',
    );
    expect(linesFor(ID, istiod + dep + ap('app: cart', 'istio-system'))).toEqual([]);
    expect(linesFor(ID, dep + ap('app: cart', 'istio-system'))).toEqual([]);
    expect(linesFor(ID, dep + ap('app: crat', 'istio-system'))).toEqual([14]);
    expect(linesFor(ID, svc + ap('app: crat', 'istio-system'))).toEqual([12]);
  });
});
