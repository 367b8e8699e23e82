import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';

const ID = 'schema';
const lines = (yaml: string) => findingsFor(ID, yaml).map((f) => f.line);
const ap = (...spec: string[]) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata:',
    '  name: p',
    '  namespace: shop',
    'spec:',
    ...spec,
  );

describe(ID, () => {
  it('bad enum at the value line; valid enum is clean', () => {
    expect(lines(ap('  action: ALOW', '  rules: [{}]'))).toEqual([7]);
    expect(lines(ap('  action: ALLOW', '  rules: [{}]'))).toEqual([]);
  });
  it('wrong type: methods must be a list', () => {
    expect(lines(ap('  rules:', '  - to:', '    - operation:', '        methods: GET'))).toEqual([10]);
    expect(lines(ap('  rules:', '  - to:', '    - operation:', '        methods: [GET]'))).toEqual([]);
  });
  it('unknown field at its key (kubectl strict validation); a known sibling is clean', () => {
    expect(lines(ap('  selectr:', '    matchLabels: {app: a}'))).toEqual([7]);
    expect(lines(ap('  selector:', '    matchLabels: {app: a}'))).toEqual([]);
  });
  it('keys named like built-in object members are unknown fields too (constructor, toString, hasOwnProperty)', () => {
    expect(lines(ap('  action: ALLOW', '  constructor: x'))).toEqual([8]);
    expect(lines(ap('  rules:', '  - toString: x'))).toEqual([8]);
    expect(lines(ap('  selector:', '    hasOwnProperty: {app: a}'))).toEqual([8]);
    expect(lines(ap('  action: CUSTOM', '  provider: {name: x}', '  rules: [{}]'))).toEqual([]);
  });
  it('trustDomains (newer than the model package) is not an unknown field', () => {
    expect(lines(ap('  rules:', '  - from:', '    - source:', '        trustDomains: [td]'))).toEqual([]);
  });
  it('older served versions are validated with the same schema (v1beta1, v1alpha3)', () => {
    expect(
      lines(ap('  action: ALOW', '  rules: [{}]').replace('security.istio.io/v1', 'security.istio.io/v1beta1')),
    ).toEqual([7]);
    const vs = (v: string, field: string) =>
      y(
        `apiVersion: networking.istio.io/${v}`,
        'kind: VirtualService',
        'metadata: {name: v, namespace: shop}',
        'spec:',
        '  hosts: [a]',
        `  ${field}:`,
        '  - route: [{destination: {host: a}}]',
      );
    expect(lines(vs('v1alpha3', 'htp'))).toEqual([6]);
    expect(lines(vs('v1alpha3', 'http'))).toEqual([]);
  });
  it('unserved apiVersion and unknown kind in a known group', () => {
    expect(
      lines(
        y('apiVersion: security.istio.io/v1alpha1', 'kind: AuthorizationPolicy', 'metadata: {name: p}', 'spec: {}'),
      ),
    ).toEqual([1]);
    expect(
      lines(y('apiVersion: security.istio.io/v1', 'kind: AuthorisationPolicy', 'metadata: {name: p}', 'spec: {}')),
    ).toEqual([2]);
    expect(lines(y('apiVersion: example.com/v1', 'kind: Whatever', 'metadata: {name: p}', 'spec: {x: 1}'))).toEqual([]);
  });
  it('missing apiVersion/kind and non-object documents are schema findings', () => {
    expect(lines(y('metadata: {name: x}'))).toEqual([1]);
    expect(lines(y('- a', '- b'))).toEqual([1]);
  });
  it('AuthorizationPolicy CEL: selector + targetRef; cross-namespace targetRef; serviceAccounts + principals; DENY without rules', () => {
    expect(
      lines(
        ap(
          '  selector:',
          '    matchLabels: {app: a}',
          '  targetRef: {kind: Service, group: "", name: a}',
          '  rules: [{}]',
        ),
      ),
    ).toEqual([9]);
    expect(lines(ap('  targetRefs:', '  - {kind: Service, group: "", name: a, namespace: other}'))).toEqual([8]);
    expect(
      lines(
        ap('  rules:', '  - from:', '    - source:', '        serviceAccounts: [shop/a]', '        principals: [x]'),
      ),
    ).toEqual([11]);
    expect(lines(ap('  rules:', '  - from:', '    - source:', '        serviceAccounts: [shop/a]'))).toEqual([]);
    expect(lines(ap('  action: DENY'))).toEqual([7]);
  });
  it('ServiceEntry CEL: host "*", duplicate port numbers, endpoints with NONE resolution', () => {
    const se = (...spec: string[]) =>
      y(
        'apiVersion: networking.istio.io/v1',
        'kind: ServiceEntry',
        'metadata: {name: e, namespace: shop}',
        'spec:',
        ...spec,
      );
    expect(lines(se('  hosts: ["*"]'))).toEqual([5]);
    expect(lines(se('  hosts: ["*.example.com"]', '  resolution: NONE'))).toEqual([]);
    expect(
      lines(
        se(
          '  hosts: [a.example.com]',
          '  addresses: [240.0.0.1]',
          '  ports:',
          '  - {number: 80, name: a, protocol: HTTP}',
          '  - {number: 80, name: b, protocol: HTTP}',
        ),
      ),
    ).toEqual([9]);
    expect(lines(se('  hosts: [a.example.com]', '  endpoints:', '  - address: 1.2.3.4'))).toEqual([6]);
    expect(
      lines(se('  hosts: [a.example.com]', '  resolution: STATIC', '  endpoints:', '  - address: 1.2.3.4')),
    ).toEqual([]);
  });
  it('RequestAuthentication CEL: one JWKS source, http(s) jwksUri', () => {
    const ra = (...rule: string[]) =>
      y(
        'apiVersion: security.istio.io/v1',
        'kind: RequestAuthentication',
        'metadata: {name: r, namespace: shop}',
        'spec:',
        '  jwtRules:',
        '  - issuer: i',
        ...rule,
      );
    expect(lines(ra('    jwksUri: https://i/jwks', '    jwks: "{}"'))).toEqual([8]);
    expect(lines(ra('    jwksUri: ftp://i/jwks'))).toEqual([7]);
    expect(lines(ra('    jwksUri: https://i/jwks'))).toEqual([]);
  });
  it('WasmPlugin url scheme', () => {
    const wp = (url: string) =>
      y(
        'apiVersion: extensions.istio.io/v1alpha1',
        'kind: WasmPlugin',
        'metadata: {name: w, namespace: shop}',
        'spec:',
        `  url: ${url}`,
      );
    expect(lines(wp('ftp://x/y.wasm'))).toEqual([5]);
    expect(lines(wp('oci://x/y:1'))).toEqual([]);
  });
  it('Gateway CEL: duplicate listener names and port/protocol/hostname combinations', () => {
    const gw = (...l: string[]) =>
      y(
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: Gateway',
        'metadata: {name: g, namespace: shop}',
        'spec:',
        '  gatewayClassName: istio',
        '  listeners:',
        ...l,
      );
    expect(lines(gw('  - {name: a, port: 80, protocol: HTTP}', '  - {name: a, port: 81, protocol: HTTP}'))).toEqual([
      8,
    ]);
    expect(lines(gw('  - {name: a, port: 80, protocol: HTTP}', '  - {name: b, port: 80, protocol: HTTP}'))).toEqual([
      8,
    ]);
    expect(
      lines(
        gw(
          '  - {name: a, port: 80, protocol: HTTP}',
          '  - {name: b, port: 80, protocol: HTTP, hostname: b.example.com}',
        ),
      ),
    ).toEqual([]);
    expect(lines(gw('  - {name: a, port: 443, protocol: TLS}'))).toEqual([7]);
  });
  it('HTTPRoute CEL: path values, Service backendRef port, filter combinations, ReplacePrefixMatch', () => {
    const rt = (...rules: string[]) =>
      y(
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: HTTPRoute',
        'metadata: {name: r, namespace: shop}',
        'spec:',
        '  rules:',
        ...rules,
      );
    expect(
      lines(rt('  - matches: [{path: {type: PathPrefix, value: "/a//b"}}]', '    backendRefs: [{name: s, port: 80}]')),
    ).toEqual([6]);
    expect(
      lines(rt('  - matches: [{path: {type: PathPrefix, value: "a"}}]', '    backendRefs: [{name: s, port: 80}]')),
    ).toEqual([6]);
    expect(
      lines(rt('  - matches: [{path: {type: PathPrefix, value: "/a/b"}}]', '    backendRefs: [{name: s, port: 80}]')),
    ).toEqual([]);
    expect(lines(rt('  - backendRefs:', '    - name: s'))).toEqual([7]);
    expect(
      lines(
        rt(
          '  - filters:',
          '    - type: RequestRedirect',
          '      requestRedirect: {scheme: https}',
          '    - type: URLRewrite',
          '      urlRewrite: {hostname: x}',
        ),
      ),
    ).toEqual([6]);
    expect(
      lines(
        rt(
          '  - matches: [{path: {type: Exact, value: /a}}]',
          '    filters:',
          '    - type: URLRewrite',
          '      urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}',
          '    backendRefs: [{name: s, port: 80}]',
        ),
      ),
    ).toEqual([9]);
  });
  it('Core kinds are validated structurally', () => {
    expect(
      lines(y('apiVersion: v1', 'kind: Service', 'metadata: {name: s}', 'spec:', '  ports:', '  - port: http')),
    ).toEqual([6]);
    expect(
      lines(y('apiVersion: v1', 'kind: Service', 'metadata: {name: s}', 'spec:', '  ports:', '  - port: 80')),
    ).toEqual([]);
  });
});

