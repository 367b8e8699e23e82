// Hostile input to the simulator (issue #15): header, claim, label and query names that are also Object.prototype
// members, label values that are objects, a JWT claim nested 40,000 deep, and arbitrary JSON-shaped manifests. Each
// test asserts the verdict (or a usage error) and that nothing throws; timeouts are hang guards, not timings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/lib/model/index.ts';
import { simulate, SimulationInputError } from '../../src/lib/simulator/index.ts';
import type { SimRequest, SimResult } from '../../src/lib/simulator/index.ts';
import { shopMesh } from '../support/mesh-fixtures.ts';
import { b64url, unsignedToken } from '../support/jwt-tokens.ts';

const HANG_GUARD = 30_000;
const NOW = 1_800_000_000;
const NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'] as const;

const BASE = shopMesh({ waypoint: 'waypoint', cartV2: true });

/** YAML double-quoted scalar (names like `__proto__` go through as plain keys/values). */
const q = (s: string) => JSON.stringify(s);

function resourcesOf(extra: string) {
  const { resources, issues } = parseManifests({ file: 'hostile.yaml', text: `${BASE}---\n${extra}` });
  expect(issues.filter((i) => i.severity === 'error' && i.rule === 'yaml-syntax')).toEqual([]);
  return resources;
}

async function sim(extra: string, req: Partial<SimRequest> = {}): Promise<SimResult> {
  return simulate(resourcesOf(extra), { from: 'shop/web', to: 'cart', ...req }, { nowSeconds: NOW });
}

/** A header map with `name` as an own key, whatever the name (Object.fromEntries defines, it does not assign). */
const header = (name: string, value: string): Record<string, string> => Object.fromEntries([[name, value]]);

/** An unsigned token: the RequestAuthentication below has only a jwksUri, so the simulator trusts it (and says so). */
const token = unsignedToken;
const ISS = 'https://issuer.example';
const requestAuthentication = (rule = '') => `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: shop}
spec:
  targetRefs: [{kind: Service, group: "", name: cart}]
  jwtRules: [{issuer: ${q(ISS)}, jwksUri: "https://issuer.example/jwks"${rule}}]
`;
const allowWhen = (key: string, values = '["*"]') => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: need, namespace: shop}
spec:
  targetRefs: [{kind: Service, group: "", name: cart}]
  action: ALLOW
  rules: [{when: [{key: ${q(key)}, values: ${values}}]}]
