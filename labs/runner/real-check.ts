// `lab check` on a cluster: each check of a step run for real (curl from the client pod, pod annotations, status
// conditions) and compared with the simulator fed the objects read back from the cluster, to say whether the
// learner's YAML or the cluster is at fault. Used by the kind path (check) and by existing clusters (checkWith).
import { ANNOTATION_SIDECAR_STATUS } from '../../src/lib/ambient/labels.ts';
import { gatewayDeploymentName } from '../../src/lib/ambient/waypoints.ts';
import { compareObserved } from '../../src/lib/expect/compare.ts';
import type { Mismatch } from '../../src/lib/expect/compare.ts';
import { buildMesh } from '../../src/lib/model/mesh.ts';
import { parseManifests } from '../../src/lib/model/parse.ts';
import type { LoadedLab } from '../load.ts';
import type { LabCheck, RequestCheck } from '../schema.ts';
import { simulateCheck } from './dry-run.ts';
import { identifyBackend } from './expect.ts';
import type { Observation } from './expect.ts';
import type { KubeOps, PodInfo } from './kube.ts';
import { describeCheck } from './plan.ts';
import { LabRunError, manifestText, waitForWorkloads } from './real.ts';
import type { RealDeps } from './real.ts';
import { stepStates } from './state.ts';
import { TIMEOUTS } from './versions.ts';
import type { Versions } from '../../src/lib/versions.ts';

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
  /** The Istio line the cluster runs, for the simulator (default 1.31; an existing cluster may run 1.30). */
  readonly versions?: Partial<Versions>;
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
  return checkWith(loaded, kube, deps, opts);
}

/** The checks against a reachable cluster through `kube` (kind or one the user already has). */
export async function checkWith(
  loaded: LoadedLab,
  kube: KubeOps,
  deps: Pick<RealDeps, 'engine' | 'out' | 'sleep' | 'now'>,
  opts: CheckOptions = {},
): Promise<RealCheckResult[]> {
  const { lab } = loaded;
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
      const reference = await simulateCheck(engine, states[n]!, c, opts.versions);
      const sim = await simulateCheck(engine, { resources: clusterResources }, c, opts.versions);
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
    const r = await kube.exec(ns, pod.name, appContainer(pod), cmd, 15_000);
    const parsed = parseCurl(r.stdout, r.exitCode);
    statuses.push(parsed.status);
    backends.push(parsed.status !== null ? identifyBackend(target.namespace, parsed.body) : undefined);
    if (parsed.status === null) errors.push(r.stderr.trim().split('\n').pop() ?? `curl exit ${r.exitCode}`);
  }
  const o: Observation = { samples, statuses, backends, errors };
  return { mismatches: compareObserved(c.expect, o) };
}

/**
 * The client's own container, not an injected sidecar's: the injector names it in the annotation
 * `kubectl.kubernetes.io/default-container` (istio/istio release-1.31 pkg/kube/inject/testdata/inject/*.injected),
 * which is also what `kubectl exec` picks.
 */
export function appContainer(pod: Pick<PodInfo, 'annotations' | 'containers'>): string {
  return (
    pod.annotations['kubectl.kubernetes.io/default-container'] ??
    pod.containers.find((c) => c !== 'istio-proxy') ??
    pod.containers[0] ??
    'curl'
  );
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
 * `namespace/name`, under the Service name Istio's gateway controller gives it (gatewayDeploymentName); curl calls
 * its first listener port.
 */
export function ingressServices(loaded: LoadedLab): (from: string) => IngressService | undefined {
  const found = new Map<string, IngressService>();
  for (const m of loaded.manifests.values()) {
    const resources = parseManifests({ file: m.file, text: m.text }).resources;
    const mesh = buildMesh(resources);
    for (const r of resources) {
      if (r.kind !== 'Gateway' || !r.apiVersion.startsWith('gateway.networking.k8s.io/') || !r.namespace) continue;
      if (mesh.waypoint(r.namespace, r.name)) continue;
      const port = (r.obj as { spec?: { listeners?: { port?: unknown }[] } }).spec?.listeners?.[0]?.port;
      found.set(`${r.namespace}/${r.name}`, {
        host: `${gatewayDeploymentName(r)}.${r.namespace}.svc.cluster.local`,
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
