/**
 * Small manifests a rule's `effect` (rule.ts RuleEffect) adds beside its invalid example so the simulator has a
 * path to trace: the namespaces, workloads and Services the example only names. Kept apart from the example so the
 * page shows the example as written and its finding lines do not move.
 */
import { y } from './testing-yaml.ts';

/** A Namespace enrolled in ambient (`istio.io/dataplane-mode: ambient`), with optional extra labels. */
export function ambientNamespace(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const extra = Object.entries(labels).map(([k, v]) => `, ${k}: ${JSON.stringify(v)}`);
  return y(
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    `  name: ${name}`,
    `  labels: {istio.io/dataplane-mode: ambient${extra.join('')}}`,
  );
}

export interface WorkloadOptions {
  /** Service port; no Service when absent. */
  readonly port?: number;
  /** Container port the Service forwards to (defaults to `port`). */
  readonly targetPort?: number;
  /** Service account of the pods (defaults to the app name). */
  readonly serviceAccount?: string;
  /** Labels on the Service (e.g. `istio.io/use-waypoint`). */
  readonly serviceLabels?: Readonly<Record<string, string>>;
}

/** A Deployment `app` (label `app: <app>`) in `ns`, and a Service of the same name when `port` is given. */
export function workload(ns: string, app: string, o: WorkloadOptions = {}): string {
  const containerPort = o.targetPort ?? o.port;
  const dep = y(
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: {name: ${app}, namespace: ${ns}}`,
    'spec:',
    `  selector: {matchLabels: {app: ${app}}}`,
    '  template:',
    `    metadata: {labels: {app: ${app}}}`,
    '    spec:',
    `      serviceAccountName: ${o.serviceAccount ?? app}`,
    `      containers: [{name: ${app}, image: ${app}:1${containerPort !== undefined ? `, ports: [{containerPort: ${containerPort}}]` : ''}}]`,
  );
  if (o.port === undefined) return dep;
  const labels = Object.entries(o.serviceLabels ?? {}).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `${dep}---\n${y(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${app}`,
    `  namespace: ${ns}`,
    ...(labels.length ? [`  labels: {${labels.join(', ')}}`] : []),
    'spec:',
    `  selector: {app: ${app}}`,
    `  ports: [{name: http, port: ${o.port}${o.targetPort !== undefined ? `, targetPort: ${o.targetPort}` : ''}}]`,
  )}`;
}

/** Several documents as one multi-document YAML text. */
export const documents = (...docs: string[]): string => docs.join('---\n');

/** A Service `name` in `ns` selecting `app: <name>` on one port (for examples that have the Deployment already). */
export function service(ns: string, name: string, port: number, labels: Readonly<Record<string, string>> = {}): string {
  const l = Object.entries(labels).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return y(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${ns}`,
    ...(l.length ? [`  labels: {${l.join(', ')}}`] : []),
    'spec:',
    `  selector: {app: ${name}}`,
    `  ports: [{name: http, port: ${port}}]`,
  );
}

/** A waypoint Gateway (`istio-waypoint` class, HBONE listener on 15008). */
export function waypoint(ns: string, name = 'waypoint'): string {
  return y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    `metadata: {name: ${name}, namespace: ${ns}}`,
    'spec:',
    '  gatewayClassName: istio-waypoint',
    '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
  );
}
