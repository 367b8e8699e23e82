// Issue #15: arbitrary JSON-shaped manifests — with keys named like Object.prototype members and values of every
// type where strings are expected — fed in-process to lint, simulate and migrate. The only acceptable outcomes are
// findings, a simulated result, or a usage error; never an exception or an internal-error finding.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { migrateSources } from '../../src/lib/migrate/index.ts';
import { buildMesh, parseManifests } from '../../src/lib/model/index.ts';
import { SimulationInputError, simulateSync } from '../../src/lib/simulator/index.ts';
import { lint } from '../../src/lib/validator/index.ts';

const HOSTILE_KEYS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'app', 'version', 'x'];
const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 6 }));
/** Any JSON value, small. */
const anyValue = fc.jsonValue({ maxDepth: 3 });
/** Mostly a plausible string, sometimes anything. */
const str = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('a', 'shop', 'reviews', 'GET', '/api', '*', 'waypoint', 'cluster.local/ns/shop/sa/web'),
  },
  { weight: 1, arbitrary: anyValue },
  // Values that crash code which spells them out with String() or reads them as plain-object keys.
  { weight: 1, arbitrary: fc.constantFrom({ toString: 1 }, { valueOf: 'x' }, [['nested']], null) },
);
const labels = fc.dictionary(key, str, { maxKeys: 3 });
const meta = (kind: string) =>
  fc
    .record({
      name: fc.constantFrom('a', 'b', 'reviews', 'waypoint', 'web'),
      namespace: fc.constantFrom('shop', 'istio-system', 'other'),
      labels,
      annotations: fc.dictionary(fc.oneof(key, fc.constant('istio.io/dry-run')), str, { maxKeys: 2 }),
    })
    .map((m) => ({ ...m, ...(kind === 'Namespace' ? { namespace: undefined } : {}) }));

const match = fc.record(
  {
    headers: fc.dictionary(
      key,
      fc.oneof(fc.record({ exact: str }), fc.record({ regex: fc.constantFrom('(a+)+$', '(?i)abc', '[') }), anyValue),
      { maxKeys: 2 },
    ),
    uri: fc.oneof(fc.record({ prefix: str }), fc.record({ regex: fc.constantFrom('/(a+)+', '.*') }), anyValue),
    path: fc.record({ type: fc.constantFrom('PathPrefix', 'Exact', 'RegularExpression'), value: str }),
  },
  { requiredKeys: [] },
);

