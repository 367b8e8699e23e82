// The real path's orchestration with a FAKE container layer and a FAKE Kubernetes API (unit tests only): order of
// actions, cleanup on failure and on signals, the one-line no-Docker exit, and who is blamed when a check fails.
// The real layers are exercised by real-cluster.e2e.test.ts when a Docker engine answers.
import { describe, expect, it } from 'vitest';
import { loadLabs } from '../../labs/load.ts';
import type { LoadedLab } from '../../labs/load.ts';
import type { ContainerLayer, Toolbox } from '../../labs/runner/docker.ts';
import { NoDockerError } from '../../labs/runner/errors.ts';
import { loadEngine } from '../../labs/runner/engine.ts';
import { runLab, parseLabCommand } from '../../labs/runner/index.ts';
import type { KubeOps, PodInfo } from '../../labs/runner/kube.ts';
import { down, LabRunError, up } from '../../labs/runner/real.ts';
import { check } from '../../labs/runner/real-check.ts';
import type { RealDeps, StateStore } from '../../labs/runner/real.ts';
import { stepStates } from '../../labs/runner/state.ts';

const labs = loadLabs();
const mtls = labs.find((l) => l.lab.id === 'ambient-mtls')!;
const canary = labs.find((l) => l.lab.id === 'canary-routing')!;

interface Fake {
  deps: RealDeps;
  calls: string[];
  files: Map<string, string>;
  lines: string[];
  signal: (name: string) => void;
  kube: FakeKube;
}

class FakeKube implements KubeOps {
  applied: string[] = [];
  removed: string[] = [];
  dumpYaml = '';
  conditions = new Map<string, string>();
  respond: (
    ns: string,
    pod: string,
    url: string,
    cmd: readonly string[],
  ) => { stdout: string; exitCode: number; stderr?: string } = () => ({
    stdout: '\n200',
    exitCode: 0,
  });
  enrolled: (ns: string) => boolean = (ns) => ns === 'bookinfo';
  private readonly log: string[];
  constructor(log: string[]) {
    this.log = log;
  }
  async apply(text: string) {
    this.applied.push(text);
    this.log.push('kube:apply');
    return 1;
  }
  async remove(text: string) {
    this.removed.push(text);
    return 1;
  }
  async rollout() {
    return { ready: 1, desired: 1 };
  }
  async unavailableDeployments() {
    return [];
  }
  async condition(_a: string, kind: string, ns: string, name: string, type: string) {
    return this.conditions.get(`${kind}/${ns}/${name}/${type}`) ?? 'True';
  }
  async podsOf(ns: string, workload: string): Promise<PodInfo[]> {
    const annotations: Record<string, string> = this.enrolled(ns) ? { 'ambient.istio.io/redirection': 'enabled' } : {};
    return [
      {
        name: `${workload}-pod`,
        ip: `10.0.0.${workload.length}`,
        phase: 'Running',
        ready: true,
        annotations,
        containers: ['main'],
      },
    ];
  }
  async exec(ns: string, pod: string, _container: string, cmd: readonly string[]) {
    const r = this.respond(ns, pod, cmd.at(-1)!, cmd);
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr ?? '' };
  }
  async dump() {
    return this.dumpYaml;
  }
}

