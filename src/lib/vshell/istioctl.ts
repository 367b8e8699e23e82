/**
 * `istioctl` for the virtual cluster. `waypoint apply|list|delete|generate|status` follow
 * istio/istio istioctl/pkg/waypoint/waypoint.go: the Gateway is named `waypoint` by default, class
 * `istio-waypoint`, one listener `mesh` on 15008 with protocol HBONE; `istio.io/waypoint-for` is set only when
 * `--for` is given; `--enroll-namespace` labels the namespace `istio.io/use-waypoint=<name>` after applying and
 * refuses (with a warning) when the namespace already has one, unless `--overwrite`.
 * `x describe` is our own summary over the mesh index (enrolment, identity, waypoint binding, policies).
 */
import { stringify } from 'yaml';
import type { JsonObject } from '../model/types.ts';
import type { Workload } from '../model/mesh.ts';
import {
  HBONE_PORT,
  LABEL_DATAPLANE_MODE,
  LABEL_REV,
  LABEL_USE_WAYPOINT,
  LABEL_WAYPOINT_FOR,
  WAYPOINT_CLASS,
} from '../ambient/labels.ts';
import { actionOf } from '../ambient/attachment.ts';
import { hasWaypointClass } from '../ambient/waypoints.ts';
import { policiesForWaypoint, policiesForWorkload } from '../simulator/authz.ts';
import { effectiveMtls } from '../simulator/peerauth.ts';
import { endpointsOf, podNameOf, principalOf } from '../simulator/mesh.ts';
import { keyOf, kindOf, labelsOf, meshOf, metaOf, nameOf, namespaceOf, podsOf, withStatus } from './cluster.ts';
import type { StoredObject } from './cluster.ts';
import { FlagError, flag, has, parseFlags } from './flags.ts';
import type { FlagSpec } from './flags.ts';
import { goTabwriter } from './format.ts';
import { ep, joinMarked, marked } from './marks.ts';
import type { Marked } from './marks.ts';
import type { Io, Session } from './session.ts';
import { DEFAULT_ISTIO, ISTIO_LINES } from '../versions.ts';
import { ztunnelConfig } from './ztunnel-config.ts';
import { analyze } from './analyze.ts';
import { proxyStatus } from './proxy-status.ts';

const SPEC: FlagSpec = {
  namespace: { short: 'n', value: true },
  name: { value: true },
  for: { value: true },
  'enroll-namespace': { value: false },
  overwrite: { value: false },
  wait: { short: 'w', value: false },
  revision: { short: 'r', value: true },
  'all-namespaces': { short: 'A', value: false },
  all: { value: false },
  'waypoint-timeout': { value: true },
  output: { short: 'o', value: true },
  help: { short: 'h', value: false },
};

const TRAFFIC_TYPES = ['all', 'none', 'service', 'workload'];

const HELP = `istioctl (virtual cluster)

  istioctl waypoint apply [-n NS] [--name NAME] [--for service|workload|all|none] [--enroll-namespace] [--overwrite] [--wait]
  istioctl waypoint list [-n NS | -A]
  istioctl waypoint delete NAME... [-n NS] | --all
  istioctl waypoint generate [-n NS] [--name NAME] [--for TYPE]
  istioctl waypoint status [-n NS | -A] [--wait=false]
  istioctl x describe pod NAME [-n NS]      enrolment, identity, waypoints and policies for a pod
  istioctl x describe svc NAME [-n NS]      waypoint binding and policies for a Service
  istioctl ztunnel-config workloads|services|policies|connections|certificates|all [-o json|yaml|short]
                                           what the node's ztunnel holds; connections are this session's requests
  istioctl analyze [-n NS | -A] [-f FILE]  the validator's findings, in istioctl's message format
  istioctl proxy-status [-n NS]            the proxies istiod configures: ztunnel, waypoints, sidecars
  istioctl version
`;

