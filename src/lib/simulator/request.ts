/**
 * The request as the simulator reads it: who calls (resolveClient), where to (resolveDestination), and the HTTP
 * parts (path and query, headers). An unknown client or destination is a SimulationInputError naming what exists.
 */
import type { Resource } from '../model/types.ts';
import { getString } from '../model/access.ts';
import { ANNOTATION_GATEWAY_SERVICE_ACCOUNT, isClientKind, labelOf, principalFor } from '../ambient/index.ts';
import { podNameOf, principalOf } from './mesh.ts';
import type { Mesh, ServiceInfo as MeshService, ServicePort, Workload } from './mesh.ts';
import type { SimRequest } from './types.ts';
import { SimulationInputError } from './types.ts';

export interface Client {
  readonly workload?: Workload;
  readonly name: string;
  readonly dataplane: 'ambient' | 'sidecar' | 'gateway' | 'none';
  /** Set when the client is an ingress Gateway. */
  readonly gateway?: Resource;
  /** Principal without `spiffe://`; null for plaintext callers. */
  readonly principal: string | null;
  readonly namespace?: string;
}

function listOf(items: string[], max = 12): string {
  if (!items.length) return '(none)';
  return items.slice(0, max).join(', ') + (items.length > max ? `, … (${items.length - max} more)` : '');
}

export function resolveClient(mesh: Mesh, from: string): Client {
  if (from === 'external') return { name: 'external', dataplane: 'none', principal: null };
  const m = /^([^/]+)\/([^/]+)$/.exec(from);
  // The list of what exists is only built for the error message.
  const known = () => mesh.workloads.filter((w) => isClientKind(w.kind)).map((w) => `${w.namespace}/${w.name}`);
  if (!m)
    throw new SimulationInputError(
      `--from must be NAMESPACE/NAME or external, not "${from}". Workloads: ${listOf(known())}`,
    );
  const w = [mesh.workload(m[1]!, m[2]!)].find((x) => x !== undefined && isClientKind(x.kind));
  if (!w) {
    const gw = ingressGateway(mesh, m[1]!, m[2]!);
    if (gw) return gw;
    throw new SimulationInputError(`no workload ${from} in the manifests. Workloads: ${listOf(known())}`);
  }
  const { mode } = mesh.enrolment(w);
  return {
    workload: w,
    name: `${w.namespace}/${podNameOf(w)}`,
    dataplane: mode,
    principal: mode !== 'none' ? principalOf(w, mesh.trustDomain) : null,
    namespace: w.namespace,
  };
}

/**
 * An ingress Gateway (any class but a waypoint's) as the client. Its pods run as `<name>-<class>` unless the
 * `gateway.istio.io/service-account` annotation says otherwise (istio.io ambient getting-started: the bookinfo
 * gateway's principal is `…/sa/bookinfo-gateway-istio`). It speaks HBONE itself with that identity.
 */
function ingressGateway(mesh: Mesh, namespace: string, name: string): Client | undefined {
  const r = mesh
    .inNamespace('Gateway', namespace)
    .find((g) => g.name === name && g.apiVersion.startsWith('gateway.networking.k8s.io/'));
  if (!r || mesh.waypoint(namespace, name)) return undefined;
  const cls = getString(r.obj, ['spec', 'gatewayClassName']) ?? 'istio';
  const sa = labelOf(r.annotations, ANNOTATION_GATEWAY_SERVICE_ACCOUNT) || `${name}-${cls}`;
  return {
    gateway: r,
    name: `${namespace}/${name}`,
    dataplane: 'gateway',
    principal: principalFor(mesh.trustDomain, namespace, sa),
    namespace,
  };
}

export type Destination =
  | { readonly kind: 'service'; readonly service: MeshService; readonly port: ServicePort; readonly host: string }
  | { readonly kind: 'pod'; readonly workload: Workload; readonly port: number };

