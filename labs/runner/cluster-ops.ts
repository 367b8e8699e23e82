// ClusterOps over @kubernetes/client-node (Node only): the reads of the existing-cluster preflight and the
// labelled list/delete of `lab down --kubeconfig`. A call that gets no answer (or a refusal of the credentials)
// becomes ClusterUnreachableError, which the CLI turns into one line and exit 3.
import { ApiextensionsV1Api, AppsV1Api, CoreV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterOps, ObjectRef } from './existing.ts';
import { ClusterUnreachableError } from './existing.ts';
import { loadKubeConfig, statusCode } from './kube.ts';

/** A hang guard: an address that drops packets must not keep `lab up` waiting for minutes. */
const CALL_TIMEOUT_MS = 15_000;

export function clientNodeCluster(kubeconfig: string, context?: string): ClusterOps {
  const kc = loadKubeConfig(kubeconfig, context);
  const server = kc.getCurrentCluster()?.server ?? '(no server)';
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kc);

  /** Runs one API call; 404 resolves to `missing`, no answer or 401/403 throws ClusterUnreachableError. */
  async function call<T, M>(fn: () => Promise<T>, missing: M): Promise<T | M> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ClusterUnreachableError(`no answer from ${server} within ${CALL_TIMEOUT_MS / 1000} s`)),
        CALL_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([fn(), timeout]);
    } catch (err) {
      if (err instanceof ClusterUnreachableError) throw err;
      const code = statusCode(err);
      if (code === 404) return missing;
      if (code === 401 || code === 403)
        throw new ClusterUnreachableError(`the API server at ${server} refused the request (HTTP ${code})`);
      if (code === undefined)
        throw new ClusterUnreachableError(`cannot reach the API server at ${server}: ${why(err)}`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    server,
    async istiod() {
      const d = await call(() => apps.readNamespacedDeployment({ name: 'istiod', namespace: 'istio-system' }), null);
      if (!d) return undefined;
      const image = d.spec?.template?.spec?.containers?.[0]?.image;
      return { ...(image ? { image } : {}), labels: { ...d.spec?.template?.metadata?.labels, ...d.metadata?.labels } };
    },
    async daemonSetExists(namespace, name) {
      return (await call(() => apps.readNamespacedDaemonSet({ name, namespace }), null)) !== null;
    },
    async crdBundleVersion(name) {
      const crd = await call(() => ext.readCustomResourceDefinition({ name }), null);
      if (!crd) return null;
      return crd.metadata?.annotations?.['gateway.networking.k8s.io/bundle-version'] ?? '';
    },
    async namespaceLabels(name) {
      const ns = await call(() => core.readNamespace({ name }), null);
      return ns ? { ...ns.metadata?.labels } : undefined;
    },
    async listLabelled(kinds, selector) {
      const found: ObjectRef[] = [];
      for (const { apiVersion, kind } of kinds) {
        let token: string | undefined;
        do {
          const page = await call(
            () =>
              objects.list(
                apiVersion,
                kind,
                undefined,
                undefined,
                undefined,
                undefined,
                undefined,
                selector,
                500,
                token,
              ),
            null, // the kind's CRD is not installed: nothing of it to delete
          );
          if (!page) break;
          for (const o of page.items as KubernetesObject[]) {
            const name = o.metadata?.name;
            if (!name) continue;
            found.push({
              apiVersion,
              kind,
              name,
              ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
            });
          }
          token = page.metadata?._continue;
        } while (token);
      }
      return found;
    },
    async remove(ref) {
      const spec = {
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, namespace: ref.namespace },
      };
      return (await call(() => objects.delete(spec), null)) !== null;
    },
  };
}

function why(err: unknown): string {
  const e = err as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
  const cause = e?.cause?.code ?? e?.cause?.message;
  const msg = typeof e?.message === 'string' ? e.message.split('\n')[0]! : String(err);
  return typeof cause === 'string' && !msg.includes(cause) ? `${msg} (${cause})` : msg;
}