export async function istioctl(s: Session, argv: string[], io: Io): Promise<number> {
  try {
    const [sub, ...rest] = argv;
    if (sub === 'waypoint') return waypoint(s, rest, io);
    if (sub === 'x' || sub === 'experimental') {
      if (rest[0] === 'describe') return describe(s, rest.slice(1), io);
      io.err(
        `Error: unknown command "${rest[0] ?? ''}" for "istioctl experimental" (the virtual cluster supports: describe)\n`,
      );
      return 1;
    }
    if (sub === 'ztunnel-config' || sub === 'zc') return ztunnelConfig(s, rest, io);
    if (sub === 'analyze') return await analyze(s, rest, io);
    if (sub === 'proxy-status' || sub === 'ps') return proxyStatus(s, rest, io);
    if (sub === 'version') {
      // The newest patch of the line the session speaks for (versions.ts), not a version string of its own.
      const patch = ISTIO_LINES[s.ctx.versions?.().istio ?? DEFAULT_ISTIO].patch;
      io.out(
        `client version: ${patch}\ncontrol plane version: ${patch} (virtual)\ndata plane version: ${patch} (virtual)\n`,
      );
      return 0;
    }
    if (!sub || sub === 'help' || sub === '--help' || sub === '-h') {
      io.out(HELP);
      return 0;
    }
    io.err(`Error: unknown command "${sub}" for "istioctl"\n\n${HELP}`);
    return 1;
  } catch (err) {
    if (err instanceof FlagError) {
      io.err(`Error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

function nsObject(s: Session, ns: string): { idx: number; obj: StoredObject } | undefined {
  const idx = s.objects.findIndex((o) => kindOf(o) === 'Namespace' && nameOf(o) === ns);
  return idx < 0 ? undefined : { idx, obj: s.objects[idx]! };
}

function makeGateway(
  ns: string,
  name: string,
  trafficType: string | undefined,
  revision: string | undefined,
): JsonObject {
  const labels: Record<string, string> = {};
  if (trafficType) labels[LABEL_WAYPOINT_FOR] = trafficType;
  if (revision) labels[LABEL_REV] = revision;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: ns, ...(Object.keys(labels).length ? { labels } : {}) },
    spec: { gatewayClassName: WAYPOINT_CLASS, listeners: [{ name: 'mesh', port: HBONE_PORT, protocol: 'HBONE' }] },
  };
}

function waypoint(s: Session, argv: string[], io: Io): number {
  const [sub, ...rest] = argv;
  const p = parseFlags(rest, SPEC);
  const ns = flag(p, 'namespace') ?? 'default';
  const name = flag(p, 'name') ?? 'waypoint';
  const trafficType = flag(p, 'for');
  if (trafficType !== undefined && !TRAFFIC_TYPES.includes(trafficType)) {
    io.err(
      `Error: failed to create gateway: invalid traffic type: ${trafficType}. Valid options are: [${TRAFFIC_TYPES.join(' ')}]\n`,
    );
    return 1;
  }
  if (name === 'none') {
    io.err(`Error: failed to create gateway: invalid name provided for waypoint, 'none' is a reserved value\n`);
    return 1;
  }
  switch (sub) {
    case 'generate':
      io.out(stringify(makeGateway(ns, name, trafficType, flag(p, 'revision'))));
      return 0;
    case 'apply': {
      const nso = nsObject(s, ns);
      if (!nso) {
        io.err(`Error: namespace: ${ns} not found\n`);
        return 1;
      }
      const nsLabels = labelsOf(nso.obj);
      if (has(p, 'enroll-namespace')) {
        if (!has(p, 'overwrite') && nsLabels[LABEL_USE_WAYPOINT]) {
          io.out(
            `⚠️ Warning: namespace (${ns}) already has an enrolled Waypoint. Consider adding the \`--overwrite\` flag to your apply command.\n`,
          );
          return 0;
        }
        if (nsLabels[LABEL_DATAPLANE_MODE] !== 'ambient')
          io.out(
            `⚠️ Warning: namespace is not enrolled in ambient. Consider running\t\`kubectl label namespace ${ns} istio.io/dataplane-mode=ambient\`\n`,
          );
      }
      const gw = makeGateway(ns, name, trafficType, flag(p, 'revision'));
      const key = keyOf(gw);
      const idx = s.objects.findIndex((o) => keyOf(o) === key);
      if (idx < 0)
        s.objects = [
          ...s.objects,
          { ...gw, metadata: { ...metaOf(gw), creationTimestamp: new Date(s.now).toISOString() } },
        ];
      else {
        // Server-side apply by field manager istioctl: our fields replace, other labels stay.
        const prev = s.objects[idx]!;
        const labels = { ...labelsOf(prev), ...labelsOf(gw) };
        const next: StoredObject = {
          ...prev,
          metadata: { ...metaOf(prev), ...(Object.keys(labels).length ? { labels } : {}) },
          spec: gw['spec']!,
        };
        s.objects = s.objects.map((o, i) => (i === idx ? next : o));
      }
      io.out(`✅ waypoint ${ns}/${name} applied\n`);
      if (has(p, 'wait')) io.out(`✅ waypoint ${ns}/${name} is ready!\n`);
      if (has(p, 'enroll-namespace')) {
        const cur = nsObject(s, ns)!;
        const updated: StoredObject = {
          ...cur.obj,
          metadata: { ...metaOf(cur.obj), labels: { ...labelsOf(cur.obj), [LABEL_USE_WAYPOINT]: name } },
        };
        s.objects = s.objects.map((o, i) => (i === cur.idx ? updated : o));
        io.out(`✅ namespace ${ns} labeled with "${LABEL_USE_WAYPOINT}: ${name}"\n`);
      }
      return 0;
    }
    case 'list': {
      const all = has(p, 'all-namespaces');
      const gws = waypointGateways(s, all ? undefined : ns);
      if (!gws.length) {
        io.out('No waypoints found.\n');
        return 0;
      }
      const rows = gws.map((g) => {
        const l = labelsOf(g);
        const programmed = String(conditionsOf(s, g).find((c) => c['type'] === 'Programmed')?.['status'] ?? 'False');
        // `none` for an unlabelled waypoint is what istioctl prints (release-1.30 and release-1.31
        // istioctl/pkg/waypoint/waypoint.go list: an empty istio.io/waypoint-for shows as "none"), even though istiod
        // then treats the waypoint as `service` at runtime; `apply` without --for leaves the label off on purpose.
        const row = [nameOf(g), l[LABEL_REV] ?? 'default', l[LABEL_WAYPOINT_FOR] ?? 'none', programmed];
        return all ? [namespaceOf(g) ?? '', ...row] : row;
      });
      io.out(tabwriter([...(all ? ['NAMESPACE'] : []), 'NAME', 'REVISION', 'TRAFFIC TYPE', 'PROGRAMMED'], rows));
      return 0;
    }
    case 'status':
      return waypointStatus(s, has(p, 'all-namespaces') ? undefined : ns, flag(p, 'wait') !== 'false', io);
    case 'delete': {
      const names = has(p, 'all') ? waypointGateways(s, ns).map(nameOf) : p.positionals;
      if (!names.length) {
        io.err(
          'Error: must specify a waypoint name or delete all using --all or delete specific revision using --revision\n',
        );
        return 1;
      }
      for (const n of names) {
        const key = `Gateway|${ns}|${n}`;
        if (!s.objects.some((o) => keyOf(o) === key)) io.out(`waypoint ${ns}/${n} not found\n`);
        else {
          s.objects = s.objects.filter((o) => keyOf(o) !== key);
          io.out(`waypoint ${ns}/${n} deleted\n`);
        }
      }
      return 0;
    }
    default:
      io.err(`Error: unknown command "${sub ?? ''}" for "istioctl waypoint" (apply, list, delete, generate, status)\n`);
      return 1;
  }
}

