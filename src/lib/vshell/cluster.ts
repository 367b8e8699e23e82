/**
 * The virtual cluster's object store: plain JSON objects in creation order (the order is the model's stand-in for
 * creationTimestamp, which matters for "oldest wins" rules), turned into the shared mesh index on demand.
 */
import { buildMesh } from '../model/mesh.ts';
import type { Mesh, Workload } from '../model/mesh.ts';
import { parseManifests } from '../model/parse.ts';
import type { JsonObject, JsonValue, Resource } from '../model/types.ts';
import { podNameOf, principalOf } from '../simulator/mesh.ts';
import { isClientKind, kindInfo, podTemplatePath, roleOf } from '../ambient/kinds.ts';
import {
  DATAPLANE_NONE,
  LABEL_DATAPLANE_MODE,
  LABEL_GATEWAY_MANAGED,
  LABEL_GATEWAY_NAME,
  LABEL_SIDECAR_INJECT,
} from '../ambient/labels.ts';
import { getObject, getString } from '../model/access.ts';
import { shortHash } from './hash.ts';
import { gatewayPeer, ingressGateways } from './ingress.ts';
import { gatewayDeploymentName } from '../ambient/waypoints.ts';

export type StoredObject = JsonObject;

export function metaOf(o: StoredObject): JsonObject {
  const m = o['metadata'];
  return m && typeof m === 'object' && !Array.isArray(m) ? m : {};
}

export function nameOf(o: StoredObject): string {
  return String(metaOf(o)['name'] ?? '');
}

export function namespaceOf(o: StoredObject): string | undefined {
  const ns = metaOf(o)['namespace'];
  return typeof ns === 'string' ? ns : undefined;
}

export function kindOf(o: StoredObject): string {
  return String(o['kind'] ?? '');
}

export function labelsOf(o: StoredObject): Record<string, string> {
  const l = metaOf(o)['labels'];
  const out: Record<string, string> = {};
  if (l && typeof l === 'object' && !Array.isArray(l)) for (const [k, v] of Object.entries(l)) out[k] = String(v);
  return out;
}

export function keyOf(o: StoredObject): string {
  return `${kindOf(o)}|${namespaceOf(o) ?? ''}|${nameOf(o)}`;
}

/** The cluster as one multi-document input (JSON is YAML), for the model and the validator. */
export function clusterText(objects: readonly StoredObject[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n---\n') + '\n';
}

const meshCache = new WeakMap<readonly StoredObject[], { mesh: Mesh; resources: Resource[] }>();

export function meshOf(objects: readonly StoredObject[]): { mesh: Mesh; resources: Resource[] } {
  const hit = meshCache.get(objects);
  if (hit) return hit;
  const { resources } = parseManifests({ file: 'cluster', text: clusterText(objects) });
  const out = { mesh: buildMesh(resources), resources };
  meshCache.set(objects, out);
  return out;
}

export { shortHash } from './hash.ts';

export const NODE_NAME = 'atlas-worker';

/** A waypoint Deployment's one pod (the name podsOf lists, kubectl logs and proxy-status use). */
export function waypointPodName(namespace: string, name: string): string {
  return `${name}-${shortHash(`${namespace}/${name}/waypoint`)}`;
}

/** The one node's ztunnel pod (DaemonSet `ztunnel` in istio-system) and istiod's pod: names are stable per cluster. */
export const ZTUNNEL_POD = `ztunnel-${shortHash('istio-system/ztunnel/atlas-worker')}`;
export const ISTIOD_POD = `istiod-${shortHash('istio-system/istiod', 10)}-${shortHash('istio-system/istiod/pod')}`;

/**
 * The control plane's pods as `kubectl get pods -n istio-system` lists them (istiod and the node's ztunnel), so the
 * ztunnel pod's name can be found for `kubectl logs`. They are not workloads of the mesh model: their addresses
 * come from a range of their own (10.243.0.0/16) that the model never hands out.
 */
export function controlPlanePods(objects: readonly StoredObject[]): JsonObject[] {
  const ts = metaOf(objects.find((o) => kindOf(o) === 'Namespace' && nameOf(o) === 'istio-system') ?? {})[
    'creationTimestamp'
  ];
  const pod = (name: string, app: string, owner: string, ip: string, container: string): JsonObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'istio-system',
      labels: { app, [LABEL_SIDECAR_INJECT]: 'false' },
      ...(typeof ts === 'string' ? { creationTimestamp: ts } : {}),
      ownerReferences: [{ kind: owner, name: app }],
    },
    spec: { nodeName: NODE_NAME, serviceAccountName: app, containers: [{ name: container, image: `istio/${app}` }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  });
  return [
    pod(ISTIOD_POD, 'istiod', 'ReplicaSet', '10.243.0.2', 'discovery'),
    pod(ZTUNNEL_POD, 'ztunnel', 'DaemonSet', '10.243.0.3', 'istio-proxy'),
  ];
}

