import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseManifests } from '../model/index.ts';
import { buildMesh } from '../model/mesh.ts';
import { simulateIn, simulateSync } from './simulate.ts';
import type { SimRequest } from './types.ts';
import { docs, shopMesh } from '../../../tests/support/mesh-fixtures.ts';
import { b64urlJson, ISSUER, testSigner } from '../../../tests/support/jwt-tokens.ts';
import type { TestSigner } from '../../../tests/support/jwt-tokens.ts';

// simulateSync is simulateIn without the Promise: the same trace for the same inputs, except that a JWT whose
// signature needs WebCrypto (inline jwks) cannot be decided synchronously.

const NOW = 1_800_000_000;
const scenarios = fileURLToPath(new URL('../../../tests/scenarios/', import.meta.url));

describe('simulateSync gives the same result as simulateIn', () => {
  const names = readdirSync(scenarios)
    .filter((f) => f.endsWith('.cases.ts'))
    .map((f) => f.replace(/\.cases\.ts$/, ''));
  it('has scenarios to compare', () => expect(names.length).toBeGreaterThan(0));
  for (const name of names) {
    it(`on every request of the ${name} scenario`, async () => {
      const { cases } = (await import(`${scenarios}${name}.cases.ts`)) as { cases: readonly { request: SimRequest }[] };
      const { resources } = parseManifests({ file: name, text: readFileSync(`${scenarios}${name}.yaml`, 'utf8') });
      const mesh = buildMesh(resources);
      let compared = 0;
      for (const { request } of cases) {
        let async: unknown;
        try {
          async = await simulateIn(mesh, request, { nowSeconds: NOW });
        } catch (e) {
          // Usage errors (unknown client or host) are thrown the same way by both.
          expect(() => simulateSync(mesh, request, { nowSeconds: NOW })).toThrow((e as Error).message);
          continue;
        }
        const sync = simulateSync(mesh, request, { nowSeconds: NOW });
        if (sync === undefined) continue; // a signed JWT: covered below
        expect(sync).toEqual(async);
        compared++;
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});

const ISS = ISSUER;
const enc = b64urlJson;
let jwks = '';
let sign: TestSigner['sign'];
beforeAll(async () => {
  ({ jwks, sign } = await testSigner('ES256'));
});

/** The shop mesh with its waypoint and a RequestAuthentication on it with this jwtRule. */
const shop = (rule: string) =>
  docs(
    shopMesh({ waypoint: 'wp' }),
    `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: shop}
spec:
  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: wp}]
  jwtRules: [${rule}]
`,
  );
const meshOf = (text: string) => buildMesh(parseManifests({ file: 'shop.yaml', text }).resources);

describe('simulateSync and JWTs', () => {
  it('leaves a signature against an inline jwks to simulateIn, which verifies it', async () => {
    const mesh = meshOf(shop(`{issuer: "${ISS}", jwks: '${jwks}'}`));
    const req = { from: 'shop/web', to: 'cart.shop', jwt: await sign({ iss: ISS, sub: 'alice', exp: NOW + 60 }) };
    expect(simulateSync(mesh, req, { nowSeconds: NOW })).toBeUndefined();
    const r = await simulateIn(mesh, req, { nowSeconds: NOW });
    expect(r.verdict).toBe('allowed');
    const jwt = r.hops.flatMap((h) => ('decisions' in h ? h.decisions : [])).find((d) => d.step === 'jwt');
    expect(jwt?.note).toContain('signature verified');
    const forged = { ...req, jwt: `${req.jwt.slice(0, req.jwt.lastIndexOf('.'))}.${enc('not a signature')}` };
    expect((await simulateIn(mesh, forged, { nowSeconds: NOW })).status).toBe(401);
  });

  it('decides without WebCrypto what needs none: no token, an expired token, a jwksUri-only rule', async () => {
    const inline = meshOf(shop(`{issuer: "${ISS}", jwks: '${jwks}'}`));
    const uriOnly = meshOf(shop(`{issuer: "${ISS}", jwksUri: "${ISS}/keys"}`));
    const expired = await sign({ iss: ISS, sub: 'alice', exp: NOW - 1 });
    const fresh = await sign({ iss: ISS, sub: 'alice', exp: NOW + 60 });
    const cases: [ReturnType<typeof meshOf>, SimRequest, number][] = [
      [inline, { from: 'shop/web', to: 'cart.shop' }, 200],
      [inline, { from: 'shop/web', to: 'cart.shop', jwt: expired }, 401],
      [uriOnly, { from: 'shop/web', to: 'cart.shop', jwt: fresh }, 200],
    ];
    for (const [mesh, req, status] of cases) {
      const sync = simulateSync(mesh, req, { nowSeconds: NOW });
      expect(sync?.status).toBe(status);
      expect(sync).toEqual(await simulateIn(mesh, req, { nowSeconds: NOW }));
    }
  });
});

describe('what the simulator keeps per mesh', () => {
  it('is not shared between meshes built from the same resources', () => {
    // The same parsed objects in two meshes that differ only in the root namespace: the allow-nothing policy in
    // `other` reaches cart only when `other` is the root namespace. Each mesh must keep its own answer.
    const { resources } = parseManifests({
      file: 'two.yaml',
      text: `${shop(`{issuer: "${ISS}", jwksUri: "${ISS}/keys"}`)}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-nothing, namespace: other}
spec: {}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
`,
    });
    const req = { from: 'shop/web', to: 'pod/shop/cart:8080', tcp: true };
    const plain = buildMesh(resources);
    const rooted = buildMesh(resources, { rootNamespace: 'other' });
    expect(simulateSync(plain, req)?.verdict).toBe('allowed');
    expect(simulateSync(rooted, req)?.verdict).toBe('denied');
    expect(simulateSync(plain, req)?.verdict).toBe('allowed');
  });
});