const manifests = {
  Namespace: fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Namespace'), metadata: meta('Namespace') }),
  Deployment: fc.record({
    apiVersion: fc.constant('apps/v1'),
    kind: fc.constant('Deployment'),
    metadata: meta('Deployment'),
    spec: fc.record({
      template: fc.record({
        metadata: fc.record({ labels }),
        spec: fc.record({
          serviceAccountName: str,
          containers: fc.constant([{ name: 'c', ports: [{ containerPort: 9080 }] }]),
        }),
      }),
    }),
  }),
  Service: fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Service'),
    metadata: meta('Service'),
    spec: fc.record({ selector: labels, ports: fc.constant([{ port: 9080 }]) }),
  }),
  Gateway: fc.record({
    apiVersion: fc.constant('gateway.networking.k8s.io/v1'),
    kind: fc.constant('Gateway'),
    metadata: meta('Gateway'),
    spec: fc.record({
      gatewayClassName: fc.constantFrom('istio-waypoint', 'other'),
      listeners: fc.constant([{ name: 'mesh', port: 15008, protocol: 'HBONE' }]),
    }),
  }),
  AuthorizationPolicy: fc.record({
    apiVersion: fc.constant('security.istio.io/v1'),
    kind: fc.constant('AuthorizationPolicy'),
    metadata: meta('AuthorizationPolicy'),
    spec: fc.record(
      {
        action: fc.constantFrom('ALLOW', 'DENY', 'AUDIT', 'CUSTOM'),
        selector: fc.record({ matchLabels: labels }),
        targetRefs: fc.constant([{ kind: 'Service', group: '', name: 'reviews' }]),
        rules: fc.array(
          fc.record(
            {
              from: fc.array(
                fc.record({
                  source: fc.dictionary(
                    fc.constantFrom(
                      'principals',
                      'notPrincipals',
                      'namespaces',
                      'trustDomains',
                      'requestPrincipals',
                      'ipBlocks',
                      'serviceAccounts',
                    ),
                    fc.array(str, { maxLength: 2 }),
                    { maxKeys: 2 },
                  ),
                }),
                { maxLength: 2 },
              ),
              to: fc.array(
                fc.record({
                  operation: fc.dictionary(
                    fc.constantFrom('methods', 'paths', 'ports', 'hosts'),
                    fc.array(str, { maxLength: 2 }),
                    { maxKeys: 2 },
                  ),
                }),
                { maxLength: 2 },
              ),
              when: fc.array(
                fc.record({
                  key: fc.constantFrom(
                    'request.headers[constructor]',
                    'request.auth.claims[toString]',
                    'source.ip',
                    'destination.port',
                  ),
                  values: fc.array(str, { maxLength: 2 }),
                }),
                { maxLength: 2 },
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
  }),
  HTTPRoute: fc.record({
    apiVersion: fc.constant('gateway.networking.k8s.io/v1'),
    kind: fc.constant('HTTPRoute'),
    metadata: meta('HTTPRoute'),
    spec: fc.record({
      parentRefs: fc.constant([{ group: '', kind: 'Service', name: 'reviews' }]),
      rules: fc.array(
        fc.record(
          {
            matches: fc.array(
              fc.record(
                {
                  path: fc.record({
                    type: fc.constantFrom('PathPrefix', 'RegularExpression'),
                    value: fc.constantFrom('/', '/(a+)+', '(?i)/API'),
                  }),
                  headers: fc.array(
                    fc.record({ name: key, value: str, type: fc.constantFrom('Exact', 'RegularExpression') }),
                    { maxLength: 2 },
                  ),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 2 },
            ),
            backendRefs: fc.constant([{ name: 'reviews', port: 9080 }]),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
    }),
  }),
  VirtualService: fc.record({
    apiVersion: fc.constant('networking.istio.io/v1'),
    kind: fc.constant('VirtualService'),
    metadata: meta('VirtualService'),
    spec: fc.record({
      hosts: fc.constant(['reviews']),
      http: fc.array(
        fc.record({
          match: fc.array(match, { maxLength: 2 }),
          route: fc.constant([{ destination: { host: 'reviews', subset: 'v1' } }]),
        }),
        { maxLength: 2 },
      ),
    }),
  }),
  DestinationRule: fc.record({
    apiVersion: fc.constant('networking.istio.io/v1'),
    kind: fc.constant('DestinationRule'),
    metadata: meta('DestinationRule'),
    spec: fc.record({
      host: fc.constant('reviews'),
      subsets: fc.array(fc.record({ name: fc.constant('v1'), labels }), { maxLength: 2 }),
    }),
  }),
  RequestAuthentication: fc.record({
    apiVersion: fc.constant('security.istio.io/v1'),
    kind: fc.constant('RequestAuthentication'),
    metadata: meta('RequestAuthentication'),
    spec: fc.record({
      targetRefs: fc.constant([{ kind: 'Service', group: '', name: 'reviews' }]),
      jwtRules: fc.array(
        fc.record({ issuer: str, fromHeaders: fc.array(fc.record({ name: key }), { maxLength: 2 }) }),
        { maxLength: 1 },
      ),
    }),
  }),
};

const manifestSet = fc.array(fc.oneof(...Object.values(manifests)), { minLength: 1, maxLength: 8 });
const request = fc.record({
  method: fc.constantFrom('GET', 'POST'),
  path: fc.constantFrom('/', '/api', '/aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'),
  headers: fc.dictionary(key, fc.string({ maxLength: 5 }), { maxKeys: 2 }),
  tcp: fc.boolean(),
});

function yamlOf(docs: readonly unknown[]): string {
  return docs.map((d) => stringify(d)).join('---\n');
}

describe('hostile manifests through every engine', () => {
  it('lint, simulate and migrate answer with findings, results or usage errors only', () => {
    fc.assert(
      fc.property(manifestSet, request, (docs, req) => {
        const text = yamlOf(docs);
        const report = lint({ file: 'fuzz.yaml', text });
        expect(report.findings.filter((f) => f.rule === 'internal-error').map((f) => f.message)).toEqual([]);

        const migrated = migrateSources({ file: 'fuzz.yaml', text });
        expect(Array.isArray(migrated.findings)).toBe(true);

        const mesh = buildMesh(parseManifests({ file: 'fuzz.yaml', text }).resources);
        const clients = ['external', ...mesh.workloads.map((w) => `${w.namespace}/${w.name}`)].slice(0, 3);
        const dests = mesh.services.map((s) => `${s.name}.${s.namespace}:9080`).slice(0, 2);
        for (const from of clients)
          for (const to of [...dests, 'nowhere.example']) {
            try {
              const r = simulateSync(mesh, { from, to, ...req });
              if (r) expect(['allowed', 'denied', 'no-route', 'error']).toContain(r.verdict);
            } catch (err) {
              if (!(err instanceof SimulationInputError)) throw err;
            }
          }
      }),
      { numRuns: 300, seed: 20261207 },
    );
  }, 120_000);
});