function fake(opts: { docker?: boolean; failOn?: RegExp; time?: { step: number }; host?: string } = {}): Fake {
  const calls: string[] = [];
  const files = new Map<string, string>();
  const lines: string[] = [];
  let handlers: ((s: string) => void)[] = [];
  let clock = 0;
  const kube = new FakeKube(calls);
  const toolbox: Toolbox = {
    id: 'toolbox-1',
    async sh(script) {
      const tools = script
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /^(kind|kubectl|istioctl) /.test(l));
      calls.push(`sh:${tools.join(' && ') || script}`);
      if (opts.failOn?.test(script)) return { exitCode: 1, output: 'boom' };
      if (/kind get kubeconfig --name "[^"]+"$/.test(script))
        return { exitCode: 0, output: 'Some warning\napiVersion: v1\nkind: Config\n' };
      return { exitCode: 0, output: '' };
    },
    async stop() {
      calls.push('toolbox:stop');
    },
  };
  const containers: ContainerLayer = {
    async probe() {
      calls.push('probe');
      if (opts.docker === false) throw new NoDockerError('Could not find a working container runtime strategy');
    },
    async startToolbox() {
      calls.push('toolbox:start');
      return toolbox;
    },
    async connectToKindNetwork() {
      calls.push('network:kind');
    },
    async removeKindNodes(name) {
      calls.push(`nodes:remove:${name}`);
      return 1;
    },
    async dockerHost() {
      return opts.host ?? 'localhost';
    },
    async removeContainer(id) {
      calls.push(`container:remove:${id}`);
      return true;
    },
  };
  const state: StateStore = {
    path: (id, name) => `/state/${id}/${name}`,
    read: (id, name) => files.get(`${id}/${name}`),
    write: (id, name, content) => void files.set(`${id}/${name}`, content),
    removeAll: (id) => {
      calls.push(`state:remove:${id}`);
      for (const k of [...files.keys()]) if (k.startsWith(`${id}/`)) files.delete(k);
    },
  };
  const deps: RealDeps = {
    containers,
    kube: () => kube,
    engine: loadEngine,
    state,
    out: (l) => lines.push(l),
    now: () => (clock += opts.time?.step ?? 10),
    sleep: async () => undefined,
    onSignal: (h) => {
      handlers.push(h);
      return () => (handlers = handlers.filter((x) => x !== h));
    },
    pid: 100,
    signalProcess: (pid) => {
      calls.push(`signal:${pid}`);
      return true;
    },
  };
  return { deps, calls, files, lines, kube, signal: (s) => [...handlers].forEach((h) => h(s)) };
}

