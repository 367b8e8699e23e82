// Shared state of one migration run: indexes over the input, the output being built, and findings.
import {
  ANNOTATION_GATEWAY_SERVICE_ACCOUNT,
  DEFAULT_TRUST_DOMAIN,
  LABEL_USE_WAYPOINT,
  LABEL_USE_WAYPOINT_NAMESPACE,
  isWaypointGateway,
  isWaypointOptOut,
  principalFor,
  podTemplatePath,
} from '../ambient/index.ts';
import { get, refOf, stringRecord } from '../model/access.ts';
import type { JsonObject, ObjectPath, Resource } from '../model/types.ts';
import { formatPath } from '../model/path.ts';
import type { MigrateFindingId, SeverityOf } from './findings.ts';
import type { MigrateFinding, MigrateOptions } from './types.ts';
import { cleanForApply } from './util.ts';

/** Namespaces that are never switched to ambient or given waypoints. */
export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'istio-system']);

export interface PodInfo {
  readonly resource: Resource;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Where the pod template's metadata lives inside the resource. */
  readonly metadataPath: ObjectPath;
}

export interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
}

export const keyOf = (ns: string, name: string): string => `${ns}/${name}`;

export class MigrationContext {
  readonly options: MigrateOptions;
  readonly resources: readonly Resource[];
  readonly findings: MigrateFinding[] = [];
  /** Output per input resource (in input order); an empty list removes the resource. */
  readonly output = new Map<Resource, JsonObject[]>();
  /** Generated objects that go before / after the converted input. */
  readonly prelude: JsonObject[] = [];
  readonly epilogue: JsonObject[] = [];

  readonly services = new Map<string, Resource>();
  readonly namespaces = new Map<string, Resource>();
  readonly pods: PodInfo[] = [];
  /** Existing waypoint Gateways by namespace. */
  readonly waypointGateways = new Map<string, Resource[]>();
  /** Services that must be bound to a waypoint (key ns/name → why). */
  readonly needsWaypoint = new Map<string, string>();
  /** Namespaces whose waypoint must exist even without a bound Service (Gateway-targeted policies). */
  readonly namespacesNeedingWaypoint = new Set<string>();
  /** Names of generated Services (per subset), so policies never target them. */
  readonly generatedServices = new Set<string>();
  /** Indexes, built once: resources by kind, Services and pod templates by namespace. */
  readonly byKind = new Map<string, Resource[]>();
  readonly servicesByNs = new Map<string, Resource[]>();
  readonly podsByNs = new Map<string, PodInfo[]>();

  constructor(resources: readonly Resource[], options: MigrateOptions) {
    this.options = options;
    this.resources = resources;
    for (const r of resources) {
      this.output.set(r, [cleanForApply(r.obj)]);
      push(this.byKind, r.kind, r);
      if (r.kind === 'Service' && r.apiVersion === 'v1') push(this.servicesByNs, r.namespace, r);
      if (r.kind === 'Service' && r.apiVersion === 'v1') this.services.set(keyOf(r.namespace, r.name), r);
      else if (r.kind === 'Namespace' && r.apiVersion === 'v1') this.namespaces.set(r.name, r);
      else if (r.kind === 'Pod' && r.apiVersion === 'v1')
        this.pods.push({ resource: r, namespace: r.namespace, labels: r.labels, metadataPath: ['metadata'] });
      else if (podTemplatePath(r.kind)) {
        const template = podTemplatePath(r.kind)!;
        this.pods.push({
          resource: r,
          namespace: r.namespace,
          labels: stringRecord(get(r.obj, [...template, 'metadata', 'labels'])),
          metadataPath: [...template, 'metadata'],
        });
      } else if (
        r.kind === 'Gateway' &&
        r.apiVersion.startsWith('gateway.networking.k8s.io/') &&
        isWaypointGateway(r, false)
      ) {
        const list = this.waypointGateways.get(r.namespace) ?? [];
        list.push(r);
        this.waypointGateways.set(r.namespace, list);
      }
    }
    for (const p of this.pods) push(this.podsByNs, p.namespace, p);
  }

  kind(kind: string): readonly Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  servicesIn(ns: string): readonly Resource[] {
    return this.servicesByNs.get(ns) ?? [];
  }

  podsIn(ns: string): readonly PodInfo[] {
    return this.podsByNs.get(ns) ?? [];
  }

  add<I extends MigrateFindingId>(
    rule: I,
    severity: SeverityOf<I>,
    message: string,
    resource?: Resource,
    path: ObjectPath = [],
  ): void {
    if (!resource) {
      this.findings.push({ rule, severity, message });
      return;
    }
    const at = resource.locate(path, 'key');
    this.findings.push({
      rule,
      severity,
      message,
      resource: refOf(resource),
      path: formatPath(path),
      file: resource.file,
      line: at.line,
      column: at.column,
    });
  }

  /** The (first) output object of an input resource, for in-place edits. */
  primary(r: Resource): JsonObject | undefined {
    return this.output.get(r)?.[0];
  }

  service(ns: string, name: string): Resource | undefined {
    return this.services.get(keyOf(ns, name));
  }

  /** Resolve a mesh host name (short, `name.ns`, `name.ns.svc[.cluster.local]`) seen from `ns` to a Service. */
  resolveHost(host: string, ns: string): ServiceRef | undefined {
    if (!host || host.includes('*')) return undefined;
    const parts = host.split('.');
    if (parts.length === 1) return { namespace: ns, name: parts[0]! };
    if (parts.length === 2) return { namespace: parts[1]!, name: parts[0]! };
    const rest = parts.slice(2).join('.');
    if (rest === 'svc' || rest === `svc.${DEFAULT_TRUST_DOMAIN}`) return { namespace: parts[1]!, name: parts[0]! };
    return undefined;
  }

  serviceSelector(svc: Resource): Record<string, string> {
    return stringRecord((svc.obj.spec as JsonObject | undefined)?.selector);
  }

  /** The waypoint name a namespace uses (an existing one if any, else the option, else `waypoint`). */
  waypointName(ns: string): string {
    if (this.options.waypointName) return this.options.waypointName;
    const existing = this.waypointGateways.get(ns);
    if (existing?.length) return existing[0]!.name;
    const nsLabel = this.namespaces.get(ns)?.labels[LABEL_USE_WAYPOINT];
    if (nsLabel && !isWaypointOptOut(nsLabel) && !this.namespaces.get(ns)?.labels[LABEL_USE_WAYPOINT_NAMESPACE])
      return nsLabel;
    return 'waypoint';
  }

  /** SPIFFE-style principal of a waypoint: its service account is the Gateway name unless annotated. */
  waypointPrincipal(ns: string, name: string): string {
    const gw = this.waypointGateways.get(ns)?.find((g) => g.name === name);
    const sa = gw?.annotations[ANNOTATION_GATEWAY_SERVICE_ACCOUNT] || name;
    return principalFor(DEFAULT_TRUST_DOMAIN, ns, sa);
  }

  requireWaypoint(svc: ServiceRef, why: string): void {
    const k = keyOf(svc.namespace, svc.name);
    if (!this.needsWaypoint.has(k)) this.needsWaypoint.set(k, why);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
