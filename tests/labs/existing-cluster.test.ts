// `lab up|check|down LAB --kubeconfig FILE` against the stand-in API server (tests/support/stand-in-apiserver.ts in
// writable mode: objects in memory, server-side apply, delete, label selectors, pods/exec over WebSocket). The real
// client-node code talks HTTP to it; nothing in the runner is faked.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLabCommand, runLab } from '../../labs/runner/index.ts';
import { compareVersions, istioVersionOf, LAB_LABEL, requiredBundle } from '../../labs/runner/existing.ts';
import { startStandInApiServer } from '../support/stand-in-apiserver.ts';
import type { ExecCall, StandInApiServer, StandInResource } from '../support/stand-in-apiserver.ts';

const LAB = 'ambient-mtls';
type Obj = Record<string, unknown>;

function res(group: string, version: string, plural: string, kind: string, namespaced: boolean, items: Obj[] = []) {
  return { group, version, plural, kind, namespaced, items } satisfies StandInResource;
}

interface Cluster {
  istiodImage?: string | null;
  bundle?: string | null;
  namespaces?: Obj[];
  services?: Obj[];
}

/** A cluster with Istio ambient and Gateway API CRDs (by default 1.31.1 and v1.6.1), plus what `c` adds. */
function resources(c: Cluster = {}): StandInResource[] {
  const istiod =
    c.istiodImage === null
      ? []
      : [
          {
            metadata: { name: 'istiod', namespace: 'istio-system', labels: { app: 'istiod' } },
            spec: {
              template: {
                spec: { containers: [{ name: 'discovery', image: c.istiodImage ?? 'docker.io/istio/pilot:1.31.1' }] },
              },
            },
          },
        ];
  const crd = (name: string) => ({
    metadata: { name, annotations: { 'gateway.networking.k8s.io/bundle-version': c.bundle ?? 'v1.6.1' } },
  });
  const pod = (ns: string, app: string, ambient: boolean) => ({
    metadata: {
      name: `${app}-pod`,
      namespace: ns,
      labels: app === 'productpage' ? { app, version: 'v1' } : { app },
      annotations: ambient ? { 'ambient.istio.io/redirection': 'enabled' } : {},
    },
    spec: { containers: [{ name: app === 'curl' ? 'curl' : app }] },
    status: { phase: 'Running', podIP: '10.1.0.7', conditions: [{ type: 'Ready', status: 'True' }] },
  });
  return [
    res('', 'v1', 'namespaces', 'Namespace', false, [
      { metadata: { name: 'istio-system' } },
      { metadata: { name: 'team-a', labels: { team: 'a' } } },
      ...(c.namespaces ?? []),
    ]),
    res('', 'v1', 'services', 'Service', true, [
      { metadata: { name: 'keep', namespace: 'team-a' }, spec: { ports: [{ port: 80 }] } },
      ...(c.services ?? []),
    ]),
    res('', 'v1', 'serviceaccounts', 'ServiceAccount', true),
    res('', 'v1', 'pods', 'Pod', true, [
      pod('bookinfo', 'curl', true),
      pod('bookinfo', 'productpage', true),
      pod('legacy', 'curl', false),
    ]),
    res('apps', 'v1', 'deployments', 'Deployment', true, istiod),
    res('apps', 'v1', 'daemonsets', 'DaemonSet', true, [
      { metadata: { name: 'ztunnel', namespace: 'istio-system' } },
      { metadata: { name: 'istio-cni-node', namespace: 'istio-system' } },
    ]),
    res('apps', 'v1', 'statefulsets', 'StatefulSet', true),
    res(
      'apiextensions.k8s.io',
      'v1',
      'customresourcedefinitions',
      'CustomResourceDefinition',
      false,
      c.bundle === null ? [] : [crd('gateways.gateway.networking.k8s.io'), crd('httproutes.gateway.networking.k8s.io')],
    ),
    res('gateway.networking.k8s.io', 'v1', 'gateways', 'Gateway', true),
    res('gateway.networking.k8s.io', 'v1', 'httproutes', 'HTTPRoute', true),
    res('security.istio.io', 'v1', 'authorizationpolicies', 'AuthorizationPolicy', true),
    res('security.istio.io', 'v1', 'requestauthentications', 'RequestAuthentication', true),
    res('security.istio.io', 'v1', 'peerauthentications', 'PeerAuthentication', true),
    res('networking.istio.io', 'v1', 'serviceentries', 'ServiceEntry', true),
    res('networking.istio.io', 'v1', 'virtualservices', 'VirtualService', true),
    res('networking.istio.io', 'v1', 'destinationrules', 'DestinationRule', true),
  ];
}

