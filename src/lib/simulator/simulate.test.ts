import { describe, expect, it } from 'vitest';
import { parseManifests } from '../model/index.ts';
import { simulate } from './simulate.ts';
import { SimulationInputError } from './types.ts';
import { buildMesh } from '../model/mesh.ts';
import type { SimRequest, SimResult } from './types.ts';
import {
  deployment,
  namespace,
  service as serviceOf,
  waypoint as waypointOf,
} from '../../../tests/support/mesh-fixtures.ts';

// The builders of tests/support/mesh-fixtures.ts, in this file's argument order.
const ns = (name: string, labels?: Record<string, string>) => namespace(name, labels);

const deploy = (
  name: string,
  namespace: string,
  opts: { sa?: string; labels?: Record<string, string>; port?: number; podSpec?: Record<string, string> } = {},
) =>
  deployment(name, {
    namespace,
    ...(opts.sa ? { serviceAccount: opts.sa } : {}),
    labels: { app: name, ...opts.labels },
    selector: { app: name },
    ports: [opts.port ?? 8080],
    portName: 'http',
    ...(opts.podSpec ? { podSpec: opts.podSpec } : {}),
  });

const service = (
  name: string,
  namespace: string,
  labels: Record<string, string> = {},
  ports?: string,
  selector?: Record<string, string>,
) => serviceOf(name, { namespace, labels, ...(ports ? { ports } : {}), ...(selector ? { selector } : {}) });

const waypoint = (name: string, namespace: string, o: Parameters<typeof waypointOf>[2] = {}) =>
  waypointOf(name, namespace, o);

/** Namespace `shop` (ambient), clients web and batch, server cart behind Service cart:80 → 8080. */
const BASE = [
  ns('shop'),
  deploy('web', 'shop'),
  deploy('batch', 'shop'),
  deploy('cart', 'shop'),
  service('cart', 'shop'),
];

async function sim(docs: string[], req: Partial<SimRequest> & { from: string; to: string }): Promise<SimResult> {
  const { resources, issues } = parseManifests({ file: 'test.yaml', text: docs.join('\n---\n') });
  expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  return simulate(resources, req, { nowSeconds: 1_800_000_000 });
}

const at = (r: SimResult) => r.hops.map((h) => (h.at === 'ztunnel' ? `ztunnel:${h.side}` : h.at));

describe('basic path', () => {
  it('ambient client to ambient service without policy: allowed, two ztunnels, no waypoint', async () => {
    const r = await sim(BASE, { from: 'shop/web', to: 'cart' });
    expect(r.verdict).toBe('allowed');
    expect(r.status).toBe(200);
    expect(r.waypoint).toBeNull();
    expect(at(r)).toEqual(['ztunnel:source', 'ztunnel:destination', 'pod']);
    expect(r.backends).toEqual([{ namespace: 'shop', service: 'cart', port: 80, probability: 1 }]);
    expect(r.client.identity).toBe('spiffe://cluster.local/ns/shop/sa/web');
  });

  it('resolves short, namespaced and FQDN service names and the default port', async () => {
    for (const to of ['cart', 'cart.shop', 'cart.shop.svc', 'cart.shop.svc.cluster.local', 'cart.shop:80']) {
      const r = await sim(BASE, { from: 'shop/web', to });
      expect(r.backends[0]).toMatchObject({ service: 'cart', port: 80 });
    }
  });

  it('unknown client, destination or port is a usage error', async () => {
    await expect(sim(BASE, { from: 'shop/nobody', to: 'cart' })).rejects.toBeInstanceOf(SimulationInputError);
    await expect(sim(BASE, { from: 'shop/web', to: 'nothere' })).rejects.toBeInstanceOf(SimulationInputError);
    await expect(sim(BASE, { from: 'shop/web', to: 'cart:81' })).rejects.toBeInstanceOf(SimulationInputError);
    await expect(sim(BASE, { from: 'web', to: 'cart' })).rejects.toBeInstanceOf(SimulationInputError);
    // Short names resolve in the client's namespace only.
    await expect(
      sim([...BASE, ns('other'), deploy('x', 'other')], { from: 'other/x', to: 'cart' }),
    ).rejects.toBeInstanceOf(SimulationInputError);
  });

  it('a later manifest of the same object replaces the earlier one (as kubectl apply)', async () => {
    const docs = [...BASE, waypoint('wp', 'shop'), service('cart', 'shop', { 'istio.io/use-waypoint': 'wp' })];
    expect((await sim(docs, { from: 'shop/web', to: 'cart' })).waypoint?.name).toBe('wp');
    const back = [...docs, service('cart', 'shop')];
    expect((await sim(back, { from: 'shop/web', to: 'cart' })).waypoint).toBeNull();
  });

  it('simulate takes a prebuilt Mesh as well as resources; unknown inputs throw SimulationInputError', async () => {
    const { resources } = parseManifests({ file: 't.yaml', text: BASE.join('\n---\n') });
    const fromMesh = await simulate(buildMesh(resources), { from: 'shop/web', to: 'cart' });
    expect(fromMesh).toEqual(await simulate(resources, { from: 'shop/web', to: 'cart' }));
    await expect(simulate(resources, { from: 'shop/web', to: 'nope' })).rejects.toBeInstanceOf(SimulationInputError);
  });

  it('a service selecting nothing is an error, not an allow', async () => {
    const r = await sim([...BASE, service('ghost', 'shop')], { from: 'shop/web', to: 'ghost' });
    expect(r.verdict).toBe('error');
  });
});

