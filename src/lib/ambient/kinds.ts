/**
 * The kind table: every kind the project knows (core Kubernetes kinds plus each CRD kind of the catalog, which is
 * the source of truth for CRD kinds and served apiVersions), its scope, and the role it plays in the mesh model.
 * The mesh index, the validator's resource names, the simulator's `--from`, migrate, the virtual shell and the
 * playground all read roles and scope from here. Plurals and short names follow the upstream CRDs' `spec.names`
 * (e.g. authorizationpolicies/ap, gateways/gtw for Gateway API).
 */
import { CATALOG } from '../catalog/index.ts';

/**
 * What a kind stands for in the mesh model: `controller` owns a pod template (its pods are the workload),
 * `pod` and `workload-entry` are workloads themselves.
 */
export type KindRole = 'controller' | 'pod' | 'workload-entry';

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
  readonly role?: KindRole;
  /** For controllers: where the pod template is (its `metadata` and `spec` are the pods'). */
  readonly podTemplate?: readonly string[];
  /** `simulate --from` (and the playground's client list) accepts it as a client workload. */
  readonly client?: boolean;
}

/** Controllers whose pod template lives at `spec.template` (CronJob's at `spec.jobTemplate.spec.template`). */
const controller = (
  kind: string,
  plural: string,
  shortNames: string[],
  client: boolean,
  group = 'apps',
  podTemplate: readonly string[] = ['spec', 'template'],
): KindInfo => ({
  kind,
  group,
  apiVersions: [group === '' ? 'v1' : `${group}/v1`],
  plural,
  shortNames,
  namespaced: true,
  role: 'controller',
  podTemplate,
  client,
});

const core: KindInfo[] = [
  { kind: 'Namespace', group: '', apiVersions: ['v1'], plural: 'namespaces', shortNames: ['ns'], namespaced: false },
  {
    kind: 'Pod',
    group: '',
    apiVersions: ['v1'],
    plural: 'pods',
    shortNames: ['po'],
    namespaced: true,
    virtual: true,
    role: 'pod',
    client: true,
  },
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
  controller('Deployment', 'deployments', ['deploy'], true),
  controller('StatefulSet', 'statefulsets', ['sts'], true),
  controller('DaemonSet', 'daemonsets', ['ds'], true),
  controller('ReplicaSet', 'replicasets', ['rs'], true),
  controller('Job', 'jobs', [], true, 'batch'),
  controller('CronJob', 'cronjobs', ['cj'], false, 'batch', ['spec', 'jobTemplate', 'spec', 'template']),
  controller('ReplicationController', 'replicationcontrollers', ['rc'], false, ''),
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
        ...(kind === 'WorkloadEntry' ? { role: 'workload-entry' as const, client: true } : {}),
      });
    }
  }
  return out;
}

export const KINDS: readonly KindInfo[] = [...core, ...fromCatalog()];

/**
 * Cluster-scoped kinds the model may meet besides the table's own (RBAC, admission and storage objects in real
 * manifests): naming them `ns/name` would suggest a namespace they do not have.
 */
const OTHER_CLUSTER_SCOPED = [
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'PriorityClass',
  'StorageClass',
  'PersistentVolume',
  'Node',
  'RuntimeClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'APIService',
  'CertificateSigningRequest',
  'FlowSchema',
  'PriorityLevelConfiguration',
  // Gateway API experimental channel (gateway.networking.x-k8s.io_xmeshes.yaml: scope Cluster).
  'XMesh',
];
const BY_KIND = new Map<string, KindInfo>(KINDS.map((k) => [k.kind, k]));
const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  ...KINDS.filter((k) => !k.namespaced).map((k) => k.kind),
  ...OTHER_CLUSTER_SCOPED,
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** The role a kind plays in the mesh model, or undefined (configuration, not a workload). */
export function roleOf(kind: string): KindRole | undefined {
  return BY_KIND.get(kind)?.role;
}

/** Where a controller kind keeps its pod template, or undefined for other kinds. */
export function podTemplatePath(kind: string): readonly string[] | undefined {
  return BY_KIND.get(kind)?.podTemplate;
}

/** Kinds `simulate --from` accepts as a client workload (DESIGN §4.3, plus ReplicaSet and Job). */
export function isClientKind(kind: string): boolean {
  return BY_KIND.get(kind)?.client === true;
}

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
  return BY_KIND.get(kind);
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
