// `lint --cluster` and `simulate --cluster` (DESIGN §4.5b, issue #18) against a stand-in API server
// (tests/support/stand-in-apiserver.ts: node:http serving real Kubernetes list shapes, `continue` tokens, 403 and
// 404 as Status objects). No real cluster is involved; the test names say so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as lintRun } from '../../src/cli/commands/lint.ts';
import { run as simulateRun } from '../../src/cli/commands/simulate.ts';
import type { CliIo, Command } from '../../src/cli/io.ts';
import { UsageError } from '../../src/cli/io.ts';
import type { Finding } from '../../src/lib/validator/index.ts';
import { startStandInApiServer } from '../support/stand-in-apiserver.ts';
import type { StandInApiServer, StandInResource } from '../support/stand-in-apiserver.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-cluster-'));

async function cli(command: Command, argv: string[]) {
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
    code = await command(argv, io);
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
  uid: `uid-${namespace ?? ''}-${name}`,
  resourceVersion: '1',
  creationTimestamp: '2026-12-01T00:00:00Z',
  managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }],
  ...extra,
});

const deployment = (ns: string, name: string, sa: string) => ({
  metadata: meta(ns, name),
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        serviceAccountName: sa,
        containers: [{ name, image: `example/${name}:1`, ports: [{ containerPort: 8080 }] }],
      },
    },
  },
  status: { replicas: 1 },
});