describe(`${ID}: Gateway API CEL rules for CORS and RequestMirror filters`, () => {
  const filter = (kind: string, ...f: string[]) =>
    y(
      'apiVersion: gateway.networking.k8s.io/v1',
      `kind: ${kind}`,
      'metadata: {name: r, namespace: shop}',
      'spec:',
      '  rules:',
      '  - filters:',
      ...f,
    );
  it('CORS: "*" alongside other origins/methods/headers is rejected at the list; "*" alone is fine', () => {
    expect(
      lines(filter('HTTPRoute', '    - type: CORS', '      cors:', '        allowOrigins: ["*", "https://a"]')),
    ).toEqual([9]);
    expect(lines(filter('HTTPRoute', '    - type: CORS', '      cors:', '        allowMethods: ["GET", "*"]'))).toEqual(
      [9],
    );
    expect(lines(filter('HTTPRoute', '    - type: CORS', '      cors:', '        allowHeaders: ["*", "x-a"]'))).toEqual(
      [9],
    );
    expect(
      lines(
        filter(
          'HTTPRoute',
          '    - type: CORS',
          '      cors:',
          '        allowOrigins: ["*"]',
          '        allowMethods: [GET, POST]',
          '        allowHeaders: ["*"]',
        ),
      ),
    ).toEqual([]);
  });
  const mirror = (kind: string, ...m: string[]) =>
    filter(kind, '    - type: RequestMirror', '      requestMirror:', '        backendRef: {name: a, port: 80}', ...m);
  it('RequestMirror: percent and fraction together are rejected at fraction; either alone is fine', () => {
    expect(lines(mirror('HTTPRoute', '        percent: 10', '        fraction: {numerator: 1}'))).toEqual([11]);
    expect(lines(mirror('HTTPRoute', '        percent: 10'))).toEqual([]);
    expect(lines(mirror('GRPCRoute', '        percent: 10', '        fraction: {numerator: 1}'))).toEqual([11]);
  });
  it('RequestMirror fraction: numerator above the denominator (default 100) is rejected; equal is fine', () => {
    expect(lines(mirror('HTTPRoute', '        fraction: {numerator: 11, denominator: 10}'))).toEqual([10]);
    expect(lines(mirror('HTTPRoute', '        fraction: {numerator: 10, denominator: 10}'))).toEqual([]);
    expect(lines(mirror('HTTPRoute', '        fraction: {numerator: 101}'))).toEqual([10]);
    expect(lines(mirror('HTTPRoute', '        fraction: {numerator: 100}'))).toEqual([]);
  });
  it('RequestMirror backendRef to a Service needs a port; a ServiceEntry does not', () => {
    const ref = (r: string) =>
      filter('HTTPRoute', '    - type: RequestMirror', '      requestMirror:', `        backendRef: ${r}`);
    expect(lines(ref('{name: a}'))).toEqual([9]);
    expect(lines(ref('{name: a, port: 80}'))).toEqual([]);
    expect(lines(ref('{group: networking.istio.io, kind: ServiceEntry, name: a}'))).toEqual([]);
  });
  it('hostnames: route and listener hostnames follow the RFC 1123 pattern with an optional leading *.', () => {
    const route = (h: string) =>
      y(
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: HTTPRoute',
        'metadata: {name: r, namespace: shop}',
        'spec:',
        `  hostnames: [${JSON.stringify(h)}]`,
      );
    expect(lines(route('Shop.example.com'))).toEqual([5]);
    expect(lines(route('shop.*.example.com'))).toEqual([5]);
    expect(lines(route('*.example.com'))).toEqual([]);
    const gw = (h: string) =>
      y(
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: Gateway',
        'metadata: {name: g, namespace: shop}',
        'spec:',
        '  gatewayClassName: istio',
        '  listeners:',
        `  - {name: http, port: 80, protocol: HTTP, hostname: ${JSON.stringify(h)}}`,
      );
    expect(lines(gw('*'))).toEqual([7]);
    expect(lines(gw('shop.example.com.'))).toEqual([7]);
    expect(lines(gw('*.example.com'))).toEqual([]);
  });
  it('an unknown field deep in a list is found past clean siblings; labels and string lists take any keys', () => {
    const spec = [
      '  selector:',
      '    matchLabels: {app: a, "any.key/x": b}',
      '  rules:',
      '  - from:',
      '    - source: {principals: [a, b]}',
      '  - from:',
      '    - source: {principals: [c]}',
      '    - source:',
      '        principalz: [d]',
    ];
    expect(lines(ap(...spec))).toEqual([15]);
    expect(lines(ap(...spec.slice(0, 7)))).toEqual([]);
  });
  it('findings are capped per object, each object of a file with its own cap', () => {
    const bad = ap('  rules:', ...Array.from({ length: 45 }, () => '  - to: [{operation: {methods: GET}}]'));
    const one = findingsFor(ID, bad);
    expect(one).toHaveLength(41);
    expect(one.filter((f) => f.message.includes('more schema problems'))).toHaveLength(1);
    const two = findingsFor(ID, `${bad}---\n${bad.replace('name: p', 'name: q')}`);
    expect(two).toHaveLength(82);
    expect(two.filter((f) => f.message.includes('5 more schema problems'))).toHaveLength(2);
  });
});

