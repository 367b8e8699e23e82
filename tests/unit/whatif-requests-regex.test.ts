// Issue #20: the what-if matrix sends a request for RegularExpression route matches and nested JWT claims.
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/lib/model/index.ts';
import { buildMesh } from '../../src/lib/model/mesh.ts';
import { buildMatrix, cellsOf, requestLabel } from '../../src/lib/whatif/index.ts';
import type { Matrix } from '../../src/lib/whatif/index.ts';
import { SAMPLE_MAX_OUTPUT, sampleRegex } from '../../src/lib/whatif/regex-sample.ts';
import { tokenOf } from '../../src/lib/whatif/requests.ts';

const NOW = 1_800_000_000;

/** Namespace b behind a waypoint with services x and y, a client in a, and `extra` resources in b. */
function mesh(extra: string) {
  const workloads = ['x', 'y']
    .map(
      (app) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${app}, namespace: b}
spec:
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}}}
    spec: {serviceAccountName: ${app}, containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: ${app}, namespace: b}
spec: {selector: {app: ${app}}, ports: [{port: 80, targetPort: 8080}]}`,
    )
    .join('\n');
  const yaml = `apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {istio.io/dataplane-mode: ambient}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b, labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: wp}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: wp, namespace: b}
spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: c, namespace: a}
spec:
  selector: {matchLabels: {app: c}}
  template:
    metadata: {labels: {app: c}}
    spec: {serviceAccountName: c, containers: [{name: c, image: i}]}
${workloads}
---
${extra}`;
  const { resources } = parseManifests({ file: 'mesh.yaml', text: yaml });
  return buildMesh(resources);
}

/**
 * A route whose first rule sends `match` to y. The other rule is not a catch-all: a `PathPrefix /` would outrank a
 * regex path (istiod sorts prefix length before regex length), and the regex request would rightly go to x.
 */
function route(match: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: split, namespace: b}
spec:
  parentRefs: [{group: "", kind: Service, name: x}]
  rules:
  - matches: [${match}]
    backendRefs: [{name: y, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /other}}]
    backendRefs: [{name: x, port: 80}]`;
}

const labels = (m: Matrix, dest: string) => m.destinations.find((d) => d.key === dest)!.requests.map(requestLabel);
const cell = (m: Matrix, dest: string, label: string) =>
  [...cellsOf(m)].find(
    (c) => c.client.key === 'a/c' && c.destination.key === dest && requestLabel(c.request) === label,
  )!.outcome;

describe('sampleRegex', () => {
  it('builds a confirmed sample for the subset', () => {
    expect(sampleRegex('/v[0-9]+/items')).toBe('/v0/items');
    expect(sampleRegex('^/api/(users|groups)/\\d{2,4}$')).toBe('/api/users/00');
    expect(sampleRegex('(?i)/A[^/]*b?\\.json')).toBe('/A.json');
    expect(sampleRegex('[^xa]+')).toBe('0');
    expect(sampleRegex('(?P<who>jason|ann)\\s\\w')).toBe('jason a');
  });

  it('gives nothing outside the subset or over the caps', () => {
    expect(sampleRegex('\\pL+')).toBeUndefined();
    expect(sampleRegex('[[:alpha:]]')).toBeUndefined();
    expect(sampleRegex('/(?=v)v1')).toBeUndefined();
    expect(sampleRegex('a$b')).toBeUndefined(); // walked to "ab", which RE2 does not confirm
    expect(sampleRegex(`a{${SAMPLE_MAX_OUTPUT + 1}}`)).toBeUndefined();
    expect(sampleRegex('x'.repeat(600))).toBeUndefined();
  });

  it('stays fast on a long, pathological pattern (hang guard)', () => {
    const start = Date.now();
    for (const p of ['(a+)+$'.repeat(80), '('.repeat(500), '((((a{9}){9}){9}){9})', '[^'.repeat(250)]) sampleRegex(p);
    expect(Date.now() - start).toBeLessThan(2000);
  });
});