describe('enrolment (SEMANTICS §1)', () => {
  it('(!) sidecar injection wins over dataplane-mode=ambient; inject=false makes the pod ambient', async () => {
    const docs = [
      ns('mix', { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' }),
      deploy('a', 'mix'),
      deploy('b', 'mix', { labels: { 'sidecar.istio.io/inject': 'false' } }),
      service('b', 'mix'),
    ];
    const r1 = await sim(docs, { from: 'mix/a', to: 'b' });
    expect(r1.client.dataplane).toBe('sidecar');
    expect(r1.hops[0]!.at).toBe('sidecar');
    const r2 = await sim(docs, { from: 'mix/b', to: 'b' });
    expect(r2.client.dataplane).toBe('ambient');
  });

  it('pod label dataplane-mode=none and hostNetwork opt out', async () => {
    const docs = [
      ...BASE,
      deploy('out', 'shop', { labels: { 'istio.io/dataplane-mode': 'none' } }),
      deploy('host', 'shop', { podSpec: { hostNetwork: 'true' } }),
    ];
    expect((await sim(docs, { from: 'shop/out', to: 'cart' })).client.dataplane).toBe('none');
    expect((await sim(docs, { from: 'shop/host', to: 'cart' })).client.dataplane).toBe('none');
  });

  it('an undeclared namespace is not enrolled: the destination has no ztunnel', async () => {
    const r = await sim([deploy('a', 'plain'), deploy('b', 'plain'), service('b', 'plain')], {
      from: 'plain/a',
      to: 'b',
    });
    expect(r.client.dataplane).toBe('none');
    expect(at(r)).toEqual(['pod']);
    expect(r.verdict).toBe('allowed');
  });
});

const L7_ON_WAYPOINT = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: cart-get-only, namespace: shop}
spec:
  targetRefs: [{kind: Service, group: "", name: cart}]
  action: ALLOW
  rules: [{to: [{operation: {methods: ["GET"]}}]}]
`;

describe('waypoint selection (SEMANTICS §2)', () => {
  const withWp = [
    ns('shop'),
    deploy('web', 'shop'),
    deploy('cart', 'shop'),
    service('cart', 'shop', { 'istio.io/use-waypoint': 'wp' }),
    waypoint('wp', 'shop'),
    L7_ON_WAYPOINT,
  ];

  it('a Service with use-waypoint goes through the waypoint, which enforces targetRefs L7 policy', async () => {
    const ok = await sim(withWp, { from: 'shop/web', to: 'cart' });
    expect(ok.waypoint).toEqual({ namespace: 'shop', name: 'wp' });
    expect(at(ok)).toEqual(['ztunnel:source', 'waypoint', 'ztunnel:destination', 'pod']);
    expect(ok.decidedBy).toMatchObject({ kind: 'AuthorizationPolicy', name: 'cart-get-only', rule: 0 });
    const no = await sim(withWp, { from: 'shop/web', to: 'cart', method: 'POST' });
    expect(no).toMatchObject({ verdict: 'denied', deniedAt: 'waypoint', status: 403 });
  });

  it('(!) a caller outside the mesh never traverses the waypoint: L7 policy does not apply', async () => {
    const r = await sim(withWp, { from: 'external', to: 'cart.shop', method: 'POST' });
    expect(r.waypoint).toBeNull();
    expect(r.verdict).toBe('allowed');
    expect(at(r)).toEqual(['ztunnel:destination', 'pod']);
  });

  it('(!) a missing waypoint means no waypoint (no fallback to the namespace label): L7 policy is bypassed', async () => {
    const docs = [
      ns('shop', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'wp' }),
      deploy('web', 'shop'),
      deploy('cart', 'shop'),
      service('cart', 'shop', { 'istio.io/use-waypoint': 'missing' }),
      waypoint('wp', 'shop'),
      L7_ON_WAYPOINT,
    ];
    const r = await sim(docs, { from: 'shop/web', to: 'cart', method: 'POST' });
    expect(r.waypoint).toBeNull();
    expect(r.verdict).toBe('allowed');
  });

  it('a waypoint whose status has no addresses is not ready: no waypoint', async () => {
    const docs = [
      ns('shop'),
      deploy('web', 'shop'),
      deploy('cart', 'shop'),
      service('cart', 'shop', { 'istio.io/use-waypoint': 'wp' }),
      waypoint('wp', 'shop', { extra: 'status: {addresses: []}' }),
      L7_ON_WAYPOINT,
    ];
    expect((await sim(docs, { from: 'shop/web', to: 'cart', method: 'POST' })).waypoint).toBeNull();
  });

  it('namespace use-waypoint applies to services; use-waypoint=none on the Service opts out', async () => {
    const docs = [
      ns('shop', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'wp' }),
      deploy('web', 'shop'),
      deploy('cart', 'shop'),
      deploy('db', 'shop'),
      service('cart', 'shop'),
      service('db', 'shop', { 'istio.io/use-waypoint': 'none' }),
      waypoint('wp', 'shop'),
    ];
    expect((await sim(docs, { from: 'shop/web', to: 'cart' })).waypoint?.name).toBe('wp');
    expect((await sim(docs, { from: 'shop/web', to: 'db' })).waypoint).toBeNull();
  });

  it('cross-namespace use needs allowedRoutes from All (default Same ⇒ no waypoint)', async () => {
    const base = (listener: Record<string, string>) => [
      ns('shop'),
      ns('infra'),
      deploy('web', 'shop'),
      deploy('cart', 'shop'),
      service('cart', 'shop', { 'istio.io/use-waypoint': 'wp', 'istio.io/use-waypoint-namespace': 'infra' }),
      waypoint('wp', 'infra', { listener }),
    ];
    expect((await sim(base({}), { from: 'shop/web', to: 'cart' })).waypoint).toBeNull();
    const all = { allowedRoutes: '{namespaces: {from: All}}' };
    expect((await sim(base(all), { from: 'shop/web', to: 'cart' })).waypoint).toEqual({
      namespace: 'infra',
      name: 'wp',
    });
  });

  it('waypoint-for: a service waypoint ignores pod-addressed traffic; a workload waypoint takes it', async () => {
    const docs = (wpFor: string) => [
      ns('shop'),
      deploy('web', 'shop'),
      deploy('cart', 'shop', { labels: { 'istio.io/use-waypoint': 'wp' } }),
      service('cart', 'shop'),
      waypoint('wp', 'shop', { labels: { 'istio.io/waypoint-for': wpFor } }),
    ];
    expect((await sim(docs('service'), { from: 'shop/web', to: 'pod/shop/cart' })).waypoint).toBeNull();
    expect((await sim(docs('workload'), { from: 'shop/web', to: 'pod/shop/cart' })).waypoint?.name).toBe('wp');
    // (!) the pod's workload waypoint is not used for traffic addressed to the Service VIP.
    expect((await sim(docs('workload'), { from: 'shop/web', to: 'cart' })).waypoint).toBeNull();
  });
});

const zt = (spec: string, name = 'p') => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ${name}, namespace: shop}
spec:
${spec}
`;

describe('ingress gateway clients (SEMANTICS §2)', () => {
  const gw = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: edge}
spec:
  gatewayClassName: istio
  listeners: [{name: http, port: 80, protocol: HTTP}]`;
  const docs = (svcLabels: Record<string, string>) => [
    ns('shop'),
    ns('edge', {}),
    gw,
    deploy('cart', 'shop'),
    service('cart', 'shop', { 'istio.io/use-waypoint': 'wp', ...svcLabels }),
    waypoint('wp', 'shop'),
    L7_ON_WAYPOINT,
  ];

  it('(!) ingress skips the waypoint unless the Service opts in with ingress-use-waypoint', async () => {
    const bypass = await sim(docs({}), { from: 'edge/public', to: 'cart.shop', method: 'POST' });
    expect(bypass).toMatchObject({ verdict: 'allowed', waypoint: null });
    expect(bypass.hops[0]!.at).toBe('gateway');
    const through = await sim(docs({ 'istio.io/ingress-use-waypoint': 'true' }), {
      from: 'edge/public',
      to: 'cart.shop',
      method: 'POST',
    });
    expect(through).toMatchObject({ verdict: 'denied', deniedAt: 'waypoint', status: 403 });
  });

  it('the gateway identity is <name>-<class>', async () => {
    const allowGw = zt(
      `  selector: {matchLabels: {app: cart}}\n  action: ALLOW\n  rules: [{from: [{source: {principals: ["cluster.local/ns/edge/sa/public-istio"]}}]}]`,
    );
    const r = await sim([...docs({}), allowGw], { from: 'edge/public', to: 'cart.shop' });
    expect(r.client.identity).toBe('spiffe://cluster.local/ns/edge/sa/public-istio');
    expect(r.verdict).toBe('allowed');
  });
});

describe('ServiceEntry destinations', () => {
  const se = (labels: Record<string, string>) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: payments
  namespace: shop
  labels: ${JSON.stringify(labels)}
spec:
  hosts: [api.payments.example]
  addresses: [240.240.0.10]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 443, name: tls, protocol: TLS}]`;
  const egressDeny = zt(
    `  targetRefs: [{kind: ServiceEntry, group: networking.istio.io, name: payments}]\n  action: DENY\n  rules: [{from: [{source: {principals: ["*/sa/batch"]}}]}]`,
    'no-batch-egress',
  );

  it('leaves the mesh directly without a waypoint; the SE-targeted policy is enforced nowhere', async () => {
    const r = await sim([...BASE, se({}), egressDeny], { from: 'shop/batch', to: 'api.payments.example', tcp: true });
    expect(r).toMatchObject({ verdict: 'allowed', waypoint: null, status: null });
    expect(r.hops.map((h) => h.at)).toEqual(['ztunnel', 'external']);
  });

  it('with use-waypoint the egress goes through the waypoint, which enforces SE-targeted policy', async () => {
    const docs = [...BASE, waypoint('wp', 'shop'), se({ 'istio.io/use-waypoint': 'wp' }), egressDeny];
    const batch = await sim(docs, { from: 'shop/batch', to: 'api.payments.example', tcp: true });
    expect(batch).toMatchObject({ verdict: 'denied', deniedAt: 'waypoint', decidedBy: { name: 'no-batch-egress' } });
    const web = await sim(docs, { from: 'shop/web', to: 'api.payments.example:443', tcp: true });
    expect(web).toMatchObject({ verdict: 'allowed', waypoint: { name: 'wp' } });
  });
});

