// labs/runner/kube.ts against a minimal stand-in for the Kubernetes API server (HTTP + the exec WebSocket), so the
// calls the real path makes through @kubernetes/client-node 2 are checked for shape: server-side apply, discovery,
// reads, lists, the exec status channel. This is a protocol test of our client layer, not a cluster: the real
// cluster is exercised by real-cluster.e2e.test.ts.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { clientNodeKube } from '../../labs/runner/kube.ts';
import type { KubeOps } from '../../labs/runner/kube.ts';

interface Req {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

const requests: Req[] = [];
const store = new Map<string, Record<string, unknown>>();

const discovery: Record<string, { name: string; kind: string; namespaced: boolean }[]> = {
  '/api/v1': [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'pods', kind: 'Pod', namespaced: true },
  ],
  '/apis/apps/v1': [
    { name: 'deployments', kind: 'Deployment', namespaced: true },
    { name: 'daemonsets', kind: 'DaemonSet', namespaced: true },
    { name: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  ],
  '/apis/gateway.networking.k8s.io/v1': [
    { name: 'gateways', kind: 'Gateway', namespaced: true },
    { name: 'httproutes', kind: 'HTTPRoute', namespaced: true },
  ],
};

const deployment = (name: string, labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'bookinfo', managedFields: [{ manager: 'x' }], resourceVersion: '7', ...extra },
  spec: {
    replicas: 1,
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name: 'c' }] } },
  },
  status: { availableReplicas: name === 'slow' ? 0 : 1 },
});

function seed() {
  store.set('/apis/apps/v1/namespaces/bookinfo/deployments/curl', deployment('curl', { app: 'curl' }));
  store.set('/apis/apps/v1/namespaces/bookinfo/deployments/slow', deployment('slow', { app: 'slow' }));
  store.set(
    '/apis/apps/v1/namespaces/bookinfo/deployments/waypoint',
    deployment(
      'waypoint',
      { 'gateway.networking.k8s.io/gateway-name': 'waypoint' },
      { ownerReferences: [{ kind: 'Gateway', name: 'waypoint' }] },
    ),
  );
  store.set('/api/v1/namespaces/bookinfo', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'bookinfo', labels: { 'istio.io/dataplane-mode': 'ambient' } },
    status: { phase: 'Active' },
  });
  store.set('/apis/gateway.networking.k8s.io/v1/namespaces/bookinfo/gateways/waypoint', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'waypoint', namespace: 'bookinfo' },
    spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    status: { conditions: [{ type: 'Programmed', status: 'True' }], addresses: [{ value: '10.96.0.9' }] },
  });
  store.set('/api/v1/namespaces/bookinfo/pods/curl-abc', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'curl-abc',
      namespace: 'bookinfo',
      labels: { app: 'curl' },
      annotations: { 'ambient.istio.io/redirection': 'enabled' },
    },
    spec: { containers: [{ name: 'curl' }] },
    status: { phase: 'Running', podIP: '10.244.0.12', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

function send(res: ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse, body: string) {
  const url = new URL(req.url!, 'http://x');
  requests.push({ method: req.method!, url: req.url!, contentType: req.headers['content-type'], body });
  const path = url.pathname;
  if (req.method === 'GET' && discovery[path])
    return send(res, 200, {
      kind: 'APIResourceList',
      groupVersion: path,
      resources: discovery[path]!.map((r) => ({ ...r, singularName: '', verbs: [] })),
    });
  if (req.method === 'GET' && path.startsWith('/apis/') && path.split('/').length === 4)
    return send(res, 404, { kind: 'Status', code: 404 });
  if (req.method === 'PATCH') {
    const obj = parseAllDocuments(body)[0]!.toJS() as Record<string, unknown>;
    store.set(path, obj);
    return send(res, 200, obj);
  }
  if (req.method === 'GET' && store.has(path)) return send(res, 200, store.get(path));
  if (req.method === 'GET') {
    // A list: every stored object directly under this collection path, filtered by labelSelector.
    const selector = url.searchParams.get('labelSelector');
    const items = [...store]
      .filter(([k]) => k.startsWith(path + '/') && !k.slice(path.length + 1).includes('/'))
      .map(([, v]) => v)
      .filter((o) => {
        if (!selector) return true;
        const labels = ((o.metadata as { labels?: Record<string, string> }).labels ?? {}) as Record<string, string>;
        return selector.split(',').every((kv) => labels[kv.split('=')[0]!] === kv.split('=')[1]);
      });
    if (items.length === 0 && !/\/(deployments|pods|services|daemonsets|statefulsets|gateways|httproutes)$/.test(path))
      return send(res, 404, { kind: 'Status', code: 404 });
    return send(res, 200, { kind: 'List', metadata: {}, items });
  }
  send(res, 405, {});
}

let kube: KubeOps;
let close: () => Promise<void>;
const execs: string[] = [];

beforeAll(async () => {
  seed();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handle(req, res, body));
  });
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false),
  });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      execs.push(req.url!);
      const command = new URL(req.url!, 'http://x').searchParams.getAll('command');
      const frame = (channel: number, text: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);
      const url = command.at(-1)!;
      if (url.includes('reset')) {
        ws.send(frame(1, '\n000'));
        ws.send(frame(2, 'curl: (56) Recv failure: Connection reset by peer\n'));
        ws.send(
          frame(
            3,
            JSON.stringify({
              status: 'Failure',
              reason: 'NonZeroExitCode',
              details: { causes: [{ reason: 'ExitCode', message: '56' }] },
            }),
          ),
        );
      } else {
        ws.send(frame(1, '{"ok":true}\n200'));
        ws.send(frame(3, JSON.stringify({ status: 'Success' })));
      }
      ws.close();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'atlas-kube-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: http://127.0.0.1:${port}
    insecure-skip-tls-verify: true
  name: fake
