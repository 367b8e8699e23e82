// `diff --cluster` (issue #20): the before side is a live cluster read read-only, the after side that state with
// --after files applied on top. Runs against the stand-in API server (tests/support/stand-in-apiserver.ts: real
// Kubernetes list shapes over node:http); no real cluster is involved, and the test names say so.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as diffRun } from '../../src/cli/commands/diff.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { UsageError } from '../../src/cli/io.ts';
import { startStandInApiServer } from '../support/stand-in-apiserver.ts';
import type { StandInApiServer, StandInResource } from '../support/stand-in-apiserver.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-diff-cluster-'));

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readStdin: async () => new Uint8Array(),
    cwd: dir,
    color: false,
  };
  let code: number;
  try {
    code = await diffRun(argv, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    code = 2;
    err += `${e.message}\n`;
  }
  return { code, out, err };
}

const meta = (namespace: string | undefined, name: string, extra: Record<string, unknown> = {}) => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: `uid-${name}`,
  resourceVersion: '7',
  creationTimestamp: '2026-12-01T00:00:00Z',
  ...extra,
});

const deployment = (name: string) => ({
  metadata: meta('shop', name),
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        serviceAccountName: name,
        containers: [{ name, image: `example/${name}:1`, ports: [{ containerPort: 8080 }] }],
      },
    },
  },
});

/** Two workloads in an ambient namespace; `cart` admits only `web` at its ztunnel; a waypoint not ready yet. */
function live(): StandInResource[] {
  return [
    {
      group: '',
      version: 'v1',
      plural: 'namespaces',
      kind: 'Namespace',
      namespaced: false,
      items: [{ metadata: meta(undefined, 'shop', { labels: { 'istio.io/dataplane-mode': 'ambient' } }) }],
    },
    {
      group: '',
      version: 'v1',
      plural: 'services',
      kind: 'Service',
      namespaced: true,
      items: ['cart', 'web'].map((n) => ({
        metadata: meta('shop', n),
        spec: { selector: { app: n }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      })),
    },
    {
      group: 'apps',
      version: 'v1',
      plural: 'deployments',
      kind: 'Deployment',
      namespaced: true,
      items: [deployment('cart'), deployment('web')],
    },
    {
      group: 'security.istio.io',
      version: 'v1',
      plural: 'authorizationpolicies',
      kind: 'AuthorizationPolicy',
      namespaced: true,
      items: [
        {
          metadata: meta('shop', 'cart-from-web'),
          spec: {
            selector: { matchLabels: { app: 'cart' } },
            action: 'ALLOW',
            rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }],
          },
        },
      ],
    },
    {
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      plural: 'gateways',
      kind: 'Gateway',
      namespaced: true,
      items: [
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: meta('shop', 'waypoint', { labels: { 'istio.io/waypoint-for': 'service' } }),
          spec: {
            gatewayClassName: 'istio-waypoint',
            listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
          },
          // istiod has not programmed it yet: a status without addresses is a waypoint that is not ready, so
          // nothing uses it (SEMANTICS §2; src/lib/ambient/waypoints.ts).
          status: { conditions: [{ type: 'Programmed', status: 'False', reason: 'Pending' }] },
        },
      ],
    },
  ];
}

let server: StandInApiServer;
let kubeconfig: string;

