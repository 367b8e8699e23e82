/**
 * Resource types the virtual cluster serves: core Kubernetes kinds plus every CRD kind in the catalog
 * (src/lib/catalog, the single source of truth for kinds and served apiVersions). Plurals and short names follow
 * the upstream CRDs' `spec.names` (../shared/crds: e.g. authorizationpolicies/ap, gateways/gtw for Gateway API).
 */
import { CATALOG } from '../catalog/index.ts';

export interface KindInfo {
  readonly kind: string;
  /** API group, '' for core. */
  readonly group: string;
  /** Served apiVersions, preferred first. */
  readonly apiVersions: readonly string[];
  readonly plural: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
  /** Pods are derived from workloads, never stored. */
  readonly virtual?: boolean;
}

const core: KindInfo[] = [
  { kind: 'Namespace', group: '', apiVersions: ['v1'], plural: 'namespaces', shortNames: ['ns'], namespaced: false },
  { kind: 'Pod', group: '', apiVersions: ['v1'], plural: 'pods', shortNames: ['po'], namespaced: true, virtual: true },
  { kind: 'Service', group: '', apiVersions: ['v1'], plural: 'services', shortNames: ['svc'], namespaced: true },
  {
    kind: 'ServiceAccount',
    group: '',
    apiVersions: ['v1'],
    plural: 'serviceaccounts',
    shortNames: ['sa'],
    namespaced: true,
  },
  { kind: 'ConfigMap', group: '', apiVersions: ['v1'], plural: 'configmaps', shortNames: ['cm'], namespaced: true },
  { kind: 'Secret', group: '', apiVersions: ['v1'], plural: 'secrets', shortNames: [], namespaced: true },
  {
    kind: 'Deployment',
    group: 'apps',
    apiVersions: ['apps/v1'],
    plural: 'deployments',
    shortNames: ['deploy'],
    namespaced: true,
  },
  {
    kind: 'StatefulSet',
    group: 'apps',
    apiVersions: ['apps/v1'],
    plural: 'statefulsets',
    shortNames: ['sts'],
    namespaced: true,
  },
  {
    kind: 'DaemonSet',
    group: 'apps',
    apiVersions: ['apps/v1'],
    plural: 'daemonsets',
    shortNames: ['ds'],
    namespaced: true,
  },
  {
    kind: 'GatewayClass',
    group: 'gateway.networking.k8s.io',
    apiVersions: ['gateway.networking.k8s.io/v1'],
    plural: 'gatewayclasses',
    shortNames: ['gc'],
    namespaced: false,
  },
];

const SHORT: Record<string, string[]> = {
  AuthorizationPolicy: ['ap'],
  PeerAuthentication: ['pa'],
  RequestAuthentication: ['ra'],
  DestinationRule: ['dr'],
  ServiceEntry: ['se'],
  VirtualService: ['vs'],
  WorkloadEntry: ['we'],
  WorkloadGroup: ['wg'],
  Telemetry: ['telemetry'],
  Gateway: ['gtw'],
  ReferenceGrant: ['refgrant'],
};

function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('y') && !k.endsWith('ay')) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

function fromCatalog(): KindInfo[] {
  const out: KindInfo[] = [];
  for (const e of CATALOG) {
    if (e.type !== 'crd') continue;
    for (const kind of e.kinds) {
      const served = e.served[kind] ?? [];
      const versions = [...served].sort((a, b) => Number(b.preferred) - Number(a.preferred)).map((s) => s.apiVersion);
      out.push({
        kind,
        group: e.apiGroup,
        apiVersions: versions,
        plural: pluralOf(kind),
        shortNames: SHORT[kind] ?? [],
        namespaced: true,
      });
    }
  }
  return out;
}

export const KINDS: readonly KindInfo[] = [...core, ...fromCatalog()];

/** `kubectl get <type>`: kind, plural, singular or short name, optionally `.group` qualified; case-insensitive. */
export function resolveType(name: string): KindInfo | undefined {
  const n = name.toLowerCase();
  const dot = n.indexOf('.');
  const base = dot < 0 ? n : n.slice(0, dot);
  const group = dot < 0 ? undefined : n.slice(dot + 1);
  return KINDS.find(
    (k) =>
      (group === undefined || k.group === group) &&
      (k.kind.toLowerCase() === base || k.plural === base || k.shortNames.includes(base)),
  );
}

export function kindInfo(kind: string): KindInfo | undefined {
  return KINDS.find((k) => k.kind === kind);
}

/** How kubectl names an object in messages: `authorizationpolicy.security.istio.io/name`, `service/name`. */
export function qualifiedName(k: KindInfo, name: string): string {
  return `${k.kind.toLowerCase()}${k.group ? `.${k.group}` : ''}/${name}`;
}

/** `authorizationpolicies.security.istio.io`, as in NotFound errors. */
export function resourceName(k: KindInfo): string {
  return `${k.plural}${k.group ? `.${k.group}` : ''}`;
}

/** Every word `kubectl get` accepts as a type, for tab completion. */
export function typeWords(): string[] {
  return [...new Set(KINDS.flatMap((k) => [k.plural, ...k.shortNames, k.kind.toLowerCase()]))].sort();
}
