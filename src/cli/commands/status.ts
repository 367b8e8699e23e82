import { escapeControl } from '../../lib/vshell/escape.ts';
import { predictStatus } from '../../lib/status/index.ts';
import { parseArgs } from '../args.ts';
import type { Command } from '../io.ts';
import { EXIT, UsageError } from '../io.ts';
import { versionsFromFlags } from '../versions.ts';
import { formatOf, meshOf, WHATIF_FLAGS } from './matrix.ts';
import { CLUSTER_FLAGS, CLUSTER_HELP, clusterRequest } from '../cluster/flags.ts';

export const help = `ambient-atlas status -f <file|dir|->... [--format text|json] [--istio 1.30|1.31] [--gateway-api 1.5|1.6]

The status conditions istiod would write, predicted offline, with Istio's own condition types, reasons and
messages, each naming the upstream code that writes it:
  istio.io/WaypointBound      Services, ServiceEntries and WorkloadEntries that ask for a waypoint
  istio.io/WaypointMissing    a wildcard ServiceEntry without a waypoint
  ZtunnelAccepted             AuthorizationPolicies ztunnel receives (HTTP attributes, CUSTOM/AUDIT, dry-run)
  WaypointAccepted            AuthorizationPolicies with targetRefs
  Accepted, ResolvedRefs, ResolvedWaypoints
                              HTTPRoute, GRPCRoute, TCPRoute, TLSRoute per Service/ServiceEntry parent, and
                              per parent Gateway of class istio (listener port, sectionName, hostnames,
                              allowedRoutes, route kinds, ReferenceGrants)
Where istiod writes nothing, nothing is printed (also: Gateways another controller runs, listeners that select
namespaces by label).

  -f, --file PATH          manifests: a file, a directory (recursive .yaml/.yml) or - for stdin; repeatable
  --format text|json       output (text)
  --istio 1.30|1.31        Istio line (default 1.31, or the config's)
  --gateway-api 1.5|1.6    Gateway API line (default: the one the Istio line is built on)
  --config FILE            config file (default: the nearest .ambient-atlas.yaml): istio, gatewayApi
  --root-namespace NS      mesh root namespace (istio-system)
${CLUSTER_HELP}

Exit codes: 0 printed, 2 usage or I/O error.`;

export const run: Command = async (argv, io) => {
  const args = parseArgs(argv, {
    ...WHATIF_FLAGS,
    ...CLUSTER_FLAGS,
    file: { type: 'string', short: 'f', multiple: true },
  });
  const v = args.values;
  const format = formatOf(v.format, ['text', 'json'] as const);
  const files = [...(v.file ?? []), ...args.positionals];
  const cluster = clusterRequest(v);
  if (!files.length && !cluster) throw new UsageError('give manifests with -f <file|dir|->, or --cluster');
  const versions = await versionsFromFlags(v, io.cwd);
  const mesh = await meshOf(
    files,
    io,
    v['root-namespace'],
    cluster ? { request: cluster, command: 'status' } : undefined,
  );
  const resources = predictStatus(mesh, versions);
  if (format === 'json') {
    io.stdout(
      JSON.stringify({ version: 1, istio: versions.istio, gatewayApi: versions.gatewayApi, resources }, null, 2) + '\n',
    );
    return EXIT.ok;
  }
  const lines = [`Istio ${versions.istio}: predicted status of ${resources.length} resources`];
  for (const r of resources) {
    lines.push('', escapeControl(`${r.kind} ${r.namespace}/${r.name}`));
    for (const c of r.conditions)
      lines.push(
        escapeControl(
          `  ${c.type}=${c.status} ${c.reason}${c.parentRef ? ` [${c.parentRef}]` : ''}${c.message ? `: ${c.message}` : ''}`,
        ),
      );
  }
  io.stdout(lines.join('\n') + '\n');
  return EXIT.ok;
};