let dir: string;
let server: StandInApiServer | undefined;
const execs: ExecCall[] = [];
let answer: (c: ExecCall) => { stdout: string; exitCode: number } = () => ({ stdout: '<html/>\n200', exitCode: 0 });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-existing-'));
  execs.length = 0;
  answer = () => ({ stdout: '<html/>\n200', exitCode: 0 });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function cluster(c: Cluster = {}): Promise<string> {
  server = await startStandInApiServer({
    resources: resources(c),
    writable: true,
    ready: true,
    exec: (call) => {
      execs.push(call);
      return answer(call);
    },
  });
  return server.kubeconfig(dir);
}

async function lab(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dry-run' || a === '--apply-solution') flags[a.slice(2)] = true;
    else if (a.startsWith('--')) flags[a.slice(2)] = argv[++i]!;
    else positionals.push(a);
  }
  let stdout = '';
  let stderr = '';
  const code = await runLab(
    parseLabCommand(positionals, flags),
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
    undefined,
    { sleep: async () => undefined },
  );
  return { code, stdout, stderr };
}

const labelsOf = (o: Obj) =>
  ((o.metadata as { labels?: Record<string, string> }).labels ?? {}) as Record<string, string>;
const nameOf = (o: Obj) => (o.metadata as { name: string }).name;
const writes = () => server!.requests.filter((r) => r.method !== 'GET');

