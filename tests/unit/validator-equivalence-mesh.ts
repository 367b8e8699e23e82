// A seeded mesh of mixed mistakes for the equivalence harness (validator-equivalence.test.ts): namespaces in and out
// of ambient, waypoints (some misconfigured), workloads, Services and ServiceEntries, every policy kind with selectors
// and targetRefs, Gateway API routes with parents and backends across namespaces, regexes and experimental fields,
// and the Istio networking kinds ambient ignores. Random but reproducible: the same seed gives the same text.

/** mulberry32: small, fast and the same on every platform. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `maxApps` per namespace: above 32 workloads a namespace gets the mesh's label index (model/mesh.ts). */
export function randomMesh(seed: number, namespaces: number, maxApps = 4): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const docs: string[] = [];
  const nsName = (i: number) => `ns-${i}`;
  const app = (i: number) => `app-${i}`;
  for (let i = 0; i < namespaces; i++) {
    const ns = nsName(i);
    const other = nsName(Math.floor(r() * namespaces));
    const labels = [
      pick(['istio.io/dataplane-mode: ambient', 'istio-injection: enabled', 'istio.io/dataplane-mode: none', '']),
      pick(['istio.io/use-waypoint: waypoint', 'istio.io/use-waypoint: missing', '', '']),
      chance(0.1) ? 'istio.io/rev: canary' : '',
    ].filter(Boolean);
    docs.push(
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n${labels.length ? `  labels:\n${labels.map((l) => `    ${l}`).join('\n')}\n` : ''}`,
    );
    if (chance(0.7))
      docs.push(`apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: ${ns}
  labels:
    istio.io/waypoint-for: ${pick(['service', 'workload', 'all', 'none', 'bogus'])}
spec:
  gatewayClassName: ${pick(['istio-waypoint', 'istio-waypoint', 'agentgateway-waypoint', 'istio'])}
  listeners:
  - name: mesh
    port: ${pick([15008, 15008, 8080])}
    protocol: ${pick(['HBONE', 'HBONE', 'HTTP'])}`);
    const apps = 1 + Math.floor(r() * maxApps);
    for (let a = 0; a < apps; a++) {
      const name = app(a);
      docs.push(`apiVersion: apps/v1
kind: ${pick(['Deployment', 'StatefulSet', 'Deployment'])}
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
${chance(0.2) ? '        istio.io/use-waypoint: waypoint\n' : ''}${chance(0.1) ? '        sidecar.istio.io/inject: "true"\n' : ''}    spec:
      serviceAccountName: ${name}
      containers:
      - name: main
        image: example/${name}
        ports:
        - containerPort: ${pick([8080, 9090])}`);
      docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
${chance(0.2) ? `  labels:\n    istio.io/use-waypoint: ${pick(['waypoint', 'none', 'elsewhere'])}\n` : ''}spec:
  selector:
    app: ${chance(0.9) ? name : 'nobody'}
  ports:
  - name: ${pick(['http', 'grpc', 'tcp'])}
    port: ${pick([80, 8080])}
    targetPort: ${pick([8080, 9090])}`);
      docs.push(policy(r, pick, chance, ns, name, other));
      docs.push(route(pick, chance, ns, name, other));
    }
    if (chance(0.3))
      docs.push(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external-${i}
  namespace: ${ns}
${chance(0.5) ? '  labels:\n    istio.io/use-waypoint: waypoint\n' : ''}spec:
  hosts: [api-${i}.example.com]
${chance(0.5) ? `  addresses: [240.0.${i % 250}.1]\n` : ''}  ports:
  - number: 443
    name: tls
    protocol: TLS
  resolution: ${pick(['DNS', 'STATIC', 'NONE'])}`);
    if (chance(0.3)) docs.push(istioNetworking(pick, ns, app(0)));
    if (chance(0.2))
      docs.push(`apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: pa
  namespace: ${pick([ns, 'istio-system'])}
spec:
${chance(0.5) ? `  selector:\n    matchLabels:\n      app: ${app(0)}\n` : ''}  mtls:
    mode: ${pick(['STRICT', 'PERMISSIVE', 'DISABLE'])}`);
  }
  return docs.join('\n---\n') + '\n';
}

type Pick = <T>(xs: readonly T[]) => T;

function policy(r: () => number, pick: Pick, chance: (p: number) => boolean, ns: string, name: string, other: string) {
  const kind = pick(['AuthorizationPolicy', 'AuthorizationPolicy', 'RequestAuthentication', 'Telemetry']);
  const attach = chance(0.5)
    ? `  targetRefs:\n  - kind: ${pick(['Service', 'Gateway', 'ServiceEntry'])}\n    group: "${pick(['', 'gateway.networking.k8s.io', 'networking.istio.io'])}"\n    name: ${pick([name, 'waypoint', 'nothing'])}\n`
    : chance(0.7)
      ? `  selector:\n    matchLabels:\n      app: ${pick([name, 'nobody'])}\n`
      : '';
  const meta = `metadata:\n  name: ${name}-${kind.toLowerCase()}\n  namespace: ${ns}\n${chance(0.1) ? '  annotations:\n    istio.io/dry-run: "true"\n' : ''}`;
  if (kind === 'RequestAuthentication')
    return `apiVersion: security.istio.io/v1\nkind: ${kind}\n${meta}spec:\n${attach}  jwtRules:\n  - issuer: https://issuer.example\n    jwksUri: https://issuer.example/jwks`;
  if (kind === 'Telemetry')
    return `apiVersion: telemetry.istio.io/v1\nkind: ${kind}\n${meta}spec:\n${attach}  tracing:\n  - providers:\n    - name: ${pick(['zipkin', 'otel'])}`;
  const from = pick([
    `    - source:\n        principals: [cluster.local/ns/${other}/sa/${name}]\n`,
    `    - source:\n        namespaces: [${other}]\n        trustDomains: [other.local]\n`,
    `    - source:\n        requestPrincipals: ["*"]\n`,
    `    - source:\n        ipBlocks: [10.0.0.0/8]\n`,
  ]);
  const to = pick([
    `    to:\n    - operation:\n        methods: [GET]\n        paths: [/api/*]\n`,
    `    to:\n    - operation:\n        ports: ["${pick([80, 8080, 9090])}"]\n`,
    '',
  ]);
  const when = chance(0.2)
    ? `    when:\n    - key: ${pick(['request.auth.claims[iss]', 'destination.port', 'source.ip'])}\n      values: ["1"]\n`
    : '';
  const action = pick(['ALLOW', 'ALLOW', 'DENY', 'CUSTOM', 'AUDIT']);
  const provider = action === 'CUSTOM' ? `  provider:\n    name: ${pick(['ext-authz', 'missing'])}\n` : '';
  const rules = chance(0.1) ? '' : `  rules:\n  - from:\n${from}${to}${when}`;
  void r;
  return `apiVersion: security.istio.io/v1\nkind: ${kind}\n${meta}spec:\n${attach}  action: ${action}\n${provider}${rules}`;
}

