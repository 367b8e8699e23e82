/**
 * `istioctl proxy-status` in its 1.31 shape (release-1.31 istioctl/pkg/writer/pilot/status.go PrintAll and
 * testdata/multiXdsStatusSinglePilot.txt): `NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES`, one row per proxy
 * connected to istiod, sorted by proxy id (`pod.namespace`), Go tabwriter padding 5. In an ambient cluster the
 * proxies are the node's ztunnel, which subscribes to the workload and authorization types (short names WADS, WDS:
 * pkg/model/xds.go GetShortType; extra types sorted by type URL, so istio.security.Authorization first), each
 * waypoint's and ingress gateway's Envoy and any sidecar, which take CDS, LDS, EDS and RDS.
 */
import { DEFAULT_ISTIO, ISTIO_LINES } from '../versions.ts';
import { ISTIOD_POD, ZTUNNEL_POD, meshOf, podsOf } from './cluster.ts';
import { FlagError, flag, parseFlags } from './flags.ts';
import type { FlagSpec } from './flags.ts';
import { goTabwriter } from './format.ts';
import type { Io, Session } from './session.ts';

const SPEC: FlagSpec = {
  namespace: { short: 'n', value: true },
  output: { short: 'o', value: true },
  revision: { short: 'r', value: true },
  verbose: { short: 'v', value: true },
  help: { short: 'h', value: false },
};

const ENVOY_TYPES = '4 (CDS,LDS,EDS,RDS)';
const ZTUNNEL_TYPES = '2 (WADS,WDS)';

export function proxyStatus(s: Session, argv: string[], io: Io): number {
  let p;
  try {
    p = parseFlags(argv, SPEC);
  } catch (err) {
    if (err instanceof FlagError) {
      io.err(`Error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const output = flag(p, 'output') ?? 'table';
  if (output !== 'table') {
    io.err(
      output === 'json' || output === 'yaml'
        ? `Error: the virtual cluster has no xDS status documents to print as ${output}; use the table output\n`
        : `Error: output format "${output}" not supported\n`,
    );
    return 1;
  }
  if (p.positionals.length) {
    io.err(
      'Error: the virtual cluster has no Envoy config dumps to compare; run istioctl proxy-status without a pod\n',
    );
    return 1;
  }
  const ns = flag(p, 'namespace');
  const version = ISTIO_LINES[s.ctx.versions?.().istio ?? DEFAULT_ISTIO].patch;
  const { mesh } = meshOf(s.objects);
  const rows: [string, string, string][] = [[`${ZTUNNEL_POD}.istio-system`, 'istio-system', ZTUNNEL_TYPES]];
  for (const pod of podsOf(s.objects)) {
    const sidecar = pod.workload && mesh.enrolment(pod.workload).mode === 'sidecar';
    if (pod.waypoint || pod.gateway || sidecar) rows.push([`${pod.name}.${pod.namespace}`, pod.namespace, ENVOY_TYPES]);
  }
  const shown = rows
    .filter(([, podNs]) => ns === undefined || podNs === ns)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([id, , types]) => [id, 'Kubernetes', ISTIOD_POD, version, types]);
  io.out(goTabwriter(['NAME', 'CLUSTER', 'ISTIOD', 'VERSION', 'SUBSCRIBED TYPES'], shown, 5));
  return 0;
}
