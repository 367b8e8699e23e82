// Canary waypoints (Istio 1.31 alpha), following release-1.31 pilot/pkg/serviceregistry/ambient/waypoints.go
// (getUseWaypointCanary, getCanaryWeight, resolveCanaryWaypoint, buildWeightedWaypoints) and its tests.
import { describe, expect, it } from 'vitest';
import { buildMesh } from '../model/mesh.ts';
import { parseManifests } from '../model/parse.ts';
import { canaryLookup, parseCanaryWeight, resolveCanaryWaypoint } from './index.ts';

describe('istio.io/use-waypoint-canary-weight is read with Go strconv.Atoi and must lie in 0..100', () => {
  it.each([
    ['0', 0],
    ['100', 100],
    ['20', 20],
    ['+20', 20],
    ['020', 20],
    ['-0', 0],
    ['0000000000000000000000000000000000000050', 50],
  ])('%j is %d', (v, n) => expect(parseCanaryWeight(v)).toBe(n));
  it.each(['101', '-1', '', ' 20', '20 ', '2.5', '1e2', '0x10', '1_0', 'twenty', '99999999999999999999'])(
    '%j is rejected',
    (v) => expect(parseCanaryWeight(v)).toBeUndefined(),
  );
});

const gw = (ns: string, name: string, extra: string[] = []) => [
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: Gateway',
  `metadata: {name: ${name}, namespace: ${ns}${extra.includes('for-workload') ? ', labels: {istio.io/waypoint-for: workload}' : ''}}`,
  'spec:',
  '  gatewayClassName: istio-waypoint',
  '  listeners:',
  '  - name: mesh',
  '    port: 15008',
  '    protocol: HBONE',
  ...(extra.includes('all-ns') ? ['    allowedRoutes: {namespaces: {from: All}}'] : []),
  ...(extra.includes('not-ready') ? ['status: {addresses: []}'] : []),
  '---',
];

function canaryOf(docs: string[], enabled = true, service = 'cart') {
  const mesh = buildMesh(parseManifests({ file: 't.yaml', text: docs.join('\n') + '\n' }).resources);
  const svc = mesh.service('shop', service)!;
  const target = { kind: svc.kind, resource: svc.resource, namespace: svc.namespace, labels: svc.labels };
  return resolveCanaryWaypoint(target, mesh.resolveWaypoint(target), canaryLookup(mesh), enabled);
}

const ns = (labels: string[] = [], annotations: string[] = []) => [
  'apiVersion: v1',
  'kind: Namespace',
  'metadata:',
  '  name: shop',
  '  labels:',
  '    istio.io/dataplane-mode: ambient',
  ...labels.map((l) => `    ${l}`),
  ...(annotations.length ? ['  annotations:', ...annotations.map((a) => `    ${a}`)] : []),
  '---',
];
const svc = (labels: string[], annotations: string[] = []) => [
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: cart',
  '  namespace: shop',
  ...(labels.length ? ['  labels:', ...labels.map((l) => `    ${l}`)] : []),
  ...(annotations.length ? ['  annotations:', ...annotations.map((a) => `    ${a}`)] : []),
  'spec: {selector: {app: cart}, ports: [{port: 80}]}',
];
const PRIMARY = 'istio.io/use-waypoint: waypoint';
const CANARY = 'istio.io/use-waypoint-canary: waypoint-v2';
const WEIGHT = (w: string) => `istio.io/use-waypoint-canary-weight: "${w}"`;

