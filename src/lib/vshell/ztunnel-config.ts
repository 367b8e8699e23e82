/**
 * `istioctl ztunnel-config workloads|services|policies|connections|certificates|all` for the virtual cluster: what
 * the node's ztunnel would hold, from the session's cluster state and the ambient model (enrolment, waypoint
 * binding, which AuthorizationPolicies reach ztunnel), plus this session's recent connections (traffic.ts).
 *
 * Columns, sorting and the `all` layout follow release-1.31 istioctl/pkg/writer/ztunnel/configdump/*.go and their
 * testdata (workloadsummary.txt, policies.txt, connectionsummary.txt, allsummary_withheaders.txt): Go's tabwriter
 * with padding 1; `-o json|yaml` print the objects in the config dump's field names (testdata/dump.json).
 */
import { stringify } from 'yaml';
import type { JsonObject, JsonValue, Resource } from '../model/types.ts';
import type { Mesh, ServiceInfo } from '../model/mesh.ts';
import { policyOf } from '../simulator/policies.ts';
import { endpointsOf } from '../simulator/mesh.ts';
import { attachmentOf } from '../ambient/attachment.ts';
import { principalFor } from '../ambient/authz.ts';
import { NODE_NAME, meshOf, podsOf, shortHash } from './cluster.ts';
import type { VirtualPod } from './cluster.ts';
import { FlagError, flag, has, parseFlags } from './flags.ts';
import type { FlagSpec } from './flags.ts';
import { goTabwriter } from './format.ts';
import type { Io, Session } from './session.ts';
import type { TrafficRecord } from './traffic.ts';
import { ztunnelRule } from './ztunnel-rules.ts';

const SPEC: FlagSpec = {
  output: { short: 'o', value: true },
  namespace: { short: 'n', value: true },
  'workload-namespace': { value: true },
  'service-namespace': { value: true },
  'policy-namespace': { value: true },
  'workload-node': { value: true },
  node: { value: true },
  address: { value: true },
  direction: { value: true },
  raw: { value: false },
  'with-headers': { value: false },
  help: { short: 'h', value: false },
};

const tab = (header: readonly string[], rows: readonly (readonly string[])[]) => goTabwriter(header, rows, 1);
const byNsName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
  a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

interface ZWorkload {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly workloadIps: string[];
  readonly protocol: 'HBONE' | 'TCP';
  readonly serviceAccount: string;
  readonly workloadName: string;
  readonly workloadType: string;
  readonly node: string;
  readonly status: 'Healthy';
  readonly trustDomain: string;
  readonly clusterId: 'Kubernetes';
  readonly waypoint?: { destination: string; hboneMtlsPort: 15008 };
}

function workloadsOf(mesh: Mesh, pods: readonly VirtualPod[]): ZWorkload[] {
  const out: ZWorkload[] = [];
  for (const p of pods) {
    const w = p.workload;
    if (!w && !p.waypoint && !p.gateway) continue;
    const ip = w?.ip ?? String((p.object['status'] as JsonObject)['podIP']);
    const binding = w
      ? mesh.resolveWaypoint({ kind: 'Pod', resource: w.resource, namespace: w.namespace, labels: w.labels })
      : undefined;
    const wp = binding?.waypoint;
    out.push({
      uid: `Kubernetes//Pod/${p.namespace}/${p.name}`,
      name: p.name,
      namespace: p.namespace,
      workloadIps: [ip],
      // Waypoint and ingress gateway pods are never captured (SEMANTICS §1): ztunnel reaches them as plain TCP
      // workloads.
      protocol: w && mesh.enrolment(w).mode === 'ambient' ? 'HBONE' : 'TCP',
      serviceAccount: w?.serviceAccount ?? String((p.object['spec'] as JsonObject)['serviceAccountName'] ?? ''),
      workloadName: w?.name ?? p.waypoint ?? p.gateway ?? '',
      workloadType: (w?.kind ?? 'Deployment').toLowerCase(),
      node: NODE_NAME,
      status: 'Healthy',
      trustDomain: mesh.trustDomain,
      clusterId: 'Kubernetes',
      ...(wp
        ? {
            waypoint: {
              destination: `${wp.namespace}/${wp.name}.${wp.namespace}.svc.cluster.local`,
              hboneMtlsPort: 15008,
            },
          }
        : {}),
    });
  }
  return out.sort((a, b) => `${a.namespace}.${a.name}`.localeCompare(`${b.namespace}.${b.name}`));
}