describe('AuthorizationPolicy at ztunnel (SEMANTICS §3)', () => {
  it('principal ALLOW: the named client passes, others and plaintext are denied with a reset', async () => {
    const docs = [
      ...BASE,
      zt(
        `  selector: {matchLabels: {app: cart}}\n  action: ALLOW\n  rules: [{from: [{source: {principals: ["cluster.local/ns/shop/sa/web"]}}]}]`,
      ),
    ];
    expect((await sim(docs, { from: 'shop/web', to: 'cart' })).verdict).toBe('allowed');
    const other = await sim(docs, { from: 'shop/batch', to: 'cart' });
    expect(other).toMatchObject({ verdict: 'denied', deniedAt: 'ztunnel', status: null, decidedBy: { name: 'p' } });
    expect((await sim(docs, { from: 'external', to: 'cart.shop' })).deniedAt).toBe('ztunnel');
  });

  it('(!) an ALLOW rule with an L7 field is dropped whole: the policy denies everything', async () => {
    const docs = [
      ...BASE,
      zt(
        `  selector: {matchLabels: {app: cart}}\n  action: ALLOW\n  rules: [{from: [{source: {principals: ["cluster.local/ns/shop/sa/web"]}}], to: [{operation: {methods: ["GET"]}}]}]`,
      ),
    ];
    const r = await sim(docs, { from: 'shop/web', to: 'cart', method: 'GET' });
    expect(r).toMatchObject({ verdict: 'denied', deniedAt: 'ztunnel' });
  });

  it('(!) a DENY with only L7 fields is a no-op; beside an L4 field it becomes a broader deny', async () => {
    const onlyL7 = [
      ...BASE,
      zt(
        `  selector: {matchLabels: {app: cart}}\n  action: DENY\n  rules: [{to: [{operation: {methods: ["DELETE"]}}]}]`,
      ),
    ];
    expect((await sim(onlyL7, { from: 'shop/web', to: 'cart', method: 'DELETE' })).verdict).toBe('allowed');
    const mixed = [
      ...BASE,
      zt(
        `  selector: {matchLabels: {app: cart}}\n  action: DENY\n  rules: [{to: [{operation: {methods: ["DELETE"], ports: ["8080"]}}]}]`,
      ),
    ];
    expect((await sim(mixed, { from: 'shop/web', to: 'cart', method: 'GET' })).verdict).toBe('denied');
    const when = [
      ...BASE,
      zt(
        `  action: DENY\n  rules: [{from: [{source: {namespaces: ["shop"]}}], when: [{key: "request.headers[x-bad]", values: ["1"]}]}]`,
      ),
    ];
    expect((await sim(when, { from: 'shop/web', to: 'cart' })).verdict).toBe('allowed');
  });

  // SEMANTICS §3 [rev] (release-1.31 A/authorization.go handleRule): the old expectation had the ALLOW rule dropped.
  it('(!) ztunnel silently ignores trustDomains: an ALLOW keeps its other fields (broader), so does a DENY', async () => {
    const allow = [
      ...BASE,
      zt(
        `  selector: {matchLabels: {app: cart}}\n  action: ALLOW\n  rules: [{from: [{source: {trustDomains: ["other.example"], namespaces: ["shop"]}}]}]`,
      ),
    ];
    expect((await sim(allow, { from: 'shop/web', to: 'cart' })).verdict).toBe('allowed');
    const deny = [
      ...BASE,
      zt(
        `  selector: {matchLabels: {app: cart}}\n  action: DENY\n  rules: [{from: [{source: {trustDomains: ["other.example"], namespaces: ["shop"]}}]}]`,
      ),
    ];
    expect((await sim(deny, { from: 'shop/web', to: 'cart' })).verdict).toBe('denied');
    const onlyTd = [...BASE, zt(`  action: DENY\n  rules: [{from: [{source: {notTrustDomains: ["cluster.local"]}}]}]`)];
    expect((await sim(onlyTd, { from: 'external', to: 'cart.shop' })).verdict).toBe('allowed');
  });

  it('an empty match never matches at ztunnel, even in an ALLOW', async () => {
    const docs = [...BASE, zt(`  action: ALLOW\n  rules: [{from: [{source: {}}]}]`)];
    expect((await sim(docs, { from: 'shop/web', to: 'cart' })).verdict).toBe('denied');
  });

  it('order and defaults: DENY beats ALLOW, empty spec denies all, rules [{}] allows all', async () => {
    const both = [
      ...BASE,
      zt(`  action: ALLOW\n  rules: [{}]`, 'allow-all'),
      zt(`  action: DENY\n  rules: [{from: [{source: {principals: ["*/sa/web"]}}]}]`, 'deny-web'),
    ];
    expect((await sim(both, { from: 'shop/web', to: 'cart' })).decidedBy?.name).toBe('deny-web');
    expect((await sim(both, { from: 'shop/batch', to: 'cart' })).decidedBy?.name).toBe('allow-all');
    const empty = [...BASE, zt('  {}', 'deny-all')];
    expect((await sim(empty, { from: 'shop/web', to: 'cart' })).verdict).toBe('denied');
    expect((await sim(empty, { from: 'shop/web', to: 'cart' })).decidedBy?.name).toBe('deny-all');
  });

  it('ports are the pod target port, never the Service port', async () => {
    const t = [...BASE, zt(`  action: ALLOW\n  rules: [{to: [{operation: {ports: ["8080"]}}]}]`)];
    expect((await sim(t, { from: 'shop/web', to: 'cart:80' })).verdict).toBe('allowed');
    const s = [...BASE, zt(`  action: ALLOW\n  rules: [{to: [{operation: {ports: ["80"]}}]}]`)];
    expect((await sim(s, { from: 'shop/web', to: 'cart:80' })).verdict).toBe('denied');
  });

  it('plaintext satisfies notPrincipals and never matches namespaces', async () => {
    const deny = [
      ...BASE,
      zt(`  action: DENY\n  rules: [{from: [{source: {notPrincipals: ["cluster.local/ns/shop/sa/web"]}}]}]`),
    ];
    expect((await sim(deny, { from: 'external', to: 'cart.shop' })).verdict).toBe('denied');
    expect((await sim(deny, { from: 'shop/web', to: 'cart' })).verdict).toBe('allowed');
    const allow = [...BASE, zt(`  action: ALLOW\n  rules: [{from: [{source: {namespaces: ["*"]}}]}]`)];
    expect((await sim(allow, { from: 'external', to: 'cart.shop' })).verdict).toBe('denied');
  });

  it('root-namespace policies apply mesh-wide; targetRefs policies never reach ztunnel', async () => {
    const root = [
      ...BASE,
      `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: mesh-deny, namespace: istio-system}\nspec:\n  action: DENY\n  rules: [{from: [{source: {principals: ["*/sa/batch"]}}]}]`,
    ];
    expect((await sim(root, { from: 'shop/batch', to: 'cart' })).decidedBy).toMatchObject({
      namespace: 'istio-system',
      name: 'mesh-deny',
    });
    const tr = [...BASE, zt(`  targetRefs: [{kind: Service, group: "", name: cart}]\n  action: DENY\n  rules: [{}]`)];
    expect((await sim(tr, { from: 'shop/web', to: 'cart' })).verdict).toBe('allowed');
  });
});