describe(`${ID}: what the API server does before validating`, () => {
  describe('null fields are dropped before validation (SEMANTICS §9, apiextensions prunenulls.go)', () => {
    it('selector: null next to targetRefs is not "both set"', () => {
      const targetRefs = ['  targetRefs:', '  - {kind: Service, group: "", name: a}', '  rules: [{}]'];
      expect(lines(ap('  selector: null', ...targetRefs))).toEqual([]);
      expect(lines(ap('  selector: ~', '  targetRef: null', ...targetRefs))).toEqual([]);
      expect(lines(ap('  selector: {matchLabels: {app: a}}', ...targetRefs))).toEqual([8]);
    });
    it('a null optional field is absent, whatever its type (HTTPRoute)', () => {
      const route = y(
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: HTTPRoute',
        'metadata: {name: r, namespace: shop}',
        'spec:',
        '  parentRefs: [{group: "", kind: Service, name: a, sectionName: null, port: null}]',
        '  hostnames: null',
        '  rules:',
        '  - matches: [{path: {type: PathPrefix, value: /a}, headers: null}]',
        '    backendRefs: [{name: a, port: 80, weight: null}]',
        '    timeouts: null',
      );
      expect(lines(route)).toEqual([]);
      expect(lines(route.replace('sectionName: null', 'sectionName: 7'))).toEqual([5]);
    });
    it('an EnvoyFilter match written as `match:` (null) is no oneOf conflict (Istio analyzer testdata)', () => {
      const ef = y(
        'apiVersion: networking.istio.io/v1alpha3',
        'kind: EnvoyFilter',
        'metadata: {name: e, namespace: shop}',
        'spec:',
        '  configPatches:',
        '  - applyTo: NETWORK_FILTER',
        '    match:',
        '    patch:',
        '      operation: REMOVE',
      );
      expect(lines(ef)).toEqual([]);
      expect(lines(ef.replace('    match:\n', '    match: {listener: {}, cluster: {}}\n'))).not.toEqual([]);
    });
    it('null map values and null metadata fields are dropped too; a null list item is still wrong', () => {
      expect(lines(ap('  selector:', '    matchLabels: {app: null}'))).toEqual([]);
      expect(lines(ap('  rules: [null]'))).toEqual([7]);
      const meta = y(
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: a, labels: null, uid: null}',
        'spec: {ports: [{port: 80}]}',
      );
      expect(lines(meta)).toEqual([]);
    });
    it('an unknown field stays unknown when it is null', () => {
      expect(lines(ap('  selectr: null'))).toEqual([7]);
    });
  });

  describe('what kubectl get adds is not validated', () => {
    it('status is a subresource: ignored for kinds whose schema has one', () => {
      expect(lines(ap('  rules: [{}]', 'status:', '  bogus: 1', '  conditions: 7'))).toEqual([]);
    });
    it('server-set metadata is legal', () => {
      const meta = [
        'apiVersion: security.istio.io/v1',
        'kind: AuthorizationPolicy',
        'metadata:',
        '  name: p',
        '  namespace: shop',
        '  uid: 0c7f3c1e-0000-4000-8000-000000000001',
        '  resourceVersion: "12345"',
        '  generation: 4',
        '  creationTimestamp: "2026-12-01T10:00:00Z"',
        '  deletionTimestamp: "2026-12-01T11:00:00Z"',
        '  deletionGracePeriodSeconds: 0',
        '  selfLink: /apis/security.istio.io/v1/namespaces/shop/authorizationpolicies/p',
        '  finalizers: [example.com/keep]',
        '  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner, uid: 0c7f3c1e}]',
        '  managedFields:',
        '  - {apiVersion: security.istio.io/v1, fieldsType: FieldsV1, fieldsV1: {"f:spec": {}}, manager: kubectl, operation: Update, time: "2026-12-01T10:00:00Z"}',
        '  - {apiVersion: security.istio.io/v1, fieldsType: FieldsV1, fieldsV1: {"f:status": {}}, manager: pilot-discovery, operation: Apply, subresource: status, time: "2026-12-01T10:00:00Z"}',
        'spec:',
        '  rules: [{}]',
      ];
      expect(lines(y(...meta))).toEqual([]);
    });
  });

  describe('parentRefs to one parent: sectionName or port (experimental channel, Gateway API v1.5.1)', () => {
    const route = (kind: string, ...refs: string[]) =>
      y(
        `apiVersion: gateway.networking.k8s.io/${kind === 'TCPRoute' ? 'v1alpha2' : 'v1'}`,
        `kind: ${kind}`,
        'metadata: {name: r, namespace: shop}',
        'spec:',
        '  parentRefs:',
        ...refs.map((r) => `  - ${r}`),
        ...(kind === 'TCPRoute' ? ['  rules: [{backendRefs: [{name: a, port: 80}]}]'] : []),
      );
    it('one Service named twice with different ports is valid (Istio gateway testdata mesh.yaml)', () => {
      const a = (port: number) => `{group: "", kind: Service, name: echo, port: ${port}}`;
      expect(lines(route('HTTPRoute', a(80), a(8080), '{group: "", kind: Service, name: other}'))).toEqual([]);
      expect(lines(route('GRPCRoute', a(80), a(8080)))).toEqual([]);
      expect(lines(route('HTTPRoute', '{name: gw, port: 80}', '{name: gw, port: 1234}'))).toEqual([]);
    });
    it('sectionNames tell references apart; a namespace written out names another parent than none', () => {
      expect(lines(route('HTTPRoute', '{name: gw, sectionName: a}', '{name: gw, sectionName: b}'))).toEqual([]);
      // CEL: `!has(p.__namespace__)` vs a set namespace are different parents (the rule's own namespace test).
      expect(lines(route('HTTPRoute', '{name: gw}', '{name: gw, namespace: shop}'))).toEqual([]);
    });
    it('the same parent twice without sectionName or port, or with the same ones, is rejected', () => {
      expect(lines(route('HTTPRoute', '{name: gw}', '{name: gw}'))).toEqual([7]);
      expect(lines(route('HTTPRoute', '{name: gw, port: 80}', '{name: gw, port: 80}'))).toEqual([7]);
      expect(lines(route('GRPCRoute', '{name: gw, sectionName: a}', '{name: gw, sectionName: a}'))).toEqual([7]);
      expect(lines(route('TCPRoute', '{name: gw}', '{name: gw}'))).toEqual([7]);
    });
    it('references to one parent must agree on which of sectionName and port they set', () => {
      expect(lines(route('HTTPRoute', '{name: gw, port: 80}', '{name: gw}'))).toEqual([7]);
      expect(lines(route('HTTPRoute', '{name: gw, port: 80}', '{name: gw, sectionName: a}'))).toEqual([7]);
    });
  });
});