/**
 * The Gateways `istioctl waypoint list|status|delete --all` work on: class `istio-waypoint` only, sorted by namespace
 * and name (release-1.31 istioctl/pkg/waypoint/waypoint.go filters on spec.gatewayClassName, not on readiness).
 */
function waypointGateways(s: Session, ns: string | undefined): StoredObject[] {
  return s.objects
    .filter((o) => kindOf(o) === 'Gateway' && (ns === undefined || namespaceOf(o) === ns))
    .filter((o) => {
      const cls = (o['spec'] as JsonObject | undefined)?.['gatewayClassName'];
      return hasWaypointClass(typeof cls === 'string' ? cls : undefined);
    })
    .sort((a, b) => (namespaceOf(a) ?? '').localeCompare(namespaceOf(b) ?? '') || nameOf(a).localeCompare(nameOf(b)));
}

/** The Gateway's status conditions: the manifest's own, else what istiod writes for a programmed waypoint. */
function conditionsOf(s: Session, g: StoredObject): JsonObject[] {
  const st = withStatus(g, s.objects)['status'] as JsonObject | undefined;
  const conds = st?.['conditions'];
  return Array.isArray(conds)
    ? conds.filter((c): c is JsonObject => !!c && typeof c === 'object' && !Array.isArray(c))
    : [];
}

