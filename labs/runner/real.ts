// The real path: `lab up` (kind + Istio ambient + the lab setup), `lab check` (real requests compared with the
// simulator) and `lab down`. Every side effect goes through RealDeps, so the orchestration (order of actions,
// cleanup on failure and on signals, verdicts) is unit-tested with fakes; the fakes never stand in for a cluster
// anywhere else.
import { buildMesh } from '../../src/lib/model/mesh.ts';
import { ANNOTATION_SIDECAR_STATUS } from '../../src/lib/ambient/labels.ts';
import type { LoadedLab } from '../load.ts';
import type { LabCheck, RequestCheck } from '../schema.ts';
import type { ContainerLayer, Toolbox } from './docker.ts';
import { hostKubeconfig, isLocalHost, kindCreateScript, tail } from './docker.ts';
import type { LabEngine } from './engine.ts';
import { compareObserved } from '../../src/lib/expect/compare.ts';
import type { Mismatch } from '../../src/lib/expect/compare.ts';
import { identifyBackend } from './expect.ts';
import type { Observation } from './expect.ts';
import type { KubeOps } from './kube.ts';
import { simulateCheck } from './dry-run.ts';
import { describeCheck, upPlan } from './plan.ts';
import { stepStates } from './state.ts';
import { parseManifests } from '../../src/lib/model/parse.ts';
import { GATEWAY_API, ISTIO, TIMEOUTS, clusterName } from './versions.ts';

/** Files under labs/.state/<id>/ (kubeconfig, state.json). */
export interface StateStore {
  path(labId: string, name: string): string;
  read(labId: string, name: string): string | undefined;
  write(labId: string, name: string, content: string): void;
  removeAll(labId: string): void;
}

export interface SavedState {
  readonly labId: string;
  readonly cluster: string;
  readonly toolboxId: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly readyMs?: number;
}

export interface RealDeps {
  readonly containers: ContainerLayer;
  readonly kube: (kubeconfigPath: string) => KubeOps;
  readonly engine: () => Promise<LabEngine>;
  readonly state: StateStore;
  readonly out: (line: string) => void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Register a handler for SIGINT/SIGTERM; returns the unregister function. */
  readonly onSignal: (handler: (signal: string) => void) => () => void;
  readonly pid: number;
  /** Whether a process is alive (for `down` of a running `up`) and a way to signal it. */
  readonly signalProcess: (pid: number, signal: 'SIGTERM') => boolean;
  /** Print an "… still working" line this often during long actions (the CLI: 15 s; tests: never). */
  readonly heartbeatMs?: number;
}

export class LabRunError extends Error {
  override name = 'LabRunError';
}

