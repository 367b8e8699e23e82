// The converted set must (1) lint without errors and (2) route the same requests to the same backends as the
// VirtualService did. (2) compares an independent reading of VirtualService semantics (written here, from the
// networking/v1 API docs: first matching http entry wins, prefix is a string prefix, regex is a full match)
// with the simulator walking the converted HTTPRoute at the waypoint.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare } from '../../src/lib/expect/index.ts';
import type { ExpectedOutcome } from '../../src/lib/expect/index.ts';
import { migrate, toYaml } from '../../src/lib/migrate/index.ts';
import type { MigrateOptions } from '../../src/lib/migrate/index.ts';
import { parseManifests } from '../../src/lib/model/index.ts';
import type { JsonObject, JsonValue, Resource } from '../../src/lib/model/index.ts';
import { simulate } from '../../src/lib/simulator/index.ts';
import { lint } from '../../src/lib/validator/index.ts';
import { CASES, DIR, runCase } from './migrate-cases.ts';

interface Req {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
}

type Expect =
  { kind: 'backends'; backends: Map<string, number> } | { kind: 'redirect'; status: number } | { kind: 'no-route' };

const isObj = (v: JsonValue | undefined): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

function strMatch(m: JsonValue | undefined, value: string | undefined, ci = false): boolean {
  if (!isObj(m)) return false;
  if (value === undefined) return false;
  const v = ci ? value.toLowerCase() : value;
  if (typeof m.exact === 'string') return v === (ci ? m.exact.toLowerCase() : m.exact);
  if (typeof m.prefix === 'string') return v.startsWith(ci ? m.prefix.toLowerCase() : m.prefix);
  if (typeof m.regex === 'string') return new RegExp(`^(?:${m.regex})$`, ci ? 'i' : '').test(value);
  return true; // {} = present
}

function short(host: string): string {
  return host.split('.')[0]!;
}

/** Sidecar-era routing of one request by a VirtualService (first matching entry). */
function vsRoute(vs: Resource, port: number, req: Req): Expect {
  const [pathOnly, qs] = req.path.split('?') as [string, string | undefined];
  const query = new URLSearchParams(qs ?? '');
  const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const http = ((vs.obj.spec as JsonObject).http as JsonObject[]) ?? [];
  for (const entry of http) {
    const matches = Array.isArray(entry.match) ? (entry.match as JsonObject[]) : [{}];
    const hit = matches.some((m) => {
      if (typeof m.port === 'number' && m.port !== port) return false;
      if (m.uri !== undefined && !strMatch(m.uri, pathOnly, m.ignoreUriCase === true)) return false;
      if (m.method !== undefined && !strMatch(m.method, req.method ?? 'GET')) return false;
      for (const [k, sm] of Object.entries(isObj(m.headers) ? m.headers : {}))
        if (!strMatch(sm, headers[k.toLowerCase()])) return false;
      for (const [k, sm] of Object.entries(isObj(m.queryParams) ? m.queryParams : {}))
        if (!strMatch(sm, query.get(k) ?? undefined)) return false;
      return true;
    });
    if (!hit) continue;
    if (isObj(entry.redirect))
      return {
        kind: 'redirect',
        status: typeof entry.redirect.redirectCode === 'number' ? entry.redirect.redirectCode : 301,
      };
    const route = (entry.route as JsonObject[]) ?? [];
    const weights = route.map((d) => (route.length === 1 ? 100 : typeof d.weight === 'number' ? d.weight : 0));
    const total = weights.reduce((a, b) => a + b, 0);
    const backends = new Map<string, number>();
    route.forEach((d, i) => {
      const dest = d.destination as JsonObject;
      const name =
        typeof dest.subset === 'string' ? `${short(String(dest.host))}-${dest.subset}` : short(String(dest.host));
      if (weights[i]! > 0) backends.set(name, (backends.get(name) ?? 0) + weights[i]! / total);
    });
    return { kind: 'backends', backends };
  }
  return { kind: 'no-route' };
}

function reparse(manifests: JsonObject[]): Resource[] {
  const { resources, issues } = parseManifests({ file: 'converted.yaml', text: toYaml(manifests) });
  expect(issues).toEqual([]);
  return resources;
}