interface ZService {
  readonly name: string;
  readonly namespace: string;
  readonly hostname: string;
  readonly vips: string[];
  readonly ports: Record<string, number>;
  readonly endpoints: number;
  readonly waypoint?: string;
}

function servicesOf(mesh: Mesh): ZService[] {
  const out: ZService[] = mesh.services.map((svc: ServiceInfo) => {
    const b = mesh.resolveWaypoint({
      kind: svc.kind,
      resource: svc.resource,
      namespace: svc.namespace,
      labels: svc.labels,
    });
    const ports: Record<string, number> = {};
    for (const p of svc.ports) ports[String(p.port)] = typeof p.targetPort === 'number' ? p.targetPort : p.port;
    return {
      name: svc.name,
      namespace: svc.namespace,
      hostname: svc.hosts[0] ?? `${svc.name}.${svc.namespace}.svc.cluster.local`,
      vips: svc.addresses.map((a) => `/${a}`),
      ports,
      endpoints: endpointsOf(mesh, svc).length,
      ...(b.waypoint ? { waypoint: b.waypoint.name } : {}),
    };
  });
  // Each waypoint Gateway has its own Service (release-1.31 pilot/pkg/config/kube/gateway deployment templates).
  for (const wp of mesh.waypoints)
    out.push({
      name: wp.name,
      namespace: wp.namespace,
      hostname: `${wp.name}.${wp.namespace}.svc.cluster.local`,
      vips: [`/${wp.ip}`],
      ports: { '15008': 15008, '15021': 15021 },
      endpoints: 1,
    });
  return out.sort((a, b) => byNsName(a, b) || a.hostname.localeCompare(b.hostname));
}

interface ZPolicy {
  readonly name: string;
  readonly namespace: string;
  readonly action: 'Allow' | 'Deny';
  readonly scope: 'Global' | 'Namespace' | 'WorkloadSelector';
  readonly rules: JsonValue[];
  readonly dryRun: false;
}

/**
 * The AuthorizationPolicies istiod sends to ztunnel (SEMANTICS §3, release-1.31 A/authorization.go): no targetRefs,
 * ALLOW or DENY only, dry-run left out (AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY is off by default), each rule
 * in ztunnel's clause form (ztunnel-rules.ts).
 */
function policiesOf(mesh: Mesh): ZPolicy[] {
  const out: ZPolicy[] = [];
  for (const r of mesh.byKind('AuthorizationPolicy') as readonly Resource[]) {
    if (!r.apiVersion.startsWith('security.istio.io/')) continue;
    const p = policyOf(r);
    if (p.targetRefs.length || p.dryRun || (p.action !== 'ALLOW' && p.action !== 'DENY')) continue;
    const a = attachmentOf(r, mesh.rootNamespace);
    out.push({
      name: r.name,
      namespace: r.namespace,
      action: p.action === 'ALLOW' ? 'Allow' : 'Deny',
      scope: a === 'mesh' ? 'Global' : a === 'namespace' ? 'Namespace' : 'WorkloadSelector',
      rules: p.rules
        .map((rule) => ztunnelRule(rule, p.action as 'ALLOW' | 'DENY', r.namespace))
        .filter((x): x is JsonValue[] => x !== undefined),
      dryRun: false,
    });
  }
  return out.sort(byNsName);
}

