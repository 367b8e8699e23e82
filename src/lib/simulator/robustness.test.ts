import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseManifests } from '../model/index.ts';
import { simulate } from './simulate.ts';
import { SimulationInputError } from './types.ts';
import { shopMesh } from '../../../tests/support/mesh-fixtures.ts';

const BASE = shopMesh({ waypoint: 'wp', waypointOn: 'namespace' });

const KINDS: [string, string][] = [
  ['security.istio.io/v1', 'AuthorizationPolicy'],
  ['security.istio.io/v1', 'RequestAuthentication'],
  ['security.istio.io/v1', 'PeerAuthentication'],
  ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
  ['networking.istio.io/v1', 'VirtualService'],
  ['networking.istio.io/v1', 'DestinationRule'],
  ['v1', 'Service'],
  ['apps/v1', 'Deployment'],
  ['gateway.networking.k8s.io/v1', 'Gateway'],
];

/** Plausible-looking but arbitrary specs: the field names the simulator reads, with values of any shape. */
const fieldNames = fc.constantFrom(
  'selector',
  'targetRefs',
  'targetRef',
  'action',
  'rules',
  'from',
  'to',
  'when',
  'source',
  'operation',
  'principals',
  'notPrincipals',
  'namespaces',
  'methods',
  'paths',
  'ports',
  'key',
  'values',
  'jwtRules',
  'issuer',
  'jwks',
  'mtls',
  'mode',
  'portLevelMtls',
  'parentRefs',
  'backendRefs',
  'matches',
  'path',
  'type',
  'value',
  'headers',
  'weight',
  'name',
  'kind',
  'group',
  'port',
  'hosts',
  'http',
  'route',
  'destination',
  'host',
  'subset',
  'subsets',
  'labels',
  'matchLabels',
  'template',
  'spec',
  'containers',
  'ports',
  'listeners',
  'gatewayClassName',
  'allowedRoutes',
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(
      null,
      true,
      0,
      80,
      -1,
      '',
      '*',
      'GET',
      '/api/*',
      'shop',
      'cart',
      'wp',
      'ALLOW',
      'DENY',
      'STRICT',
      'Service',
      '8080',
    ),
    fc.string({ maxLength: 6 }),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fieldNames, tie('v'), { maxKeys: 4 }),
  ),
})).v;

describe('simulator robustness (the playground runs it on half-typed YAML)', () => {
  it('never throws anything but SimulationInputError, whatever the specs look like', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...KINDS), fc.dictionary(fieldNames, value, { maxKeys: 5 })), {
          maxLength: 4,
        }),
        fc.constantFrom('shop/web', 'external', 'shop/cart'),
        fc.constantFrom('cart', 'cart.shop:80', 'pod/shop/cart', 'pod/shop/web'),
        fc.boolean(),
        async (docs, from, to, tcp) => {
          const extra = docs.map(([[apiVersion, kind], spec], i) =>
            stringify({ apiVersion, kind, metadata: { name: i % 2 ? 'cart' : `x${i}`, namespace: 'shop' }, spec }),
          );
          const { resources } = parseManifests({ file: 'fuzz.yaml', text: [BASE, ...extra].join('\n---\n') });
          try {
            const r = await simulate(resources, { from, to, ...(tcp ? { tcp: true } : { path: '/api/x' }) });
            expect(['allowed', 'denied', 'no-route', 'error']).toContain(r.verdict);
            expect(() => JSON.stringify(r)).not.toThrow();
          } catch (err) {
            if (!(err instanceof SimulationInputError)) throw err;
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