// A hang guard only: each test takes seconds; a cluster call that never returns would otherwise stall the run.
describe('lab on an existing cluster (stand-in API server)', { timeout: 60_000 }, () => {
  it('stand-in API server: --dry-run prints the preflight and what would be created, and writes nothing', async () => {
    const kc = await cluster();
    const r = await lab('up', LAB, '--kubeconfig', kc, '--dry-run');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[dry run: nothing is written]');
    expect(r.stdout).toMatch(/ok {3}istiod .*Istio 1\.31\.1/);
    expect(r.stdout).toMatch(/ok {3}Gateway API CRD gateways\.gateway\.networking\.k8s\.io: bundle v1\.6\.1/);
    expect(r.stdout).toMatch(/create bookinfo: create, labelled ambient-atlas\.dev\/lab=ambient-mtls/);
    expect(r.stdout).toContain('Deployment bookinfo/productpage-v1');
    expect(writes()).toEqual([]);
  });

  it('stand-in API server: up creates the namespaces and objects, each labelled with the lab, and leaves others alone', async () => {
    const kc = await cluster();
    const r = await lab('up', LAB, '--kubeconfig', kc);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`ambient-atlas lab check ${LAB} --kubeconfig ${kc} --step 1`);
    const namespaces = server!.stored('v1/namespaces');
    for (const ns of ['bookinfo', 'legacy']) {
      const o = namespaces.find((n) => nameOf(n) === ns);
      expect(o && labelsOf(o)[LAB_LABEL], ns).toBe(LAB);
    }
    const created = [
      ...server!.stored('v1/services').filter((o) => nameOf(o) !== 'keep'),
      ...server!.stored('v1/serviceaccounts'),
      ...server!.stored('apps/v1/deployments').filter((o) => nameOf(o) !== 'istiod'),
    ];
    expect(created.length).toBe(7 + 7 + 9);
    for (const o of created) expect(labelsOf(o)[LAB_LABEL], nameOf(o)).toBe(LAB);
    expect(labelsOf(namespaces.find((n) => nameOf(n) === 'team-a')!)).toEqual({ team: 'a' });
    expect(writes().every((w) => w.method === 'PATCH')).toBe(true);
    // Running it again reuses what the lab created before.
    const again = await lab('up', LAB, '--kubeconfig', kc);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/reuse {2}bookinfo: exists, created by lab ambient-mtls/);
  });

  it('stand-in API server: up refuses to take over a namespace it did not create, and writes nothing', async () => {
    const kc = await cluster({ namespaces: [{ metadata: { name: 'bookinfo' } }] });
    const r = await lab('up', LAB, '--kubeconfig', kc);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/REFUSE bookinfo: exists and was not created by lab ambient-mtls/);
    expect(r.stderr).toMatch(/^ambient-atlas lab up: lab ambient-mtls will not run in namespace\(s\) bookinfo/);
    expect(writes()).toEqual([]);
  });

  it("stand-in API server: up refuses a namespace another lab created, naming that lab's down", async () => {
    const kc = await cluster({
      namespaces: [{ metadata: { name: 'legacy', labels: { [LAB_LABEL]: 'bypass-prevention' } } }],
    });
    const r = await lab('up', LAB, '--kubeconfig', kc);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /REFUSE legacy: exists and belongs to lab bypass-prevention: run `ambient-atlas lab down bypass-prevention/,
    );
    expect(writes()).toEqual([]);
  });

  it('stand-in API server: check runs curl in the client pods and passes; a reset fails and blames the cluster', async () => {
    const kc = await cluster();
    expect((await lab('up', LAB, '--kubeconfig', kc)).code).toBe(0);
    const ok = await lab('check', LAB, '--kubeconfig', kc, '--step', '1', '--apply-solution');
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('PASS: 5/5 checks hold on the cluster');
    expect(ok.stdout).toContain('cluster: Istio 1.31; the simulator answers for that line');
    expect(ok.code).toBe(0);
    expect(execs.map((e) => `${e.namespace}/${e.pod} ${e.command.at(-1)}`)).toEqual([
      'bookinfo/curl-pod http://productpage:9080/productpage',
      'legacy/curl-pod http://productpage.bookinfo:9080/productpage',
    ]);
    // What --apply-solution applied carries the label too.
    const ns = server!.stored('v1/namespaces').find((n) => nameOf(n) === 'bookinfo')!;
    expect(labelsOf(ns)).toMatchObject({ [LAB_LABEL]: LAB, 'istio.io/dataplane-mode': 'ambient' });
    answer = () => ({ stdout: '\n000', exitCode: 56 });
    const bad = await lab('check', LAB, '--kubeconfig', kc, '--step', '1');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('the cluster: the applied YAML should pass');
  });

  it('stand-in API server: check --dry-run reads the preflight and simulates the checks, writing and exec-ing nothing', async () => {
    const kc = await cluster();
    const r = await lab('check', LAB, '--kubeconfig', kc, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/preflight ok {3}istiod .*Istio 1\.31\.1/);
    expect(r.stdout).toMatch(/PASS: \d+\/\d+ checks hold in the simulator/);
    expect(writes()).toEqual([]);
    expect(execs).toEqual([]);
  });

  it('stand-in API server: check before up says to run up first', async () => {
    const kc = await cluster();
    const r = await lab('check', LAB, '--kubeconfig', kc);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not set up on this cluster.*lab up ambient-mtls --kubeconfig/);
    expect(execs).toEqual([]);
  });

  it('stand-in API server: down deletes only what carries the lab label; a pre-existing object stays', async () => {
    const kc = await cluster();
    expect((await lab('up', LAB, '--kubeconfig', kc)).code).toBe(0);
    const plan = await lab('down', LAB, '--kubeconfig', kc, '--dry-run');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('would delete Namespace bookinfo');
    expect(server!.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
    const r = await lab('down', LAB, '--kubeconfig', kc);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/removed \d+ object\(s\) labelled ambient-atlas\.dev\/lab=ambient-mtls/);
    expect(server!.stored('v1/namespaces').map(nameOf).sort()).toEqual(['istio-system', 'team-a']);
    expect(server!.stored('v1/services').map(nameOf)).toEqual(['keep']);
    expect(server!.stored('apps/v1/deployments').map(nameOf)).toEqual(['istiod']);
    const deleted = server!.requests.filter((q) => q.method === 'DELETE').map((q) => q.path);
    expect(deleted.some((p) => p.includes('team-a') || p.endsWith('/istiod'))).toBe(false);
    expect((await lab('down', LAB, '--kubeconfig', kc)).stdout).toContain('no object labelled');
  });

  it('stand-in API server: without Istio, up exits 1 naming the istioctl and Helm lines for the pinned version', async () => {
    const kc = await cluster({ istiodImage: null });
    const r = await lab('up', LAB, '--kubeconfig', kc);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL istiod \(Deployment istio-system\/istiod\): not found/);
    expect(r.stdout).toContain('istioctl install -y --set profile=ambient --set hub=docker.io/istio');
    expect(r.stdout).toContain('helm install istiod istio/istiod -n istio-system --version 1.31.1');
    expect(r.stdout).not.toContain('kubectl apply --server-side');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(writes()).toEqual([]);
  });

  it('stand-in API server: Gateway API CRDs too old for Istio 1.31 fail with the kubectl apply line; 1.30 accepts them', async () => {
    const kc = await cluster({ bundle: 'v1.5.1' });
    const r = await lab('up', LAB, '--kubeconfig', kc, '--dry-run');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /FAIL Gateway API CRD gateways\.gateway\.networking\.k8s\.io: bundle v1\.5\.1, but Istio 1\.31 needs ≥ 1\.6\.0/,
    );
    expect(r.stdout).toContain(
      'kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml',
    );
    expect(r.stdout).not.toContain('istioctl install');
    await server!.close();
    server = undefined;
    const kc130 = await cluster({ bundle: 'v1.5.1', istiodImage: 'docker.io/istio/pilot:1.30.3-distroless' });
    const ok = await lab('up', LAB, '--kubeconfig', kc130, '--dry-run');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Istio 1\.30\.3/);
  });

  it('stand-in API server: missing CRDs and an unsupported Istio line are named', async () => {
    const kc = await cluster({ bundle: null, istiodImage: 'docker.io/istio/pilot:1.29.2' });
    const r = await lab('up', LAB, '--kubeconfig', kc, '--dry-run');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Istio 1\.29\.2 is not supported here: the labs need 1\.30 or 1\.31/);
    expect(r.stdout).toMatch(/httproutes\.gateway\.networking\.k8s\.io: not installed/);
  });

  it('stand-in API server: unreachable cluster is one line on stderr and exit 3, with no stack trace', async () => {
    const kc = await cluster();
    // A port that just closed: nothing listens there.
    const probe = createServer();
    await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((ok) => probe.close(() => ok()));
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(kc, readFileSync(kc, 'utf8').replace(/server: .*/, `server: http://127.0.0.1:${port}`));
    for (const sub of ['up', 'check', 'down']) {
      const r = await lab(sub, LAB, '--kubeconfig', kc);
      expect(r.code, sub).toBe(3);
      expect(r.stdout, sub).toBe('');
      expect(r.stderr.trimEnd().split('\n'), sub).toHaveLength(1);
      expect(r.stderr).toMatch(/cannot reach the API server at http:\/\/127\.0\.0\.1:\d+/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('stand-in API server: a wrong token is refused in one line (exit 3); a missing context is a usage error', async () => {
    const kc = await cluster();
    const wrong = server!.kubeconfig(dir, { context: 'wrong', token: 'nope' });
    const r = await lab('up', LAB, '--kubeconfig', wrong);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/refused the request \(HTTP 401\)/);
    const ctx = await lab('up', LAB, '--kubeconfig', kc, '--context', 'missing');
    expect(ctx.code).toBe(2);
    expect(ctx.stderr).toMatch(/has no context "missing"/);
  });
});

describe('existing-cluster helpers', () => {
  it('reads the Istio version from the image tag, else from labels', () => {
    expect(istioVersionOf('docker.io/istio/pilot:1.31.1-distroless', {})).toBe('1.31.1');
    expect(istioVersionOf('gcr.example/pilot@sha256:abc', { 'app.kubernetes.io/version': '1.30.2' })).toBe('1.30.2');
    expect(istioVersionOf(undefined, { 'helm.sh/chart': 'istiod-1.31.0' })).toBe('1.31.0');
    expect(istioVersionOf('pilot:latest', {})).toBeUndefined();
  });

  it('needs the highest per-kind minimum of the Istio line', () => {
    expect(requiredBundle('1.31')).toBe('1.6.0');
    expect(requiredBundle('1.30')).toBe('1.5.0');
    expect(compareVersions('v1.6.1', '1.6.0')).toBe(1);
    expect(compareVersions('v1.5.1', '1.6.0')).toBe(-1);
  });

  it('--context needs --kubeconfig, and --kubeconfig takes one lab', () => {
    expect(() => parseLabCommand(['up', LAB], { context: 'x' })).toThrow(/--context needs --kubeconfig/);
    expect(() => parseLabCommand(['up', 'all'], { 'dry-run': true, kubeconfig: 'k' })).toThrow(/one LAB/);
  });
});
