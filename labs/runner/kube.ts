// Kubernetes operations of the real path, over @kubernetes/client-node 2 (Node only). Everything the runner needs
// from a cluster goes through KubeOps so unit tests can fake it; this file is exercised only with a real cluster.
import { Writable } from 'node:stream';
import { AppsV1Api, CoreV1Api, Exec, KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { KubernetesObject, V1Status } from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';

export interface PodInfo {
  readonly name: string;
  readonly ip: string | undefined;
  readonly phase: string | undefined;
  readonly ready: boolean;
  readonly annotations: Readonly<Record<string, string>>;
  readonly containers: readonly string[];
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KubeOps {
  /** Server-side apply of every document (field manager `ambient-atlas`, forced); returns the object count. */
  apply(yamlText: string): Promise<number>;
  /** Delete every object named in the documents; missing objects are fine. */
  remove(yamlText: string): Promise<number>;
  /** `ready/desired` for a Deployment or DaemonSet; undefined when it does not exist. */
  rollout(
    kind: 'Deployment' | 'DaemonSet',
    namespace: string,
    name: string,
  ): Promise<{ ready: number; desired: number } | undefined>;
  /** Names of the Deployments of a namespace that are not fully available yet. */
  unavailableDeployments(namespace: string): Promise<string[]>;
  /** Status of condition `type` on an object; 'missing' when the object does not exist. */
  condition(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
    type: string,
  ): Promise<string | undefined>;
  /** Pods of a Deployment (by its selector), or the pod of that name. */
  podsOf(namespace: string, workload: string): Promise<PodInfo[]>;
  exec(
    namespace: string,
    pod: string,
    container: string,
    command: readonly string[],
    timeoutMs: number,
  ): Promise<ExecResult>;
  /** The objects the simulator reads, from these namespaces (plus the root namespace), as multi-document YAML. */
  dump(namespaces: readonly string[]): Promise<string>;
}

export const FIELD_MANAGER = 'ambient-atlas';

/** Kinds `dump` reads back for the simulator. Generated objects (owned by a Gateway) are skipped. */
const DUMP_KINDS: readonly (readonly [string, string])[] = [
  ['v1', 'Service'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['gateway.networking.k8s.io/v1', 'Gateway'],
  ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
  ['security.istio.io/v1', 'AuthorizationPolicy'],
  ['security.istio.io/v1', 'RequestAuthentication'],
  ['security.istio.io/v1', 'PeerAuthentication'],
  ['networking.istio.io/v1', 'ServiceEntry'],
  ['networking.istio.io/v1', 'VirtualService'],
  ['networking.istio.io/v1', 'DestinationRule'],
];

export interface KubeOptions {
  /** A context of the kubeconfig other than its current one. */
  readonly context?: string;
  /** Labels added to every object `apply` writes (an existing cluster marks what a lab created). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Thrown for a kubeconfig that cannot be read or lacks the asked context (a usage error, not a cluster one). */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

/** Reads a kubeconfig file and selects `context` (default: its current context). */
export function loadKubeConfig(path: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (err) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === context))
      throw new KubeconfigError(
        `kubeconfig ${path} has no context "${context}" (it has: ${kc
          .getContexts()
          .map((c) => c.name)
          .join(', ')})`,
      );
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) throw new KubeconfigError(`kubeconfig ${path}: the current context names no cluster`);
  return kc;
}

/** A copy of `obj` with `labels` merged into metadata.labels. */
export function withLabels<T extends KubernetesObject>(obj: T, labels: Readonly<Record<string, string>>): T {
  return { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata?.labels, ...labels } } };
}