export interface VirtualPod {
  readonly name: string;
  readonly namespace: string;
  readonly workload?: Workload;
  /** The waypoint Gateway this pod runs, for waypoint pods. */
  readonly waypoint?: string;
  /** The Deployment istiod made for an ingress Gateway, for that Deployment's pod. */
  readonly gateway?: string;
  readonly object: JsonObject;
  readonly created?: string;
}

/**
 * Labels istiod's gateway controller puts on what it deploys for a Gateway (release-1.31
 * pilot/pkg/config/kube/gatewaycommon/testdata/deployment/*.yaml: Deployment, pod template, Service). The class-name
 * label is new in 1.31 and ambient/labels.ts (outside this change) does not have it yet.
 */
export const LABEL_GATEWAY_CLASS_NAME = 'gateway.networking.k8s.io/gateway-class-name';
export const GATEWAY_MANAGED_CONTROLLER = 'istio.io-gateway-controller';

export function ingressLabels(g: Resource): Record<string, string> {
  return {
    [LABEL_GATEWAY_MANAGED]: GATEWAY_MANAGED_CONTROLLER,
    [LABEL_GATEWAY_CLASS_NAME]: getString(g.obj, ['spec', 'gatewayClassName']) ?? '',
    [LABEL_GATEWAY_NAME]: g.name,
  };
}

/** The ingress gateway Deployment's one pod, named and addressed as gatewayPeer names it in access logs. */
function ingressPod(g: Resource, ts: unknown): VirtualPod {
  const deployment = gatewayDeploymentName(g);
  const peer = gatewayPeer(g, null);
  return {
    name: peer.pod,
    namespace: g.namespace,
    gateway: deployment,
    ...(typeof ts === 'string' ? { created: ts } : {}),
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: peer.pod,
        namespace: g.namespace,
        labels: {
          ...ingressLabels(g),
          'service.istio.io/canonical-name': deployment,
          'service.istio.io/canonical-revision': 'latest',
          [LABEL_SIDECAR_INJECT]: 'false',
        },
        ...(typeof ts === 'string' ? { creationTimestamp: ts } : {}),
        ownerReferences: [
          { kind: 'ReplicaSet', name: `${deployment}-${shortHash(`${g.namespace}/${deployment}`, 10)}` },
        ],
      },
      spec: {
        serviceAccountName: deployment,
        nodeName: NODE_NAME,
        containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }],
      },
      status: { phase: 'Running', podIP: peer.ip, podIPs: [{ ip: peer.ip }] },
    },
  };
}

