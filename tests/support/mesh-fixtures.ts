// The "shop" mesh that many tests start from, built in one place: an ambient namespace `shop` with a client `web`
// (Deployment, service account web, port 8080) and a server `cart` (Deployment, service account cart, port 8080)
// behind Service `cart` (port 80 → 8080, named http), plus optional pieces: a waypoint the Service (or the
// Namespace) is bound to, a second version `cart-v2` for routing, and the ALLOW policy that lets only web call
// cart. Each builder returns YAML text, one document per resource, so a test can append its own documents with
// `docs(...)` and still read line numbers off its own part. Flow-style YAML keeps each resource to a few lines.

/** Documents joined into one YAML stream. */
export const docs = (...parts: readonly string[]): string =>
  parts.map((p) => p.replace(/\n$/, '')).join('\n---\n') + '\n';

/** A scalar as YAML reads it back as the same string: quoted unless plainly a word (never `true`, `null`, `8080`). */
const scalar = (v: string) =>
  /^[A-Za-z][\w./-]*$/.test(v) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(v) ? v : JSON.stringify(v);

const flowMap = (m: Readonly<Record<string, string>>) =>
  `{${Object.entries(m)
    .map(([k, v]) => `${scalar(k)}: ${scalar(v)}`)
    .join(', ')}}`;

export function namespace(
  name = 'shop',
  labels: Readonly<Record<string, string>> = { 'istio.io/dataplane-mode': 'ambient' },
): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${name}, labels: ${flowMap(labels)}}
`;
}

export interface DeploymentOptions {
  readonly namespace?: string;
  /** Pod labels; default `{app: <name>}`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The selector; default the pod labels (a selector may pick a subset of them). */
  readonly selector?: Readonly<Record<string, string>>;
  /** Service account; default the Deployment's name. Null for none (the namespace's `default`). */
  readonly serviceAccount?: string | null;
  /** Container ports; default [8080]. An empty list declares none. */
  readonly ports?: readonly number[];
  /** Name of the first container port (for a named targetPort). */
  readonly portName?: string;
  readonly image?: string;
  /** More pod spec fields, as flow YAML values (`{hostNetwork: 'true'}`). */
  readonly podSpec?: Readonly<Record<string, string>>;
}

export function deployment(name: string, o: DeploymentOptions = {}): string {
  const labels = o.labels ?? { app: name };
  const ports = o.ports ?? [8080];
  const portList = ports
    .map((p, i) => `{containerPort: ${p}${i === 0 && o.portName ? `, name: ${o.portName}` : ''}}`)
    .join(', ');
  const extra = Object.entries(o.podSpec ?? {})
    .map(([k, v]) => `${k}: ${v}, `)
    .join('');
  const sa = o.serviceAccount === null ? '' : `serviceAccountName: ${o.serviceAccount ?? name}, `;
  const container = `{name: ${name}, image: ${o.image ?? 'x'}${ports.length ? `, ports: [${portList}]` : ''}}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${o.namespace ?? 'shop'}}
spec:
  selector: {matchLabels: ${flowMap(o.selector ?? labels)}}
  template:
    metadata: {labels: ${flowMap(labels)}}
    spec: {${extra}${sa}containers: [${container}]}
`;
}

export interface ServiceOptions {
  readonly namespace?: string;
  /** Service labels, e.g. `{'istio.io/use-waypoint': 'wp'}`. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly selector?: Readonly<Record<string, string>>;
  readonly port?: number;
  readonly targetPort?: number | string;
  /** Port name; default http. Null for an unnamed port. */
  readonly portName?: string | null;
  /** The whole `ports` list as flow YAML, instead of the one port above. */
  readonly ports?: string;
}

export function service(name: string, o: ServiceOptions = {}): string {
  const labels = o.labels && Object.keys(o.labels).length ? `, labels: ${flowMap(o.labels)}` : '';
  const portName = o.portName === null ? '' : `, name: ${o.portName ?? 'http'}`;
  const ports = o.ports ?? `[{port: ${o.port ?? 80}, targetPort: ${o.targetPort ?? 8080}${portName}}]`;
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${o.namespace ?? 'shop'}${labels}}
spec: {selector: ${flowMap(o.selector ?? { app: name })}, ports: ${ports}}
`;
}

/** A waypoint Gateway (class istio-waypoint, HBONE on 15008). */
export function waypoint(
  name = 'wp',
  ns = 'shop',
  o: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    /** More fields of the HBONE listener, as flow YAML values (`{allowedRoutes: '{namespaces: {from: All}}'}`). */
    readonly listener?: Readonly<Record<string, string>>;
    /** Top-level YAML appended to the object, e.g. a `status`. */
    readonly extra?: string;
  } = {},
): string {
  const labels = o.labels && Object.keys(o.labels).length ? `, labels: ${flowMap(o.labels)}` : '';
  const annotations =
    o.annotations && Object.keys(o.annotations).length ? `, annotations: ${flowMap(o.annotations)}` : '';
  const listener = Object.entries(o.listener ?? {})
    .map(([k, v]) => `, ${k}: ${v}`)
    .join('');
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${ns}${labels}${annotations}}
spec:
  gatewayClassName: istio-waypoint
  listeners: [{name: mesh, port: 15008, protocol: HBONE${listener}}]
${o.extra ? `${o.extra.replace(/\n$/, '')}\n` : ''}`;
}

/** A selector ALLOW on `app: <app>` for these principals (without `spiffe://`). */
export function allowFrom(name: string, app: string, principals: readonly string[], ns = 'shop'): string {
  return `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${app}}}
  action: ALLOW
  rules: [{from: [{source: {principals: [${principals.map((p) => JSON.stringify(p)).join(', ')}]}}]}]
`;
}

export interface ShopOptions {
  /** The cart Service's server: include the cart Deployment and Service (default true). */
  readonly cart?: boolean;
  /** A waypoint of this name; bound to the cart Service (default) or the whole Namespace. */
  readonly waypoint?: string;
  readonly waypointOn?: 'service' | 'namespace';
  /** cart-v2: a second Deployment and Service (version v2) for routing tests; cart's pods get version v1. */
  readonly cartV2?: boolean;
  /** The ALLOW `cart-from-web`: only web's identity may call cart. */
  readonly allowWebToCart?: boolean;
}

/** The shop mesh as one YAML stream (see the top of this file). */
export function shopMesh(o: ShopOptions = {}): string {
  const wp = o.waypoint;
  const onNamespace = wp !== undefined && o.waypointOn === 'namespace';
  const parts = [
    namespace('shop', {
      'istio.io/dataplane-mode': 'ambient',
      ...(onNamespace ? { 'istio.io/use-waypoint': wp } : {}),
    }),
    deployment('web'),
  ];
  if (o.cart !== false) {
    parts.push(
      deployment('cart', o.cartV2 ? { labels: { app: 'cart', version: 'v1' }, selector: { app: 'cart' } } : {}),
      service('cart', wp !== undefined && !onNamespace ? { labels: { 'istio.io/use-waypoint': wp } } : {}),
    );
  }
  if (o.cartV2)
    parts.push(
      deployment('cart-v2', {
        labels: { app: 'cart-v2', version: 'v2' },
        selector: { app: 'cart-v2' },
        serviceAccount: 'cart',
      }),
      service('cart-v2'),
    );
  if (wp !== undefined) parts.push(waypoint(wp));
  if (o.allowWebToCart) parts.push(allowFrom('cart-from-web', 'cart', ['cluster.local/ns/shop/sa/web']));
  return docs(...parts);
}
