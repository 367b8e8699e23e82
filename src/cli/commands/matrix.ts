import { buildMesh } from '../../lib/model/mesh.ts';
import type { Mesh } from '../../lib/model/mesh.ts';
import { parseManifests } from '../../lib/model/index.ts';
import { buildMatrix, matrixHtml, matrixJson, matrixText } from '../../lib/whatif/index.ts';
import { parseArgs } from '../args.ts';
import type { CliIo, Command } from '../io.ts';
import { EXIT, UsageError } from '../io.ts';
import { versionsFromFlags } from '../versions.ts';
import { loadInputs } from './simulate.ts';
import { CLUSTER_FLAGS, CLUSTER_HELP, clusterRequest } from '../cluster/flags.ts';
import type { ClusterRequest } from '../cluster/flags.ts';

export const help = `ambient-atlas matrix -f <file|dir|->... [--format text|json|html] [--istio 1.30|1.31] [--gateway-api 1.5|1.6]

Every client workload (and ingress Gateway, and a caller outside the mesh) × every Service/ServiceEntry port, with
one request per distinct L7 condition the config mentions for that destination (AuthorizationPolicy methods,
paths, hosts, headers and request principals, RequestAuthentication issuers, route matches) plus a plain TCP
connection. Each cell is one simulator trace: verdict, status, where it was decided and by which resource.

  -f, --file PATH          manifests: a file, a directory (recursive .yaml/.yml) or - for stdin; repeatable
  --format text|json|html  text: a compact grid; json: every cell (DESIGN §4.5c); html: a self-contained report
  --istio 1.30|1.31        Istio line (default 1.31, or the config's)
  --gateway-api 1.5|1.6    Gateway API line (default: the one the Istio line is built on)
  --config FILE            config file (default: the nearest .ambient-atlas.yaml): istio, gatewayApi
  --max-requests N         HTTP requests per destination at most (32)
  --tcp-only               only the plain TCP connection per destination (L4 reachability)
  --root-namespace NS      mesh root namespace (istio-system)
${CLUSTER_HELP}

JWTs in the matrix are unsigned: a RequestAuthentication with jwksUri trusts them (as the simulator does), one
with an inline jwks rejects them with 401.

Exit codes: 0 the matrix was printed, 2 usage or I/O error.`;

/** Flags `matrix`, `diff` and `status` share. */
export const WHATIF_FLAGS = {
  format: { type: 'string' },
  istio: { type: 'string' },
  'gateway-api': { type: 'string' },
  config: { type: 'string' },
  'root-namespace': { type: 'string' },
} as const;

/** Read manifests into one mesh index; YAML errors are warnings on stderr (the rest of the input still counts). */
export async function meshOf(
  paths: readonly string[],
  io: CliIo,
  rootNamespace: string | undefined,
  cluster?: { readonly request: ClusterRequest; readonly command: string },
): Promise<Mesh> {
  const inputs = await loadInputs(paths, io);
  if (cluster) {
    // Loaded only with --cluster (it brings @kubernetes/client-node); files given beside it are read too.
    const { readClusterInputs } = await import('../cluster/index.ts');
    inputs.push(...(await readClusterInputs(cluster.request, io, cluster.command)).inputs);
  }
  const { resources, issues } = parseManifests(inputs);
  for (const i of issues.filter((x) => x.severity === 'error'))
    io.stderr(`warning: ${i.file}:${i.range.line}:${i.range.column}: ${i.message}\n`);
  return buildMesh(resources, rootNamespace ? { rootNamespace } : {});
}

export function formatOf<T extends string>(value: string | undefined, allowed: readonly T[]): T {
  const f = value ?? 'text';
  if (!(allowed as readonly string[]).includes(f))
    throw new UsageError(`--format must be one of ${allowed.join(', ')}, not ${f}`);
  return f as T;
}

export const run: Command = async (argv, io) => {
  const args = parseArgs(argv, {
    ...WHATIF_FLAGS,
    file: { type: 'string', short: 'f', multiple: true },
    'max-requests': { type: 'string' },
    'tcp-only': { type: 'boolean' },
    ...CLUSTER_FLAGS,
  });
  const v = args.values;
  const format = formatOf(v.format, ['text', 'json', 'html'] as const);
  const files = [...(v.file ?? []), ...args.positionals];
  const cluster = clusterRequest(v);
  if (!files.length && !cluster) throw new UsageError('give manifests with -f <file|dir|->, or --cluster');
  const max = v['max-requests'] === undefined ? undefined : Number(v['max-requests']);
  if (max !== undefined && !(Number.isInteger(max) && max >= 1))
    throw new UsageError(`--max-requests must be a whole number of at least 1, not ${v['max-requests']}`);
  const versions = await versionsFromFlags(v, io.cwd);
  const root = v['root-namespace'];
  const mesh = await meshOf(files, io, root, cluster ? { request: cluster, command: 'matrix' } : undefined);
  const m = await buildMatrix(mesh, {
    istio: versions.istio,
    gatewayApi: versions.gatewayApi,
    ...(root ? { rootNamespace: root } : {}),
    ...(max ? { maxRequests: max } : {}),
    ...(v['tcp-only'] ? { tcpOnly: true } : {}),
  });
  if (format === 'json') for (const chunk of matrixJson(m, versions)) io.stdout(chunk);
  else io.stdout(format === 'html' ? matrixHtml(m, versions) : matrixText(m, versions));
  return EXIT.ok;
};
