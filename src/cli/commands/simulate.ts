import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseManifests } from '../../lib/model/index.ts';
import type { SourceInput } from '../../lib/model/index.ts';
import { formatText, simulate, SimulationInputError } from '../../lib/simulator/index.ts';
import { parseArgs } from '../args.ts';
import { CLUSTER_FLAGS, CLUSTER_HELP, clusterRequest } from '../cluster/flags.ts';
import type { CliIo, Command } from '../io.ts';
import { EXIT, readInputFile, readStdinLimited, UsageError } from '../io.ts';
import { VERSION_FLAGS, VERSION_HELP, versionsFromFlags } from '../versions.ts';
import { MESH_CONFIG_FLAGS, meshConfigFromFlag, meshConfigHelp } from '../mesh-config.ts';
import { versionRows } from '../../lib/versions.ts';
import type { Versions } from '../../lib/versions.ts';

export const help = `ambient-atlas simulate [--format text|json] -f <file|dir|->... --from <client> --to <destination> [request options]
       ambient-atlas simulate --cluster [--context NAME] [-n NS | -A] --from <client> --to <destination> [...]

Walk one request through the ambient dataplane (source ztunnel → waypoint? → destination ztunnel → pod) and
show every decision and the resource that made it.

  -f, --file PATH        manifests: a file, a directory (recursive .yaml/.yml) or - for stdin; repeatable
  --from NS/NAME         client workload (Deployment, StatefulSet, DaemonSet, Pod, WorkloadEntry), an ingress
                         Gateway (any class but istio-waypoint), or external (plaintext, no identity)
  --to HOST[:PORT]       Service (reviews, reviews.bookinfo, reviews.bookinfo.svc.cluster.local) or ServiceEntry host
  --to pod/NS/NAME[:PORT]  a pod addressed by IP (NAME may be its workload)
  --method M             HTTP method (GET)
  --path P               HTTP path, may include ?query (/)
  --header 'n: v'        request header; repeatable
  --jwt TOKEN            JWT sent as Authorization: Bearer
  --tcp                  a plain TCP connection: L4 policy only; at a waypoint TLSRoutes, then TCPRoutes, route it
  --root-namespace NS    mesh root namespace (default: the MeshConfig's, else istio-system)
${VERSION_HELP}
${meshConfigHelp(25)}
${CLUSTER_HELP}
  --format text|json     output (text, its first line naming the Istio and Gateway API versions; JSON: "istio", "gatewayApi")

A gRPC call is an HTTP request: --method POST --path /pkg.Service/Method --header 'content-type: application/grpc'
(GRPCRoutes and HTTPRoutes on the Service are ranked together at the waypoint).

Exit codes: 0 allowed, 1 denied / no route / error, 2 usage error (unknown client or destination).`;

async function collect(path: string, cwd: string, out: SourceInput[]): Promise<void> {
  const abs = resolve(cwd, path);
  let info;
  try {
    info = await stat(abs);
  } catch {
    throw new UsageError(`cannot read ${path}: no such file or directory`);
  }
  if (info.isDirectory()) {
    const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.isDirectory()) await collect(join(abs, e.name), cwd, out);
      else if (/\.ya?ml$/i.test(e.name)) {
        const file = relative(cwd, join(abs, e.name)) || e.name;
        out.push({ file, text: await readBytes(join(abs, e.name), file) });
      }
    }
  } else {
    out.push({ file: relative(cwd, abs) || path, text: await readBytes(abs, path) });
  }
}

async function readBytes(abs: string, shown: string): Promise<Uint8Array> {
  try {
    return await readInputFile(abs, shown);
  } catch (err) {
    if (err instanceof UsageError) throw err; // too large: its message names the file already
    throw new UsageError(`cannot read ${shown}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function loadInputs(paths: readonly string[], io: CliIo): Promise<SourceInput[]> {
  const inputs: SourceInput[] = [];
  for (const p of paths) {
    if (p === '-') inputs.push({ file: '-', text: await readStdinLimited(io) });
    else await collect(p, io.cwd, inputs);
  }
  return inputs;
}

export const run: Command = async (argv, io) => {
  const args = parseArgs(argv, {
    format: { type: 'string', default: 'text' },
    file: { type: 'string', short: 'f', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    method: { type: 'string' },
    path: { type: 'string' },
    header: { type: 'string', multiple: true },
    jwt: { type: 'string' },
    tcp: { type: 'boolean' },
    'root-namespace': { type: 'string' },
    ...VERSION_FLAGS,
    ...MESH_CONFIG_FLAGS,
    ...CLUSTER_FLAGS,
  });
  const v = args.values;
  const format = v.format;
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format must be text or json, not ${String(format)}`);
  const files = [...(v.file ?? []), ...args.positionals];
  const cluster = clusterRequest(v);
  if (!files.length && !cluster) throw new UsageError('give manifests with -f <file|dir|->, or --cluster');
  if (!v.from) throw new UsageError('--from NAMESPACE/NAME (or external) is required');
  if (!v.to) throw new UsageError('--to HOST[:PORT] or pod/NAMESPACE/NAME[:PORT] is required');
  if (v.tcp && (v.method || v.path || v.header?.length || v.jwt))
    throw new UsageError('--tcp cannot be combined with HTTP options (--method, --path, --header, --jwt)');
  const headers: Record<string, string> = {};
  for (const h of v.header ?? []) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header must look like 'name: value', not "${h}"`);
    headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  const versions = await versionsFromFlags(v, io.cwd);
  const meshConfig = await meshConfigFromFlag(v, io);
  const inputs = await loadInputs(files, io);
  if (cluster) {
    // Loaded only with --cluster (it brings @kubernetes/client-node); files given beside it are read too.
    const { readClusterInputs } = await import('../cluster/index.ts');
    inputs.push(...(await readClusterInputs(cluster, io, 'simulate')).inputs);
  }
  const { resources, issues } = parseManifests(inputs);
  for (const i of issues.filter((x) => x.severity === 'error'))
    io.stderr(`warning: ${i.file}:${i.range.line}:${i.range.column}: ${i.message}\n`);
  try {
    const result = await simulate(
      resources,
      {
        from: v.from,
        to: v.to,
        ...(v.method ? { method: v.method } : {}),
        ...(v.path ? { path: v.path } : {}),
        headers,
        ...(v.jwt !== undefined ? { jwt: v.jwt } : {}),
        ...(v.tcp ? { tcp: true } : {}),
      },
      {
        ...(v['root-namespace'] ? { rootNamespace: v['root-namespace'] } : {}),
        ...(meshConfig ? { meshConfig } : {}),
        ...versions,
      },
    );
    // §4.3 shape with the §4.5a versions after `version` (additions only).
    const { version, ...rest } = result;
    io.stdout(
      format === 'json'
        ? JSON.stringify({ version, ...versions, ...rest }, null, 2) + '\n'
        : answeredFor(versions) + formatText(result, io.color),
    );
    return result.verdict === 'allowed' ? EXIT.ok : EXIT.findings;
  } catch (err) {
    if (err instanceof SimulationInputError) throw new UsageError(err.message);
    throw err;
  }
};

/**
 * The first text line names the lines the answer holds for (JSON carries them as `istio` / `gatewayApi`): the same
 * manifests can answer differently on 1.30 and 1.31, so a pasted text trace must say which one it is.
 */
function answeredFor(versions: Versions): string {
  const rows = versionRows(versions);
  return `answering for Istio ${rows.istio.version} (${rows.istio.patch}) with Gateway API v${rows.gatewayApi.version} (CRDs ${rows.gatewayApi.bundle})\n`;
}