contexts:
- context:
    cluster: fake
    user: fake
  name: fake
current-context: fake
users:
- name: fake
  user:
    token: t
`,
  );
  kube = clientNodeKube(kubeconfig);
  close = () =>
    new Promise<void>((r) => {
      wss.close();
      server.close(() => r());
      server.closeAllConnections();
    });
});

afterAll(async () => close());

describe('clientNodeKube against a stand-in API server', () => {
  it('apply uses server-side apply with our field manager, forced, one PATCH per document', async () => {
    const n = await kube.apply(`apiVersion: v1
kind: Namespace
metadata:
  name: legacy
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
  namespace: bookinfo
spec: {}
`);
    expect(n).toBe(2);
    const patches = requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => new URL(p.url, 'http://x').pathname)).toEqual([
      '/api/v1/namespaces/legacy',
      '/apis/gateway.networking.k8s.io/v1/namespaces/bookinfo/httproutes/reviews',
    ]);
    for (const p of patches) {
      expect(p.contentType).toBe('application/apply-patch+yaml');
      const q = new URL(p.url, 'http://x').searchParams;
      expect(q.get('fieldManager')).toBe('ambient-atlas');
      expect(q.get('force')).toBe('true');
    }
  });

  it('rollout, unavailableDeployments and condition read the right fields', async () => {
    expect(await kube.rollout('Deployment', 'bookinfo', 'curl')).toEqual({ ready: 1, desired: 1 });
    expect(await kube.rollout('Deployment', 'bookinfo', 'nope')).toBeUndefined();
    expect(await kube.unavailableDeployments('bookinfo')).toEqual(['slow']);
    expect(await kube.condition('gateway.networking.k8s.io/v1', 'Gateway', 'bookinfo', 'waypoint', 'Programmed')).toBe(
      'True',
    );
    expect(await kube.condition('gateway.networking.k8s.io/v1', 'Gateway', 'bookinfo', 'missing', 'Programmed')).toBe(
      'missing',
    );
  });

  it('podsOf follows the Deployment selector', async () => {
    const pods = await kube.podsOf('bookinfo', 'curl');
    expect(pods).toEqual([
      {
        name: 'curl-abc',
        ip: '10.244.0.12',
        phase: 'Running',
        ready: true,
        annotations: { 'ambient.istio.io/redirection': 'enabled' },
        containers: ['curl'],
      },
    ]);
    expect(
      requests.some(
        (r) => r.url.includes('/api/v1/namespaces/bookinfo/pods?') && r.url.includes('labelSelector=app%3Dcurl'),
      ),
    ).toBe(true);
  });

  it('exec returns stdout, stderr and the exit code from the status channel', async () => {
    const ok = await kube.exec('bookinfo', 'curl-abc', 'curl', ['curl', '-sS', 'http://productpage:9080/'], 5_000);
    expect(ok).toEqual({ exitCode: 0, stdout: '{"ok":true}\n200', stderr: '' });
    const reset = await kube.exec('bookinfo', 'curl-abc', 'curl', ['curl', '-sS', 'http://reset:9080/'], 5_000);
    expect(reset.exitCode).toBe(56);
    expect(reset.stdout).toBe('\n000');
    expect(reset.stderr).toContain('Connection reset by peer');
    const q = new URL(execs[0]!, 'http://x').searchParams;
    expect(q.get('container')).toBe('curl');
    expect(q.getAll('command')).toEqual(['curl', '-sS', 'http://productpage:9080/']);
  });

  it('dump reads back what the simulator needs, skipping generated objects, server noise and missing CRDs', async () => {
    const text = await kube.dump(['bookinfo']);
    const objs = parseAllDocuments(text).map(
      (d) => d.toJS() as { kind: string; metadata: Record<string, unknown>; status?: unknown },
    );
    const names = objs.map((o) => `${o.kind}/${String(o.metadata.name)}`);
    expect(names).toContain('Namespace/bookinfo');
    expect(names).toContain('Deployment/curl');
    expect(names).toContain('Gateway/waypoint');
    expect(names).toContain('HTTPRoute/reviews');
    expect(names).not.toContain('Deployment/waypoint'); // owned by the Gateway: generated by istiod
    for (const o of objs) {
      expect(o.metadata.managedFields).toBeUndefined();
      expect(o.metadata.resourceVersion).toBeUndefined();
      if (o.kind !== 'Gateway') expect(o.status).toBeUndefined();
    }
    expect(objs.find((o) => o.kind === 'Gateway')!.status).toBeDefined();
  });
});