describe('resolveCanaryWaypoint', () => {
  const both = [...ns(), ...gw('shop', 'waypoint'), ...gw('shop', 'waypoint-v2')];
  it('attached: the weight is the canary share', () => {
    const c = canaryOf([...both, ...svc([PRIMARY, CANARY], [WEIGHT('20')])]);
    expect(c).toMatchObject({ reason: 'attached', weight: 20, waypoint: { name: 'waypoint-v2' } });
  });
  it('no weight annotation: attached with weight 0', () => {
    expect(canaryOf([...both, ...svc([PRIMARY, CANARY])])).toMatchObject({ reason: 'attached', weight: 0 });
  });
  it('no canary label, or the value none / empty: no canary at all', () => {
    expect(canaryOf([...both, ...svc([PRIMARY])])).toBeUndefined();
    expect(canaryOf([...both, ...svc([PRIMARY, 'istio.io/use-waypoint-canary: none'])])).toBeUndefined();
    expect(canaryOf([...both, ...svc([PRIMARY, 'istio.io/use-waypoint-canary: ""'])])).toBeUndefined();
  });
  it('invalid weight: CanaryInvalidWeight, no split', () => {
    const c = canaryOf([...both, ...svc([PRIMARY, CANARY], [WEIGHT('150')])]);
    expect(c).toMatchObject({ reason: 'CanaryInvalidWeight', weight: 0 });
    expect(c?.waypoint).toBeUndefined();
  });
  it('canary equal to the primary: CanarySameAsPrimary (checked before the weight)', () => {
    const c = canaryOf([...both, ...svc([PRIMARY, 'istio.io/use-waypoint-canary: waypoint'], [WEIGHT('x')])]);
    expect(c?.reason).toBe('CanarySameAsPrimary');
  });
  it('missing or not-ready canary: WaypointIsNotReady', () => {
    expect(canaryOf([...ns(), ...gw('shop', 'waypoint'), ...svc([PRIMARY, CANARY], [WEIGHT('10')])])?.reason).toBe(
      'WaypointIsNotReady',
    );
    expect(
      canaryOf([
        ...ns(),
        ...gw('shop', 'waypoint'),
        ...gw('shop', 'waypoint-v2', ['not-ready']),
        ...svc([PRIMARY, CANARY]),
      ])?.reason,
    ).toBe('WaypointIsNotReady');
  });
  it('cross-namespace canary needs allowedRoutes: AttachmentDenied, fine with from: All', () => {
    const labels = [PRIMARY, CANARY, 'istio.io/use-waypoint-canary-namespace: infra'];
    const denied = canaryOf([...ns(), ...gw('shop', 'waypoint'), ...gw('infra', 'waypoint-v2'), ...svc(labels)]);
    expect(denied?.reason).toBe('AttachmentDenied');
    const allowed = canaryOf([
      ...ns(),
      ...gw('shop', 'waypoint'),
      ...gw('infra', 'waypoint-v2', ['all-ns']),
      ...svc(labels),
    ]);
    expect(allowed).toMatchObject({ reason: 'attached', requested: { namespace: 'infra' } });
  });
  it('a workload-only canary: UnsupportedTrafficType', () => {
    const c = canaryOf([
      ...ns(),
      ...gw('shop', 'waypoint'),
      ...gw('shop', 'waypoint-v2', ['for-workload']),
      ...svc([PRIMARY, CANARY]),
    ]);
    expect(c?.reason).toBe('UnsupportedTrafficType');
  });
  it('no primary waypoint: the canary is ignored', () => {
    expect(canaryOf([...both, ...svc([CANARY], [WEIGHT('50')])])?.reason).toBe('no-primary');
  });
  it('Istio 1.30: the labels do nothing', () => {
    expect(canaryOf([...both, ...svc([PRIMARY, CANARY], [WEIGHT('50')])], false)?.reason).toBe('unsupported');
  });
  it('inherited from the Namespace (labels and weight) when the primary is', () => {
    const c = canaryOf([
      ...ns([PRIMARY, CANARY], [WEIGHT('30')]),
      ...gw('shop', 'waypoint'),
      ...gw('shop', 'waypoint-v2'),
      ...svc([]),
    ]);
    expect(c).toMatchObject({ reason: 'attached', weight: 30, requested: { from: 'namespace' } });
  });
  it("the Namespace's canary is not consulted when the Service names its own primary", () => {
    const c = canaryOf([
      ...ns([CANARY], [WEIGHT('30')]),
      ...gw('shop', 'waypoint'),
      ...gw('shop', 'waypoint-v2'),
      ...svc([PRIMARY]),
    ]);
    expect(c).toBeUndefined();
  });
  it("the Service's own canary label with the Namespace's weight, when the primary is inherited", () => {
    const c = canaryOf([
      ...ns([PRIMARY], [WEIGHT('40')]),
      ...gw('shop', 'waypoint'),
      ...gw('shop', 'waypoint-v2'),
      ...svc([CANARY]),
    ]);
    expect(c).toMatchObject({ reason: 'attached', weight: 40, requested: { from: 'object' } });
  });
});