/** 30 services in `shop` (more than two pages of 12) and what a small ambient mesh needs around them. */
function resources(): StandInResource[] {
  const services = Array.from({ length: 30 }, (_, i) => ({
    metadata: meta('shop', `svc-${String(i).padStart(2, '0')}`),
    spec: { selector: { app: i === 0 ? 'cart' : `app-${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  }));
  return [
    {
      group: '',
      version: 'v1',
      plural: 'namespaces',
      kind: 'Namespace',
      namespaced: false,
      items: [
        { metadata: meta(undefined, 'shop', { labels: { 'istio.io/dataplane-mode': 'ambient' } }) },
        { metadata: meta(undefined, 'other') },
      ],
    },
    { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true, items: services },
    {
      group: '',
      version: 'v1',
      plural: 'pods',
      kind: 'Pod',
      namespaced: true,
      items: [
        // Owned by a ReplicaSet (owned by the Deployment): the Deployment stands for it.
        {
          metadata: meta('shop', 'cart-7d9f-abcde', {
            labels: { app: 'cart' },
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'cart-7d9f', uid: 'x', controller: true },
            ],
          }),
          spec: { serviceAccountName: 'cart', containers: [{ name: 'cart', image: 'example/cart:1' }] },
          status: { podIP: '10.244.0.7' },
        },
        // A bare pod: read as itself.
        {
          metadata: meta('shop', 'debug', { labels: { app: 'debug' } }),
          spec: { containers: [{ name: 'debug', image: 'example/debug:1' }] },
        },
      ],
    },
    {
      group: 'apps',
      version: 'v1',
      plural: 'deployments',
      kind: 'Deployment',
      namespaced: true,
      items: [deployment('shop', 'cart', 'cart'), deployment('shop', 'web', 'web')],
    },
    {
      group: 'apps',
      version: 'v1',
      plural: 'replicasets',
      kind: 'ReplicaSet',
      namespaced: true,
      items: [
        {
          ...deployment('shop', 'cart-7d9f', 'cart'),
          metadata: meta('shop', 'cart-7d9f', {
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', uid: 'y', controller: true }],
          }),
        },
      ],
    },
    {
      group: 'security.istio.io',
      version: 'v1',
      plural: 'authorizationpolicies',
      kind: 'AuthorizationPolicy',
      namespaced: true,
      items: [
        {
          metadata: meta('shop', 'cart-l7'),
          // L7 fields on a selector policy without a waypoint: ztunnel drops the rule (DENY-all for ALLOW).
          spec: { selector: { matchLabels: { app: 'cart' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] },
        },
      ],
    },
    // Listed, but the user may not (403 below).
    {
      group: 'security.istio.io',
      version: 'v1',
      plural: 'peerauthentications',
      kind: 'PeerAuthentication',
      namespaced: true,
      items: [],
    },
    {
      group: '',
      version: 'v1',
      plural: 'secrets',
      kind: 'Secret',
      namespaced: true,
      items: [{ metadata: meta('shop', 'token'), data: { token: 'c2VjcmV0' } }],
    },
  ];
}

let server: StandInApiServer;
let kubeconfig: string;

beforeAll(async () => {
  server = await startStandInApiServer({
    resources: resources(),
    forbidden: ['security.istio.io/v1/peerauthentications'],
    maxPage: 12,
  });
  kubeconfig = server.kubeconfig(dir, { context: 'kind-shop', namespace: 'shop' });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Report {
  resources: number;
  findings: Finding[];
}

describe('lint --cluster against a stand-in API server', () => {
  it('reads every page of each kind with GET only, names cluster://context/ns/Kind/name, warns once for a 403 and for each absent CRD', async () => {
    server.requests.length = 0;
    const r = await cli(lintRun, ['--cluster', '--kubeconfig', kubeconfig, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as Report;
    // 30 services over three pages, the shop Namespace (-n defaults to the context's namespace), 2 Deployments,
    // the bare Pod, the policy. Not the ReplicaSet or the Pod a Deployment owns; never the Secret.
    expect(report.resources).toBe(30 + 1 + 2 + 1 + 1);
    expect(server.requests.every((q) => q.method === 'GET')).toBe(true);
    expect(server.requests.some((q) => q.path.includes('secrets'))).toBe(false);
    const servicePages = server.requests.filter((q) => q.path === '/api/v1/namespaces/shop/services');
    expect(servicePages).toHaveLength(3);
    expect(servicePages.map((q) => q.query.continue === undefined)).toEqual([true, false, false]);
    expect(servicePages.every((q) => q.query.limit === '500')).toBe(true);
    // The Namespace is read by name; other namespaces' objects are not listed.
    expect(server.requests.find((q) => q.path === '/api/v1/namespaces')?.query.fieldSelector).toBe(
      'metadata.name=shop',
    );
    const l7 = report.findings.find((f) => f.resource?.name === 'cart-l7' && f.severity === 'error');
    expect(l7).toBeDefined();
    expect(l7!.file).toBe('cluster://kind-shop/shop/AuthorizationPolicy/cart-l7');
    // Lines of the rendered YAML: keys sorted as kubectl prints them, managedFields hidden.
    expect(l7!.line).toBeGreaterThan(1);
    const warnings = r.err.trim().split('\n');
    expect(warnings.filter((w) => /peerauthentications\.security\.istio\.io.*forbidden \(403\)/.test(w))).toHaveLength(
      1,
    );
    expect(warnings.filter((w) => /httproutes\.gateway\.networking\.k8s\.io.*404/.test(w))).toHaveLength(1);
    expect(warnings.every((w) => w.startsWith('ambient-atlas lint: warning: cannot list '))).toBe(true);
  });

  it('-A lists every namespace, cluster-wide paths; -n NS reads that namespace', async () => {
    server.requests.length = 0;
    const all = await cli(lintRun, ['--cluster', '--kubeconfig', kubeconfig, '-A', '--format', 'json']);
    expect((JSON.parse(all.out) as Report).resources).toBe(30 + 2 + 2 + 1 + 1);
    expect(server.requests.some((q) => q.path === '/api/v1/services')).toBe(true);
    expect(server.requests.some((q) => q.path.startsWith('/api/v1/namespaces/'))).toBe(false);
    server.requests.length = 0;
    const other = await cli(lintRun, ['--cluster', '--kubeconfig', kubeconfig, '-n', 'other', '--format', 'json']);
    expect(other.code).toBe(0);
    expect((JSON.parse(other.out) as Report).resources).toBe(1);
    expect(server.requests.some((q) => q.path === '/api/v1/namespaces/other/services')).toBe(true);
  });

  it('a finding on a cluster object points at the line of the rendered YAML that holds the field', async () => {
    const r = await cli(lintRun, ['--cluster', '--kubeconfig', kubeconfig, '--format', 'json', '--fail-on', 'never']);
    const f = (JSON.parse(r.out) as Report).findings.find((x) => x.path.startsWith('spec.rules[0].to[0]'));
    expect(f).toBeDefined();
    // apiVersion, kind, metadata and its 5 sorted keys (managedFields hidden), spec, rules, - to, - operation,
    // then `methods:` on line 13 at column 9, as `kubectl get authorizationpolicy cart-l7 -o yaml` prints it.
    expect(f).toMatchObject({ line: 13, column: 9 });
    expect(r.code).toBe(0);
  });

  it('usage and I/O errors: one line, exit 2, no stack (unknown context, unreachable cluster, refused token, stray flags)', async () => {
    const ctx = await cli(lintRun, ['--cluster', '--kubeconfig', kubeconfig, '--context', 'nope']);
    expect(ctx.code).toBe(2);
    expect(ctx.err).toMatch(/no context "nope" in the kubeconfig; it has: kind-shop/);
    const closed = await startStandInApiServer({ resources: [] });
    const deadConfig = closed.kubeconfig(dir, { context: 'gone' });
    await closed.close();
    const dead = await cli(lintRun, ['--cluster', '--kubeconfig', deadConfig]);
    expect(dead.code).toBe(2);
    expect(dead.err).toMatch(
      /^cannot reach the cluster \(context "gone", server http:\/\/127\.0\.0\.1:\d+\): ECONNREFUSED\n$/,
    );
    const badToken = server.kubeconfig(dir, { context: 'bad-token', token: 'wrong' });
    const refused = await cli(lintRun, ['--cluster', '--kubeconfig', badToken]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/refused the credentials of context "bad-token" \(401 Unauthorized\)/);
    for (const err of [ctx.err, dead.err, refused.err]) expect(err).not.toMatch(/\n\s+at /);
    const stray = await cli(lintRun, ['-n', 'shop', 'x.yaml']);
    expect(stray.code).toBe(2);
    expect(stray.err).toMatch(/--namespace is for --cluster/);
    const both = await cli(lintRun, ['--cluster', '-n', 'a', '-A']);
    expect(both.err).toMatch(/-n NAMESPACE or -A, not both/);
    const badNs = await cli(lintRun, ['--cluster', '-n', '../x']);
    expect(badNs.err).toMatch(/is not a namespace name/);
  });

  it('the real CLI process: exit 2 and one line when the kubeconfig file is missing', async () => {
    const r = await cli(lintRun, ['--cluster', '--kubeconfig', join(dir, 'missing-kubeconfig')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^cannot load the kubeconfig: /);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('simulate --cluster against a stand-in API server', () => {
  it('simulates over the objects read from the cluster', async () => {
    server.requests.length = 0;
    const r = await cli(simulateRun, [
      '--cluster',
      '--kubeconfig',
      kubeconfig,
      '--from',
      'shop/web',
      '--to',
      'svc-00.shop',
      '--format',
      'json',
    ]);
    const result = JSON.parse(r.out) as { verdict: string; deniedAt: string | null; decidedBy: { name: string } };
    // cart-l7 is an ALLOW whose only rule has an L7 field: ztunnel drops the rule and denies everything to cart.
    expect(result.verdict).toBe('denied');
    expect(result.deniedAt).toBe('ztunnel');
    expect(r.code).toBe(1);
    expect(server.requests.every((q) => q.method === 'GET')).toBe(true);
  });
});