function route(pick: Pick, chance: (p: number) => boolean, ns: string, name: string, other: string) {
  const kind = pick(['HTTPRoute', 'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute']);
  const version = kind === 'HTTPRoute' || kind === 'GRPCRoute' ? 'v1' : pick(['v1alpha2', 'v1alpha3', 'v1']);
  const parent = pick([
    `  - group: ""\n    kind: Service\n    name: ${name}\n`,
    `  - kind: Service\n    name: ${name}\n`,
    `  - name: waypoint\n`,
    `  - group: ""\n    kind: Service\n    name: ${name}\n    namespace: ${other}\n`,
  ]);
  const match =
    kind === 'HTTPRoute'
      ? `  - matches:\n    - path:\n        type: ${pick(['PathPrefix', 'RegularExpression'])}\n        value: ${pick(['/api', '/(?=x)', '/v[0-9]+'])}\n`
      : kind === 'GRPCRoute'
        ? `  - matches:\n    - method:\n        type: ${pick(['Exact', 'RegularExpression'])}\n        service: ${pick(['svc.A', '(?i)svc'])}\n`
        : '  -';
  const backend = `${match === '  -' ? '  - ' : '    '}backendRefs:\n    - name: ${pick([name, 'missing'])}\n${chance(0.3) ? `      namespace: ${other}\n` : ''}      port: ${pick([80, 8080])}\n`;
  const extra = chance(0.15) ? (kind === 'HTTPRoute' ? '    timeouts:\n      request: 10s\n' : '') : '';
  const session =
    chance(0.1) && (kind === 'HTTPRoute' || kind === 'GRPCRoute')
      ? '    sessionPersistence:\n      sessionName: s\n'
      : '';
  return `apiVersion: gateway.networking.k8s.io/${version}
kind: ${kind}
metadata:
  name: ${name}-${kind.toLowerCase()}
  namespace: ${ns}
spec:
  parentRefs:
${parent}  rules:
${match === '  -' ? '' : match}${backend}${extra}${session}`;
}

function istioNetworking(pick: Pick, ns: string, name: string) {
  const kind = pick(['VirtualService', 'DestinationRule', 'EnvoyFilter', 'Sidecar']);
  if (kind === 'VirtualService')
    return `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  hosts: [${name}]\n  http:\n  - route:\n    - destination:\n        host: ${name}\n        subset: v1`;
  if (kind === 'DestinationRule')
    return `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  host: ${name}\n  subsets:\n  - name: v1\n    labels:\n      version: v1`;
  if (kind === 'EnvoyFilter')
    return `apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  configPatches: []`;
  return `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: ${ns}\nspec:\n  egress:\n  - hosts: ["./*"]`;
}