describe('lab up (fake containers)', () => {
  it('runs the plan in order, writes the kubeconfig, and cleans up everything on request', async () => {
    const f = fake();
    const running = await up(mtls, f.deps);
    expect(f.calls.slice(0, 3)).toEqual([
      'probe',
      'toolbox:start',
      'sh:kind create cluster --name "atlas-ambient-mtls" --image "kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0" --wait 180s',
    ]);
    const order = [
      'network:kind',
      'sh:kind get kubeconfig --name "atlas-ambient-mtls" --internal > /root/.kube/config',
      'sh:kind get kubeconfig --name "atlas-ambient-mtls"',
    ];
    expect(f.calls.slice(3, 6)).toEqual(order);
    expect(f.calls.findIndex((c) => c.includes('gateway-api'))).toBeLessThan(
      f.calls.findIndex((c) => c.includes('istioctl install')),
    );
    expect(f.calls.filter((c) => c === 'kube:apply')).toHaveLength(mtls.lab.setup.length);
    expect(f.files.get('ambient-mtls/kubeconfig')).toBe('apiVersion: v1\nkind: Config\n');
    expect(JSON.parse(f.files.get('ambient-mtls/state.json')!)).toMatchObject({
      toolboxId: 'toolbox-1',
      pid: 100,
      cluster: 'atlas-ambient-mtls',
    });
    expect(running.readyMs).toBeGreaterThan(0);
    expect(f.lines.some((l) => /^\[9\/9\] Wait for the workloads: done in/.test(l))).toBe(true);
    expect(f.lines.some((l) => l.startsWith('ready in '))).toBe(true);

    const before = f.calls.length;
    await running.cleanup();
    await running.cleanup(); // idempotent
    expect(f.calls.slice(before)).toEqual([
      'sh:kind delete cluster --name "atlas-ambient-mtls"',
      'nodes:remove:atlas-ambient-mtls',
      'toolbox:stop',
      'state:remove:ambient-mtls',
    ]);
    expect(f.files.size).toBe(0);
  });

  it('with a remote Docker engine, kind listens on all addresses and the kubeconfig points at the engine host', async () => {
    const f = fake({ host: '10.1.2.3' });
    await up(mtls, f.deps);
    expect(f.calls[2]).toMatch(/kind create cluster .* --config \/tmp\/kind\.yaml$/);
  });

  it('a failing install deletes the cluster and stops the toolbox before rejecting', async () => {
    const f = fake({ failOn: /istioctl install/ });
    await expect(up(mtls, f.deps)).rejects.toThrow(LabRunError);
    const i = f.calls.findIndex((c) => c.includes('istioctl install'));
    expect(f.calls.slice(i + 1)).toEqual([
      'sh:kind delete cluster --name "atlas-ambient-mtls"',
      'nodes:remove:atlas-ambient-mtls',
      'toolbox:stop',
      'state:remove:ambient-mtls',
    ]);
  });

  it('Ctrl-C (SIGINT) while up cleans up', async () => {
    const f = fake();
    const running = await up(mtls, f.deps);
    f.signal('SIGINT');
    await running.cleanup();
    expect(f.calls.filter((c) => c === 'toolbox:stop')).toHaveLength(1);
    expect(f.lines.some((l) => l.includes('SIGINT'))).toBe(true);
  });

  it('Ctrl-C before the cluster is ready stops at the next action and cleans up once', async () => {
    const f = fake();
    const startToolbox = f.deps.containers.startToolbox;
    const containers = {
      ...f.deps.containers,
      startToolbox: async (id: string) => {
        const tb = await startToolbox(id);
        f.signal('SIGINT'); // arrives while the toolbox is starting
        return tb;
      },
    };
    await expect(up(mtls, { ...f.deps, containers })).rejects.toThrow(/interrupted by SIGINT/);
    expect(f.calls.filter((c) => c.startsWith('sh:kind create'))).toEqual([]);
    expect(f.calls.filter((c) => c === 'toolbox:stop')).toHaveLength(1);
    expect(f.calls).toContain('state:remove:ambient-mtls');
    expect(f.calls).toContain('nodes:remove:atlas-ambient-mtls');
  });

  it('a signal during a long action turns the action\'s failure into a clean "interrupted"', async () => {
    const f = fake();
    const startToolbox = f.deps.containers.startToolbox;
    const containers = {
      ...f.deps.containers,
      startToolbox: async (id: string) => {
        const tb = await startToolbox(id);
        return {
          ...tb,
          sh: async (script: string) => {
            if (script.includes('istioctl install')) {
              f.signal('SIGTERM');
              throw new Error('exec stream closed'); // the toolbox was stopped under it
            }
            return tb.sh(script);
          },
        };
      },
    };
    await expect(up(mtls, { ...f.deps, containers })).rejects.toThrow(/interrupted by SIGTERM/);
    expect(f.lines.some((l) => l.startsWith('failed:'))).toBe(false);
    expect(f.calls).toContain('nodes:remove:atlas-ambient-mtls');
  });

  it('gives up waiting for the mesh after the timeout', async () => {
    const f = fake({ time: { step: 60_000 } });
    f.kube.rollout = async () => ({ ready: 0, desired: 1 });
    await expect(up(mtls, f.deps)).rejects.toThrow(/timed out .* waiting for istiod/);
    expect(f.calls).toContain('toolbox:stop');
  });

  it('waits for the setup waypoint to be Programmed', async () => {
    const f = fake({ time: { step: 60_000 } });
    f.kube.conditions.set('Gateway/bookinfo/waypoint/Programmed', 'False');
    await expect(up(canary, f.deps)).rejects.toThrow(/waypoint bookinfo\/waypoint Programmed/);
  });

  it('without Docker: no output, no container, NoDockerError', async () => {
    const f = fake({ docker: false });
    await expect(up(mtls, f.deps)).rejects.toThrow(NoDockerError);
    expect(f.lines).toEqual([]);
    expect(f.calls).toEqual(['probe']);
  });
});

describe('lab up|check|down through runLab without Docker', () => {
  it.each([['up'], ['check'], ['down']])('%s exits 3 with exactly one line on stderr', async (sub) => {
    const f = fake({ docker: false });
    let stdout = '';
    let stderr = '';
    const code = await runLab(
      parseLabCommand([sub, 'ambient-mtls'], {}),
      { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
      f.deps,
    );
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/Docker is required/);
    expect(stderr).toContain('--dry-run');
    expect(stderr).toContain('/labs/ambient-mtls/');
  });
});

/** The YAML of the lab's reference state after `step`, as `kube.dump` would return it from a correct cluster. */
function referenceYaml(l: LoadedLab, step: number): string {
  const states = stepStates(l.lab, (ref) => l.manifests.get(ref)!);
  return states[step]!.inputs.map((i) => String(i.text)).join('\n---\n');
}

