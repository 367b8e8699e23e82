// Route regexes are matched as Envoy does: RE2 syntax, full match (src/lib/model/re2.ts).
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../model/index.ts';
import { pathMatch } from './authz.ts';
import { simulate } from './simulate.ts';
import type { SimRequest, SimResult } from './types.ts';
import { shopMesh } from '../../../tests/support/mesh-fixtures.ts';

const MESH = shopMesh({ waypoint: 'waypoint', cartV2: true });

/** An HTTPRoute on cart sending requests that fit `match` (flow YAML) to cart-v2; the rest get 404. */
const route = (match: string) => `${MESH}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: cart, namespace: shop}
spec:
  parentRefs: [{group: "", kind: Service, name: cart, port: 80}]
  rules:
  - matches: [${match}]
    backendRefs: [{name: cart-v2, port: 80}]
`;

/** A VirtualService on cart sending requests that fit `match` (flow YAML) to cart-v2; the rest get 404. */
const virtualService = (match: string) => `${MESH}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cart, namespace: shop}
spec:
  hosts: [cart]
  http:
  - match: [${match}]
    route: [{destination: {host: cart-v2}}]
`;

async function sim(yaml: string, req: Partial<SimRequest>): Promise<SimResult> {
  const { resources, issues } = parseManifests({ file: 'regex.yaml', text: yaml });
  expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  return simulate(resources, { from: 'shop/web', to: 'cart', ...req }, { nowSeconds: 1_800_000_000 });
}

/** `v2` when the request reached cart-v2 through the route, `404` when no rule matched. */
async function where(yaml: string, req: Partial<SimRequest>): Promise<string> {
  const r = await sim(yaml, req);
  if (r.status === 404) return '404';
  return r.backends.map((b) => (b.service === 'cart-v2' ? 'v2' : b.service)).join(',');
}

describe('route regexes (RE2, full match)', () => {
  it('an HTTPRoute header regex (?i)abc matches ABC, as in Envoy', async () => {
    const yaml = route('{headers: [{type: RegularExpression, name: x-user, value: "(?i)abc"}]}');
    expect(await where(yaml, { headers: { 'x-user': 'ABC' } })).toBe('v2');
    expect(await where(yaml, { headers: { 'x-user': 'abc' } })).toBe('v2');
    expect(await where(yaml, { headers: { 'x-user': 'ABD' } })).toBe('404');
    // Full match: a longer value does not match.
    expect(await where(yaml, { headers: { 'x-user': 'xabc' } })).toBe('404');
  });
  it('an HTTPRoute path regex matches the whole path; a query regex the whole value', async () => {
    const yaml = route('{path: {type: RegularExpression, value: "/v[0-9]+"}}');
    expect(await where(yaml, { path: '/v12' })).toBe('v2');
    expect(await where(yaml, { path: '/v12?x=1' })).toBe('v2');
    expect(await where(yaml, { path: '/v12/items' })).toBe('404');
    const q = route('{queryParams: [{type: RegularExpression, name: id, value: "[0-9]+"}]}');
    expect(await where(q, { path: '/?id=42' })).toBe('v2');
    expect(await where(q, { path: '/?id=42a' })).toBe('404');
  });
  it('a regex RE2 rejects matches nothing (Envoy would not load it; the validator reports it)', async () => {
    const yaml = route('{path: {type: RegularExpression, value: "/(?=v)v1"}}');
    expect(await where(yaml, { path: '/v1' })).toBe('404');
  });
  it('RE2-only syntax in a VirtualService header regex: (?i) and (?P<name>…)', async () => {
    const yaml = virtualService('{headers: {x-user: {regex: "(?i)(?P<who>jason|ann)"}}}');
    expect(await where(yaml, { headers: { 'x-user': 'Jason' } })).toBe('v2');
    expect(await where(yaml, { headers: { 'x-user': 'bob' } })).toBe('404');
  });
  it('ignoreUriCase does not make a uri regex case-insensitive (Envoy ignores case_sensitive for safe_regex)', async () => {
    const yaml = virtualService('{uri: {regex: "/api/.*"}, ignoreUriCase: true}');
    expect(await where(yaml, { path: '/api/x' })).toBe('v2');
    expect(await where(yaml, { path: '/API/x' })).toBe('404');
    // It still applies to exact and prefix matches.
    const prefix = virtualService('{uri: {prefix: /api/}, ignoreUriCase: true}');
    expect(await where(prefix, { path: '/API/x' })).toBe('v2');
  });
  it('a nested-quantifier regex answers at once on a long failing path', async () => {
    const yaml = route('{path: {type: RegularExpression, value: "/(a+)+"}}');
    expect(await where(yaml, { path: `/${'a'.repeat(40)}!` })).toBe('404');
    expect(await where(yaml, { path: `/${'a'.repeat(40)}` })).toBe('v2');
  });
});

describe('AuthorizationPolicy path templates (RE2)', () => {
  it('literal segments are quoted; {*} is one segment, {**} the rest', () => {
    expect(pathMatch('/a.b/{*}', '/a.b/x')).toBe(true);
    expect(pathMatch('/a.b/{*}', '/axb/x')).toBe(false);
    expect(pathMatch('/(x)+/{**}', '/(x)+/y/z')).toBe(true);
  });
  it('several {**} do not backtrack polynomially', () => {
    const pattern = `/${Array.from({ length: 12 }, () => '{**}/a').join('/')}/b`;
    const path = `/${'a/'.repeat(3000)}c`;
    expect(pathMatch(pattern, path)).toBe(false);
    expect(pathMatch(pattern, `/${'a/'.repeat(30)}b`)).toBe(true);
  });
});