`;

describe('names that are Object.prototype members are plain names to the simulator', () => {
  for (const name of NAMES) {
    it(
      `an ALLOW requiring header ${name} denies a request without it and allows one with it`,
      async () => {
        const yaml = allowWhen(`request.headers[${name}]`);
        const without = await sim(yaml);
        expect([without.verdict, without.status, without.deniedAt]).toEqual(['denied', 403, 'waypoint']);
        const withIt = await sim(yaml, { headers: header(name, 'v') });
        expect([withIt.verdict, withIt.status]).toEqual(['allowed', 200]);
      },
      HANG_GUARD,
    );

    it(
      `an HTTPRoute header match on ${name} routes only requests that carry it`,
      async () => {
        const yaml = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: by-header, namespace: shop}
spec:
  parentRefs: [{group: "", kind: Service, name: cart, port: 80}]
  rules:
  - matches: [{headers: [{name: ${q(name)}, value: "x"}]}]
    backendRefs: [{name: cart-v2, port: 80}]
`;
        const without = await sim(yaml);
        expect([without.verdict, without.status]).toEqual(['no-route', 404]);
        const withIt = await sim(yaml, { headers: header(name, 'x') });
        expect(withIt.backends.map((b) => b.service)).toEqual(['cart-v2']);
        // A regex that matches anything must still need the header to be there.
        const anyValue = yaml.replace('value: "x"', 'type: RegularExpression, value: ".*"');
        expect((await sim(anyValue)).verdict).toBe('no-route');
        expect((await sim(anyValue, { headers: header(name, '') })).backends.map((b) => b.service)).toEqual([
          'cart-v2',
        ]);
      },
      HANG_GUARD,
    );

    it(
      `a VirtualService header match on ${name} does not match a request without it`,
      async () => {
        const yaml = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cart, namespace: shop}
spec:
  hosts: [cart]
  http:
  - match: [{headers: {${q(name)}: {exact: "x"}}}]
    route: [{destination: {host: cart-v2}}]
`;
        expect((await sim(yaml)).verdict).toBe('no-route');
        expect((await sim(yaml, { headers: header(name, 'x') })).backends.map((b) => b.service)).toEqual(['cart-v2']);
      },
      HANG_GUARD,
    );

    it(
      `RequestAuthentication fromHeaders [{name: ${name}}] and fromParams [${name}] find a token only where it is`,
      async () => {
        const yaml = `${requestAuthentication(`, fromHeaders: [{name: ${q(name)}}], fromParams: [${q(name)}]`)}---\n${allowWhen('request.auth.principal', `[${q(`${ISS}/alice`)}]`)}`;
        const jwt = token(JSON.stringify({ iss: ISS, sub: 'alice' }));
        const without = await sim(yaml);
        expect([without.verdict, without.status]).toEqual(['denied', 403]);
        expect((await sim(yaml, { headers: header(name, jwt) })).verdict).toBe('allowed');
        expect((await sim(yaml, { path: `/?${encodeURIComponent(name)}=${jwt}` })).verdict).toBe('allowed');
      },
      HANG_GUARD,
    );

    it(
      `an ALLOW on claim ${name} denies a valid token without that claim`,
      async () => {
        const yaml = `${requestAuthentication()}---\n${allowWhen(`request.auth.claims[${name}]`)}`;
        const plain = token(JSON.stringify({ iss: ISS, sub: 'alice' }));
        const r = await sim(yaml, { jwt: plain });
        expect([r.verdict, r.status]).toEqual(['denied', 403]);
        const has = token(`{"iss":${q(ISS)},"sub":"alice",${q(name)}:"yes"}`);
        expect((await sim(yaml, { jwt: has })).verdict).toBe('allowed');
      },
      HANG_GUARD,
    );

    it(
      `a pod label and a DestinationRule subset label named ${name} are plain labels`,
      async () => {
        const yaml = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cart, namespace: shop}
spec:
  host: cart
  subsets: [{name: odd, labels: {${q(name)}: "1"}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cart, namespace: shop}
spec:
  hosts: [cart]
  http: [{route: [{destination: {host: cart, subset: odd}}]}]
`;
        // No cart pod has that label: the subset selects no endpoint (an error), never an inherited member.
        const r = await sim(yaml);
        expect(r.verdict).toBe('error');
      },
      HANG_GUARD,
    );
  }

  it('request names that are Object.prototype members are usage errors, not crashes', async () => {
    const resources = resourcesOf('');
    for (const name of NAMES) {
      for (const req of [
        { from: `${name}/${name}`, to: 'cart' },
        { from: 'shop/web', to: name },
        { from: 'shop/web', to: `pod/${name}/${name}` },
        { from: 'shop/web', to: `pod/shop/${name}` },
      ])
        await expect(simulate(resources, req, { nowSeconds: NOW })).rejects.toBeInstanceOf(SimulationInputError);
    }
  });
});

describe('a JWT header alg named like an Object.prototype member', () => {
  for (const alg of NAMES)
    it(
      `alg ${alg} is unsupported (401), with an inline jwks to check against`,
      async () => {
        const jwks = JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'k' }] });
        const yaml = `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: shop}
spec:
  targetRefs: [{kind: Service, group: "", name: cart}]
  jwtRules: [{issuer: ${q(ISS)}, jwks: ${q(jwks)}}]
`;
        const jwt = `${b64url(JSON.stringify({ alg, kid: 'k' }))}.${b64url(JSON.stringify({ iss: ISS, sub: 'a' }))}.c2ln`;
        const r = await sim(yaml, { jwt });
        expect([r.verdict, r.status]).toEqual(['denied', 401]);
        expect(JSON.stringify(r.hops)).toContain(`unsupported or unsafe alg \\"${alg}\\"`);
      },
      HANG_GUARD,
    );
});