describe('waypoint identity and policy attachment (SEMANTICS §3)', () => {
  const wpDocs = [
    ns('shop'),
    deploy('web', 'shop'),
    deploy('cart', 'shop'),
    service('cart', 'shop', { 'istio.io/use-waypoint': 'wp' }),
    waypoint('wp', 'shop'),
  ];

  it('(!) behind a waypoint, ztunnel sees the waypoint principal: a client-principal ALLOW now denies with 503', async () => {
    const docs = [
      ...wpDocs,
      zt(
        `  selector: {matchLabels: {app: cart}}\n  action: ALLOW\n  rules: [{from: [{source: {principals: ["cluster.local/ns/shop/sa/web"]}}]}]`,
      ),
    ];
    const r = await sim(docs, { from: 'shop/web', to: 'cart' });
    expect(r).toMatchObject({ verdict: 'denied', deniedAt: 'ztunnel', status: 503, waypoint: { name: 'wp' } });
    const fixed = [
      ...wpDocs,
      zt(
        `  selector: {matchLabels: {app: cart}}\n  action: ALLOW\n  rules: [{from: [{source: {principals: ["cluster.local/ns/shop/sa/wp"]}}]}]`,
      ),
    ];
    expect((await sim(fixed, { from: 'shop/web', to: 'cart' })).verdict).toBe('allowed');
  });

  it('bypass prevention: DENY notPrincipals [waypoint] blocks direct pod traffic but not the waypoint path', async () => {
    const docs = [
      ...wpDocs,
      zt(
        `  selector: {matchLabels: {app: cart}}\n  action: DENY\n  rules: [{from: [{source: {notPrincipals: ["cluster.local/ns/shop/sa/wp"]}}]}]`,
      ),
    ];
    expect((await sim(docs, { from: 'shop/web', to: 'cart' })).verdict).toBe('allowed');
    expect((await sim(docs, { from: 'shop/web', to: 'pod/shop/cart' })).deniedAt).toBe('ztunnel');
  });

  it('the gateway.istio.io/service-account annotation changes the waypoint principal', async () => {
    const docs = [
      ns('shop'),
      deploy('web', 'shop'),
      deploy('cart', 'shop'),
      service('cart', 'shop', { 'istio.io/use-waypoint': 'wp' }),
      waypoint('wp', 'shop', { annotations: { 'gateway.istio.io/service-account': 'custom' } }),
      zt(
        `  selector: {matchLabels: {app: cart}}\n  action: ALLOW\n  rules: [{from: [{source: {principals: ["cluster.local/ns/shop/sa/custom"]}}]}]`,
      ),
    ];
    expect((await sim(docs, { from: 'shop/web', to: 'cart' })).verdict).toBe('allowed');
  });

  it('(!) selector policies are ignored at the waypoint; source.principal there is the original client', async () => {
    const docs = [
      ...wpDocs,
      zt(`  selector: {matchLabels: {app: cart}}\n  action: DENY\n  rules: [{to: [{operation: {methods: ["POST"]}}]}]`),
      zt(
        `  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: wp}]\n  action: ALLOW\n  rules: [{from: [{source: {principals: ["cluster.local/ns/shop/sa/web"]}}]}]`,
        'gw',
      ),
    ];
    const r = await sim(docs, { from: 'shop/web', to: 'cart', method: 'POST' });
    expect(r.verdict).toBe('allowed');
    expect(r.decidedBy?.name).toBe('gw');
  });

  it('(!) targetRefs to a Service with no waypoint is enforced nowhere', async () => {
    const r = await sim([...BASE, L7_ON_WAYPOINT], { from: 'shop/web', to: 'cart', method: 'POST' });
    expect(r.verdict).toBe('allowed');
    expect(r.waypoint).toBeNull();
  });

  it('GatewayClass istio-waypoint policies from the root namespace apply to every waypoint', async () => {
    const docs = [
      ...wpDocs,
      `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: all-wp, namespace: istio-system}\nspec:\n  targetRefs: [{kind: GatewayClass, group: gateway.networking.k8s.io, name: istio-waypoint}]\n  action: DENY\n  rules: [{to: [{operation: {paths: ["/admin*"]}}]}]`,
    ];
    expect((await sim(docs, { from: 'shop/web', to: 'cart', path: '/admin/x' })).status).toBe(403);
    expect((await sim(docs, { from: 'shop/web', to: 'cart', path: '/ok' })).status).toBe(200);
  });

  it('--tcp through a waypoint: an ALLOW with HTTP fields cannot match, so TCP is denied without status', async () => {
    const r = await sim([...wpDocs, L7_ON_WAYPOINT], { from: 'shop/web', to: 'cart', tcp: true });
    expect(r).toMatchObject({ verdict: 'denied', deniedAt: 'waypoint', status: null });
  });
});