beforeAll(async () => {
  server = await startStandInApiServer({ resources: live(), maxPage: 2 });
  kubeconfig = server.kubeconfig(dir, { context: 'kind-shop', namespace: 'shop' });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

interface DiffJson {
  version: number;
  istio: string;
  gatewayApi: string;
  changed: { from: string; to: string; change: string; before: { verdict: string }; after: { verdict: string } }[];
  unchanged: number;
  causes: { kind: string; name: string; change: string; cells: number }[];
}

describe('diff --cluster against a stand-in API server', () => {
  it('the live cluster is the before side; an --after policy replaces the live one: the cells it opens are listed, GET only', async () => {
    server.requests.length = 0;
    const policy = file(
      'open-cart.yaml',
      `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: cart-from-web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: cart
  action: ALLOW
  rules:
    - from:
        - source:
            principals: ["cluster.local/ns/shop/sa/web", "cluster.local/ns/shop/sa/cart"]
`,
    );
    const r = await cli(['--cluster', '--kubeconfig', kubeconfig, '--after', policy, '--format', 'json']);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const d = JSON.parse(r.out) as DiffJson;
    // The file-vs-file JSON shape, nothing removed.
    expect(Object.keys(d)).toEqual(
      expect.arrayContaining(['version', 'istio', 'gatewayApi', 'changed', 'unchanged', 'causes']),
    );
    expect(d.changed.length).toBeGreaterThan(0);
    expect(d.changed.every((c) => c.from === 'shop/cart' && c.to.startsWith('cart.shop:'))).toBe(true);
    expect(d.changed.every((c) => c.change === 'opened')).toBe(true);
    // The policy is the one modified resource with cells; nothing else (the live objects) counts as changed.
    expect(d.causes.filter((c) => c.cells > 0).map((c) => `${c.kind}/${c.name}/${c.change}`)).toEqual([
      'AuthorizationPolicy/cart-from-web/modified',
    ]);
    expect(d.unchanged).toBeGreaterThan(0);
    expect(r.code).toBe(1); // --fail-on any (default)
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((q) => q.method === 'GET')).toBe(true);
  });

  it('a re-applied waypoint Gateway without status keeps its live status (apply never writes the status subresource)', async () => {
    const gw = file(
      'waypoint.yaml',
      `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: shop
  labels:
    istio.io/waypoint-for: service
spec:
  gatewayClassName: istio-waypoint
  listeners:
    - name: mesh
      port: 15008
      protocol: HBONE
---
apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
  labels:
    istio.io/use-waypoint: waypoint
spec:
  selector:
    app: cart
  ports:
    - name: http
      port: 80
      targetPort: 8080
`,
    );
    const r = await cli(['--cluster', '--kubeconfig', kubeconfig, '--after', gw, '--format', 'json']);
    const d = JSON.parse(r.out) as DiffJson;
    // The live waypoint is not programmed, and re-applying it does not change that: cart's traffic still goes
    // direct, so web keeps reaching cart. Had the file's missing status replaced the live one, the waypoint would
    // count as ready and web → cart would close (the destination ztunnel would see the waypoint's identity).
    expect(r.code).toBe(0);
    expect(d.changed.filter((c) => c.from === 'shop/web' && c.change === 'closed')).toEqual([]);
    expect(d.causes.map((c) => `${c.kind}/${c.name}/${c.change}`)).toContain('Service/cart/modified');
  });

  it('text output and --fail-on work as for files; an --after identical to the cluster changes nothing', async () => {
    const same = file(
      'same.yaml',
      `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: cart-from-web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: cart
  action: ALLOW
  rules:
    - from:
        - source:
            principals: ["cluster.local/ns/shop/sa/web"]
`,
    );
    const r = await cli(['--cluster', '--kubeconfig', kubeconfig, '-n', 'shop', '--after', same]);
    expect(r.out).toMatch(/^Istio 1\.31, Gateway API 1\.6: 0 cells changed/);
    expect(r.code).toBe(0);
  });

  it('usage errors: --before with --cluster, --cluster without --after, -n with -A, cluster flags without --cluster', async () => {
    const p = file('p.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n');
    const cases = [
      ['--cluster', '--kubeconfig', kubeconfig, '--before', p, '--after', p],
      ['--cluster', '--kubeconfig', kubeconfig],
      ['--cluster', '--kubeconfig', kubeconfig, '-n', 'shop', '-A', '--after', p],
      ['--context', 'kind-shop', '--before', p, '--after', p],
    ];
    for (const argv of cases) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