/** A running lab cluster (what `up` returns to the e2e test and keeps alive for the CLI). */
export interface RunningLab {
  readonly kubeconfig: string;
  readonly readyMs: number;
  /** Idempotent: delete the cluster, stop the toolbox, remove the state. */
  cleanup(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------- up

export async function up(loaded: LoadedLab, deps: RealDeps): Promise<RunningLab> {
  const { lab } = loaded;
  // Before any output: without Docker the command must end with one line (NoDockerError → exit 3).
  await deps.containers.probe();
  const name = clusterName(lab.id);
  const t0 = deps.now();
  const file = (ref: string) => loaded.manifests.get(ref)?.file ?? ref;
  const plan = upPlan(lab, file);
  const total = plan.length;
  let toolbox: Toolbox | undefined;
  let toolboxStopped = false;
  const stopToolbox = async () => {
    if (!toolbox || toolboxStopped) return;
    toolboxStopped = true;
    await toolbox.stop().catch(() => undefined);
  };
  let cleaning: Promise<void> | undefined;
  const cleanup = async () => {
    cleaning ??= (async () => {
      deps.out(`cleanup: deleting kind cluster ${name}`);
      if (toolbox) await toolbox.sh(`kind delete cluster --name "${name}"`).catch(() => undefined);
      await deps.containers.removeKindNodes(name).catch(() => 0);
      await stopToolbox();
      deps.state.removeAll(lab.id);
      deps.out(`cleanup: done (${seconds(deps.now() - t0)})`);
    })();
    await cleaning;
    // A toolbox that finished starting after cleanup began (a signal during its start) is stopped here.
    await stopToolbox();
  };
  let interrupted: string | undefined;
  const unregister = deps.onSignal((signal) => {
    interrupted ??= signal;
    deps.out(`\n${signal}: stopping`);
    void cleanup();
  });
  let index = 0;
  const step = async <T>(id: string, fn: () => Promise<T>): Promise<T> => {
    if (interrupted) throw new LabRunError(`interrupted by ${interrupted}; the cluster was deleted`);
    const action = plan.find((a) => a.id === id)!;
    index++;
    const start = deps.now();
    deps.out(`[${index}/${total}] ${action.title} …`);
    const beat = deps.heartbeatMs
      ? setInterval(() => deps.out(`      … ${action.title}: ${seconds(deps.now() - start)} so far`), deps.heartbeatMs)
      : undefined;
    let result: T;
    try {
      result = await fn();
    } finally {
      if (beat) clearInterval(beat);
    }
    deps.out(
      `[${index}/${total}] ${action.title}: done in ${seconds(deps.now() - start)} (total ${seconds(deps.now() - t0)})`,
    );
    return result;
  };
  try {
    await step('docker', async () => undefined); // probed above
    toolbox = await step('toolbox', () => deps.containers.startToolbox(lab.id));
    const tb = toolbox;
    deps.state.write(lab.id, 'state.json', JSON.stringify(saved(lab.id, name, tb.id, deps), null, 2));
    const host = await deps.containers.dockerHost();
    await step('cluster', async () => {
      must(await tb.sh(kindCreateScript(name, !isLocalHost(host))), 'kind create cluster');
      await deps.containers.connectToKindNetwork(tb);
      must(
        await tb.sh(`kind get kubeconfig --name "${name}" --internal > /root/.kube/config`),
        'kind get kubeconfig --internal',
      );
    });
    const kubeconfigPath = await step('kubeconfig', async () => {
      const r = must(await tb.sh(`kind get kubeconfig --name "${name}"`), 'kind get kubeconfig');
      deps.state.write(lab.id, 'kubeconfig', hostKubeconfig(r.output, host));
      return deps.state.path(lab.id, 'kubeconfig');
    });
    const kube = deps.kube(kubeconfigPath);
    await step('gateway-api', async () => {
      must(await tb.sh(`kubectl apply --server-side -f "${GATEWAY_API.url}"`), 'install Gateway API CRDs');
    });
    await step('istio', async () => {
      must(
        await tb.sh(`istioctl install -y --set profile=${ISTIO.profile} --set hub=${ISTIO.hub}`),
        `istioctl install (${ISTIO.version})`,
      );
    });
    await step('istio-ready', async () => {
      await waitUntil(deps, TIMEOUTS.istio, 'istiod, istio-cni-node and ztunnel', async () => {
        const parts = await Promise.all([
          kube.rollout('Deployment', 'istio-system', 'istiod'),
          kube.rollout('DaemonSet', 'istio-system', 'istio-cni-node'),
          kube.rollout('DaemonSet', 'istio-system', 'ztunnel'),
        ]);
        return parts.every((p) => p && p.desired > 0 && p.ready >= p.desired);
      });
    });
    await step('setup', async () => {
      for (const ref of lab.setup) await kube.apply(manifestText(loaded, ref));
    });
    await step('workloads-ready', () => waitForWorkloads(loaded, lab.setup, kube, deps));
    if (interrupted) throw new LabRunError(`interrupted by ${interrupted}; the cluster was deleted`);
    const readyMs = deps.now() - t0;
    deps.state.write(lab.id, 'state.json', JSON.stringify({ ...saved(lab.id, name, tb.id, deps), readyMs }, null, 2));
    deps.out(`ready in ${seconds(readyMs)}: export KUBECONFIG=${kubeconfigPath}`);
    return {
      kubeconfig: kubeconfigPath,
      readyMs,
      cleanup: async () => {
        unregister();
        await cleanup();
      },
    };
  } catch (err) {
    unregister();
    if (interrupted) {
      // Whatever was running when the signal came (an exec in the stopped toolbox, say) fails; that is expected.
      await cleanup();
      throw new LabRunError(`interrupted by ${interrupted}; the cluster was deleted`);
    }
    deps.out(`failed: ${err instanceof Error ? err.message : String(err)}`);
    await cleanup();
    throw err;
  }
}

function saved(labId: string, cluster: string, toolboxId: string, deps: RealDeps): SavedState {
  return { labId, cluster, toolboxId, pid: deps.pid, startedAt: new Date(deps.now()).toISOString() };
}

function must<T extends { exitCode: number; output: string }>(r: T, what: string): T {
  if (r.exitCode !== 0) throw new LabRunError(`${what} failed (exit ${r.exitCode}):\n${tail(r.output)}`);
  return r;
}

function manifestText(loaded: LoadedLab, ref: string): string {
  const m = loaded.manifests.get(ref);
  if (!m) throw new LabRunError(`manifest ${ref} is not part of lab ${loaded.lab.id}`);
  return m.text;
}

/** Deployments available in the lab namespaces, and every waypoint Gateway in these manifests Programmed. */
async function waitForWorkloads(
  loaded: LoadedLab,
  refs: readonly string[],
  kube: KubeOps,
  deps: RealDeps,
): Promise<void> {
  await waitUntil(deps, TIMEOUTS.workloads, `Deployments in ${loaded.lab.namespaces.join(', ')}`, async () => {
    for (const ns of loaded.lab.namespaces) if ((await kube.unavailableDeployments(ns)).length > 0) return false;
    return true;
  });
  const gateways = refs.flatMap((ref) =>
    // The lab's own waypoints, as the mesh index recognises them (src/lib/ambient/waypoints.ts).
    buildMesh(parseManifests({ file: ref, text: manifestText(loaded, ref) }).resources).waypoints.map(
      (w) => w.resource,
    ),
  );
  for (const g of gateways) {
    await waitUntil(deps, TIMEOUTS.waypoint, `waypoint ${g.namespace}/${g.name} Programmed`, async () => {
      return (await kube.condition(g.apiVersion, 'Gateway', g.namespace, g.name, 'Programmed')) === 'True';
    });
  }
}

export async function waitUntil(
  deps: Pick<RealDeps, 'now' | 'sleep'>,
  timeoutMs: number,
  what: string,
  probe: () => Promise<boolean>,
): Promise<void> {
  const start = deps.now();
  let lastError: unknown;
  for (;;) {
    try {
      if (await probe()) return;
      lastError = undefined;
    } catch (err) {
      lastError = err; // the API server may not answer yet; keep polling until the deadline
    }
    if (deps.now() - start >= timeoutMs) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new LabRunError(`timed out after ${seconds(timeoutMs)} waiting for ${what}${why}`);
    }
    await deps.sleep(2_000);
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ------------------------------------------------------------------------------------------------------- check

export type Fault = 'none' | 'yaml' | 'cluster' | 'unknown';

export interface RealCheckResult {
  readonly step: number;
  readonly check: string;
  readonly ok: boolean;
  /** Who is at fault when the check fails: the learner's YAML (the simulator agrees with the cluster) or the cluster. */
  readonly fault: Fault;
  readonly real: readonly Mismatch[];
  readonly simulated: readonly Mismatch[];
  readonly detail?: string;
}

export interface CheckOptions {
  /** Only this step (1-based); default all steps. */
  readonly step?: number;
  /** Apply the reference solution of every step up to the checked one first. */
  readonly applySolution?: boolean;
  /** Extra attempts for a check the cluster fails (config reaches ztunnel and waypoints asynchronously). */
  readonly retries?: number;
}

async function withRetries(
  deps: Pick<RealDeps, 'sleep'>,
  retries: number,
  run: () => Promise<RealOutcome>,
): Promise<RealOutcome> {
  let r = await run();
  for (let i = 0; i < retries && (r.error || r.mismatches.length > 0); i++) {
    await deps.sleep(3_000);
    r = await run();
  }
  return r;
}

export async function check(loaded: LoadedLab, deps: RealDeps, opts: CheckOptions = {}): Promise<RealCheckResult[]> {
  const { lab } = loaded;
  await deps.containers.probe();
  const kubeconfig = deps.state.read(lab.id, 'kubeconfig');
  if (kubeconfig === undefined)
    throw new LabRunError(`no cluster for lab ${lab.id}: run \`ambient-atlas lab up ${lab.id}\` first`);
  const kube = deps.kube(deps.state.path(lab.id, 'kubeconfig'));
  try {
    await kube.rollout('Deployment', 'istio-system', 'istiod');
  } catch (err) {
    throw new LabRunError(
      `cannot reach the cluster of lab ${lab.id} (${err instanceof Error ? err.message : String(err)}); is \`ambient-atlas lab up ${lab.id}\` still running?`,
    );
  }
  const engine = await deps.engine();
  const last = opts.step ?? lab.steps.length;
  const first = opts.step ?? 1;
  if (opts.applySolution) {
    for (let n = 1; n <= last; n++) {
      const s = lab.steps[n - 1]!;
      for (const ref of s.apply) {
        deps.out(`apply ${loaded.manifests.get(ref)?.file ?? ref}`);
        await kube.apply(manifestText(loaded, ref));
      }
      for (const ref of s.remove) await kube.remove(manifestText(loaded, ref));
    }
    await waitForWorkloads(
      loaded,
      lab.steps.slice(0, last).flatMap((s) => s.apply),
      kube,
      deps,
    );
    await deps.sleep(5_000); // istiod pushes config to ztunnel and waypoints asynchronously
  }
  // What is really applied, read back from the cluster: the simulator's input for "is the YAML at fault?".
  const clusterYaml = await kube.dump(lab.namespaces);
  const clusterResources = parseManifests({ file: `cluster:${lab.id}`, text: clusterYaml }).resources;
  const states = stepStates(lab, (ref) => loaded.manifests.get(ref)!);
  const ingress = ingressServices(loaded);
  const results: RealCheckResult[] = [];
  for (let n = first; n <= last; n++) {
    const s = lab.steps[n - 1]!;
    deps.out(`step ${n}/${lab.steps.length}: ${s.title}`);
    // The lab's own reference state must satisfy its checks; if not, the lab definition is wrong, not the learner.
    for (const c of s.checks) {
      const reference = await simulateCheck(engine, states[n]!, c);
      const sim = await simulateCheck(engine, { resources: clusterResources }, c);
      const real = await withRetries(deps, opts.retries ?? 3, () => runRealCheck(kube, c, ingress));
      const ok = real.mismatches.length === 0 && !real.error;
      const fault: Fault = ok ? 'none' : real.error ? 'unknown' : !sim.ok ? 'yaml' : 'cluster';
      const r: RealCheckResult = {
        step: n,
        check: c.name,
        ok,
        fault,
        real: real.mismatches,
        simulated: sim.mismatches,
        ...(real.error ? { detail: real.error } : sim.error ? { detail: sim.error } : {}),
      };
      results.push(r);
      deps.out(`  ${ok ? 'ok  ' : 'FAIL'} ${c.name}: ${describeCheck(c)}`);
      for (const m of real.mismatches) deps.out(`       cluster: ${m.field} ${m.actual}, expected ${m.expected}`);
      if (real.error) deps.out(`       cluster: ${real.error}`);
      if (!ok) deps.out(`       ${faultLine(fault, sim.mismatches, sim.error)}`);
      else if (!sim.ok)
        deps.out(
          `       note: the cluster behaves as expected but the simulator predicts otherwise for the applied YAML (please report)`,
        );
      if (!reference.ok)
        deps.out(`       note: the lab's reference solution does not satisfy this check in the simulator (lab bug)`);
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  deps.out(
    `${failed === 0 ? 'PASS' : 'FAIL'}: ${results.length - failed}/${results.length} checks hold on the cluster`,
  );
  return results;
}

function faultLine(fault: Fault, sim: readonly Mismatch[], simError: string | undefined): string {
  if (fault === 'yaml') {
    const why = simError ?? sim.map((m) => `${m.field} ${m.actual} instead of ${m.expected}`).join('; ');
    return `your YAML: for the objects applied in the cluster the simulator also predicts ${why} — fix the manifests (see the hints)`;
  }
  if (fault === 'cluster')
    return 'the cluster: the applied YAML should pass (the simulator says so) — the mesh may not be ready or config not yet pushed; retry, then check istiod/ztunnel/waypoint logs';
  return 'could not run the check on the cluster (see above)';
}

interface RealOutcome {
  readonly mismatches: Mismatch[];
  readonly error?: string;
}

export async function runRealCheck(
  kube: KubeOps,
  c: LabCheck,
  ingress?: (from: string) => IngressService | undefined,
): Promise<RealOutcome> {
  switch (c.type) {
    case 'request':
      return runRealRequest(kube, c, ingress);
    case 'enrolment': {
      const [ns, name] = c.workload.split('/') as [string, string];
      const pods = await kube.podsOf(ns, name);
      if (pods.length === 0) return { mismatches: [], error: `no pods for ${c.workload}` };
      const modes = pods.map((p) =>
        p.annotations[ANNOTATION_SIDECAR_STATUS]
          ? 'sidecar'
          : p.annotations['ambient.istio.io/redirection'] === 'enabled'
            ? 'ambient'
            : 'none',
      );
      const bad = modes.filter((m) => m !== c.mode);
      return {
        mismatches: bad.length ? [{ field: 'verdict', expected: c.mode, actual: [...new Set(modes)].join(', ') }] : [],
      };
    }
    case 'resource': {
      const status = await kube.condition(c.apiVersion, c.kind, c.namespace, c.resourceName, c.condition ?? 'Accepted');
      if (status === 'missing') return { mismatches: [{ field: 'verdict', expected: 'exists', actual: 'missing' }] };
      if (c.condition && status !== 'True')
        return {
          mismatches: [
            { field: 'verdict', expected: `${c.condition}=True`, actual: `${c.condition}=${status ?? 'absent'}` },
          ],
        };
      return { mismatches: [] };
    }
  }
}

/** Sends the request with curl inside a pod of the client workload, `samples` times, and compares. */
export async function runRealRequest(
  kube: KubeOps,
  c: RequestCheck,
  ingress?: (from: string) => IngressService | undefined,
): Promise<RealOutcome> {
  // No lab uses plain-TCP checks yet; curl in the client image speaks HTTP, so say so rather than guess.
  if (c.tcp) return { mismatches: [], error: 'TCP checks run only in the simulator (no real TCP probe yet)' };
  const sender = c.sentFrom ?? c.from;
  const [ns, name] = sender.split('/') as [string, string];
  const pod = (await kube.podsOf(ns, name)).find((p) => p.phase === 'Running' && p.ready);
  if (!pod) return { mismatches: [], error: `no running pod for ${sender}` };
  const target = await resolveTarget(kube, c.to, c.from.split('/')[0]!);
  if ('error' in target) return { mismatches: [], error: target.error };
  let url = target.url;
  if (c.sentFrom) {
    // `from` is an ingress Gateway: curl in the sender pod calls the Gateway's Service, whose routes pick the backend.
    const gw = ingress?.(c.from);
    if (!gw) return { mismatches: [], error: `${c.from} is not an ingress Gateway of this lab` };
    url = `http://${gw.host}:${gw.port}`;
  }
  const cmd = curlCommand(c, url);
  const samples = c.samples ?? 1;
  const statuses: (number | null)[] = [];
  const backends: (string | undefined)[] = [];
  const errors: string[] = [];
  for (let i = 0; i < samples; i++) {
    const r = await kube.exec(ns, pod.name, pod.containers[0] ?? 'curl', cmd, 15_000);
    const parsed = parseCurl(r.stdout, r.exitCode);
    statuses.push(parsed.status);
    backends.push(parsed.status !== null ? identifyBackend(target.namespace, parsed.body) : undefined);
    if (parsed.status === null) errors.push(r.stderr.trim().split('\n').pop() ?? `curl exit ${r.exitCode}`);
  }
  const o: Observation = { samples, statuses, backends, errors };
  return { mismatches: compareObserved(c.expect, o) };
}

async function resolveTarget(
  kube: KubeOps,
  to: string,
  clientNs: string,
): Promise<{ url: string; namespace: string } | { error: string }> {
  const m = /^pod\/([^/]+)\/([^:]+)(?::(\d+))?$/.exec(to);
  if (m) {
    const [, ns, name, port] = m as unknown as [string, string, string, string | undefined];
    const pod = (await kube.podsOf(ns, name)).find((p) => p.ip);
    if (!pod?.ip) return { error: `no pod IP for ${ns}/${name}` };
    return { url: `http://${pod.ip}:${port ?? '80'}`, namespace: ns };
  }
  const [host, port] = to.split(':') as [string, string | undefined];
  const labels = host.split('.');
  return { url: `http://${host}${port ? `:${port}` : ''}`, namespace: labels.length > 1 ? labels[1]! : clientNs };
}

/** Where an ingress Gateway of the lab answers inside the cluster. */
export interface IngressService {
  readonly host: string;
  readonly port: number;
}

/**
 * The ingress Gateways in a lab's manifests (any Gateway the mesh index does not take for a waypoint), by
 * `namespace/name`. Istio's gateway controller names the Service `<name>-<gatewayClassName>` (istio.io
 * docs/tasks/traffic-management/ingress/gateway-api, "automated deployment"); curl calls its first listener port.
 */
export function ingressServices(loaded: LoadedLab): (from: string) => IngressService | undefined {
  const found = new Map<string, IngressService>();
  for (const m of loaded.manifests.values()) {
    const resources = parseManifests({ file: m.file, text: m.text }).resources;
    const mesh = buildMesh(resources);
    for (const r of resources) {
      if (r.kind !== 'Gateway' || !r.apiVersion.startsWith('gateway.networking.k8s.io/') || !r.namespace) continue;
      if (mesh.waypoint(r.namespace, r.name)) continue;
      const spec = (r.obj as { spec?: { gatewayClassName?: unknown; listeners?: { port?: unknown }[] } }).spec;
      const cls = typeof spec?.gatewayClassName === 'string' ? spec.gatewayClassName : 'istio';
      const port = spec?.listeners?.[0]?.port;
      found.set(`${r.namespace}/${r.name}`, {
        host: `${r.name}-${cls}.${r.namespace}.svc.cluster.local`,
        port: typeof port === 'number' ? port : 80,
      });
    }
  }
  return (from) => found.get(from);
}

/** curl prints the body, then a last line with the HTTP status (000 when there was no HTTP response). */
export function curlCommand(c: RequestCheck, baseUrl: string): string[] {
  const cmd = [
    'curl',
    '-sS',
    '--max-time',
    String(TIMEOUTS.request / 1000),
    '-o',
    '-',
    '-w',
    '\\n%{http_code}',
    '-X',
    c.method ?? 'GET',
  ];
  for (const [k, v] of Object.entries(c.headers ?? {})) cmd.push('-H', `${k}: ${v}`);
  if (c.jwt) cmd.push('-H', `Authorization: Bearer ${c.jwt}`);
  cmd.push(`${baseUrl}${c.path ?? '/'}`);
  return cmd;
}

export function parseCurl(stdout: string, exitCode: number): { status: number | null; body: string } {
  const cut = stdout.lastIndexOf('\n');
  const code = Number.parseInt(stdout.slice(cut + 1).trim(), 10);
  const body = cut >= 0 ? stdout.slice(0, cut) : '';
  // No HTTP response at all (reset, refused, timeout before headers): curl writes 000 and exits non-zero.
  if (!Number.isFinite(code) || code === 0) return { status: null, body };
  // Without -f curl exits 0 for any HTTP status; a status with a non-zero exit (body cut short) still counts.
  void exitCode;
  return { status: code, body };
}

// -------------------------------------------------------------------------------------------------------- down

export async function down(loaded: LoadedLab, deps: RealDeps): Promise<{ removed: number }> {
  const { lab } = loaded;
  const name = clusterName(lab.id);
  await deps.containers.probe();
  const raw = deps.state.read(lab.id, 'state.json');
  let removed = 0;
  if (raw) {
    const s = JSON.parse(raw) as SavedState;
    if (s.pid !== deps.pid && deps.signalProcess(s.pid, 'SIGTERM')) {
      deps.out(`sent SIGTERM to the running \`lab up\` (pid ${s.pid}); it deletes the cluster itself`);
      await deps.sleep(3_000);
    }
    if (await deps.containers.removeContainer(s.toolboxId)) removed++;
  }
  const nodes = await deps.containers.removeKindNodes(name);
  removed += nodes;
  deps.state.removeAll(lab.id);
  deps.out(
    nodes > 0 ? `deleted kind cluster ${name} (${nodes} node container(s))` : `no kind cluster ${name} was running`,
  );
  return { removed };
}