/**
 * `istioctl waypoint status`: each waypoint's Programmed condition (or its last condition). With `--wait` (the
 * default) a waypoint that is never programmed ends in istioctl's timeout error, and the buffered table is lost.
 */
function waypointStatus(s: Session, ns: string | undefined, wait: boolean, io: Io): number {
  const gws = waypointGateways(s, ns);
  if (!gws.length) {
    io.out('No waypoints found.\n');
    return 0;
  }
  const rows: string[][] = [];
  for (const g of gws) {
    const conds = conditionsOf(s, g);
    const cond = conds.find((c) => c['type'] === 'Programmed') ?? conds[conds.length - 1];
    const programmed = cond?.['type'] === 'Programmed' && cond['status'] === 'True';
    if (wait && !programmed) {
      io.err(`Error: timed out while retrieving status for waypoint\t${namespaceOf(g) ?? ''}/${nameOf(g)}\n`);
      return 1;
    }
    const cells = ['status', 'type', 'reason', 'message'].map((k) => String(cond?.[k] ?? ''));
    rows.push([...(ns === undefined ? [namespaceOf(g) ?? ''] : []), nameOf(g), ...cells]);
  }
  io.out(tabwriter([...(ns === undefined ? ['NAMESPACE'] : []), 'NAME', 'STATUS', 'TYPE', 'REASON', 'MESSAGE'], rows));
  return 0;
}

/** Go's text/tabwriter as istioctl's waypoint commands configure it (minwidth 0, padding 5). */
function tabwriter(header: string[], rows: string[][]): string {
  return goTabwriter(header, rows, 5);
}

/** A line of `istioctl x describe`: plain, or with enforcement points marked. */
type Line = string | Marked;

function policyLine(
  r: { resource: { kind: string; namespace: string; name: string }; attachment: string },
  action: string,
): string {
  return `   ${r.resource.kind} ${r.resource.namespace}/${r.resource.name} (${action}, attached by ${r.attachment})`;
}