interface Conn {
  readonly src: string;
  readonly originalDst: string;
  readonly actualDst: string;
  readonly protocol: 'HBONE' | 'TCP';
}
interface WorkloadState {
  readonly state: 'Up';
  readonly connections: { inbound: Conn[]; outbound: Conn[] };
  readonly info: { name: string; namespace: string; trustDomain: string; serviceAccount: string };
}

/** This session's connections as ztunnel's workload state (the requests are short: "recent", not "open"). */
function connectionsOf(mesh: Mesh, traffic: readonly TrafficRecord[]): Map<string, WorkloadState> {
  const states = new Map<string, WorkloadState>();
  const stateOf = (ns: string, pod: string) => {
    const key = `${ns}/${pod}`;
    let st = states.get(key);
    if (!st) {
      const w = mesh.workloads.find((x) => x.namespace === ns && pod.startsWith(x.name));
      st = {
        state: 'Up',
        connections: { inbound: [], outbound: [] },
        info: { name: pod, namespace: ns, trustDomain: '', serviceAccount: w?.serviceAccount ?? 'default' },
      };
      states.set(key, st);
    }
    return st;
  };
  for (const r of traffic) {
    if (r.rejection || r.deniedAt === 'waypoint' || r.status === null) continue;
    const t = r.target;
    const vip = r.service?.vip ? `${r.service.vip}:${r.service.port}` : t ? `${t.ip}:${t.port}` : '';
    if (r.client.dataplane === 'ambient') {
      const via = r.waypoint ? `${r.waypoint.ip}:15008` : t ? (t.ambient ? `${t.ip}:15008` : `${t.ip}:${t.port}`) : '';
      const hbone = !!r.waypoint || !!t?.ambient;
      stateOf(r.client.namespace, r.client.pod).connections.outbound.push({
        src: `${r.client.ip}:${r.client.port}`,
        originalDst: vip,
        actualDst: via,
        protocol: hbone ? 'HBONE' : 'TCP',
      });
    }
    if (t?.ambient && (!r.envoy || r.envoy.details === 'via_upstream')) {
      const from = r.waypoint ?? r.client;
      const port = r.waypoint ? r.waypoint.port : r.client.port;
      stateOf(t.namespace, t.pod).connections.inbound.push({
        src: `${from.ip}:${port}`,
        originalDst: r.service?.host ?? '',
        actualDst: `${t.ip}:${t.port}`,
        protocol: from.identity ? 'HBONE' : 'TCP',
      });
    }
  }
  return states;
}

function connectionRows(
  workloads: readonly ZWorkload[],
  services: readonly ZService[],
  states: Map<string, WorkloadState>,
  filter: { namespace?: string; direction?: string; raw: boolean },
): string[][] {
  const workloadNames = new Map<string, string>();
  for (const w of workloads) workloadNames.set(w.workloadIps[0] ?? 'None', `${w.name}.${w.namespace}`);
  // istioctl looks services up first; the virtual cluster gives a waypoint's Service and pod one address, and the
  // connection went to the pod, so an address that is a pod's keeps the pod's name.
  const serviceNames = new Map<string, string>();
  for (const s of services) {
    const ip = s.vips[0]?.slice(1) ?? 'None';
    if (!workloadNames.has(ip)) serviceNames.set(ip, s.hostname);
  }
  const lookup = (addr: string) => {
    if (filter.raw) return addr;
    const i = addr.lastIndexOf(':');
    const [ip, port] = i < 0 ? [addr, ''] : [addr.slice(0, i), addr.slice(i + 1)];
    const name = serviceNames.get(ip) ?? workloadNames.get(ip);
    return name ? `${name}:${port}` : addr;
  };
  const rows: string[][] = [];
  const sorted = [...states.values()].sort((a, b) => byNsName(a.info, b.info));
  for (const st of sorted) {
    if (filter.namespace && filter.namespace !== st.info.namespace) continue;
    const name = `${st.info.name}.${st.info.namespace}`;
    if (filter.direction !== 'outbound')
      for (const c of st.connections.inbound)
        rows.push([name, 'Inbound', lookup(c.actualDst), lookup(c.src), c.originalDst, c.protocol]);
    if (filter.direction !== 'inbound')
      for (const c of st.connections.outbound)
        rows.push([name, 'Outbound', lookup(c.src), lookup(c.actualDst), lookup(c.originalDst), c.protocol]);
  }
  return rows;
}