describe('lab check (fake cluster)', () => {
  // ambient-mtls step 2: legacy/curl must be reset, bookinfo/curl allowed.
  const strictCluster = (ns: string) =>
    ns === 'legacy'
      ? { stdout: '\n000', exitCode: 56, stderr: 'curl: (56) Recv failure: Connection reset by peer' }
      : { stdout: '<html>\n200', exitCode: 0 };

  it('passes when the cluster answers as expected', async () => {
    const f = fake();
    await up(mtls, f.deps);
    f.kube.dumpYaml = referenceYaml(mtls, 2);
    f.kube.respond = (ns) => strictCluster(ns);
    const r = await check(mtls, f.deps, { step: 2 });
    expect(r.map((x) => [x.ok, x.fault])).toEqual([
      [true, 'none'],
      [true, 'none'],
    ]);
  });

  it("blames the learner's YAML when the simulator, fed the cluster's objects, agrees with the cluster", async () => {
    const f = fake();
    await up(mtls, f.deps);
    f.kube.dumpYaml = referenceYaml(mtls, 1); // STRICT PeerAuthentication never applied
    f.kube.respond = () => ({ stdout: '<html>\n200', exitCode: 0 });
    const r = await check(mtls, f.deps, { step: 2 });
    expect(r.map((x) => [x.check, x.ok, x.fault])).toEqual([
      [mtls.lab.steps[1]!.checks[0]!.name, true, 'none'],
      [mtls.lab.steps[1]!.checks[1]!.name, false, 'yaml'],
    ]);
    expect(f.lines.some((l) => l.includes('your YAML'))).toBe(true);
  });

  it('blames the cluster when the applied YAML should pass but the cluster answers otherwise', async () => {
    const f = fake();
    await up(mtls, f.deps);
    f.kube.dumpYaml = referenceYaml(mtls, 2);
    f.kube.respond = () => ({ stdout: '<html>\n200', exitCode: 0 });
    const r = await check(mtls, f.deps, { step: 2 });
    expect(r[1]).toMatchObject({ ok: false, fault: 'cluster' });
    expect(r[1]!.real.map((m) => m.field)).toEqual(['status']);
  });

  it('retries a failing check a few times before blaming anyone (config reaches the proxies asynchronously)', async () => {
    const f = fake();
    await up(mtls, f.deps);
    f.kube.dumpYaml = referenceYaml(mtls, 2);
    let calls = 0;
    f.kube.respond = (ns) =>
      ns === 'legacy' && ++calls <= 2 ? { stdout: '<html>\n200', exitCode: 0 } : strictCluster(ns);
    const r = await check(mtls, f.deps, { step: 2 });
    expect(r.map((x) => x.ok)).toEqual([true, true]);
    expect(calls).toBe(3);
    const g = fake();
    await up(mtls, g.deps);
    g.kube.dumpYaml = referenceYaml(mtls, 2);
    let n = 0;
    g.kube.respond = () => (n++, { stdout: '<html>\n200', exitCode: 0 });
    const bad = await check(mtls, g.deps, { step: 2, retries: 1 });
    expect(bad[1]!.ok).toBe(false);
    expect(n).toBe(1 + 2);
  });

  it('checks enrolment from the pod annotation and a Gateway condition', async () => {
    const f = fake();
    await up(mtls, f.deps);
    f.kube.dumpYaml = referenceYaml(mtls, 1);
    f.kube.enrolled = () => false;
    const r = await check(mtls, f.deps, { step: 1 });
    expect(r.filter((x) => !x.ok).map((x) => x.check)).toEqual([
      'productpage is captured by ztunnel',
      'the curl client is captured by ztunnel',
    ]);

    const g = fake();
    await up(canary, g.deps);
    g.kube.dumpYaml = referenceYaml(canary, 1);
    g.kube.conditions.set('Gateway/bookinfo/waypoint/Programmed', 'False');
    const samples: string[] = [];
    g.kube.respond = (_ns, _pod, url) => {
      samples.push(url);
      const v = samples.length % 10 === 0 ? 'red' : undefined;
      return {
        stdout: `{"id":"0","reviews":[{"rating":${v ? `{"stars":4,"color":"${v}"}` : 'null'}}]}\n200`.replace(
          '"rating":null',
          '"text":"x"',
        ),
        exitCode: 0,
      };
    };
    const rc = await check(canary, g.deps, { step: 1 });
    expect(rc.map((x) => x.ok)).toEqual([false, true]);
    expect(samples).toHaveLength(40);
  });

  it('--apply-solution applies every step up to N in order, then checks', async () => {
    const f = fake();
    await up(mtls, f.deps);
    const before = f.kube.applied.length;
    f.kube.dumpYaml = referenceYaml(mtls, 2);
    f.kube.respond = (ns) => strictCluster(ns);
    await check(mtls, f.deps, { step: 2, applySolution: true });
    expect(f.kube.applied.slice(before)).toEqual([
      mtls.manifests.get('manifests/enrol-namespace.yaml')!.text,
      mtls.manifests.get('manifests/strict-mtls.yaml')!.text,
    ]);
  });

  it('says when the cluster of a stale state does not answer', async () => {
    const f = fake();
    await up(mtls, f.deps);
    f.kube.rollout = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:41234');
    };
    await expect(check(mtls, f.deps)).rejects.toThrow(/cannot reach the cluster of lab ambient-mtls .*still running/);
  });

  it('asks for `lab up` when there is no cluster', async () => {
    const f = fake();
    await expect(check(mtls, f.deps)).rejects.toThrow(/lab up ambient-mtls/);
  });
});