export function clientNodeKube(kubeconfigPath: string, options: KubeOptions = {}): KubeOps {
  const kc = loadKubeConfig(kubeconfigPath, options.context);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);

  const docs = (text: string): KubernetesObject[] =>
    parseAllDocuments(text)
      .map((d) => d.toJS() as KubernetesObject | null)
      .filter((o): o is KubernetesObject => !!o && typeof o === 'object' && !!o.kind);

  return {
    async apply(text) {
      let n = 0;
      for (const obj of docs(text)) {
        const o = options.labels ? withLabels(obj, options.labels) : obj;
        await objects.patch(o, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
        n++;
      }
      return n;
    },

    async remove(text) {
      let n = 0;
      for (const obj of docs(text)) {
        try {
          await objects.delete(obj);
          n++;
        } catch (err) {
          if (statusCode(err) !== 404) throw err;
        }
      }
      return n;
    },

    async rollout(kind, namespace, name) {
      try {
        if (kind === 'Deployment') {
          const d = await apps.readNamespacedDeployment({ name, namespace });
          return { ready: d.status?.availableReplicas ?? 0, desired: d.spec?.replicas ?? 1 };
        }
        const ds = await apps.readNamespacedDaemonSet({ name, namespace });
        const desired = ds.status?.desiredNumberScheduled ?? 0;
        return { ready: ds.status?.numberReady ?? 0, desired: desired || -1 };
      } catch (err) {
        if (statusCode(err) === 404) return undefined;
        throw err;
      }
    },

    async unavailableDeployments(namespace) {
      const list = await apps.listNamespacedDeployment({ namespace });
      return list.items
        .filter((d) => (d.status?.availableReplicas ?? 0) < (d.spec?.replicas ?? 1))
        .map((d) => d.metadata?.name ?? '?');
    },

    async condition(apiVersion, kind, namespace, name, type) {
      try {
        const o = (await objects.read({ apiVersion, kind, metadata: { name, namespace } })) as KubernetesObject & {
          status?: { conditions?: { type?: string; status?: string }[] };
        };
        return o.status?.conditions?.find((c) => c.type === type)?.status;
      } catch (err) {
        if (statusCode(err) === 404) return 'missing';
        throw err;
      }
    },

    async podsOf(namespace, workload) {
      let selector: string | undefined;
      try {
        const d = await apps.readNamespacedDeployment({ name: workload, namespace });
        const ml = d.spec?.selector?.matchLabels ?? {};
        selector = Object.entries(ml)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
      } catch (err) {
        if (statusCode(err) !== 404) throw err;
      }
      const pods = selector
        ? (await core.listNamespacedPod({ namespace, labelSelector: selector })).items
        : [await core.readNamespacedPod({ name: workload, namespace })];
      return pods
        .filter((p) => !p.metadata?.deletionTimestamp)
        .map((p) => ({
          name: p.metadata?.name ?? '?',
          ip: p.status?.podIP,
          phase: p.status?.phase,
          ready: (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
          annotations: p.metadata?.annotations ?? {},
          containers: (p.spec?.containers ?? []).map((c) => c.name),
        }));
    },

    exec: (namespace, pod, container, command, timeoutMs) =>
      execInPod(kc, namespace, pod, container, command, timeoutMs),
    dump: (namespaces) => dumpObjects(core, objects, namespaces),
  };
}

/** Runs a command in a container over the exec API; rejects after `timeoutMs` (a hung exec must not hang a check). */
function execInPod(
  kc: KubeConfig,
  namespace: string,
  pod: string,
  container: string,
  command: readonly string[],
  timeoutMs: number,
): Promise<ExecResult> {
  let stdout = '';
  let stderr = '';
  const sink = (onChunk: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        onChunk(chunk.toString('utf8'));
        cb();
      },
    });
  const exec = new Exec(kc);
  return new Promise<ExecResult>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`exec in ${namespace}/${pod} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    exec
      .exec(
        namespace,
        pod,
        container,
        [...command],
        sink((s) => (stdout += s)),
        sink((s) => (stderr += s)),
        null,
        false,
        (status: V1Status) => {
          clearTimeout(timer);
          resolve({ exitCode: exitCodeOf(status), stdout, stderr });
        },
      )
      .catch((err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      });
  });
}

/** The objects of DUMP_KINDS in these namespaces (and istio-system's policies), cleaned, as multi-document YAML. */
async function dumpObjects(
  core: CoreV1Api,
  objects: KubernetesObjectApi,
  namespaces: readonly string[],
): Promise<string> {
  const out: unknown[] = [];
  for (const ns of new Set([...namespaces, 'istio-system'])) {
    try {
      out.push(clean(await core.readNamespace({ name: ns }), 'v1', 'Namespace'));
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
    for (const [apiVersion, kind] of DUMP_KINDS) {
      if (ns === 'istio-system' && (kind === 'Deployment' || kind === 'DaemonSet' || kind === 'Service')) continue;
      let items: KubernetesObject[];
      try {
        items = (await objects.list(apiVersion, kind, ns)).items;
      } catch (err) {
        if (statusCode(err) === 404) continue; // CRD not installed
        throw err;
      }
      for (const item of items) {
        if ((item.metadata?.ownerReferences ?? []).some((o) => o.kind === 'Gateway')) continue;
        out.push(clean(item, apiVersion, kind));
      }
    }
  }
  return out.map((o) => stringify(o)).join('---\n');
}

/** Strip server-side noise; keep status only for Gateways (the mesh index reads waypoint readiness from it). */
function clean(o: object, apiVersion: string, kind: string): unknown {
  const copy = JSON.parse(JSON.stringify(o)) as Record<string, unknown> & { metadata?: Record<string, unknown> };
  copy.apiVersion = apiVersion;
  copy.kind = kind;
  if (copy.metadata) {
    for (const k of ['managedFields', 'resourceVersion', 'uid', 'generation', 'selfLink']) delete copy.metadata[k];
    const ann = copy.metadata.annotations as Record<string, string> | undefined;
    if (ann) delete ann['kubectl.kubernetes.io/last-applied-configuration'];
  }
  if (kind !== 'Gateway') delete copy.status;
  return copy;
}

export function statusCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; response?: { statusCode?: unknown } } | null;
  const c = e?.code ?? e?.statusCode ?? e?.response?.statusCode;
  return typeof c === 'number' ? c : undefined;
}

/** The exec status channel: Success, or Failure with the exit code in details.causes[reason=ExitCode]. */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const n = cause?.message ? Number.parseInt(cause.message, 10) : NaN;
  return Number.isFinite(n) ? n : 1;
}