/**
 * ztunnel's certificates: a leaf and the root for each identity it holds, those of the pods on its node that it
 * captures (enrolled in ambient; waypoint pods are not).
 */
function certificateRows(s: Session, mesh: Mesh, pods: readonly VirtualPod[]): string[][] {
  const ids = [
    ...new Set(
      pods.flatMap((p) =>
        p.workload && mesh.enrolment(p.workload).mode === 'ambient'
          ? [`spiffe://${principalFor(mesh.trustDomain, p.namespace, p.workload.serviceAccount)}`]
          : [],
      ),
    ),
  ].sort();
  const day = 24 * 3600_000;
  const from = new Date(Math.floor(s.now / day) * day).toISOString().replace(/\.000Z$/, 'Z');
  const to = new Date(Math.floor(s.now / day) * day + day).toISOString().replace(/\.000Z$/, 'Z');
  const rootTo = new Date(Math.floor(s.now / day) * day + 3650 * day).toISOString().replace(/\.000Z$/, 'Z');
  return ids.flatMap((id) => [
    [
      id,
      'Leaf',
      'Available',
      'true',
      shortHash(id, 16)
        .replace(/[^0-9a-f]/g, '0')
        .padEnd(32, 'a'),
      to,
      from,
    ],
    [
      id,
      'Root',
      'Available',
      'true',
      shortHash('root', 16)
        .replace(/[^0-9a-f]/g, '0')
        .padEnd(32, 'b'),
      rootTo,
      from,
    ],
  ]);
}

const HEADERS = {
  workloads: ['NAMESPACE', 'POD NAME', 'ADDRESS', 'NODE', 'WAYPOINT', 'PROTOCOL'],
  services: ['NAMESPACE', 'SERVICE NAME', 'SERVICE VIP', 'WAYPOINT', 'ENDPOINTS'],
  policies: ['NAMESPACE', 'POLICY NAME', 'ACTION', 'SCOPE'],
  certificates: ['CERTIFICATE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'],
  connections: ['WORKLOAD', 'DIRECTION', 'LOCAL', 'REMOTE', 'REMOTE TARGET', 'PROTOCOL'],
} as const;

const SECTIONS: Record<string, keyof typeof HEADERS | 'all'> = {
  workload: 'workloads',
  workloads: 'workloads',
  w: 'workloads',
  service: 'services',
  services: 'services',
  s: 'services',
  svc: 'services',
  policy: 'policies',
  policies: 'policies',
  p: 'policies',
  pol: 'policies',
  certificate: 'certificates',
  certificates: 'certificates',
  certs: 'certificates',
  cert: 'certificates',
  connections: 'connections',
  cons: 'connections',
  all: 'all',
};

export const ZTUNNEL_CONFIG_SUBCOMMANDS = ['all', 'certificate', 'connections', 'policy', 'service', 'workload'];