describe('PeerAuthentication (SEMANTICS §4)', () => {
  const pa = (name: string, spec: string) =>
    `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: ${name}, namespace: shop}\nspec:\n${spec}`;
  it('STRICT rejects plaintext only; mesh clients are unaffected', async () => {
    const docs = [...BASE, pa('default', '  mtls: {mode: STRICT}')];
    expect(await sim(docs, { from: 'external', to: 'cart.shop' })).toMatchObject({
      verdict: 'denied',
      deniedAt: 'ztunnel',
      decidedBy: { kind: 'PeerAuthentication' },
    });
    expect((await sim(docs, { from: 'shop/web', to: 'cart' })).verdict).toBe('allowed');
  });
  it('(!) PERMISSIVE and DISABLE behave the same; workload beats namespace; port-level uses the container port', async () => {
    for (const mode of ['PERMISSIVE', 'DISABLE']) {
      expect(
        (await sim([...BASE, pa('default', `  mtls: {mode: ${mode}}`)], { from: 'external', to: 'cart.shop' })).verdict,
      ).toBe('allowed');
    }
    const wl = [
      ...BASE,
      pa('default', '  mtls: {mode: STRICT}'),
      pa('cart', '  selector: {matchLabels: {app: cart}}\n  mtls: {mode: PERMISSIVE}'),
    ];
    expect((await sim(wl, { from: 'external', to: 'cart.shop' })).verdict).toBe('allowed');
    const port = [
      ...BASE,
      pa(
        'cart',
        '  selector: {matchLabels: {app: cart}}\n  mtls: {mode: PERMISSIVE}\n  portLevelMtls: {"8080": {mode: STRICT}}',
      ),
    ];
    expect((await sim(port, { from: 'external', to: 'cart.shop' })).verdict).toBe('denied');
  });
  it('a root-namespace PeerAuthentication with a selector is ignored; without one it is mesh-wide', async () => {
    const rootPa = (spec: string) =>
      `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: mesh, namespace: istio-system}\nspec:\n${spec}`;
    const sel = [...BASE, rootPa('  selector: {matchLabels: {app: cart}}\n  mtls: {mode: STRICT}')];
    expect((await sim(sel, { from: 'external', to: 'cart.shop' })).verdict).toBe('allowed');
    const meshWide = [...BASE, rootPa('  mtls: {mode: STRICT}')];
    expect((await sim(meshWide, { from: 'external', to: 'cart.shop' })).decidedBy).toMatchObject({
      namespace: 'istio-system',
      name: 'mesh',
    });
  });
});

