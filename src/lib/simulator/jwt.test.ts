import { beforeAll, describe, expect, it } from 'vitest';
import { parseManifests } from '../model/index.ts';
import { simulate } from './simulate.ts';
import type { SimRequest, SimResult, WaypointHop } from './types.ts';
import { shopMesh } from '../../../tests/support/mesh-fixtures.ts';
import { b64urlJson, ISSUER, testSigner } from '../../../tests/support/jwt-tokens.ts';
import type { TestSigner } from '../../../tests/support/jwt-tokens.ts';

const NOW = 1_800_000_000;
const ISS = ISSUER;
const enc = b64urlJson;

let jwks = '';
let sign: TestSigner['sign'];

beforeAll(async () => {
  ({ jwks, sign } = await testSigner('RS256'));
});

const MESH = shopMesh({ waypoint: 'wp' });

const ra = (attach: string, rule: string) => `
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: shop}
spec:
${attach}
  jwtRules:
  - ${rule}
`;
const TARGET = '  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: wp}]';
const requireJwt = (principals: string) => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: need-jwt, namespace: shop}
spec:
  targetRefs: [{kind: Service, group: "", name: cart}]
  action: ALLOW
  rules: [{from: [{source: {requestPrincipals: [${principals}]}}]}]
`;

async function run(docs: string[], req: Partial<SimRequest> = {}): Promise<SimResult> {
  const { resources } = parseManifests({ file: 't.yaml', text: [MESH, ...docs].join('\n---\n') });
  return simulate(resources, { from: 'shop/web', to: 'cart', ...req }, { nowSeconds: NOW });
}

const jwtDecision = (r: SimResult) =>
  (r.hops.find((h) => h.at === 'waypoint') as WaypointHop | undefined)?.decisions.find((d) => d.step === 'jwt');

describe('RequestAuthentication at the waypoint (SEMANTICS §6)', () => {
  const inline = () => `{issuer: "${ISS}", audiences: [cart-api], jwks: '${jwks}'}`;

  it('a valid signed token passes and feeds requestPrincipals', async () => {
    const token = await sign({ iss: ISS, sub: 'alice', aud: 'cart-api', exp: NOW + 60 });
    const r = await run([ra(TARGET, inline()), requireJwt(`"${ISS}/alice"`)], { jwt: token });
    expect(r.verdict).toBe('allowed');
    expect(jwtDecision(r)).toMatchObject({ action: 'ACCEPT', policy: 'shop/jwt', rule: 0 });
    expect(r.decidedBy).toMatchObject({ name: 'need-jwt' });
    const bob = await sign({ iss: ISS, sub: 'bob', aud: 'cart-api', exp: NOW + 60 });
    expect((await run([ra(TARGET, inline()), requireJwt(`"${ISS}/alice"`)], { jwt: bob })).status).toBe(403);
  });

  it('a bad signature, wrong issuer, wrong audience or expired token gets 401 at the waypoint', async () => {
    const good = await sign({ iss: ISS, sub: 'alice', aud: 'cart-api', exp: NOW + 60 });
    const tampered = good.replace(
      /\.[^.]+\./,
      `.${enc({ iss: ISS, sub: 'mallory', aud: 'cart-api', exp: NOW + 60 })}.`,
    );
    const cases = [
      tampered,
      await sign({ iss: 'https://other.example', sub: 'alice', aud: 'cart-api', exp: NOW + 60 }),
      await sign({ iss: ISS, sub: 'alice', aud: 'billing', exp: NOW + 60 }),
      await sign({ iss: ISS, sub: 'alice', aud: 'cart-api', exp: NOW - 1 }),
      'not-a-jwt',
    ];
    for (const jwt of cases) {
      const r = await run([ra(TARGET, inline())], { jwt });
      expect(r).toMatchObject({ verdict: 'denied', deniedAt: 'waypoint', status: 401 });
    }
  });

  it('no token passes RequestAuthentication alone; an ALLOW requiring requestPrincipals * then says 403', async () => {
    expect((await run([ra(TARGET, inline())])).verdict).toBe('allowed');
    expect((await run([ra(TARGET, inline()), requireJwt('"*"')])).status).toBe(403);
  });

  it('with only jwksUri the token is trusted (not verified) and its claims are used', async () => {
    const unsigned = `${enc({ alg: 'RS256' })}.${enc({ iss: ISS, sub: 'alice' })}.${enc('x')}`;
    const r = await run([ra(TARGET, `{issuer: "${ISS}", jwksUri: "${ISS}/jwks.json"}`), requireJwt(`"${ISS}/alice"`)], {
      jwt: unsigned,
    });
    expect(r.verdict).toBe('allowed');
    expect(jwtDecision(r)).toMatchObject({ action: 'ACCEPT' });
  });

  it('(!) a selector RequestAuthentication does nothing in ambient', async () => {
    const r = await run([ra('  selector: {matchLabels: {app: cart}}', `{issuer: "${ISS}", jwks: '${jwks}'}`)], {
      jwt: 'garbage',
    });
    expect(r.verdict).toBe('allowed');
    expect(jwtDecision(r)?.action).toBeUndefined();
  });

  it('request.auth.claims conditions match at the waypoint', async () => {
    const policy = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: admins, namespace: shop}
spec:
  targetRefs: [{kind: Service, group: "", name: cart}]
  action: ALLOW
  rules: [{when: [{key: "request.auth.claims[groups]", values: ["admin"]}]}]
`;
    const admin = await sign({ iss: ISS, sub: 'a', aud: 'cart-api', groups: ['dev', 'admin'], exp: NOW + 60 });
    const dev = await sign({ iss: ISS, sub: 'd', aud: 'cart-api', groups: ['dev'], exp: NOW + 60 });
    expect((await run([ra(TARGET, inline()), policy], { jwt: admin })).verdict).toBe('allowed');
    expect((await run([ra(TARGET, inline()), policy], { jwt: dev })).status).toBe(403);
  });

  it('token locations: Authorization or access_token by default; only fromHeaders/fromParams when a rule sets them', async () => {
    const token = await sign({ iss: ISS, sub: 'alice', aud: 'cart-api', exp: NOW + 60 });
    const need = requireJwt(`"${ISS}/alice"`);
    expect((await run([ra(TARGET, inline()), need], { path: `/x?access_token=${token}` })).verdict).toBe('allowed');
    const custom = ra(TARGET, `{issuer: "${ISS}", jwks: '${jwks}', fromHeaders: [{name: x-jwt}]}`);
    expect((await run([custom, need], { headers: { 'X-JWT': token } })).verdict).toBe('allowed');
    // With fromHeaders set, the Authorization header is not read: no token, so the ALLOW on requestPrincipals denies.
    expect((await run([custom, need], { jwt: token })).status).toBe(403);
  });
});
