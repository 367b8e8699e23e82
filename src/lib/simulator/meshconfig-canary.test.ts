// The simulator with a MeshConfig (trust domain, root namespace) and 1.31 canary waypoints (the waypoint choice).
import { describe, expect, it } from 'vitest';
import { parseMeshConfig } from '../ambient/index.ts';
import { parseManifests } from '../model/index.ts';
import { y } from '../validator/testing-yaml.ts';
import { simulate } from './index.ts';

const base = (weight: string | undefined) =>
  y(
    'apiVersion: v1',
    'kind: Namespace',
    'metadata: {name: can, labels: {istio.io/dataplane-mode: ambient}}',
    '---',
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    'metadata: {name: waypoint, namespace: can}',
    'spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}',
    '---',
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    'metadata: {name: waypoint-v2, namespace: can}',
    'spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}',
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: client, namespace: can}',
    'spec:',
    '  selector: {matchLabels: {app: client}}',
    '  template: {metadata: {labels: {app: client}}, spec: {serviceAccountName: client, containers: [{name: c, image: c}]}}',
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: cart, namespace: can}',
    'spec:',
    '  selector: {matchLabels: {app: cart}}',
    '  template: {metadata: {labels: {app: cart}}, spec: {containers: [{name: c, image: c, ports: [{containerPort: 80}]}]}}',
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: cart',
    '  namespace: can',
    '  labels: {istio.io/use-waypoint: waypoint, istio.io/use-waypoint-canary: waypoint-v2}',
    ...(weight === undefined ? [] : [`  annotations: {istio.io/use-waypoint-canary-weight: "${weight}"}`]),
    'spec: {selector: {app: cart}, ports: [{port: 80}]}',
  );
const run = (yaml: string, opts: Parameters<typeof simulate>[2] = {}) =>
  simulate(
    parseManifests({ file: 't.yaml', text: yaml }).resources,
    { from: 'can/client', to: 'cart' },
    { nowSeconds: 1, ...opts },
  );

describe('canary waypoint choice (1.31)', () => {
  it('weight 20: probabilities 0.8 / 0.2 on the choice, primary first; the trace follows the primary', async () => {
    const r = await run(base('20'));
    expect(r.waypoints).toEqual([
      { namespace: 'can', name: 'waypoint', role: 'primary', probability: 0.8 },
      { namespace: 'can', name: 'waypoint-v2', role: 'canary', probability: 0.2 },
    ]);
    expect(r.waypoint).toEqual({ namespace: 'can', name: 'waypoint' });
  });
  it('weight 50: a tie stays on the primary; 51 follows the canary', async () => {
    expect((await run(base('50'))).waypoint?.name).toBe('waypoint');
    expect((await run(base('51'))).waypoint?.name).toBe('waypoint-v2');
  });
  it('weight 100: only the canary is listed (weight 0 entries are omitted)', async () => {
    const r = await run(base('100'));
    expect(r.waypoints).toEqual([{ namespace: 'can', name: 'waypoint-v2', role: 'canary', probability: 1 }]);
    expect(r.hops.find((h) => h.at === 'waypoint')).toMatchObject({ name: 'can/waypoint-v2' });
  });
  it('no weight (0): no split, a note says the canary gets nothing yet', async () => {
    const r = await run(base(undefined));
    expect(r.waypoints).toBeUndefined();
    expect(r.notes.join('\n')).toMatch(/weight 0/);
  });
  it('Istio 1.30: no split and a note that the label is ignored', async () => {
    const r = await run(base('80'), { istio: '1.30' });
    expect(r.waypoints).toBeUndefined();
    expect(r.waypoint?.name).toBe('waypoint');
    expect(r.notes.join('\n')).toMatch(/no canary waypoints/);
  });
});

describe('MeshConfig in the simulator', () => {
  it('trustDomain: client and waypoint identities use it', async () => {
    const mc = parseMeshConfig('trustDomain: corp.example\n').config!;
    const r = await run(base('0'), { meshConfig: mc });
    expect(r.client.identity).toBe('spiffe://corp.example/ns/can/sa/client');
    const wp = r.hops.find((h) => h.at === 'waypoint');
    expect(wp?.notes.join('\n')).toContain('spiffe://corp.example/ns/can/sa/waypoint');
  });
  it('without one: cluster.local', async () => {
    expect((await run(base('0'))).client.identity).toBe('spiffe://cluster.local/ns/can/sa/client');
  });
});

describe('text output', () => {
  it('lists the waypoint choice like backends and marks the one traced', async () => {
    const { formatText } = await import('./format.ts');
    const text = formatText(await run(base('30')));
    expect(text).toContain('waypoint choice');
    expect(text).toMatch(/can\/waypoint \(primary\) {2}70% {2}← this trace/);
    expect(text).toMatch(/can\/waypoint-v2 \(canary\) {2}30%\n/);
  });
});
