// Targeted tests of the sidecar → ambient conversions: structure of what is produced, rule ids, severities and
// positions of what is reported (never message text).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { migrate, migrateSources } from '../../src/lib/migrate/index.ts';
import type { MigrateOptions, MigrationResult } from '../../src/lib/migrate/index.ts';
import { parseManifests } from '../../src/lib/model/index.ts';
import type { JsonObject, JsonValue } from '../../src/lib/model/index.ts';
import { run as runCli } from '../../src/cli/commands/migrate.ts';
import type { CliIo } from '../../src/cli/io.ts';

const BASE = `
apiVersion: v1
kind: Namespace
metadata: {name: bookinfo, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: bookinfo}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: bookinfo}
spec:
  selector: {app: ratings}
  ports: [{name: http, port: 9080}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: bookinfo}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
`;

function run(yaml: string, options: MigrateOptions = {}): MigrationResult {
  return migrateSources({ file: 'in.yaml', text: yaml }, options);
}

function vs(http: string, extra = ''): string {
  return `${BASE}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews]${extra}
  http:
${http}`;
}

const kinds = (r: MigrationResult, kind: string) => r.manifests.filter((m) => m.kind === kind);
const named = (r: MigrationResult, kind: string, name: string) =>
  kinds(r, kind).find((m) => (m.metadata as JsonObject).name === name);
const rules = (r: MigrationResult, name = 'reviews') =>
  ((named(r, 'HTTPRoute', name)?.spec as JsonObject | undefined)?.rules ?? []) as JsonObject[];
const ids = (r: MigrationResult) => r.findings.map((f) => `${f.severity}:${f.rule}`);
const finding = (r: MigrationResult, rule: string) => r.findings.find((f) => f.rule === rule);
/** 1-based line of the first occurrence of `needle` (so tests do not hard-code positions of inline YAML). */
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('procedure example: header routing with subsets', () => {
  const r = run(
    vs(`  - match:
    - headers:
        end-user:
          exact: jason
    route:
    - destination: {host: reviews, subset: v2}
  - route:
    - destination: {host: reviews, subset: v1}
`),
  );

  it('creates one Service per subset, selector = Service selector + subset labels, same ports', () => {
    expect(named(r, 'Service', 'reviews-v1')?.spec).toEqual({
      selector: { app: 'reviews', version: 'v1' },
      ports: [{ name: 'http', port: 9080 }],
    });
    expect(named(r, 'Service', 'reviews-v2')?.spec).toEqual({
      selector: { app: 'reviews', version: 'v2' },
      ports: [{ name: 'http', port: 9080 }],
    });
  });

  it('replaces the VirtualService with a port-scoped HTTPRoute on the Service, in the same order', () => {
    expect(kinds(r, 'VirtualService')).toEqual([]);
    const hr = named(r, 'HTTPRoute', 'reviews')!;
    expect((hr.spec as JsonObject).parentRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews', port: 9080 }]);
    expect(rules(r)).toEqual([
      {
        matches: [{ headers: [{ name: 'end-user', value: 'jason' }] }],
        backendRefs: [{ name: 'reviews-v2', port: 9080 }],
      },
      { backendRefs: [{ name: 'reviews-v1', port: 9080 }] },
    ]);
  });

  it('adds the waypoint, binds the Service, switches the namespace and prevents bypass (option 1)', () => {
    const gw = named(r, 'Gateway', 'waypoint')!;
    expect(gw.spec).toEqual({
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    });
    expect(
      ((named(r, 'Service', 'reviews')!.metadata as JsonObject).labels as JsonObject)['istio.io/use-waypoint'],
    ).toBe('waypoint');
    expect((named(r, 'Service', 'ratings')!.metadata as JsonObject).labels).toBeUndefined();
    expect((named(r, 'Namespace', 'bookinfo')!.metadata as JsonObject).labels).toEqual({
      'istio.io/dataplane-mode': 'ambient',
    });
    const deny = named(r, 'AuthorizationPolicy', 'deny-waypoint-bypass')!;
    expect(deny.spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      action: 'DENY',
      rules: [{ from: [{ source: { notPrincipals: ['cluster.local/ns/bookinfo/sa/waypoint'] } }] }],
    });
    expect(r.blockers).toBe(0);
    expect(ids(r)).toContain('info:migrate-bypass-prevention');
  });

  it('option 2 keeps the remaining sidecar principals next to the waypoint', () => {
    const r2 = run(vs(`  - route:\n    - destination: {host: reviews, subset: v1}\n`), {
      keepSidecarPrincipals: ['cluster.local/ns/bookinfo/sa/productpage'],
    });
    const deny = named(r2, 'AuthorizationPolicy', 'deny-waypoint-bypass')!;
    expect(((deny.spec as JsonObject).rules as JsonObject[])[0]).toEqual({
      from: [
        {
          source: {
            notPrincipals: ['cluster.local/ns/bookinfo/sa/waypoint', 'cluster.local/ns/bookinfo/sa/productpage'],
          },
        },
      ],
    });
  });

  it('--waypoint names the Gateway, the label and the principal', () => {
    const r2 = run(vs(`  - route:\n    - destination: {host: reviews, subset: v1}\n`), { waypointName: 'reviews-wp' });
    expect(named(r2, 'Gateway', 'reviews-wp')).toBeDefined();
    expect(JSON.stringify(named(r2, 'AuthorizationPolicy', 'deny-waypoint-bypass'))).toContain(
      'cluster.local/ns/bookinfo/sa/reviews-wp',
    );
  });

  it('reuses an existing waypoint and its service account', () => {
    const r2 = run(
      vs(`  - route:\n    - destination: {host: reviews, subset: v1}\n`) +
        `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: bookinfo-wp, namespace: bookinfo, annotations: {gateway.istio.io/service-account: wp-sa}}
spec:
  gatewayClassName: istio-waypoint
  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
`,
    );
    expect(kinds(r2, 'Gateway')).toHaveLength(1);
    expect(
      ((named(r2, 'Service', 'reviews')!.metadata as JsonObject).labels as JsonObject)['istio.io/use-waypoint'],
    ).toBe('bookinfo-wp');
    expect(JSON.stringify(named(r2, 'AuthorizationPolicy', 'deny-waypoint-bypass'))).toContain(
      'cluster.local/ns/bookinfo/sa/wp-sa',
    );
  });
});

