// The connection to a live cluster for `--cluster` (DESIGN §4.5b): the kubeconfig, the context and the
// credentials come from @kubernetes/client-node (loaded only when --cluster is given, so other runs never pay for
// it and the packed CLI works without it); the requests themselves are plain GETs made here, so the objects
// arrive exactly as the API server sent them. client-node's typed clients would turn timestamps into Date objects
// and drop fields their models do not know, which would hide exactly the mistakes `lint` looks for.
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { Agent as HttpAgent, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../io.ts';
import { missingOptionalPackage } from '../optional.ts';

/** A problem reaching or reading the cluster: exit 2 with this one line (DESIGN §4.2: usage or I/O error). */
export class ClusterError extends UsageError {}

export interface KubeTarget {
  /** The kubeconfig context in use (named in findings: `cluster://<context>/…`). */
  readonly context: string;
  readonly server: string;
  /** The context's namespace, else `default`: what kubectl lists without -n or -A. */
  readonly namespace: string;
  /** GET `path` (with its query); resolves with the status and the body, or rejects with a ClusterError. */
  get(path: string): Promise<{ status: number; body: string }>;
}

export interface ConnectOptions {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  /** Largest response body accepted (one page of a list). */
  readonly maxBodyBytes: number;
  /** Per request, in milliseconds. */
  readonly timeoutMs: number;
}

// Where client-node's loadFromDefault looks when nothing else is configured (in-cluster service account).
const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

type ClientNode = typeof import('@kubernetes/client-node');

async function loadClientNode(): Promise<ClientNode> {
  // client-node 2 (through undici) needs Node >= 22; on Node 20 its import fails with an uncaught error from a
  // module it loads on the side, so it is not even tried there.
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22)
    throw new ClusterError(
      `--cluster needs Node.js >= 22 (@kubernetes/client-node 2 does not run on ${process.versions.node})`,
    );
  try {
    return await import('@kubernetes/client-node');
  } catch (err) {
    // Absent: main() words the "install it" message. Present but unloadable (client-node 2 needs Node 22): say so.
    if (missingOptionalPackage(err)) throw err;
    throw new ClusterError(
      `--cluster needs @kubernetes/client-node, which did not load on Node ${process.versions.node} ` +
        `(${err instanceof Error ? err.message.split('\n')[0] : String(err)}); it needs Node >= 22.`,
    );
  }
}

/** The kubeconfig's current (or named) context, ready to GET. Throws ClusterError for a missing/bad kubeconfig. */
export async function connect(options: ConnectOptions): Promise<KubeTarget> {
  const k8s = await loadClientNode();
  const kc = new k8s.KubeConfig();
  try {
    if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else {
      // loadFromDefault falls back to http://localhost:8080 when it finds nothing; kubectl refuses instead.
      const env = process.env.KUBECONFIG;
      if (!env && !existsSync(join(homedir(), '.kube', 'config')) && !existsSync(IN_CLUSTER_TOKEN))
        throw new ClusterError('no kubeconfig found: set KUBECONFIG, create ~/.kube/config or pass --kubeconfig FILE');
      kc.loadFromDefault();
    }
  } catch (err) {
    if (err instanceof ClusterError) throw err;
    throw new ClusterError(`cannot load the kubeconfig: ${firstLine(err)}`);
  }
  const names = kc.getContexts().map((c) => c.name);
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context))
      throw new ClusterError(
        `no context "${options.context}" in the kubeconfig; it has: ${names.join(', ') || '(none)'}`,
      );
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  const ctx = kc.getContextObject(context);
  const cluster = kc.getCurrentCluster();
  if (!ctx || !cluster)
    throw new ClusterError(
      context
        ? `the kubeconfig's context "${context}" names no cluster`
        : `the kubeconfig has no current context; pick one with --context (${names.join(', ') || 'none defined'})`,
    );
  let base: URL;
  try {
    base = new URL(cluster.server);
  } catch {
    throw new ClusterError(`the cluster "${cluster.name}" has no valid server URL (${cluster.server})`);
  }
  const opts: RequestOptions = { headers: {} };
  try {
    // Certificates, bearer tokens, exec/OIDC plugins and proxies, as kubectl would use them.
    await kc.applyToHTTPSOptions(opts);
  } catch (err) {
    throw new ClusterError(`cannot use the credentials of context "${context}": ${firstLine(err)}`);
  }
  return {
    context,
    server: cluster.server,
    namespace: ctx.namespace || 'default',
    get: (path) => get(base, path, opts, options, context),
  };
}

function get(
  base: URL,
  path: string,
  opts: RequestOptions,
  limits: ConnectOptions,
  context: string,
): Promise<{ status: number; body: string }> {
  // A server URL may carry a path prefix (rancher, proxies): API paths go below it.
  const url = new URL(base.pathname.replace(/\/+$/, '') + path, base);
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  const where = `context "${context}", server ${base.origin}`;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        ...opts,
        ...(url.protocol === 'http:' ? { agent: opts.agent as HttpAgent | undefined } : {}),
        method: 'GET',
        headers: { ...opts.headers, Accept: 'application/json' },
        timeout: limits.timeoutMs,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > limits.maxBodyBytes) {
            req.destroy();
            reject(new ClusterError(`the API server (${where}) sent a response over ${limits.maxBodyBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) =>
          reject(new ClusterError(`reading from the cluster (${where}) failed: ${firstLine(err)}`)),
        );
      },
    );
    req.on('timeout', () => {
      req.destroy();
      reject(new ClusterError(`the cluster (${where}) did not answer within ${limits.timeoutMs / 1000} s`));
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(new ClusterError(`cannot reach the cluster (${where}): ${err.code ?? firstLine(err)}`)),
    );
    req.end();
  });
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
}
