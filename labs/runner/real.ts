// The kind path: `lab up` (kind + Istio ambient + the lab setup) and `lab down`; `lab check` is in real-check.ts. Every side effect goes through RealDeps, so the orchestration (order of actions,
// cleanup on failure and on signals, verdicts) is unit-tested with fakes; the fakes never stand in for a cluster
// anywhere else.
import { buildMesh } from '../../src/lib/model/mesh.ts';
import { parseManifests } from '../../src/lib/model/parse.ts';
import type { LoadedLab } from '../load.ts';
import type { ContainerLayer, Toolbox } from './docker.ts';
import { hostKubeconfig, isLocalHost, kindCreateScript, tail } from './docker.ts';
import type { LabEngine } from './engine.ts';
import type { KubeOps } from './kube.ts';
import { upPlan } from './plan.ts';
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

export function manifestText(loaded: LoadedLab, ref: string): string {
  const m = loaded.manifests.get(ref);
  if (!m) throw new LabRunError(`manifest ${ref} is not part of lab ${loaded.lab.id}`);
  return m.text;
}

/** Deployments available in the lab namespaces, and every waypoint Gateway in these manifests Programmed. */
export async function waitForWorkloads(
  loaded: LoadedLab,
  refs: readonly string[],
  kube: KubeOps,
  deps: Pick<RealDeps, 'now' | 'sleep'>,
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