function describeWorkload(s: Session, w: Workload, lines: Line[]): void {
  const { mesh } = meshOf(s.objects);
  const en = mesh.enrolment(w);
  lines.push(`Pod: ${podNameOf(w)}`);
  lines.push(`   Workload: ${w.kind} ${w.namespace}/${w.name}`);
  lines.push(`   Dataplane: ${en.mode} — ${en.reason}`);
  lines.push(`   Identity: ${en.mode === 'none' ? 'none (plaintext, not in the mesh)' : `spiffe://${principalOf(w)}`}`);
  lines.push(`   Pod IP: ${w.ip}`);
  const podBinding = mesh.resolveWaypoint({
    kind: 'Pod',
    resource: w.resource,
    namespace: w.namespace,
    labels: w.labels,
  });
  lines.push(
    `   Workload waypoint (traffic addressed to the pod IP): ${podBinding.waypoint ? `${podBinding.waypoint.namespace}/${podBinding.waypoint.name}` : 'none'} — ${podBinding.note}`,
  );
  const ztunnel = policiesForWorkload(mesh, 'AuthorizationPolicy', w);
  lines.push(marked('Enforced by the destination ', ep('ztunnel'), ' (L4):'));
  if (!ztunnel.length) lines.push('   (no AuthorizationPolicy: every caller allowed at L4)');
  for (const p of ztunnel) lines.push(policyLine(p, actionOf(p.resource)));
  for (const port of w.ports.length ? w.ports : []) {
    const m = effectiveMtls(mesh, w, port);
    lines.push(
      `   mTLS on port ${port}: ${m.mode} (${m.by ? `PeerAuthentication ${m.by.namespace}/${m.by.name}, ${m.level} level` : 'default'})`,
    );
  }
  for (const svc of mesh.servicesSelecting(w.namespace, w.labels))
    describeService(s, svc.namespace, svc.name, lines, false);
}

function describeService(s: Session, ns: string, name: string, lines: Line[], top: boolean): boolean {
  const { mesh } = meshOf(s.objects);
  const svc = mesh.service(ns, name);
  if (!svc) return false;
  lines.push(
    `${top ? '' : ''}Service: ${svc.name}.${svc.namespace} (ports ${svc.ports.map((p) => p.port).join(', ') || 'none'}${svc.addresses[0] ? `, VIP ${svc.addresses[0]}` : ''})`,
  );
  const b = mesh.resolveWaypoint({
    kind: svc.kind,
    resource: svc.resource,
    namespace: svc.namespace,
    labels: svc.labels,
  });
  lines.push(`   Waypoint: ${b.waypoint ? `${b.waypoint.namespace}/${b.waypoint.name}` : 'none'} — ${b.note}`);
  if (b.waypoint) {
    const pol = [
      ...policiesForWaypoint(mesh, 'RequestAuthentication', b.waypoint, {
        kind: svc.kind,
        namespace: svc.namespace,
        name: svc.name,
      }),
      ...policiesForWaypoint(mesh, 'AuthorizationPolicy', b.waypoint, {
        kind: svc.kind,
        namespace: svc.namespace,
        name: svc.name,
      }),
    ];
    lines.push(marked('   Enforced by the ', ep('waypoint'), ' (L7) for this service:'));
    if (!pol.length) lines.push('      (none)');
    for (const p of pol)
      lines.push(`   ${policyLine(p, p.resource.kind === 'AuthorizationPolicy' ? actionOf(p.resource) : 'JWT rules')}`);
    lines.push(
      marked(
        '   Note: the destination ',
        ep('ztunnel'),
        " sees the waypoint's identity ",
        `spiffe://${b.waypoint.principal} for this traffic.`,
      ),
    );
  } else {
    const ignored = s.objects.filter(
      (o) =>
        (kindOf(o) === 'AuthorizationPolicy' || kindOf(o) === 'RequestAuthentication') &&
        namespaceOf(o) === ns &&
        JSON.stringify((o['spec'] as JsonObject | undefined)?.['targetRefs'] ?? []).includes(`"name":"${name}"`),
    );
    for (const o of ignored)
      lines.push(
        marked(
          `   ⚠ ${kindOf(o)} ${ns}/${nameOf(o)} targets this Service, but it has no `,
          ep('waypoint'),
          ': enforced nowhere.',
        ),
      );
  }
  const eps = endpointsOf(mesh, svc);
  lines.push(`   Endpoints: ${eps.map((w) => `${podNameOf(w)} (${w.ip})`).join(', ') || 'none'}`);
  return true;
}

function describe(s: Session, argv: string[], io: Io): number {
  const p = parseFlags(argv, SPEC);
  const ns = flag(p, 'namespace') ?? 'default';
  let [type, name] = p.positionals;
  if (type && type.includes('/')) [type, name] = type.split('/', 2);
  if (!type || !name) {
    io.err('Error: usage: istioctl x describe pod NAME [-n NS] | istioctl x describe svc NAME [-n NS]\n');
    return 1;
  }
  const lines: Line[] = [];
  if (['pod', 'pods', 'po'].includes(type)) {
    const pod = podsOf(s.objects).find((x) => x.namespace === ns && (x.name === name || x.workload?.name === name));
    if (!pod) {
      io.err(`Error: pods "${name}" not found in namespace ${ns}\n`);
      return 1;
    }
    if (pod.waypoint) {
      lines.push(
        `Pod: ${pod.name}`,
        marked(
          '   ',
          ep('waypoint', 'Waypoint'),
          ` proxy for Gateway ${ns}/${pod.waypoint} (never captured by `,
          ep('ztunnel'),
          ' itself)',
        ),
      );
    } else if (pod.gateway) {
      lines.push(
        `Pod: ${pod.name}`,
        marked(
          '   ',
          ep('ingress', 'Ingress gateway'),
          ` Deployment ${ns}/${pod.gateway} (an Envoy `,
          ep('istiod'),
          ' configures; not captured by ',
          ep('ztunnel'),
          ')',
        ),
      );
    } else if (pod.workload) describeWorkload(s, pod.workload, lines);
  } else if (['svc', 'service', 'services'].includes(type)) {
    if (!describeService(s, ns, name, lines, true)) {
      io.err(`Error: services "${name}" not found in namespace ${ns}\n`);
      return 1;
    }
  } else {
    io.err(`Error: describe supports pod and svc, not "${type}"\n`);
    return 1;
  }
  const out = joinMarked([...lines, '']);
  io.out(out.text, out.marks);
  return 0;
}

export const ISTIOCTL_SUBCOMMANDS = [
  'analyze',
  'proxy-status',
  'waypoint',
  'x',
  'experimental',
  'ztunnel-config',
  'version',
];
export const WAYPOINT_SUBCOMMANDS = ['apply', 'list', 'delete', 'generate', 'status'];