export function ztunnelConfig(s: Session, argv: string[], io: Io): number {
  const [what, ...rest] = argv;
  const section = what !== undefined && Object.hasOwn(SECTIONS, what) ? SECTIONS[what] : undefined;
  if (!section) {
    io.err(
      `Error: unknown command "${what ?? ''}" for "istioctl ztunnel-config" (all, certificate, connections, policy, service, workload)\n`,
    );
    return 1;
  }
  let p;
  try {
    p = parseFlags(rest, SPEC);
  } catch (err) {
    if (err instanceof FlagError) {
      io.err(`Error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const output = flag(p, 'output') ?? 'short';
  if (!['short', 'json', 'yaml'].includes(output)) {
    io.err(`Error: output format "${output}" not supported: one of json|yaml|short\n`);
    return 1;
  }
  const { mesh } = meshOf(s.objects);
  const pods = podsOf(s.objects);
  const wlNs = flag(p, 'workload-namespace');
  const node = flag(p, 'workload-node') ?? flag(p, 'node');
  const address = flag(p, 'address');
  const allWorkloads = workloadsOf(mesh, pods);
  const workloads = allWorkloads.filter(
    (w) =>
      (!wlNs || w.namespace.toLowerCase() === wlNs.toLowerCase()) &&
      (!node || w.node.toLowerCase() === node.toLowerCase()) &&
      (!address || w.workloadIps.includes(address)),
  );
  const allServices = servicesOf(mesh);
  const svcNs = flag(p, 'service-namespace');
  const services = allServices.filter((x) => !svcNs || x.namespace.toLowerCase() === svcNs.toLowerCase());
  const polNs = flag(p, 'policy-namespace');
  const policies = policiesOf(mesh).filter((x) => !polNs || x.namespace.toLowerCase() === polNs.toLowerCase());
  const states = connectionsOf(mesh, s.traffic ?? []);
  const direction = flag(p, 'direction');
  const conFilter = { ...(wlNs ? { namespace: wlNs } : {}), ...(direction ? { direction } : {}), raw: has(p, 'raw') };
  const svcWaypoint = (x: ZService) => x.waypoint ?? 'None';
  const summaries = {
    workloads: () =>
      tab(
        HEADERS.workloads,
        workloads.map((w) => [
          w.namespace,
          w.name,
          w.workloadIps.join(','),
          w.node,
          w.waypoint ? w.waypoint.destination.split('/')[1]!.split('.')[0]! : 'None',
          w.protocol,
        ]),
      ),
    services: () =>
      tab(
        HEADERS.services,
        services.map((x) => [
          x.namespace,
          x.name,
          x.vips.map((v) => v.slice(1)).join(','),
          svcWaypoint(x),
          `${x.endpoints}/${x.endpoints}`,
        ]),
      ),
    policies: () =>
      tab(
        HEADERS.policies,
        policies.map((x) => [x.namespace, x.name, x.action, x.scope]),
      ),
    certificates: () => tab(HEADERS.certificates, certificateRows(s, mesh, pods)),
    connections: () => tab(HEADERS.connections, connectionRows(allWorkloads, allServices, states, conFilter)),
  };
  const dumps = {
    workloads: () => workloads as unknown as JsonValue,
    services: () => services as unknown as JsonValue,
    policies: () => policies as unknown as JsonValue,
    certificates: () => [] as JsonValue,
    connections: () => [...states.values()] as unknown as JsonValue,
  };
  if (output !== 'short') {
    const doc: JsonValue =
      section === 'all'
        ? {
            workloads: dumps.workloads(),
            services: dumps.services(),
            policies: dumps.policies(),
            certificates: [],
            workloadState: Object.fromEntries(states) as unknown as JsonValue,
          }
        : dumps[section]();
    io.out(output === 'json' ? JSON.stringify(doc, null, 4) + '\n' : stringify(doc) + '\n');
    return 0;
  }
  if (section !== 'all') {
    io.out(summaries[section]());
    return 0;
  }
  // PrintFullSummary: a blank line before each section, and a header when --with-headers is given.
  const headers = has(p, 'with-headers');
  const part = (title: string, body: string) => `\n${headers ? `------ ${title} ------\n\n` : ''}${body}`;
  io.out(
    part('WORKLOAD INFO', summaries.workloads()) +
      part('SERVICE INFO', summaries.services()) +
      part('POLICY INFO', summaries.policies()) +
      part('SECRET INFO', summaries.certificates()) +
      part('CONNECTIONS INFO', summaries.connections()),
  );
  return 0;
}
