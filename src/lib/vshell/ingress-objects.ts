/**
 * The Deployment and Service istiod's gateway controller creates for an ingress Gateway of class `istio`, as
 * `kubectl get deploy` / `kubectl get svc` list them. The cluster's store never holds them (nobody applied them);
 * they are derived from the Gateway each time, like the pods podsOf lists. Shapes follow release-1.31
 * pilot/pkg/config/kube/gatewaycommon/testdata/deployment/kube-gateway-ambient-redirect.yaml; the Service's ports
 * follow deploymentcontroller.go extractServicePorts.
 */
import { getArray } from '../model/access.ts';
import type { JsonObject, Resource } from '../model/types.ts';
import { gatewayDeploymentName } from '../ambient/waypoints.ts';
import { LABEL_GATEWAY_NAME, LABEL_SIDECAR_INJECT } from '../ambient/labels.ts';
import { ingressLabels, meshOf, metaOf } from './cluster.ts';
import type { StoredObject } from './cluster.ts';
import { shortHash } from './hash.ts';
import { ingressGateways } from './ingress.ts';

/** Kubernetes caps a port name at 63 characters (IANA_SVC_NAME). */
const MAX_PORT_NAME = 63;

/** deploymentcontroller.go uniquePortName: the name, else name-<port>, name-<port>x, … until unused. */
function uniquePortName(name: string, port: number, used: Set<string>): string {
  const base = name.slice(0, MAX_PORT_NAME);
  let candidate = base;
  // Each try lengthens the suffix, so at most used.size + 1 tries find a free name; the bound keeps it so.
  for (let suffix = `-${port}`, i = 0; used.has(candidate) && i <= used.size; suffix += 'x', i++)
    candidate = base.slice(0, Math.max(0, MAX_PORT_NAME - suffix.length)) + suffix;
  used.add(candidate);
  return candidate;
}

/** The Service's ports: status-port 15021, then one per distinct listener port (extractServicePorts). */
export function ingressServicePorts(g: Resource): JsonObject[] {
  const ports: JsonObject[] = [{ name: 'status-port', port: 15021, protocol: 'TCP', appProtocol: 'tcp' }];
  const used = new Set(['status-port']);
  const seen = new Set<number>();
  getArray(g.obj, ['spec', 'listeners']).forEach((l, i) => {
    if (!l || typeof l !== 'object' || Array.isArray(l)) return;
    const port = l['port'];
    if (typeof port !== 'number' || seen.has(port)) return;
    seen.add(port);
    const protocol = typeof l['protocol'] === 'string' ? l['protocol'].toLowerCase() : '';
    const raw = typeof l['name'] === 'string' ? l['name'].replaceAll('.', '-').slice(0, MAX_PORT_NAME) : '';
    const name = uniquePortName(raw || `${protocol}-${i}`, port, used);
    ports.push({ name, port, protocol: 'TCP', appProtocol: protocol });
  });
  return ports;
}

/** A node port the way the API server would hand one out (30000–32767), stable per Service port. */
function nodePortOf(g: Resource, port: number): number {
  let n = 0;
  for (const c of shortHash(`${g.namespace}/${g.name}/${port}/nodeport`, 6)) n = (n * 31 + c.charCodeAt(0)) % 2768;
  return 30000 + n;
}

/** The Service's cluster IP: from 10.243.2.0/24, a range the mesh model never hands out (like the gateway pod's). */
function clusterIpOf(g: Resource): string {
  let n = 0;
  for (const c of shortHash(`${g.namespace}/${g.name}/service`)) n = (n * 31 + c.charCodeAt(0)) % 250;
  return `10.243.2.${2 + n}`;
}

function metadata(g: Resource, name: string, created: unknown): JsonObject {
  return {
    name,
    namespace: g.namespace,
    labels: ingressLabels(g),
    ...(typeof created === 'string' ? { creationTimestamp: created } : {}),
    ownerReferences: [{ apiVersion: g.apiVersion, kind: 'Gateway', name: g.name }],
  };
}

/** The derived objects of `kind` (`Deployment` or `Service`) for every ingress Gateway in the cluster. */
export function ingressObjects(objects: readonly StoredObject[], kind: string): JsonObject[] {
  if (kind !== 'Deployment' && kind !== 'Service') return [];
  const gateways = ingressGateways(meshOf(objects).mesh);
  if (!gateways.length) return [];
  const created = new Map<string, unknown>();
  for (const o of objects)
    if (o['kind'] === 'Gateway')
      created.set(
        `${String(metaOf(o)['namespace'] ?? '')}/${String(metaOf(o)['name'] ?? '')}`,
        metaOf(o)['creationTimestamp'],
      );
  return gateways.map((g): JsonObject => {
    const name = gatewayDeploymentName(g);
    const meta = metadata(g, name, created.get(`${g.namespace}/${g.name}`));
    const selector = { [LABEL_GATEWAY_NAME]: g.name };
    if (kind === 'Deployment')
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta,
        spec: {
          replicas: 1,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: { ...ingressLabels(g), [LABEL_SIDECAR_INJECT]: 'false' } },
            spec: { serviceAccountName: name, containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }] },
          },
        },
        status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 },
      };
    const ip = clusterIpOf(g);
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta,
      spec: {
        type: 'LoadBalancer',
        selector,
        clusterIP: ip,
        clusterIPs: [ip],
        ports: ingressServicePorts(g).map((p) => ({ ...p, nodePort: nodePortOf(g, Number(p['port'])) })),
      },
      // The virtual cluster has no load-balancer controller: the external address stays pending, as on kind.
      status: { loadBalancer: {} },
    };
  });
}