describe('L7 AuthorizationPolicy: selector → targetRefs', () => {
  const policy = `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-get-reviews, namespace: bookinfo}
spec:
  selector:
    matchLabels: {app: reviews}
  action: ALLOW
  rules:
  - to:
    - operation:
        methods: ["GET"]
`;
  it('targets the Service by default', () => {
    const r = run(BASE + policy);
    const ap = named(r, 'AuthorizationPolicy', 'allow-get-reviews')!;
    expect(ap.spec).toEqual({
      targetRefs: [{ kind: 'Service', group: '', name: 'reviews' }],
      action: 'ALLOW',
      rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
    });
    expect(finding(r, 'migrate-l7-policy-needs-waypoint')).toMatchObject({
      severity: 'info',
      path: 'spec.rules[0].to[0].operation.methods',
      line: lineOf(BASE + policy, 'methods:'),
      column: 9,
    });
  });
  it('targets the waypoint Gateway with target gateway, and warns that the scope widens', () => {
    const r = run(BASE + policy, { target: 'gateway' });
    const ap = named(r, 'AuthorizationPolicy', 'allow-get-reviews')!;
    expect((ap.spec as JsonObject).targetRefs).toEqual([
      { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' },
    ]);
    expect(ids(r)).toContain('warning:migrate-policy-scope-broadened');
  });
  it('leaves L4 policies alone and reports L7 ones that no Service fronts as errors', () => {
    const r = run(`
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: l4, namespace: x}
spec:
  selector: {matchLabels: {app: a}}
  rules: [{from: [{source: {namespaces: [y]}}]}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: l7, namespace: x}
spec:
  selector: {matchLabels: {app: a}}
  rules: [{when: [{key: "request.headers[x-user]", values: [bob]}]}]
`);
    expect(named(r, 'AuthorizationPolicy', 'l4')!.spec).toEqual({
      selector: { matchLabels: { app: 'a' } },
      rules: [{ from: [{ source: { namespaces: ['y'] } }] }],
    });
    expect(finding(r, 'migrate-l4-policy-unchanged')?.resource?.name).toBe('l4');
    expect(finding(r, 'migrate-l7-policy-no-service')).toMatchObject({ severity: 'error', path: 'spec.selector' });
    expect(named(r, 'AuthorizationPolicy', 'l7')!.spec).toHaveProperty('selector');
    expect(r.blockers).toBe(1);
  });
  it('adds the waypoint identity to an L4 ALLOW on pods behind the waypoint and copies it to the waypoint', () => {
    const r = run(
      BASE +
        policy +
        `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-frontend, namespace: bookinfo}
spec:
  selector: {matchLabels: {app: reviews}}
  action: ALLOW
  rules: [{from: [{source: {principals: [cluster.local/ns/bookinfo/sa/productpage]}}]}]
`,
    );
    expect(
      ((named(r, 'AuthorizationPolicy', 'allow-frontend')!.spec as JsonObject).rules as JsonObject[])[0]!.from,
    ).toEqual([
      { source: { principals: ['cluster.local/ns/bookinfo/sa/productpage'] } },
      { source: { principals: ['cluster.local/ns/bookinfo/sa/waypoint'] } },
    ]);
    const copy = named(r, 'AuthorizationPolicy', 'allow-frontend-waypoint')!;
    expect((copy.spec as JsonObject).targetRefs).toEqual([{ kind: 'Service', group: '', name: 'reviews' }]);
    expect(finding(r, 'migrate-l4-allow-behind-waypoint')).toMatchObject({
      severity: 'warning',
      path: 'spec.rules[0].from',
    });
    expect(finding(r, 'migrate-l4-policy-unchanged')).toBeUndefined();
  });
});

describe('audit', () => {
  it('EnvoyFilter on sidecars is a blocker; on gateways only a note', () => {
    const r = run(`
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: lua, namespace: x}
spec:
  configPatches: [{applyTo: HTTP_FILTER, match: {context: SIDECAR_INBOUND}}]
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: gz, namespace: istio-system}
spec:
  configPatches: [{applyTo: HTTP_FILTER, match: {context: GATEWAY}}]
`);
    expect(finding(r, 'migrate-envoyfilter-blocker')).toMatchObject({
      severity: 'error',
      line: 3,
      resource: { name: 'lua' },
    });
    expect(finding(r, 'migrate-envoyfilter-gateway')?.resource?.name).toBe('gz');
    expect(r.blockers).toBe(1);
  });
  it('an EnvoyFilter attached to the waypoint with targetRefs is no blocker (SEMANTICS §7 [rev], TestWaypointEnvoyFilter)', () => {
    const r = run(`
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: wp-lua, namespace: x}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: waypoint}]
  configPatches: [{applyTo: HTTP_FILTER, match: {context: SIDECAR_INBOUND}}]
`);
    expect(finding(r, 'migrate-envoyfilter-blocker')).toBeUndefined();
    expect(finding(r, 'migrate-envoyfilter-targetrefs')).toMatchObject({
      severity: 'info',
      resource: { name: 'wp-lua' },
    });
    expect(r.blockers).toBe(0);
  });
  it('RequestAuthentication, WasmPlugin and Telemetry selectors move to targetRefs', () => {
    const r = run(
      BASE +
        `---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: bookinfo}
spec:
  selector: {matchLabels: {app: reviews}}
  jwtRules: [{issuer: https://example.com}]
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: wasm, namespace: bookinfo}
spec:
  selector: {matchLabels: {app: ratings}}
  url: oci://example/p:1
`,
    );
    expect((named(r, 'RequestAuthentication', 'jwt')!.spec as JsonObject).targetRefs).toEqual([
      { kind: 'Service', group: '', name: 'reviews' },
    ]);
    expect((named(r, 'WasmPlugin', 'wasm')!.spec as JsonObject).targetRefs).toEqual([
      { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' },
    ]);
    expect(r.findings.filter((f) => f.rule === 'migrate-selector-retargeted')).toHaveLength(2);
  });
  it('a GAMMA HTTPRoute from the sidecar era binds its Service to a waypoint; unused subsets are noted', () => {
    const text =
      BASE +
      `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ratings, namespace: bookinfo}
spec:
  parentRefs: [{group: "", kind: Service, name: ratings, port: 9080}]
  rules: [{backendRefs: [{name: ratings, port: 9080}]}]
`;
    const r = run(text);
    expect(finding(r, 'migrate-route-needs-waypoint')).toMatchObject({ severity: 'info', path: 'spec.parentRefs[0]' });
    expect(
      ((named(r, 'Service', 'ratings')!.metadata as JsonObject).labels as JsonObject)['istio.io/use-waypoint'],
    ).toBe('waypoint');
    expect(finding(r, 'migrate-destinationrule-subsets-unused')).toMatchObject({
      path: 'spec.subsets',
      line: lineOf(text, 'subsets:'),
    });
  });
  it('a workload forcing sidecar injection loses that setting', () => {
    const r = run(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: x}
spec:
  template:
    metadata:
      labels: {app: d, sidecar.istio.io/inject: "true"}
    spec: {containers: [{name: c, image: i}]}
`);
    expect(((kinds(r, 'Deployment')[0]!.spec as JsonObject).template as JsonObject).metadata).toEqual({
      labels: { app: 'd' },
    });
    expect(finding(r, 'migrate-workload-sidecar-inject')).toMatchObject({ severity: 'warning', line: 8 });
  });
});

describe('VirtualService features that convert', () => {
  const conv = (http: string, extra = '') => {
    const r = run(vs(http, extra));
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    return r;
  };
  it('uri exact / prefix / regex, ignoreUriCase, method, query params, header exact/prefix/regex/presence', () => {
    const r = conv(`  - match:
    - uri: {exact: /a}
    - uri: {prefix: /b}
    - uri: {regex: "/c/[0-9]+"}
    - uri: {exact: /D}
      ignoreUriCase: true
    - method: {exact: POST}
      queryParams: {q: {exact: "1"}, r: {regex: "x.*"}}
      headers: {x-a: {exact: "1"}, x-b: {prefix: "p."}, x-c: {regex: "[a-z]+"}, x-d: {}}
    route: [{destination: {host: reviews, subset: v1}}]
`);
    expect(rules(r)[0]!.matches).toEqual([
      { path: { type: 'Exact', value: '/a' } },
      { path: { type: 'PathPrefix', value: '/b' } },
      { path: { type: 'RegularExpression', value: '/c/[0-9]+' } },
      { path: { type: 'RegularExpression', value: '/[dD]' } },
      {
        method: 'POST',
        headers: [
          { name: 'x-a', value: '1' },
          { type: 'RegularExpression', name: 'x-b', value: 'p\\..*' },
          { type: 'RegularExpression', name: 'x-c', value: '[a-z]+' },
          { type: 'RegularExpression', name: 'x-d', value: '.*' },
        ],
        queryParams: [
          { name: 'q', value: '1' },
          { type: 'RegularExpression', name: 'r', value: 'x.*' },
        ],
      },
    ]);
    expect(finding(r, 'migrate-prefix-match-narrowed')).toMatchObject({
      severity: 'warning',
      path: 'spec.http[0].match[1].uri.prefix',
    });
  });
  it('weights, timeout, perTryTimeout, header changes, redirect, rewrite, mirror', () => {
    const r = conv(`  - match: [{uri: {exact: /old}}]
    redirect: {uri: /new, authority: new.example.com, redirectCode: 308}
  - match: [{uri: {prefix: /api/v1}}]
    rewrite: {uri: /v1, authority: api}
    route: [{destination: {host: reviews, subset: v2}}]
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 80}
    - {destination: {host: reviews, subset: v2}, weight: 20}
    timeout: 0.25s
    retries: {attempts: 2, perTryTimeout: 100ms}
    headers:
      request: {set: {x-a: "1"}, remove: [x-b]}
      response: {add: {x-c: "2"}}
    mirror: {host: ratings}
    mirrorPercentage: {value: 5}
`);
    const [redirect, rewrite, split] = rules(r);
    expect(redirect).toEqual({
      matches: [{ path: { type: 'Exact', value: '/old' } }],
      filters: [
        {
          type: 'RequestRedirect',
          requestRedirect: {
            hostname: 'new.example.com',
            path: { type: 'ReplaceFullPath', replaceFullPath: '/new' },
            statusCode: 308,
          },
        },
      ],
    });
    expect(rewrite!.filters).toEqual([
      {
        type: 'URLRewrite',
        urlRewrite: { hostname: 'api', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v1' } },
      },
    ]);
    expect(split).toEqual({
      filters: [
        {
          type: 'RequestHeaderModifier',
          requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }], remove: ['x-b'] },
        },
        { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-c', value: '2' }] } },
        { type: 'RequestMirror', requestMirror: { backendRef: { name: 'ratings', port: 9080 }, percent: 5 } },
      ],
      backendRefs: [
        { name: 'reviews-v1', port: 9080, weight: 80 },
        { name: 'reviews-v2', port: 9080, weight: 20 },
      ],
      timeouts: { request: '250ms', backendRequest: '100ms' },
    });
    // Retries themselves have no standard Gateway API field: reported, not dropped silently.
    expect(finding(r, 'migrate-vs-feature-approximated')).toMatchObject({
      severity: 'warning',
      path: 'spec.http[2].retries',
    });
  });
  it('a port match scopes rules to one HTTPRoute per Service port', () => {
    const r = run(`
apiVersion: v1
kind: Service
metadata: {name: api, namespace: ns}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80}, {name: http-admin, port: 8080}, {name: tcp-db, port: 5432}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: ns}
spec:
  hosts: [api]
  http:
  - match: [{port: 8080, uri: {prefix: /admin}}]
    route: [{destination: {host: api}}]
  - route: [{destination: {host: api}}]
`);
    const routes = kinds(r, 'HTTPRoute');
    expect(routes.map((x) => (x.metadata as JsonObject).name)).toEqual(['api-80', 'api-8080']);
    expect(rules(r, 'api-80')).toEqual([{ backendRefs: [{ name: 'api', port: 80 }] }]);
    expect(rules(r, 'api-8080')).toHaveLength(2);
  });
  it('a VirtualService that also serves an ingress gateway is kept for it without "mesh"', () => {
    const r = conv(
      `  - route: [{destination: {host: reviews, subset: v1}}]\n`,
      `\n  gateways: [mesh, istio-ingress/public]`,
    );
    expect((kinds(r, 'VirtualService')[0]!.spec as JsonObject).gateways).toEqual(['istio-ingress/public']);
    expect(kinds(r, 'HTTPRoute')).toHaveLength(1);
  });
  it('subset traffic policies move to per-Service DestinationRules', () => {
    const r = run(
      vs(`  - route: [{destination: {host: reviews, subset: v1}}]\n`).replace(
        'host: reviews\n  subsets:',
        'host: reviews\n  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}\n  subsets:',
      ),
    );
    expect(named(r, 'DestinationRule', 'reviews-v1')?.spec).toEqual({
      host: 'reviews-v1.bookinfo.svc.cluster.local',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
    expect((named(r, 'DestinationRule', 'reviews')!.spec as JsonObject).subsets).toBeUndefined();
  });
});

describe('VirtualService features that do not convert are reported and the VirtualService is kept', () => {
  const cases: [string, string, string][] = [
    [
      'sourceLabels',
      `  - match: [{sourceLabels: {app: a}}]\n    route: [{destination: {host: reviews}}]\n`,
      'spec.http[0].match[0].sourceLabels',
    ],
    [
      'withoutHeaders',
      `  - match: [{withoutHeaders: {x: {}}}]\n    route: [{destination: {host: reviews}}]\n`,
      'spec.http[0].match[0].withoutHeaders',
    ],
    [
      'authority',
      `  - match: [{authority: {exact: a}}]\n    route: [{destination: {host: reviews}}]\n`,
      'spec.http[0].match[0].authority',
    ],
    [
      'regex method',
      `  - match: [{method: {regex: "GET|PUT"}}]\n    route: [{destination: {host: reviews}}]\n`,
      'spec.http[0].match[0].method',
    ],
    ['directResponse', `  - directResponse: {status: 418}\n`, 'spec.http[0].directResponse'],
    ['delegate', `  - delegate: {name: other}\n`, 'spec.http[0].delegate'],
    [
      'uriRegexRewrite',
      `  - rewrite: {uriRegexRewrite: {match: a, rewrite: b}}\n    route: [{destination: {host: reviews}}]\n`,
      'spec.http[0].rewrite',
    ],
    [
      'per-destination headers with a split',
      `  - route:\n    - {destination: {host: reviews, subset: v1}, weight: 50, headers: {request: {set: {a: b}}}}\n    - {destination: {host: reviews, subset: v2}, weight: 50}\n`,
      'spec.http[0].route',
    ],
  ];
  for (const [name, http, path] of cases) {
    it(name, () => {
      const r = run(vs(http));
      expect(r.findings.find((f) => f.rule === 'migrate-unsupported-vs-feature')).toMatchObject({
        severity: 'error',
        path,
      });
      expect(kinds(r, 'VirtualService')).toHaveLength(1);
      expect(kinds(r, 'HTTPRoute')).toHaveLength(0);
      expect(ids(r)).toContain('info:migrate-vs-kept');
      expect(r.blockers).toBeGreaterThan(0);
    });
  }
  it('an unknown subset or host', () => {
    const r = run(
      vs(
        `  - route: [{destination: {host: reviews, subset: v9}}]\n  - route: [{destination: {host: nowhere.example.com}}]\n`,
      ),
    );
    expect(finding(r, 'migrate-unknown-subset')).toMatchObject({
      severity: 'error',
      path: 'spec.http[0].route[0].destination.subset',
    });
    expect(finding(r, 'migrate-vs-host-not-found')).toMatchObject({
      severity: 'error',
      path: 'spec.http[1].route[0].destination.host',
    });
  });
  it('a rule Gateway API would rank ahead of an earlier, overlapping one', () => {
    const r = run(
      vs(
        `  - match: [{headers: {x-canary: {exact: "1"}}}]\n    route: [{destination: {host: reviews, subset: v2}}]\n  - match: [{uri: {prefix: /api}}]\n    route: [{destination: {host: reviews, subset: v1}}]\n`,
      ),
    );
    expect(finding(r, 'migrate-match-order-changed')).toMatchObject({
      severity: 'error',
      path: 'spec.http[1].match[0]',
    });
  });
  it('no order finding when the reordered rules cannot match the same request', () => {
    const r = run(
      vs(`  - match: [{uri: {prefix: /docs}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - match: [{uri: {exact: /api/items}}]
    route: [{destination: {host: reviews, subset: v1}}]
  - match: [{uri: {exact: /index.html}}]
    route: [{destination: {host: reviews, subset: v1}}]
  - match: [{headers: {x: {exact: a}}, method: {exact: GET}}]
    route: [{destination: {host: reviews, subset: v1}}]
  - match: [{headers: {x: {exact: b}}, method: {exact: GET}}, {method: {exact: PUT}, uri: {prefix: /w}}]
    route: [{destination: {host: reviews, subset: v2}}]
`),
    );
    expect(finding(r, 'migrate-match-order-changed')).toBeUndefined();
    expect(kinds(r, 'HTTPRoute')).toHaveLength(1);
  });
});

describe('input handling', () => {
  it('kind: List from kubectl is expanded and server fields are stripped', () => {
    const text = `
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: bookinfo, uid: abc, resourceVersion: "1", labels: {istio-injection: enabled}}
  status: {phase: Active}
- apiVersion: networking.istio.io/v1
  kind: EnvoyFilter
  metadata: {name: ef, namespace: bookinfo, managedFields: [{}]}
  spec: {configPatches: [{applyTo: CLUSTER}]}
`;
    const r = run(text);
    expect(r.manifests).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'bookinfo', labels: { 'istio.io/dataplane-mode': 'ambient' } },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'EnvoyFilter',
        metadata: { name: 'ef', namespace: 'bookinfo' },
        spec: { configPatches: [{ applyTo: 'CLUSTER' }] },
      },
    ]);
    expect(finding(r, 'migrate-envoyfilter-blocker')).toMatchObject({
      line: lineOf(text, 'kind: EnvoyFilter'),
      column: 3,
      path: 'kind',
    });
  });
  it('malformed YAML becomes located error findings; the valid documents still convert', () => {
    const text = `${BASE}---\nkind: VirtualService\nspec: {hosts: [a\n---\n- a list, not an object\n`;
    const r = run(text);
    const bad = r.findings.filter((f) => f.rule === 'migrate-invalid-input');
    expect(bad.length).toBeGreaterThan(1);
    for (const f of bad) {
      expect(f.severity).toBe('error');
      expect(f.file).toBe('in.yaml');
      expect(f.line).toBeGreaterThanOrEqual(lineOf(text, 'kind: VirtualService'));
    }
    expect(bad.map((f) => f.line)).toContain(lineOf(text, '- a list'));
    expect(named(r, 'Service', 'reviews')).toBeDefined();
  });
  it('never throws, whatever the VirtualService and policy shapes', () => {
    const json: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom<JsonValue>(null, true, 0, 9080, -1, 'reviews', 'v1', '/', '', 'GET', 'mesh', '*'),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(
          fc.constantFrom(
            'match',
            'uri',
            'prefix',
            'exact',
            'regex',
            'route',
            'destination',
            'host',
            'subset',
            'weight',
            'headers',
            'port',
            'number',
            'redirect',
            'rewrite',
            'mirror',
            'timeout',
            'retries',
            'selector',
            'matchLabels',
            'rules',
            'to',
            'operation',
            'methods',
            'from',
            'source',
            'principals',
            'when',
            'key',
            'gateways',
          ),
          tie('v'),
          { maxKeys: 4 },
        ),
      ),
    })).v;
    fc.assert(
      fc.property(json, json, json, (http, hosts, rulesSpec) => {
        const docs = [
          {
            apiVersion: 'networking.istio.io/v1',
            kind: 'VirtualService',
            metadata: { name: 'v', namespace: 'bookinfo' },
            spec: { hosts, http },
          },
          {
            apiVersion: 'security.istio.io/v1',
            kind: 'AuthorizationPolicy',
            metadata: { name: 'p', namespace: 'bookinfo' },
            spec: { selector: { matchLabels: { app: 'reviews' } }, rules: rulesSpec },
          },
        ];
        const { resources } = parseManifests([
          { file: 'base.yaml', text: BASE },
          { file: 'fuzz.yaml', text: docs.map((d) => JSON.stringify(d)).join('\n---\n') },
        ]);
        const r = migrate(resources);
        expect(r.blockers).toBe(r.findings.filter((f) => f.severity === 'error').length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ambient-atlas migrate CLI', () => {
  function io(stdin = ''): CliIo & { out: string; err: string } {
    const o = {
      out: '',
      err: '',
      stdout: (t: string) => void (o.out += t),
      stderr: (t: string) => void (o.err += t),
      readStdin: async () => new TextEncoder().encode(stdin),
      cwd: process.cwd(),
      color: false,
    };
    return o;
  }
  it('-o json prints version, manifests and findings; exit 0 without blockers', async () => {
    const t = io(vs(`  - route: [{destination: {host: reviews, subset: v1}}]\n`));
    expect(await runCli(['-o', 'json', '-'], t)).toBe(0);
    const doc = JSON.parse(t.out) as {
      version: number;
      manifests: JsonObject[];
      findings: { rule: string; severity: string; message: string; resource: unknown }[];
    };
    expect(doc.version).toBe(1);
    expect(doc.manifests.some((m) => m.kind === 'HTTPRoute')).toBe(true);
    for (const f of doc.findings)
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['rule', 'severity', 'message', 'resource']));
  });
  it('-o yaml prints documents on stdout, findings on stderr; exit 1 with a blocker', async () => {
    const t = io('apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: {name: ef}\nspec: {}\n');
    expect(await runCli(['--keep-sidecar-principal', 'cluster.local/ns/a/sa/b', '-'], t)).toBe(1);
    expect(t.out).toContain('kind: EnvoyFilter');
    expect(t.err).toContain('migrate-envoyfilter-blocker');
  });
  it('usage and I/O errors exit 2', async () => {
    await expect(runCli(['--target', 'pod', '-'], io())).rejects.toThrow();
    await expect(runCli([], io())).rejects.toThrow();
    expect(await runCli(['does-not-exist.yaml'], io())).toBe(2);
  });
  it('reads directories recursively', async () => {
    const t = io();
    expect(await runCli(['-o', 'json', 'tests/golden/migrate'], t)).toBe(1);
    const doc = JSON.parse(t.out) as { findings: { rule: string; file?: string }[] };
    expect(new Set(doc.findings.map((f) => f.file).filter(Boolean)).size).toBeGreaterThan(3);
  });
});
