// `--cluster` for lint and simulate: connect with the kubeconfig, list the model's kinds read-only, and hand the
// commands one input per object. Loaded with `await import()` only when --cluster is given.
import { resolve } from 'node:path';
import type { CliIo } from '../io.ts';
import { MAX_STREAM_INPUT } from '../io.ts';
import type { ClusterRequest } from './flags.ts';
import { connect } from './kube.ts';
import { readCluster } from './read.ts';
import type { ClusterRead } from './read.ts';

/** Objects per page: kubectl's own chunk size (`--chunk-size`, default 500). */
export const PAGE_SIZE = 500;

/**
 * Read the cluster `request` names. Each kind that could not be listed (403, CRD absent) is one warning line on
 * stderr; unreachable clusters, refused credentials and bad kubeconfigs throw ClusterError (exit 2, one line).
 */
export async function readClusterInputs(request: ClusterRequest, io: CliIo, command: string): Promise<ClusterRead> {
  const target = await connect({
    ...(request.kubeconfig !== undefined ? { kubeconfig: resolve(io.cwd, request.kubeconfig) } : {}),
    ...(request.context !== undefined ? { context: request.context } : {}),
    // One page of 500 objects is a few MB; 64 MiB leaves room for fat objects without trusting the server.
    maxBodyBytes: 64 * 1024 * 1024,
    timeoutMs: 30_000,
  });
  const read = await readCluster(
    target,
    {
      ...(request.namespace !== undefined ? { namespace: request.namespace } : {}),
      allNamespaces: request.allNamespaces,
    },
    { pageSize: PAGE_SIZE, maxTotalBytes: MAX_STREAM_INPUT },
  );
  for (const w of read.warnings) io.stderr(`ambient-atlas ${command}: warning: ${w}\n`);
  return read;
}
