import { objectKey } from '../../lib/ambient/identity.ts';
import { buildMesh } from '../../lib/model/mesh.ts';
import type { Mesh } from '../../lib/model/mesh.ts';
import { parseManifests } from '../../lib/model/index.ts';
import type { JsonObject, Resource } from '../../lib/model/types.ts';
import { diffJson, diffMarkdown, diffMeshes, diffText, failsOn } from '../../lib/whatif/index.ts';
import { parseArgs } from '../args.ts';
import type { CliIo, Command } from '../io.ts';
import { EXIT, UsageError } from '../io.ts';
import { versionsFromFlags } from '../versions.ts';
import { CLUSTER_FLAGS, CLUSTER_HELP, clusterRequest } from '../cluster/flags.ts';
import type { ClusterRequest } from '../cluster/flags.ts';
import { formatOf, meshOf, WHATIF_FLAGS } from './matrix.ts';
import { loadInputs } from './simulate.ts';

export const help = `ambient-atlas diff --before <file|dir|->... --after <file|dir|->... [--format text|json|markdown] [--fail-on opened|closed|any|never]
       ambient-atlas diff --cluster [--context NAME] [-n NS | -A] --after <file|dir|->... [options]

The reachability matrix of both sides (see \`ambient-atlas matrix\`) and every cell whose verdict, status,
deciding resource or backends changed, grouped by cause: the policy, route, label or workload that changed. Only
cells that something changed can reach are traced again; the rest are copied from the "before" side.

  --before PATH                 manifests before the change: file, directory or -; repeatable
  --after PATH                  manifests after the change; repeatable
  --format text|json|markdown   markdown is meant for a pull-request comment
  --fail-on opened|closed|any|never
                                exit 1 when a cell opened (not allowed → allowed), closed (allowed → not
                                allowed), anything changed (default: any), or never
  --istio 1.30|1.31             Istio line (default 1.31, or the config's)
  --gateway-api 1.5|1.6         Gateway API line (default: the one the Istio line is built on)
  --config FILE                 config file (default: the nearest .ambient-atlas.yaml): istio, gatewayApi
  --root-namespace NS           mesh root namespace (istio-system)
${CLUSTER_HELP}
                             with --cluster the before side is the live cluster (read-only) and the after side
                             is that state with the --after files applied on top, as kubectl apply would:
                             an object of the same kind, namespace and name is replaced, and keeps its live
                             status when the file has none (status is a subresource apply does not touch)

Exit codes: 0 nothing that --fail-on names changed, 1 it did, 2 usage or I/O error.`;

const FAIL_ON = ['opened', 'closed', 'any', 'never'] as const;

export const run: Command = async (argv, io) => {
  const args = parseArgs(argv, {
    ...WHATIF_FLAGS,
    before: { type: 'string', multiple: true },
    after: { type: 'string', multiple: true },
    'fail-on': { type: 'string' },
    ...CLUSTER_FLAGS,
  });
  const v = args.values;
  const format = formatOf(v.format, ['text', 'json', 'markdown'] as const);
  const failOn = v['fail-on'] ?? 'any';
  if (!(FAIL_ON as readonly string[]).includes(failOn))
    throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not ${failOn}`);
  if (args.positionals.length)
    throw new UsageError(`unexpected ${args.positionals[0]}: name the two sides with --before and --after`);
  const cluster = clusterRequest(v);
  if (cluster && v.before?.length)
    throw new UsageError('with --cluster the before side is the live cluster: give only --after <file|dir>');
  if (cluster && !v.after?.length) throw new UsageError('give the change to try on the cluster: --after <file|dir>');
  if (!cluster && (!v.before?.length || !v.after?.length))
    throw new UsageError('give both sides: --before <file|dir> --after <file|dir>');
  if ([...(v.before ?? []), ...v.after!].filter((p) => p === '-').length > 1)
    throw new UsageError('- (stdin) can be given only once');
  const versions = await versionsFromFlags(v, io.cwd);
  const root = v['root-namespace'];
  const { before, after } = cluster
    ? await clusterSides(cluster, v.after!, io, root)
    : { before: await meshOf(v.before!, io, root), after: await meshOf(v.after!, io, root) };
  const d = await diffMeshes(before, after, {
    istio: versions.istio,
    gatewayApi: versions.gatewayApi,
    ...(root ? { rootNamespace: root } : {}),
  });
  io.stdout(
    format === 'json'
      ? diffJson(d, versions)
      : format === 'markdown'
        ? diffMarkdown(d, versions)
        : diffText(d, versions),
  );
  return failsOn(d, failOn as (typeof FAIL_ON)[number]) ? EXIT.findings : EXIT.ok;
};

/**
 * `--cluster`: the live objects (read once, GET only) and the same objects with the --after files applied on top.
 * Both sides are parsed in one pass so every object keeps one creation-order position; buildMesh's lastWins then
 * replaces a live object by the file's version in the live object's place, as `kubectl apply` updates in place.
 */
async function clusterSides(
  request: ClusterRequest,
  afterPaths: readonly string[],
  io: CliIo,
  rootNamespace: string | undefined,
): Promise<{ before: Mesh; after: Mesh }> {
  // Loaded only with --cluster (it brings @kubernetes/client-node).
  const { readClusterInputs } = await import('../cluster/index.ts');
  const live = (await readClusterInputs(request, io, 'diff')).inputs;
  const files = await loadInputs(afterPaths, io);
  const liveFiles = new Set(live.map((i) => i.file));
  const { resources, issues } = parseManifests([...live, ...files]);
  for (const i of issues.filter((x) => x.severity === 'error'))
    io.stderr(`warning: ${i.file}:${i.range.line}:${i.range.column}: ${i.message}\n`);
  const current = resources.filter((r) => liveFiles.has(r.file));
  const applied = appliedOnTop(
    current,
    resources.filter((r) => !liveFiles.has(r.file)),
  );
  const opts = rootNamespace ? { rootNamespace } : {};
  return { before: buildMesh(current, opts), after: buildMesh([...current, ...applied], opts) };
}

/**
 * The file objects as the API server would hold them after `kubectl apply`: `status` is a subresource apply never
 * writes, so a file object without one keeps the live object's (a waypoint Gateway stays ready: its
 * `status.addresses` is what makes it usable, SEMANTICS §2).
 */
export function appliedOnTop(live: readonly Resource[], files: readonly Resource[]): Resource[] {
  const byKey = new Map<string, Resource>();
  for (const r of live) byKey.set(objectKey(r), r);
  return files.map((r) => {
    const was = byKey.get(objectKey(r));
    const status = was?.obj.status;
    if (status === undefined || r.obj.status !== undefined) return r;
    const obj: JsonObject = { ...r.obj, status };
    // Resource keeps its YAML nodes private: the copy delegates `locate` to the original.
    return {
      apiVersion: r.apiVersion,
      kind: r.kind,
      name: r.name,
      namespace: r.namespace,
      namespaceExplicit: r.namespaceExplicit,
      labels: r.labels,
      annotations: r.annotations,
      obj,
      file: r.file,
      seq: r.seq,
      basePath: r.basePath,
      locate: (path, part) => r.locate(path, part),
    };
  });
}