describe('routing at the waypoint (SEMANTICS §5)', () => {
  const rt = (name: string, parent: string, rules: string, namespace = 'shop') =>
    `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec:\n  parentRefs: [${parent}]\n  rules:\n${rules}`;
  const svcParent = '{group: "", kind: Service, name: cart, namespace: shop, port: 80}';
  const docs = [
    ns('shop'),
    ns('team'),
    deploy('web', 'shop'),
    deploy('dev', 'team'),
    deploy('cart', 'shop'),
    deploy('cart-v2', 'shop', { labels: { app: 'cart-v2' } }),
    service('cart', 'shop', { 'istio.io/use-waypoint': 'wp' }),
    service('cart-v1', 'shop', {}, undefined, { app: 'cart' }),
    service('cart-v2', 'shop'),
    waypoint('wp', 'shop'),
  ];

  it('weighted backends with probabilities; weight 0 omitted', async () => {
    const r = await sim(
      [
        ...docs,
        rt(
          'split',
          svcParent,
          '  - backendRefs: [{name: cart-v1, port: 80, weight: 75}, {name: cart-v2, port: 80, weight: 25}, {name: cart, port: 80, weight: 0}]',
        ),
      ],
      { from: 'shop/web', to: 'cart' },
    );
    expect(r.backends).toEqual([
      { namespace: 'shop', service: 'cart-v1', port: 80, probability: 0.75 },
      { namespace: 'shop', service: 'cart-v2', port: 80, probability: 0.25 },
    ]);
    expect(r.verdict).toBe('allowed');
  });

  it('Exact beats PathPrefix; PathPrefix matches whole segments; no match is 404', async () => {
    const rules = [
      '  - matches: [{path: {type: PathPrefix, value: /api}}]',
      '    backendRefs: [{name: cart-v1, port: 80}]',
      '  - matches: [{path: {type: Exact, value: /api/new}}]',
      '    backendRefs: [{name: cart-v2, port: 80}]',
    ].join('\n');
    const d = [...docs, rt('paths', svcParent, rules)];
    expect((await sim(d, { from: 'shop/web', to: 'cart', path: '/api/new' })).backends[0]!.service).toBe('cart-v2');
    expect((await sim(d, { from: 'shop/web', to: 'cart', path: '/api/old?x=1' })).backends[0]!.service).toBe('cart-v1');
    const miss = await sim(d, { from: 'shop/web', to: 'cart', path: '/apiary' });
    expect(miss).toMatchObject({ verdict: 'no-route', status: 404, backends: [] });
  });

  it('headers outrank nothing but lose to a longer prefix; header names are case-insensitive', async () => {
    const rules = [
      '  - matches: [{path: {type: PathPrefix, value: /}, headers: [{name: X-Canary, value: "yes"}]}]',
      '    backendRefs: [{name: cart-v2, port: 80}]',
      '  - backendRefs: [{name: cart-v1, port: 80}]',
    ].join('\n');
    const d = [...docs, rt('hdr', svcParent, rules)];
    expect((await sim(d, { from: 'shop/web', to: 'cart', headers: { 'x-canary': 'yes' } })).backends[0]!.service).toBe(
      'cart-v2',
    );
    expect((await sim(d, { from: 'shop/web', to: 'cart' })).backends[0]!.service).toBe('cart-v1');
  });

  it('all weights zero or an unknown backend is 500', async () => {
    const zero = await sim([...docs, rt('z', svcParent, '  - backendRefs: [{name: cart-v1, port: 80, weight: 0}]')], {
      from: 'shop/web',
      to: 'cart',
    });
    expect(zero).toMatchObject({ verdict: 'error', status: 500 });
    const bad = await sim([...docs, rt('b', svcParent, '  - backendRefs: [{name: nope, port: 80}]')], {
      from: 'shop/web',
      to: 'cart',
    });
    expect(bad).toMatchObject({ verdict: 'error', status: 500 });
  });

  it('(!) an HTTPRoute on the waypoint Gateway is ignored for mesh routing', async () => {
    const r = await sim(
      [
        ...docs,
        rt(
          'gw',
          '{group: gateway.networking.k8s.io, kind: Gateway, name: wp}',
          '  - backendRefs: [{name: cart-v2, port: 80}]',
        ),
      ],
      { from: 'shop/web', to: 'cart' },
    );
    expect(r.backends).toEqual([{ namespace: 'shop', service: 'cart', port: 80, probability: 1 }]);
  });

  // SEMANTICS §5 [rev]: listener_waypoint.go getVirtualServiceForWaypoint reads only the Service's and the
  // waypoint's namespaces (the old expectation had the consumer route apply to its own namespace's clients).
  it('a consumer route is ignored at the waypoint, for every client', async () => {
    const d = [
      ...docs,
      rt('team-view', svcParent, '  - backendRefs: [{name: cart-v2, namespace: shop, port: 80}]', 'team'),
      `apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: team, namespace: shop}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: team}]\n  to: [{group: "", kind: Service}]`,
    ];
    const team = await sim(d, { from: 'team/dev', to: 'cart.shop' });
    expect(team.backends[0]!.service).toBe('cart');
    expect(JSON.stringify(team.hops)).toContain('HTTPRoute team/team-view is a consumer route');
    expect((await sim(d, { from: 'shop/web', to: 'cart' })).backends[0]!.service).toBe('cart');
  });

  it('routes have no effect without a waypoint', async () => {
    const noWp = [
      ...BASE,
      service('cart-v2', 'shop'),
      deploy('cart-v2', 'shop'),
      rt('split', svcParent, '  - backendRefs: [{name: cart-v2, port: 80}]'),
    ];
    expect((await sim(noWp, { from: 'shop/web', to: 'cart' })).backends[0]!.service).toBe('cart');
  });

  it('VirtualService at the waypoint: first matching http route, subsets from the DestinationRule, no match is 404', async () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cart, namespace: shop}
spec:
  hosts: [cart]
  http:
  - match: [{headers: {x-canary: {exact: "yes"}}}]
    route: [{destination: {host: cart, subset: v2}}]
  - match: [{uri: {prefix: /api}}]
    route:
    - {destination: {host: cart, subset: v1}, weight: 90}
    - {destination: {host: cart, subset: v2}, weight: 10}`;
    const dr = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cart, namespace: shop}
spec:
  host: cart.shop.svc.cluster.local
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]`;
    const d = [
      ns('shop'),
      deploy('web', 'shop'),
      deploy('cart', 'shop', { labels: { version: 'v1' } }),
      deploy('cart-v2', 'shop', { labels: { app: 'cart', version: 'v2' } }),
      service('cart', 'shop', { 'istio.io/use-waypoint': 'wp' }),
      waypoint('wp', 'shop'),
      vs,
      dr,
    ];
    const canary = await sim(d, { from: 'shop/web', to: 'cart', headers: { 'X-Canary': 'yes' } });
    expect(canary.backends).toEqual([{ namespace: 'shop', service: 'cart', port: 80, probability: 1, subset: 'v2' }]);
    expect(canary.hops.at(-1)).toMatchObject({ at: 'pod', name: expect.stringMatching(/^shop\/cart-v2-/) });
    const api = await sim(d, { from: 'shop/web', to: 'cart', path: '/api/x' });
    expect(api.backends.map((b) => [b.subset, b.probability])).toEqual([
      ['v1', 0.9],
      ['v2', 0.1],
    ]);
    expect((await sim(d, { from: 'shop/web', to: 'cart', path: '/other' })).status).toBe(404);
    // Without a waypoint the VirtualService does nothing.
    const direct = d.map((x) => x.replace('istio.io/use-waypoint', 'x-unused'));
    const plain = await sim(direct, { from: 'shop/web', to: 'cart', path: '/other' });
    expect(plain).toMatchObject({ verdict: 'allowed', waypoint: null });
    expect(plain.backends).toEqual([{ namespace: 'shop', service: 'cart', port: 80, probability: 1 }]);
  });
});