async function expectSameRouting(
  input: Resource[],
  options: MigrateOptions,
  from: string,
  to: { host: string; port: number; vs: string },
  requests: Req[],
): Promise<void> {
  const result = migrate(input, options);
  const after = reparse(result.manifests);
  const vs = input.find((r) => r.kind === 'VirtualService' && r.name === to.vs)!;
  for (const req of requests) {
    const want = vsRoute(vs, to.port, req);
    const sim = await simulate(after, {
      from,
      to: `${to.host}:${to.port}`,
      method: req.method ?? 'GET',
      path: req.path,
      headers: req.headers ?? {},
    });
    const label = `${req.method ?? 'GET'} ${req.path} ${JSON.stringify(req.headers ?? {})} → ${to.host}:${to.port}`;
    // The oracle's answer as an expectation (src/lib/expect), compared like every other request expectation.
    const outcome: ExpectedOutcome =
      want.kind === 'no-route'
        ? { verdict: 'no-route', status: 404 }
        : want.kind === 'redirect'
          ? { status: want.status }
          : { verdict: 'allowed', backends: Object.fromEntries(want.backends) };
    expect(compare(outcome, sim), label).toEqual([]);
    // Any waypoint (the expectation can only name one): the converted route must be served by a waypoint.
    if (want.kind === 'backends') expect(sim.waypoint, label).not.toBeNull();
  }
}

function load(name: string): Resource[] {
  return parseManifests({ file: `${name}.in.yaml`, text: readFileSync(join(DIR, `${name}.in.yaml`)) }).resources;
}

describe('converted manifests lint without errors', () => {
  for (const c of CASES) {
    const base = c.variant ? `${c.input}.${c.variant}` : c.input;
    it(base, () => {
      const result = runCase(c);
      const report = lint({ file: `${base}.out.yaml`, text: toYaml(result.manifests) });
      const errors = report.findings
        .filter((f) => f.severity === 'error')
        .map((f) => `${f.rule} ${f.line}:${f.column} ${f.resource?.kind}/${f.resource?.name}`);
      expect(errors).toEqual([]);
    });
  }
});

