// `kubectl logs` for the proxies: the node's ztunnel (DaemonSet `ztunnel` in istio-system) and each waypoint's
// Envoy print access-log lines for the requests made earlier in this session (traffic.ts, accesslog.ts). The
// application pods of the virtual cluster write no logs of their own, and ingress gateways' access logs are not
// modelled, so they print nothing.
import { resolveType, resourceName } from '../../ambient/kinds.ts';
import { LABEL_GATEWAY_NAME } from '../../ambient/labels.ts';
import { ISTIOD_POD, ZTUNNEL_POD, labelsOf, podsOf } from '../cluster.ts';
import { flag, has, parseFlags } from '../flags.ts';
import type { FlagSpec } from '../flags.ts';
import type { Io, Session } from '../session.ts';
import { waypointLine, ztunnelLines } from '../accesslog.ts';
import type { LogLine } from '../accesslog.ts';
import { UserError, currentNs, parseSelector } from './common.ts';

const SPEC: FlagSpec = {
  namespace: { short: 'n', value: true },
  selector: { short: 'l', value: true },
  follow: { short: 'f', value: false },
  tail: { value: true },
  container: { short: 'c', value: true },
  'all-containers': { value: false },
  previous: { short: 'p', value: false },
  prefix: { value: false },
  timestamps: { value: false },
  'max-log-requests': { value: true },
  help: { short: 'h', value: false },
};

/** A pod that can be asked for logs. */
interface LogSource {
  readonly namespace: string;
  readonly pod: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The owner `kubectl logs TYPE/NAME` resolves: `DaemonSet/ztunnel`, `Deployment/<waypoint>`, `Deployment/<app>`. */
  readonly owner: string;
  readonly container: string;
  lines(s: Session): LogLine[];
}

function sources(s: Session): LogSource[] {
  const traffic = () => s.traffic ?? [];
  const out: LogSource[] = [
    {
      namespace: 'istio-system',
      pod: ZTUNNEL_POD,
      labels: { app: 'ztunnel' },
      owner: 'DaemonSet/ztunnel',
      container: 'istio-proxy',
      lines: () => traffic().flatMap(ztunnelLines),
    },
    // istiod's own log is about pushes and certificates, which the virtual cluster does not model: it prints nothing.
    {
      namespace: 'istio-system',
      pod: ISTIOD_POD,
      labels: { app: 'istiod' },
      owner: 'Deployment/istiod',
      container: 'discovery',
      lines: () => [],
    },
  ];
  for (const p of podsOf(s.objects)) {
    if (p.waypoint) {
      const name = p.waypoint;
      out.push({
        namespace: p.namespace,
        pod: p.name,
        labels: { [LABEL_GATEWAY_NAME]: name },
        owner: `Deployment/${name}`,
        container: 'istio-proxy',
        lines: () =>
          traffic()
            .filter((r) => r.waypoint?.namespace === p.namespace && r.waypoint.name === name)
            .map(waypointLine)
            .filter((l): l is LogLine => l !== undefined),
      });
    } else if (p.gateway) {
      // An ingress gateway's Envoy: the virtual cluster does not write its access log, so it prints nothing.
      out.push({
        namespace: p.namespace,
        pod: p.name,
        labels: labelsOf(p.object),
        owner: `Deployment/${p.gateway}`,
        container: 'istio-proxy',
        lines: () => [],
      });
    } else if (p.workload) {
      const w = p.workload;
      const spec = (p.object['spec'] ?? {}) as { containers?: { name?: unknown }[] };
      out.push({
        namespace: p.namespace,
        pod: p.name,
        labels: w.labels,
        owner: `${w.kind}/${w.name}`,
        container: String(spec.containers?.[0]?.name ?? w.name),
        lines: () => [],
      });
    }
  }
  return out;
}

const USAGE =
  "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n";

/** The pods `TYPE/NAME`, `NAME` or `-l SELECTOR` names, or an error already written. */
function pick(
  s: Session,
  ns: string,
  target: string | undefined,
  selector: string | undefined,
  io: Io,
): LogSource[] | undefined {
  const all = sources(s).filter((x) => x.namespace === ns);
  if (selector !== undefined) {
    const sel = parseSelector(selector)!;
    const hits = all.filter((x) => sel(x.labels));
    if (!hits.length) io.err(`No resources found in ${ns} namespace.\n`);
    return hits;
  }
  if (!target) {
    io.err(USAGE);
    return undefined;
  }
  const slash = target.indexOf('/');
  const info = resolveType(slash < 0 ? 'pod' : target.slice(0, slash));
  const name = slash < 0 ? target : target.slice(slash + 1);
  if (!info) throw new UserError(`the server doesn't have a resource type "${target.slice(0, slash)}"`);
  const hit =
    info.kind === 'Pod' ? all.find((x) => x.pod === name) : all.find((x) => x.owner === `${info.kind}/${name}`);
  if (!hit) {
    io.err(`Error from server (NotFound): ${resourceName(info)} "${name}" not found\n`);
    return undefined;
  }
  return [hit];
}

export function logs(s: Session, argv: string[], io: Io): number {
  const p = parseFlags(argv, SPEC);
  if (has(p, 'follow')) {
    io.err(
      'error: kubectl logs -f is not supported here: the virtual cluster only changes when you run a command. Run the request, then kubectl logs again (--tail N shows the last lines).\n',
    );
    return 1;
  }
  const tailText = flag(p, 'tail');
  const selector = flag(p, 'selector');
  // kubectl's default: every line for one pod, the last 10 per pod with a selector.
  const tail = tailText === undefined ? (selector !== undefined ? 10 : -1) : Number(tailText);
  if (!Number.isInteger(tail) || tail < -1)
    throw new UserError(`invalid argument "${tailText}" for "--tail" flag: must be an integer ≥ -1`);
  if (p.positionals.length > 1 && selector === undefined)
    throw new UserError('the virtual cluster reads one pod at a time: kubectl logs POD|TYPE/NAME [-c CONTAINER]');
  const ns = currentNs(s, p);
  const picked = pick(s, ns, p.positionals[0], selector, io);
  if (!picked) return 1;
  const container = flag(p, 'container');
  let code = 0;
  for (const src of picked) {
    if (container !== undefined && container !== src.container && !has(p, 'all-containers')) {
      io.err(`error: container ${container} is not valid for pod ${src.pod}\n`);
      code = 1;
      continue;
    }
    const lines = src.lines(s).sort((a, b) => a.at - b.at);
    const shown = tail < 0 ? lines : lines.slice(Math.max(0, lines.length - tail));
    const prefix = has(p, 'prefix') ? `[pod/${src.pod}/${src.container}] ` : '';
    for (const l of shown) io.out(`${prefix}${l.text}\n`);
  }
  return code;
}
