import { diffJson, diffMarkdown, diffMeshes, diffText, failsOn } from '../../lib/whatif/index.ts';
import { parseArgs } from '../args.ts';
import type { Command } from '../io.ts';
import { EXIT, UsageError } from '../io.ts';
import { versionsFromFlags } from '../versions.ts';
import { formatOf, meshOf, WHATIF_FLAGS } from './matrix.ts';

export const help = `ambient-atlas diff --before <file|dir|->... --after <file|dir|->... [--format text|json|markdown] [--fail-on opened|closed|any|never]

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

Exit codes: 0 nothing that --fail-on names changed, 1 it did, 2 usage or I/O error.`;

const FAIL_ON = ['opened', 'closed', 'any', 'never'] as const;

export const run: Command = async (argv, io) => {
  const args = parseArgs(argv, {
    ...WHATIF_FLAGS,
    before: { type: 'string', multiple: true },
    after: { type: 'string', multiple: true },
    'fail-on': { type: 'string' },
  });
  const v = args.values;
  const format = formatOf(v.format, ['text', 'json', 'markdown'] as const);
  const failOn = v['fail-on'] ?? 'any';
  if (!(FAIL_ON as readonly string[]).includes(failOn))
    throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not ${failOn}`);
  if (args.positionals.length)
    throw new UsageError(`unexpected ${args.positionals[0]}: name the two sides with --before and --after`);
  if (!v.before?.length || !v.after?.length)
    throw new UsageError('give both sides: --before <file|dir> --after <file|dir>');
  if ([...v.before, ...v.after].filter((p) => p === '-').length > 1)
    throw new UsageError('- (stdin) can be given only once');
  const versions = await versionsFromFlags(v, io.cwd);
  const root = v['root-namespace'];
  const before = await meshOf(v.before, io, root);
  const after = await meshOf(v.after, io, root);
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