function splitPort(s: string): { host: string; port?: number } {
  const m = /^(.*):(\d+)$/.exec(s);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: s };
}

export function resolveDestination(mesh: Mesh, to: string, clientNs: string | undefined): Destination {
  if (to.startsWith('pod/')) {
    const { host, port } = splitPort(to.slice(4));
    const m = /^([^/]+)\/([^/]+)$/.exec(host);
    const known = () => mesh.workloads.map((w) => `pod/${w.namespace}/${w.name}`);
    if (!m)
      throw new SimulationInputError(
        `--to pod/NAMESPACE/NAME[:PORT], not "${to}". Pods and workloads: ${listOf(known())}`,
      );
    const w = mesh.workload(m[1]!, m[2]!);
    if (!w)
      throw new SimulationInputError(
        `no pod or workload ${m[1]}/${m[2]} in the manifests. Pods and workloads: ${listOf(known())}`,
      );
    const p = port ?? w.ports[0];
    if (p === undefined)
      throw new SimulationInputError(
        `${w.kind} ${w.namespace}/${w.name} declares no container port: give one (pod/${w.namespace}/${w.name}:PORT)`,
      );
    return { kind: 'pod', workload: w, port: p };
  }
  const { host, port } = splitPort(to);
  const known = () => [
    ...mesh.services.filter((s) => s.kind === 'Service').map((s) => `${s.name}.${s.namespace}`),
    ...mesh.services.filter((s) => s.kind === 'ServiceEntry').flatMap((s) => s.hosts),
  ];
  // Same host resolution as the validator (model/mesh.ts servicesForHost): exact host, then the cluster-local
  // expansions of short names in the client's namespace, then ServiceEntry wildcards.
  const svc = mesh.servicesForHost(host, clientNs ?? 'default')[0];
  if (!svc) {
    const hint = !host.includes('.')
      ? ` (short names resolve in the client's namespace, ${clientNs ?? 'default'})`
      : '';
    throw new SimulationInputError(`no Service or ServiceEntry host "${host}"${hint}. Known: ${listOf(known())}`);
  }
  if (!svc.ports.length) throw new SimulationInputError(`${svc.kind} ${svc.namespace}/${svc.name} declares no ports`);
  const sp = port === undefined ? svc.ports[0]! : svc.ports.find((p) => p.port === port);
  if (!sp)
    throw new SimulationInputError(
      `${svc.kind} ${svc.namespace}/${svc.name} has no port ${port}; ports: ${svc.ports.map((p) => p.port).join(', ')}`,
    );
  return { kind: 'service', service: svc, port: sp, host };
}

export function parsePath(p: string): { path: string; query: Map<string, string> } {
  const i = p.indexOf('?');
  const path = i < 0 ? p : p.slice(0, i);
  const query = new Map<string, string>();
  if (i >= 0) {
    for (const kv of p.slice(i + 1).split('&')) {
      if (!kv) continue;
      const [k, v = ''] = kv.split('=');
      try {
        if (!query.has(decodeURIComponent(k!))) query.set(decodeURIComponent(k!), decodeURIComponent(v));
      } catch {
        if (!query.has(k!)) query.set(k!, v);
      }
    }
  }
  return { path: path || '/', query };
}

const NO_HEADERS: ReadonlyMap<string, string> = new Map();

/**
 * The request headers by lower-cased name, with the JWT as `Authorization: Bearer …` unless one is given. A Map,
 * never a plain object: a header named `constructor` or `__proto__` is just a name.
 */
export function headersOf(req: SimRequest): ReadonlyMap<string, string> {
  if (req.headers === undefined && req.jwt === undefined) return NO_HEADERS;
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(req.headers ?? {})) if (typeof v === 'string') headers.set(k.toLowerCase(), v);
  if (req.jwt !== undefined && !headers.has('authorization')) headers.set('authorization', `Bearer ${req.jwt}`);
  return headers;
}