describe('what-if requests for regex matches', () => {
  it('a RegularExpression path route gets a request routed by that rule', async () => {
    const m = await buildMatrix(mesh(route('{path: {type: RegularExpression, value: "/v[0-9]+/.*"}}')), {
      nowSeconds: NOW,
    });
    expect(labels(m, 'x.b:80')).toEqual(['GET /', 'GET /v0/', 'GET /other', 'tcp']);
    expect(cell(m, 'x.b:80', 'GET /v0/').backends.map((b) => b.service)).toEqual(['y']);
    expect(cell(m, 'x.b:80', 'GET /').backends.map((b) => b.service)).not.toContain('y');
  });

  it('a RegularExpression header match gets a request carrying a matching value', async () => {
    const m = await buildMatrix(
      mesh(route('{headers: [{type: RegularExpression, name: X-User, value: "(?i)(ann|jason)"}]}')),
      { nowSeconds: NOW },
    );
    expect(labels(m, 'x.b:80')).toEqual(['GET /', 'GET / · x-user: ann', 'GET /other', 'tcp']);
    expect(cell(m, 'x.b:80', 'GET / · x-user: ann').backends.map((b) => b.service)).toEqual(['y']);
  });

  it('a VirtualService uri regex gets a request routed by that match', async () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: split, namespace: b}
spec:
  hosts: [x]
  http:
  - match: [{uri: {regex: "/v[0-9]+/.*"}}]
    route: [{destination: {host: y}}]
  - route: [{destination: {host: x}}]`;
    const m = await buildMatrix(mesh(vs), { nowSeconds: NOW });
    expect(labels(m, 'x.b:80')).toEqual(['GET /', 'GET /v0/', 'tcp']);
    expect(cell(m, 'x.b:80', 'GET /v0/').backends.map((b) => b.service)).toEqual(['y']);
  });

  it('an unsupported regex gives no extra request', async () => {
    const m = await buildMatrix(mesh(route('{path: {type: RegularExpression, value: "/\\\\pL+"}}')), {
      nowSeconds: NOW,
    });
    expect(labels(m, 'x.b:80')).toEqual(['GET /', 'GET /other', 'tcp']);
  });
});

describe('what-if requests for nested claims', () => {
  const policy = `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: b}
spec:
  targetRefs: [{kind: Service, group: "", name: x}]
  jwtRules: [{issuer: "https://issuer.example", jwksUri: "https://issuer.example/jwks"}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: admins, namespace: b}
spec:
  targetRefs: [{kind: Service, group: "", name: x}]
  rules: [{when: [{key: "request.auth.claims[realm][role]", values: ["admin"]}]}]`;

  it('a nested-claim ALLOW is allowed for the synthesised token and denied without it', async () => {
    const m = await buildMatrix(mesh(policy), { nowSeconds: NOW });
    const dest = m.destinations.find((d) => d.key === 'x.b:80')!;
    const withClaim = dest.requests.find((r) => r.jwt?.claims.length);
    expect(withClaim?.jwt?.claims).toEqual([[['realm', 'role'], 'admin']]);
    const token = tokenOf(withClaim!.jwt!, NOW);
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<
      string,
      unknown
    >;
    expect(payload.realm).toEqual({ role: 'admin' });
    expect(cell(m, 'x.b:80', requestLabel(withClaim!)).verdict).toBe('allowed');
    expect(cell(m, 'x.b:80', 'GET /').verdict).toBe('denied');
  });

  it('a claim path deeper than the cap or malformed gives no request', async () => {
    const deep = `[${Array.from({ length: 9 }, (_, i) => `c${i}`).join('][')}]`;
    for (const key of [`request.auth.claims${deep}`, 'request.auth.claims[a][]', 'request.auth.claims[a]x']) {
      const m = await buildMatrix(mesh(policy.replace('request.auth.claims[realm][role]', key)), { nowSeconds: NOW });
      const dest = m.destinations.find((d) => d.key === 'x.b:80')!;
      expect(dest.requests.some((r) => r.jwt?.claims.length)).toBe(false);
    }
  });
});
