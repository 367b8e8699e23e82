import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseManifests } from '../model/index.ts';
import { simulate } from './simulate.ts';
import type { SimResult } from './types.ts';
import { deployment, namespace, service, waypoint } from '../../../tests/support/mesh-fixtures.ts';

/** Random small meshes built from the pieces whose interactions matter (enrolment, waypoints, policies, routes). */
const scenario = fc.record({
  clientNsAmbient: fc.boolean(),
  serverNsAmbient: fc.boolean(),
  serviceWaypoint: fc.constantFrom('none', 'wp', 'missing'),
  waypointFor: fc.constantFrom('service', 'workload', 'all', 'none'),
  selectorPolicy: fc.constantFrom('none', 'allow-client', 'allow-waypoint', 'deny-l7', 'allow-l7', 'empty'),
  waypointPolicy: fc.constantFrom('none', 'allow-get', 'deny-admin'),
  strict: fc.boolean(),
  route: fc.constantFrom('none', 'split', 'split-zero', 'prefix', 'bad-backend'),
  from: fc.constantFrom('client/web', 'external'),
  to: fc.constantFrom('cart.server', 'cart.server:80', 'pod/server/cart'),
  method: fc.constantFrom('GET', 'POST'),
  path: fc.constantFrom('/', '/api/x', '/admin', '/apix'),
  tcp: fc.boolean(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function manifests(s: Scenario): string {
  const ambient = (on: boolean): Record<string, string> => (on ? { 'istio.io/dataplane-mode': 'ambient' } : {});
  const cart = (v: string) =>
    deployment(v, {
      namespace: 'server',
      labels: { app: v, tier: 'cart' },
      selector: { app: v },
      serviceAccount: 'cart',
    });
  const wpLabel: Record<string, string> =
    s.serviceWaypoint === 'none' ? {} : { 'istio.io/use-waypoint': s.serviceWaypoint };
  const docs = [
    namespace('client', ambient(s.clientNsAmbient)),
    namespace('server', ambient(s.serverNsAmbient)),
    deployment('web', { namespace: 'client' }),
    cart('cart'),
    cart('cart-v2'),
    service('cart', { namespace: 'server', labels: wpLabel, portName: null }),
    service('cart-v2', { namespace: 'server', portName: null }),
    waypoint('wp', 'server', { labels: { 'istio.io/waypoint-for': s.waypointFor } }),
  ];
  const ap = (spec: string, name: string) =>
    `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ${name}, namespace: server}\nspec:\n${spec}`;
  const sel = '  selector: {matchLabels: {tier: cart}}\n';
  const selectorPolicies: Record<string, string> = {
    'allow-client': `${sel}  action: ALLOW\n  rules: [{from: [{source: {principals: ["cluster.local/ns/client/sa/web"]}}]}]`,
    'allow-waypoint': `${sel}  action: ALLOW\n  rules: [{from: [{source: {principals: ["cluster.local/ns/server/sa/wp", "cluster.local/ns/client/sa/web"]}}]}]`,
    'deny-l7': `${sel}  action: DENY\n  rules: [{to: [{operation: {methods: ["POST"], ports: ["8080"]}}]}]`,
    'allow-l7': `${sel}  action: ALLOW\n  rules: [{to: [{operation: {paths: ["/api/*"]}}]}]`,
    empty: `${sel}  {}`.replace(`${sel}  {}`, '  selector: {matchLabels: {tier: cart}}'),
  };
  if (s.selectorPolicy !== 'none') docs.push(ap(selectorPolicies[s.selectorPolicy]!, 'sel'));
  const tr = '  targetRefs: [{kind: Service, group: "", name: cart}]\n';
  if (s.waypointPolicy === 'allow-get')
    docs.push(ap(`${tr}  action: ALLOW\n  rules: [{to: [{operation: {methods: ["GET"]}}]}]`, 'wp-get'));
  if (s.waypointPolicy === 'deny-admin')
    docs.push(ap(`${tr}  action: DENY\n  rules: [{to: [{operation: {paths: ["/admin*"]}}]}]`, 'wp-admin'));
  if (s.strict)
    docs.push(
      `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: server}\nspec: {mtls: {mode: STRICT}}`,
    );
  const parent = 'parentRefs: [{group: "", kind: Service, name: cart, port: 80}]';
  const routes: Record<string, string> = {
    split: `  - backendRefs: [{name: cart, port: 80, weight: 3}, {name: cart-v2, port: 80, weight: 1}]`,
    'split-zero': `  - backendRefs: [{name: cart, port: 80, weight: 0}, {name: cart-v2, port: 80, weight: 0}]`,
    prefix: `  - matches: [{path: {type: PathPrefix, value: /api}}]\n    backendRefs: [{name: cart-v2, port: 80}]`,
    'bad-backend': `  - backendRefs: [{name: cart, port: 80}, {name: gone, port: 80}]`,
  };
  if (s.route !== 'none')
    docs.push(
      `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: server}\nspec:\n  ${parent}\n  rules:\n${routes[s.route]}`,
    );
  return docs.join('\n---\n');
}

function checkInvariants(r: SimResult, tcp: boolean): void {
  expect(r.version).toBe(1);
  expect(['allowed', 'denied', 'no-route', 'error']).toContain(r.verdict);
  // deniedAt only on denials, and a denial always says where (or is a sidecar hop).
  if (r.deniedAt !== null) expect(r.verdict).toBe('denied');
  if (r.verdict === 'denied') expect(r.deniedAt !== null || r.hops.some((h) => h.at === 'sidecar')).toBe(true);
  // TCP never has an HTTP status; HTTP statuses follow the contract table.
  if (tcp) expect(r.status).toBeNull();
  if (r.verdict === 'allowed' && !tcp) expect(r.status! < 400).toBe(true);
  if (r.verdict === 'no-route') expect(r.status).toBe(404);
  if (r.deniedAt === 'waypoint' && !tcp) expect([401, 403]).toContain(r.status);
  if (r.deniedAt === 'ztunnel') expect(r.status).toBe(!tcp && r.waypoint ? 503 : null);
  // A waypoint in the result means a waypoint hop in the trace, and vice versa.
  expect(r.hops.some((h) => h.at === 'waypoint')).toBe(r.waypoint !== null);
  // An allowed request ends at a pod (or outside the mesh) unless the proxy answered itself.
  if (r.verdict === 'allowed' && (r.status === 200 || r.status === null))
    expect(['pod', 'external']).toContain(r.hops.at(-1)!.at);
  // Backends: positive probabilities summing to at most 1.
  const sum = r.backends.reduce((a, b) => a + b.probability, 0);
  expect(r.backends.every((b) => b.probability > 0)).toBe(true);
  expect(sum).toBeLessThanOrEqual(1 + 1e-9);
  // Hop order: source side first, the pod last, the waypoint before the destination ztunnel.
  const order = r.hops.map((h) => (h.at === 'ztunnel' ? `z-${h.side}` : h.at));
  const wpAt = order.indexOf('waypoint');
  const destAt = order.indexOf('z-destination');
  if (wpAt >= 0 && destAt >= 0) expect(wpAt).toBeLessThan(destAt);
  if (order.includes('z-source')) expect(order[0]).toBe('z-source');
}

describe('simulator invariants over random meshes', () => {
  it('every result satisfies the contract invariants and the same input gives the same trace', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { resources } = parseManifests({ file: 'gen.yaml', text: manifests(s) });
        const req = { from: s.from, to: s.to, ...(s.tcp ? { tcp: true } : { method: s.method, path: s.path }) };
        const r = await simulate(resources, req);
        checkInvariants(r, s.tcp);
        expect(await simulate(resources, req)).toEqual(r);
        // Semantics that hold whatever else is in the mesh:
        if (s.from === 'external') expect(r.waypoint).toBeNull();
        if (s.serviceWaypoint !== 'wp' && s.to !== 'pod/server/cart') expect(r.waypoint).toBeNull();
        if (s.selectorPolicy === 'empty' && s.serverNsAmbient) expect(r.verdict).not.toBe('allowed');
        if (s.selectorPolicy === 'allow-l7' && s.serverNsAmbient) expect(r.verdict).not.toBe('allowed');
      }),
      { numRuns: 300 },
    );
  });
});