describe('lab down (fake containers)', () => {
  it('signals a running up, removes the toolbox and the kind nodes, and the state', async () => {
    const f = fake();
    f.files.set(
      'ambient-mtls/state.json',
      JSON.stringify({ pid: 4242, toolboxId: 'tb-9', cluster: 'atlas-ambient-mtls' }),
    );
    f.files.set('ambient-mtls/kubeconfig', 'x');
    const r = await down(mtls, f.deps);
    expect(f.calls).toEqual([
      'probe',
      'signal:4242',
      'container:remove:tb-9',
      'nodes:remove:atlas-ambient-mtls',
      'state:remove:ambient-mtls',
    ]);
    expect(r.removed).toBe(2);
    expect(f.files.size).toBe(0);
  });

  it('still removes leftover kind nodes when no state exists', async () => {
    const f = fake();
    await down(mtls, f.deps);
    expect(f.calls).toEqual(['probe', 'nodes:remove:atlas-ambient-mtls', 'state:remove:ambient-mtls']);
  });
});

describe('requests from an ingress Gateway (fake cluster)', () => {
  const ingressLab = labs.find((l) => l.lab.id === 'ingress-use-waypoint')!;
  const gwCheck = ingressLab.lab.steps[0]!.checks.find((c) => c.type === 'request' && c.sentFrom)!;

  it('curl runs in the sentFrom pod and calls the Gateway Service named <gateway>-<class>', async () => {
    const { ingressServices, runRealRequest } = await import('../../labs/runner/real-check.ts');
    const kube = new FakeKube([]);
    const seen: string[] = [];
    kube.respond = (ns, pod, url) => {
      seen.push(`${ns}/${pod} ${url}`);
      return { stdout: '\n200', exitCode: 0 };
    };
    if (gwCheck.type !== 'request') throw new Error('expected a request check');
    const r = await runRealRequest(kube, gwCheck, ingressServices(ingressLab));
    expect(r).toEqual({ mismatches: [] });
    expect(seen).toEqual(['legacy/curl-pod http://bookinfo-gateway-istio.ingress.svc.cluster.local:80/reviews/0']);
  });

  it('says so when `from` is not an ingress Gateway of the lab', async () => {
    const { runRealRequest } = await import('../../labs/runner/real-check.ts');
    if (gwCheck.type !== 'request') throw new Error('expected a request check');
    const r = await runRealRequest(new FakeKube([]), gwCheck, () => undefined);
    expect(r.error).toMatch(/not an ingress Gateway/);
  });
});

describe('the container curl runs in', () => {
  it("is the app's, not istio-proxy, in a sidecar-injected pod", async () => {
    const { appContainer } = await import('../../labs/runner/real-check.ts');
    expect(appContainer({ annotations: {}, containers: ['istio-proxy', 'curl'] })).toBe('curl');
    expect(
      appContainer({
        annotations: { 'kubectl.kubernetes.io/default-container': 'app' },
        containers: ['istio-proxy', 'app', 'x'],
      }),
    ).toBe('app');
    expect(appContainer({ annotations: {}, containers: ['main'] })).toBe('main');
  });
});