describe('converted routes send requests where the VirtualService did', () => {
  it('procedure: end-user: jason → v2, everyone else → v1 (option 1, 2 and gateway target)', async () => {
    const input = load('procedure');
    const reqs: Req[] = [
      { path: '/reviews/1', headers: { 'end-user': 'jason' } },
      { path: '/reviews/1', headers: { 'End-User': 'jason' } },
      { path: '/reviews/1', headers: { 'end-user': 'Jason' } },
      { path: '/reviews/1' },
      { path: '/', headers: { 'end-user': 'alice' } },
    ];
    const target = { host: 'reviews.bookinfo', port: 9080, vs: 'reviews' };
    await expectSameRouting(input, {}, 'bookinfo/productpage-v1', target, reqs);
    await expectSameRouting(
      input,
      { keepSidecarPrincipals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'] },
      'bookinfo/productpage-v1',
      target,
      reqs,
    );
    await expectSameRouting(input, { target: 'gateway' }, 'bookinfo/productpage-v1', target, reqs);
  });

  it('vs-features: paths, headers, query, method, weights, redirects, cross-namespace backends, port-scoped rules', async () => {
    const input = load('vs-features');
    const reqs: Req[] = [
      { path: '/healthz' },
      { path: '/healthz/deep' },
      { path: '/v1/items' },
      { path: '/old-catalog' },
      { path: '/old-catalog/x' },
      { path: '/legacy/page' },
      { path: '/legacy' },
      { path: '/admin/users' },
      {
        path: '/items?view=compact',
        headers: { 'x-beta': 'true', 'x-tenant': 'acme-eu', cookie: 'a=1; beta=1', 'x-debug': '' },
      },
      {
        path: '/items?view=compact',
        headers: { 'x-beta': 'true', 'x-tenant': 'acme-eu', cookie: 'beta=1', 'x-debug': '1' },
      },
      {
        method: 'POST',
        path: '/items?view=compact',
        headers: { 'x-beta': 'true', 'x-tenant': 'acme-eu', cookie: 'beta=1', 'x-debug': '1' },
      },
      { path: '/items?view=full', headers: { 'x-beta': 'true', 'x-tenant': 'acme', cookie: 'beta=1', 'x-debug': '1' } },
      {
        path: '/items?view=compact',
        headers: { 'x-beta': 'true', 'x-tenant': 'other', cookie: 'beta=1', 'x-debug': '1' },
      },
      { path: '/items?view=compact', headers: { 'x-beta': 'true', 'x-tenant': 'acme', cookie: 'beta=1' } },
      { path: '/' },
    ];
    await expectSameRouting(input, {}, 'shop/web', { host: 'catalog', port: 8080, vs: 'catalog' }, reqs);
    await expectSameRouting(input, {}, 'shop/web', { host: 'catalog', port: 8081, vs: 'catalog' }, reqs);
    await expectSameRouting(input, {}, 'shop/web', { host: 'legacy.archive', port: 80, vs: 'legacy' }, [
      { path: '/items/42' },
      { path: '/items/abc' },
      { path: '/index.html' },
      { path: '/Index.html' },
      { path: '/docs/intro' },
      { path: '/DOCS' },
      { path: '/Docsearch' },
      { path: '/elsewhere' },
    ]);
  });

  it('kubectl List: 75/25 split between subsets v1 and v3', async () => {
    const input = [
      ...load('kubectl-list'),
      ...parseManifests({
        file: 'client.yaml',
        text: [
          'apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: bookinfo, labels: {app: client}}\nspec: {containers: [{name: c, image: x}]}',
          'apiVersion: v1\nkind: Pod\nmetadata: {name: reviews-v1, namespace: bookinfo, labels: {app: reviews, version: v1}}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: 9080}]}]}',
          'apiVersion: v1\nkind: Pod\nmetadata: {name: reviews-v3, namespace: bookinfo, labels: {app: reviews, version: v3}}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: 9080}]}]}',
        ].join('\n---\n'),
      }).resources,
    ];
    await expectSameRouting(input, {}, 'bookinfo/client', { host: 'reviews', port: 9080, vs: 'reviews' }, [
      { path: '/' },
      { path: '/a/b' },
    ]);
  });
});

describe('the guide shows what the tool produces', () => {
  const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
  const objects = (p: string) => parseManifests({ file: p, text: read(p) }).resources.map((r) => r.obj);
  const find = (list: JsonObject[], kind: string, name: string) =>
    list.find((o) => o.kind === kind && (o.metadata as JsonObject).name === name);
  const sidecarEra = () =>
    parseManifests([
      { file: 'labs/base/bookinfo.yaml', text: read('labs/base/bookinfo.yaml') },
      {
        file: 'namespace.yaml',
        text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio-injection: enabled\n',
      },
      { file: 'before-routing.yaml', text: read('src/content/examples/migrate/before-routing.yaml') },
      { file: 'before-authz.yaml', text: read('src/content/examples/migrate/before-authz.yaml') },
    ]).resources;
  const ex = (name: string) => objects(`src/content/examples/migrate/${name}.yaml`);

  it('option 1, Service targets', () => {
    const out = migrate(sidecarEra()).manifests;
    expect(find(out, 'HTTPRoute', 'reviews')!.spec).toEqual(find(ex('httproute'), 'HTTPRoute', 'reviews')!.spec);
    expect(find(out, 'AuthorizationPolicy', 'allow-get-reviews')!.spec).toEqual(
      find(ex('authz-service'), 'AuthorizationPolicy', 'allow-get-reviews')!.spec,
    );
    expect(find(out, 'AuthorizationPolicy', 'deny-waypoint-bypass')!.spec).toEqual(
      find(ex('bypass-option1'), 'AuthorizationPolicy', 'deny-waypoint-bypass')!.spec,
    );
    const gw = find(ex('waypoint'), 'Gateway', 'waypoint')!;
    expect(find(out, 'Gateway', 'waypoint')).toEqual(gw);
    const svcLabels = (list: JsonObject[]) => (find(list, 'Service', 'reviews')!.metadata as JsonObject).labels;
    expect(svcLabels(out)).toEqual(svcLabels(ex('waypoint')));
    expect((find(out, 'Namespace', 'bookinfo')!.metadata as JsonObject).labels).toEqual(
      (find(ex('namespace'), 'Namespace', 'bookinfo')!.metadata as JsonObject).labels,
    );
    expect(out.filter((o) => o.kind === 'VirtualService')).toEqual([]);
  });

  it('option 2 and the Gateway target', () => {
    const out = migrate(sidecarEra(), {
      target: 'gateway',
      keepSidecarPrincipals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'],
    }).manifests;
    expect(find(out, 'AuthorizationPolicy', 'deny-waypoint-bypass')!.spec).toEqual(
      find(ex('bypass-option2'), 'AuthorizationPolicy', 'deny-waypoint-bypass')!.spec,
    );
    expect(find(out, 'AuthorizationPolicy', 'allow-get-reviews')!.spec).toEqual(
      find(ex('authz-gateway'), 'AuthorizationPolicy', 'allow-get-reviews')!.spec,
    );
  });
});
