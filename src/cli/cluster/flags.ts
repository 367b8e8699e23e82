// The `--cluster` flags of lint and simulate (DESIGN §4.5b). Kept apart from the code that reads a cluster, which
// (with @kubernetes/client-node) loads only when --cluster is given.
import { UsageError } from '../io.ts';

export const CLUSTER_FLAGS = {
  cluster: { type: 'boolean' },
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
} as const;

export const CLUSTER_HELP = `  --cluster                  also read the objects from a live cluster, read-only (the kubeconfig's context)
  --context NAME             kubeconfig context to use (default: the current context)
  --kubeconfig FILE          kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)
  -n, --namespace NS         with --cluster: read this namespace (default: the context's namespace)
  -A, --all-namespaces       with --cluster: read every namespace`;

export interface ClusterRequest {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly allNamespaces: boolean;
}

/** The --cluster request, or undefined without --cluster. Cluster-only flags without --cluster are usage errors. */
export function clusterRequest(values: {
  readonly cluster?: boolean | string | undefined;
  readonly context?: boolean | string | undefined;
  readonly kubeconfig?: boolean | string | undefined;
  readonly namespace?: boolean | string | undefined;
  readonly 'all-namespaces'?: boolean | string | undefined;
}): ClusterRequest | undefined {
  const str = (v: boolean | string | undefined) => (typeof v === 'string' ? v : undefined);
  const namespace = str(values.namespace);
  const all = values['all-namespaces'] === true;
  if (values.cluster !== true) {
    const stray = (['context', 'kubeconfig', 'namespace', 'all-namespaces'] as const).find(
      (f) => values[f] !== undefined,
    );
    if (stray) throw new UsageError(`--${stray} is for --cluster; add --cluster to read a live cluster`);
    return undefined;
  }
  if (namespace !== undefined && all) throw new UsageError('give -n NAMESPACE or -A, not both');
  // A DNS-1123 label, as the API server requires: anything else cannot name a namespace and is not sent.
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace))
    throw new UsageError(`-n ${JSON.stringify(namespace.slice(0, 80))} is not a namespace name`);
  const context = str(values.context);
  const kubeconfig = str(values.kubeconfig);
  return {
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    ...(context !== undefined ? { context } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    allNamespaces: all,
  };
}