describe(`${ID}: one problem, one finding`, () => {
  it('two alternatives of a oneOf set: one problem saying so (not a branch\'s "x is required"), also from schemaProblems()', async () => {
    const { parseManifests } = await import('../../model/index.ts');
    const { schemaProblems } = await import('../schema/index.ts');
    const text = y(
      'apiVersion: networking.istio.io/v1alpha3',
      'kind: EnvoyFilter',
      'metadata: {name: e, namespace: shop}',
      'spec:',
      '  configPatches:',
      '  - applyTo: NETWORK_FILTER',
      '    match: {listener: {}, cluster: {}}',
      '    patch: {operation: REMOVE}',
    );
    const r = parseManifests({ file: 'ef.yaml', text }).resources[0]!;
    const problems = schemaProblems(r).map((p) => `${p.path.join('.')} ${p.message}`);
    expect(problems).toEqual([
      'spec.configPatches.0.match spec.configPatches[0].match combines fields that exclude each other (set only one of the alternatives).',
    ]);
    expect(lines(text.replace('cluster: {}', ''))).toEqual([]);
  });
  it('TCPRoute v1 is served by Gateway API v1.6 (at most one rule) and not by v1.5, where v1alpha2 is', () => {
    const tcp = (v: string, rules = 1) =>
      y(
        `apiVersion: gateway.networking.k8s.io/${v}`,
        'kind: TCPRoute',
        'metadata: {name: t, namespace: shop}',
        'spec:',
        '  parentRefs: [{group: "", kind: Service, name: db}]',
        '  rules:',
        ...Array.from({ length: rules }, () => '  - backendRefs: [{name: db, port: 5432}]'),
      );
    const v15 = { istio: '1.30' } as const;
    expect(lines(tcp('v1'))).toEqual([]);
    expect(lines(tcp('v1alpha2'))).toEqual([]); // the experimental channel still serves it (see gateway-api-experimental-field)
    const notServed = findingsFor(ID, tcp('v1'), v15);
    expect(notServed.map((f) => [f.line, f.path])).toEqual([[1, 'apiVersion']]);
    expect(notServed[0]!.message).toContain('gateway.networking.k8s.io/v1alpha2');
    expect(notServed[0]!.message).toContain('v1.5.1');
    expect(findingsFor(ID, tcp('v1alpha2'), v15)).toEqual([]);
    // v1 allows one rule (v1alpha2 allows 16).
    expect(lines(tcp('v1', 2))).toEqual([7]); // at the list value
    expect(lines(tcp('v1alpha2', 2))).toEqual([]);
    // Bad structure is still found through the v1alpha2 validator.
    expect(lines(tcp('v1').replace('port: 5432', 'port: "x"'))).toEqual([7]);
  });
  it('each line checks its own CRD schema: fields added or removed, bounds and required fields changed', () => {
    const v130 = { istio: '1.30' } as const;
    const vs = y(
      'apiVersion: networking.istio.io/v1',
      'kind: VirtualService',
      'metadata: {name: v, namespace: shop}',
      'spec:',
      '  hosts: [api]',
      '  http: [{redirect: {prefixRewrite: /new}}]',
    );
    expect(lines(vs)).toEqual([]); // Istio 1.31 added HTTPRedirect prefixRewrite (istio#60385)
    expect(findingsFor(ID, vs, v130).map((f) => f.path)).toEqual(['spec.http[0].redirect.prefixRewrite']);
    const idle = y(
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata: {name: r, namespace: shop}',
      'spec:',
      '  rules: [{sessionPersistence: {sessionName: s, idleTimeout: 10m}}]',
    );
    expect(findingsFor(ID, idle).map((f) => f.path)).toEqual(['spec.rules[0].sessionPersistence.idleTimeout']);
    expect(findingsFor(ID, idle, v130)).toEqual([]);
    const grant = y(
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: ReferenceGrant',
      'metadata: {name: g, namespace: shop}',
    );
    expect(findingsFor(ID, grant).map((f) => f.path)).toEqual(['spec']);
    expect(findingsFor(ID, grant, v130)).toEqual([]);
    const hosts = Array.from({ length: 17 }, (_, i) => `h${i}.example.com`).join(', ');
    const tls = y(
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: TLSRoute',
      'metadata: {name: t, namespace: shop}',
      'spec:',
      `  hostnames: [${hosts}]`,
      '  rules: [{backendRefs: [{name: a, port: 443}]}]',
    );
    expect(lines(tls)).toEqual([]); // v1.6: up to 1024 hostnames
    expect(findingsFor(ID, tls, v130).map((f) => f.path)).toEqual(['spec.hostnames']); // v1.5: 16
    const retry = y(
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata: {name: r, namespace: shop}',
      'spec:',
      '  rules: [{retry: {attempts: 0}}]',
    );
    expect(findingsFor(ID, retry).map((f) => f.path)).toEqual(['spec.rules[0].retry.attempts']); // minimum 1 in v1.6
    expect(findingsFor(ID, retry, v130)).toEqual([]);
  });
});