/** Pods derived from workloads (one replica each) and from waypoint and ingress Gateways, as the cluster would run them. */
export function podsOf(objects: readonly StoredObject[]): VirtualPod[] {
  const { mesh } = meshOf(objects);
  const created = new Map(objects.map((o) => [keyOf(o), metaOf(o)['creationTimestamp']]));
  const pods: VirtualPod[] = [];
  for (const w of mesh.workloads) {
    // Running pods: client workloads other than WorkloadEntries (a CronJob's pods come and go).
    if (!isClientKind(w.kind) || roleOf(w.kind) === 'workload-entry') continue;
    const name = podNameOf(w);
    const mode = mesh.enrolment(w).mode;
    const annotations: Record<string, string> = { ...w.annotations };
    if (mode === 'ambient') annotations['ambient.istio.io/redirection'] = 'enabled';
    const template = podTemplatePath(w.kind);
    const podSpec = getObject(w.resource.obj, template ? [...template, 'spec'] : ['spec']) ?? {};
    const ts = created.get(`${w.kind}|${w.namespace}|${w.name}`);
    const object: JsonObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: w.namespace,
        labels: { ...w.labels },
        ...(Object.keys(annotations).length ? { annotations } : {}),
        ...(typeof ts === 'string' ? { creationTimestamp: ts } : {}),
        ...(w.kind !== 'Pod'
          ? { ownerReferences: [{ kind: w.kind === 'Deployment' ? 'ReplicaSet' : w.kind, name: w.name }] }
          : {}),
      },
      spec: { ...podSpec, serviceAccountName: w.serviceAccount, nodeName: NODE_NAME },
      status: { phase: 'Running', podIP: w.ip, podIPs: [{ ip: w.ip }] },
    };
    pods.push({
      name,
      namespace: w.namespace,
      workload: w,
      object,
      ...(typeof ts === 'string' ? { created: ts } : {}),
    });
  }
  for (const wp of mesh.waypoints) {
    const name = waypointPodName(wp.namespace, wp.name);
    const ts = created.get(`Gateway|${wp.namespace}|${wp.name}`);
    pods.push({
      name,
      namespace: wp.namespace,
      waypoint: wp.name,
      ...(typeof ts === 'string' ? { created: ts } : {}),
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: wp.namespace,
          labels: { [LABEL_GATEWAY_NAME]: wp.name, [LABEL_DATAPLANE_MODE]: DATAPLANE_NONE },
          ...(typeof ts === 'string' ? { creationTimestamp: ts } : {}),
        },
        spec: {
          serviceAccountName: wp.serviceAccount,
          nodeName: NODE_NAME,
          containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }],
        },
        status: { phase: 'Running', podIP: wp.ip, podIPs: [{ ip: wp.ip }] },
      },
    });
  }
  for (const g of ingressGateways(mesh)) pods.push(ingressPod(g, created.get(`Gateway|${g.namespace}|${g.name}`)));
  return pods;
}

/** What `kubectl get -o yaml` shows: stored objects plus the status a real control plane would have written. */
export function withStatus(o: StoredObject, objects: readonly StoredObject[]): StoredObject {
  if (
    kindOf(o) === 'Gateway' &&
    String(o['apiVersion'] ?? '').startsWith('gateway.networking.k8s.io/') &&
    !o['status']
  ) {
    const wp = meshOf(objects).mesh.waypoint(namespaceOf(o) ?? 'default', nameOf(o));
    if (wp) {
      const now = String(metaOf(o)['creationTimestamp'] ?? '');
      const cond = (type: string, reason: string): JsonValue => ({
        type,
        status: 'True',
        reason,
        message:
          reason === 'Programmed'
            ? 'Resource programmed, assigned to service(s) ' + `${wp.name}.${wp.namespace}.svc.cluster.local:15008`
            : 'Resource accepted',
        lastTransitionTime: now,
      });
      return {
        ...o,
        status: {
          addresses: [{ type: 'IPAddress', value: wp.ip }],
          conditions: [cond('Accepted', 'Accepted'), cond('Programmed', 'Programmed')],
        },
      };
    }
  }
  if (kindOf(o) === 'Namespace' && !o['status']) return { ...o, status: { phase: 'Active' } };
  return o;
}

export function principalOfWorkload(w: Workload): string {
  return principalOf(w);
}

export function isNamespaced(kind: string): boolean {
  return kindInfo(kind)?.namespaced ?? true;
}