describe('label values that are objects', () => {
  it(
    'in pod labels, selectors, subsets and sourceLabels: a non-match, never a TypeError',
    async () => {
      const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: odd, namespace: shop}
spec:
  selector: {matchLabels: {app: odd}}
  template:
    metadata: {labels: {app: odd, version: {toString: 1}}}
    spec: {serviceAccountName: odd, containers: [{name: c, image: x}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-odd-selector, namespace: shop}
spec:
  selector: {matchLabels: {app: {toString: 1}}}
  action: DENY
  rules: [{}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-odd-expression, namespace: shop}
spec:
  selector: {matchExpressions: [{key: {toString: 1}, operator: In, values: [{valueOf: 1}]}]}
  action: DENY
  rules: [{}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cart, namespace: shop}
spec:
  host: cart
  subsets: [{name: v1, labels: {version: {toString: 1}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cart, namespace: shop}
spec:
  hosts: [cart]
  http:
  - match: [{sourceLabels: {version: {toString: 1}}}]
    route: [{destination: {host: cart-v2}}]
  - route: [{destination: {host: cart, subset: v1}}]
`;
      const r = await sim(yaml, { from: 'shop/odd' });
      // sourceLabels never match; the subset with an object label value is an invalid backend (500); no DENY applies.
      expect([r.verdict, r.status]).toEqual(['error', 500]);
      expect(JSON.stringify(r)).toContain('non-string label value');
    },
    HANG_GUARD,
  );
});

describe('JWT claims that are deep or odd', () => {
  it(
    'a claim nested 40,000 deep neither throws RangeError nor matches',
    async () => {
      let deep = '"x"';
      for (let i = 0; i < 40_000; i++) deep = `{"a":${deep}}`;
      const jwt = token(`{"iss":${q(ISS)},"sub":"alice","deep":${deep}}`);
      const yaml = `${requestAuthentication()}---\n${allowWhen('request.auth.claims[deep][a]', '["x"]')}`;
      const r = await sim(yaml, { jwt });
      expect([r.verdict, r.status]).toEqual(['denied', 403]);
      // A policy path longer than the bound is a non-match as well.
      const long = `request.auth.claims${'[a]'.repeat(5_000)}`;
      const r2 = await sim(`${requestAuthentication()}---\n${allowWhen(long, '["x"]')}`, { jwt });
      expect(r2.verdict).toBe('denied');
    },
    HANG_GUARD,
  );

  it(
    'a claim path that reaches a string through own properties matches',
    async () => {
      const jwt = token(`{"iss":${q(ISS)},"sub":"alice","org":{"team":["x","y"]}}`);
      const yaml = `${requestAuthentication()}---\n${allowWhen('request.auth.claims[org][team]', '["y"]')}`;
      expect((await sim(yaml, { jwt })).verdict).toBe('allowed');
    },
    HANG_GUARD,
  );
});

describe('arbitrary JSON-shaped manifests', () => {
  const KINDS = [
    'AuthorizationPolicy',
    'RequestAuthentication',
    'PeerAuthentication',
    'HTTPRoute',
    'GRPCRoute',
    'TCPRoute',
    'VirtualService',
    'DestinationRule',
    'ServiceEntry',
    'Service',
    'Deployment',
    'Pod',
    'Gateway',
    'Namespace',
    'ReferenceGrant',
  ];
  const API: Record<string, string> = {
    AuthorizationPolicy: 'security.istio.io/v1',
    RequestAuthentication: 'security.istio.io/v1',
    PeerAuthentication: 'security.istio.io/v1',
    HTTPRoute: 'gateway.networking.k8s.io/v1',
    GRPCRoute: 'gateway.networking.k8s.io/v1',
    TCPRoute: 'gateway.networking.k8s.io/v1alpha2',
    VirtualService: 'networking.istio.io/v1',
    DestinationRule: 'networking.istio.io/v1',
    ServiceEntry: 'networking.istio.io/v1',
    Gateway: 'gateway.networking.k8s.io/v1',
    ReferenceGrant: 'gateway.networking.k8s.io/v1beta1',
    Deployment: 'apps/v1',
  };
  // Keys the engines look for, the prototype names, and a few random ones, so generated objects hit real paths.
  const key = fc.oneof(
    fc.constantFrom(
      'spec',
      'selector',
      'matchLabels',
      'rules',
      'from',
      'to',
      'when',
      'source',
      'operation',
      'principals',
      'namespaces',
      'ipBlocks',
      'trustDomains',
      'methods',
      'paths',
      'ports',
      'key',
      'values',
      'targetRefs',
      'kind',
      'name',
      'group',
      'parentRefs',
      'backendRefs',
      'matches',
      'headers',
      'hosts',
      'http',
      'route',
      'destination',
      'subsets',
      'labels',
      'template',
      'metadata',
      'listeners',
      'jwtRules',
      'fromHeaders',
      'mtls',
      'mode',
      'action',
      'ports',
      'weight',
      'port',
      ...NAMES,
    ),
    fc.string({ maxLength: 6 }),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('cart', 'shop', 'web', 'waypoint', '*', 'GET', 'ALLOW', 'DENY', 'Service', '10.0.0.0/8', ''),
      fc.integer({ min: -1, max: 70_000 }),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    ),
  })).node;
  const manifest = fc.record({
    kind: fc.constantFrom(...KINDS),
    name: fc.constantFrom('cart', 'web', 'waypoint', 'x', ...NAMES),
    namespace: fc.constantFrom('shop', 'istio-system', ...NAMES),
    labels: fc.dictionary(key, value, { maxKeys: 3 }),
    annotations: fc.dictionary(fc.constantFrom('istio.io/dry-run', ...NAMES), value, { maxKeys: 2 }),
    spec: fc.dictionary(key, value, { maxKeys: 5 }),
  });
  const request = fc.record({
    from: fc.constantFrom('shop/web', 'shop/cart', 'external', 'shop/x', ...NAMES.map((n) => `shop/${n}`)),
    to: fc.constantFrom('cart', 'cart-v2:80', 'pod/shop/cart', 'web', 'x'),
    method: fc.constantFrom('GET', 'POST'),
    path: fc.constantFrom('/', '/a?b=c', `/?${NAMES[0]}=1`),
    headers: fc.dictionary(fc.constantFrom('x', 'authorization', ...NAMES), fc.string({ maxLength: 8 }), {
      maxKeys: 2,
    }),
    tcp: fc.boolean(),
  });

  it('simulate answers with a result or a usage error, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(manifest, { maxLength: 4 }), request, async (docs, req) => {
        const text = docs
          .map((d) =>
            JSON.stringify({
              apiVersion: API[d.kind] ?? 'v1',
              kind: d.kind,
              metadata: { name: d.name, namespace: d.namespace, labels: d.labels, annotations: d.annotations },
              spec: d.spec,
            }),
          )
          .join('\n---\n');
        const { resources } = parseManifests({ file: 'fuzz.yaml', text: `${BASE}---\n${text}` });
        try {
          const r = await simulate(resources, req, { nowSeconds: NOW });
          expect(['allowed', 'denied', 'no-route', 'error']).toContain(r.verdict);
          JSON.stringify(r);
        } catch (e) {
          if (!(e instanceof SimulationInputError)) throw e;
        }
      }),
      // FUZZ_RUNS=5000 for a longer local search; 300 keeps the suite quick.
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  }, 120_000);
});
