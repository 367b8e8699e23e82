import { describe, expect, it } from 'vitest';
import { domainMatches, hostSubsetOf, hostsOverlap, resolveShortname } from './hostnames.ts';
import { parseManifests } from '../model/parse.ts';
import { buildMesh } from '../model/mesh.ts';
import { predictStatus } from '../status/index.ts';
import { simulate } from '../simulator/simulate.ts';
import { deployment, docs, namespace, service, waypoint } from '../../../tests/support/mesh-fixtures.ts';

// Cases from the doc comments of istio/istio release-1.31 pkg/config/host/name.go and the Gateway API hostname
// examples (apis/v1 HTTPRouteSpec.Hostnames), written out here; [a, b, overlap, a ⊂ b, b ⊂ a].
const PAIRS: readonly (readonly [string, string, boolean, boolean, boolean])[] = [
  ['foo.com', 'foo.com', true, true, true],
  ['foo.com', 'bar.com', false, false, false],
  ['*.com', 'foo.com', true, false, true],
  ['bar.com', '*.com', true, true, false],
  ['*.foo.com', 'foo.com', false, false, false],
  ['*', 'foo.com', true, false, true],
  ['*', '*.com', true, false, true],
  ['*.example.com', 'foo.example.com', true, false, true],
  ['*.example.com', 'example.com', false, false, false],
  ['*.example.com', 'foo.test.example.com', true, false, true],
  ['*.example.com', 'test.example.net', false, false, false],
  ['foo.example.com', 'example.com', false, false, false],
  ['*.example.com', '*.foo.example.com', true, false, true],
  ['*.example.com', '*.com', true, true, false],
  ['*.example.com', '*.example.com', true, true, true],
  ['*.example.com', '*.example.net', false, false, false],
  // Istio's own validation admits a label with a leading `*` (pkg/config/labels/instance.go wildcardPrefix).
  ['*foo.com', 'barfoo.com', true, false, true],
  // istiod compares configured hostnames as written: a case difference is a different name.
  ['Foo.example.com', 'foo.example.com', false, false, false],
  ['*.EXAMPLE.com', 'foo.example.com', false, false, false],
  ['*.example.com', 'FOO.example.com', true, false, true],
];

describe('hostsOverlap and hostSubsetOf (host.Name Matches / SubsetOf)', () => {
  for (const [a, b, overlap, aInB, bInA] of PAIRS) {
    it(`${a} ~ ${b}: overlap ${overlap}, ${a} ⊂ ${b} ${aInB}, ${b} ⊂ ${a} ${bInA}`, () => {
      expect(hostsOverlap(a, b)).toBe(overlap);
      expect(hostsOverlap(b, a)).toBe(overlap);
      expect(hostSubsetOf(a, b)).toBe(aInB);
      expect(hostSubsetOf(b, a)).toBe(bInA);
    });
  }
});

describe('domainMatches (an Envoy virtual host domain against the Host header)', () => {
  const CASES: readonly (readonly [string, string, boolean])[] = [
    ['*', 'anything.example.org', true],
    ['*.example.com', 'foo.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    // The wildcard never stands for the empty string.
    ['*.example.com', '.example.com', false],
    ['*-bar.example.com', 'baz-bar.example.com', true],
    ['*-bar.example.com', '-bar.example.com', false],
    ['foo.example.com', 'foo.example.com', true],
    ['foo.example.com', 'bar.example.com', false],
    // Envoy matches the Host header without regard to case.
    ['foo.example.com', 'FOO.Example.COM', true],
    ['*.EXAMPLE.com', 'foo.example.COM', true],
  ];
  for (const [domain, host, want] of CASES)
    it(`${domain} vs Host ${host}: ${want}`, () => expect(domainMatches(domain, host)).toBe(want));
});

describe('resolveShortname (a host in an Istio resource, as istiod reads it)', () => {
  const CASES: readonly (readonly [string, string])[] = [
    ['reviews', 'reviews.shop.svc.cluster.local'],
    // A dot makes it a name as written: istiod does not complete `name.namespace` as a client's DNS would.
    ['reviews.bookinfo', 'reviews.bookinfo'],
    ['reviews.bookinfo.svc', 'reviews.bookinfo.svc'],
    ['reviews.bookinfo.svc.cluster.local', 'reviews.bookinfo.svc.cluster.local'],
    ['httpbin.org', 'httpbin.org'],
    ['*.example.com', '*.example.com'],
    ['*', '*'],
    ['10.0.0.1', '10.0.0.1'],
    ['fd00::1', 'fd00::1'],
    ['', ''],
  ];
  for (const [host, want] of CASES)
    it(`${host || '(empty)'} in shop: ${want || '(empty)'}`, () => expect(resolveShortname(host, 'shop')).toBe(want));
});

// The two engines that ask the overlap question: the status predictor (a route's hostnames against a Gateway
// listener's) and the simulator (a TLSRoute's hostnames narrowed to the service host at a waypoint).
const STATUS_YAML = `
apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: web}
spec:
  gatewayClassName: istio
  listeners:
  - {name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}
`;
const route = (name: string, hostnames: readonly string[]) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: web}
spec:
  parentRefs: [{name: public}]
  hostnames: [${hostnames.map((h) => JSON.stringify(h)).join(', ')}]
  rules: [{backendRefs: [{name: app, port: 80}]}]
`;

describe('a route against a listener for *.example.com (status predictor)', () => {
  const ROUTES: readonly (readonly [string, readonly string[], string])[] = [
    ['sub', ['foo.example.com'], 'Accepted'],
    ['deep', ['a.b.example.com'], 'Accepted'],
    ['apex', ['example.com'], 'NoMatchingListenerHostname'],
    ['wider', ['*.com'], 'Accepted'],
    ['other', ['test.example.net'], 'NoMatchingListenerHostname'],
    ['one-of-two', ['test.example.net', 'foo.example.com'], 'Accepted'],
    // Not admitted by the API server (the Hostname pattern is lower case), and istiod would not match it either.
    ['upper', ['foo.EXAMPLE.com'], 'NoMatchingListenerHostname'],
  ];
  const text = STATUS_YAML + ROUTES.map(([n, h]) => route(n, h)).join('');
  const predicted = predictStatus(buildMesh(parseManifests({ file: 'hosts.yaml', text }).resources));
  for (const [name, hostnames, reason] of ROUTES)
    it(`hostnames ${hostnames.join(', ')}: ${reason}`, () => {
      const accepted = predicted
        .find((r) => r.kind === 'HTTPRoute' && r.name === name)
        ?.conditions.find((c) => c.type === 'Accepted');
      expect(accepted?.reason).toBe(reason);
      expect(accepted?.status).toBe(reason === 'Accepted' ? 'True' : 'False');
    });
});

// Namespace ext, bound as a whole to waypoint `waypoint`; a client; the Service `mirror`; a ServiceEntry with two
// hosts (tests/support/mesh-fixtures.ts builds the common resources).
const SIM_YAML = docs(
  namespace('ext', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' }),
  waypoint('waypoint', 'ext'),
  deployment('client', { namespace: 'ext', ports: [] }),
  deployment('mirror', { namespace: 'ext', ports: [9443] }),
  service('mirror', { namespace: 'ext', port: 9443, targetPort: 9443, portName: 'tls' }),
  `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: partner, namespace: ext}
spec:
  hosts: [foo.example.com, example.com]
  ports: [{number: 9443, name: tls, protocol: TLS}]
  resolution: DNS
`,
);
const tlsRoute = (name: string, hostnames: readonly string[]) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: ${name}, namespace: ext}
spec:
  parentRefs: [{group: networking.istio.io, kind: ServiceEntry, name: partner}]
  hostnames: [${hostnames.map((h) => JSON.stringify(h)).join(', ')}]
  rules: [{backendRefs: [{name: mirror, port: 9443}]}]
`;

describe('a TLSRoute on a two-host ServiceEntry at the waypoint (simulator)', () => {
  // istiod keeps the route's hostnames that overlap the service host, and the waypoint uses the route only when
  // exactly that host is left (conversion.go compatibleRoutesForHost, listener_waypoint.go getTLSRouteMatch).
  const CASES: readonly (readonly [readonly string[], string, boolean])[] = [
    [['*.example.com', 'example.com'], 'example.com', true],
    [['*.example.com', 'example.com'], 'foo.example.com', false],
    [['foo.example.com', 'example.com'], 'foo.example.com', true],
    [['foo.example.com', 'example.com'], 'example.com', true],
    [['*.example.com', 'foo.example.com'], 'foo.example.com', false],
  ];
  for (const [hostnames, to, used] of CASES)
    it(`hostnames ${hostnames.join(', ')}, dialled ${to}: ${used ? 'used' : 'not used'}`, async () => {
      const { resources } = parseManifests({ file: 'tls.yaml', text: SIM_YAML + tlsRoute('r', hostnames) });
      const res = await simulate(resources, { from: 'ext/client', to: `${to}:9443`, tcp: true });
      expect(res.waypoint).toEqual({ namespace: 'ext', name: 'waypoint' });
      expect(res.backends.map((b) => b.service)).toEqual(used ? ['mirror'] : ['partner']);
    });
});

const workload = (name: string, port: number) =>
  '---\n' +
  docs(
    deployment(name, { namespace: 'ext', ports: [port] }),
    service(name, { namespace: 'ext', port, targetPort: port }),
  );
const virtualService = (host: string) => `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: to-canary, namespace: ext}
spec:
  hosts: [${JSON.stringify(host)}]
  http: [{route: [{destination: {host: web-canary}}]}]
`;

describe('a VirtualService host at the waypoint (simulator)', () => {
  // getVirtualServiceForWaypoint compares the fully qualified VirtualService host with the service host as
  // written, in either direction (host.Name.Matches).
  const CASES: readonly (readonly [string, boolean])[] = [
    ['web', true],
    ['web.ext.svc.cluster.local', true],
    ['*.ext.svc.cluster.local', true],
    ['*.svc.cluster.local', true],
    ['*.other.svc.cluster.local', false],
    ['Web', false],
    // A two-label name is a host as written, not `<name>.<namespace>`: never this Service.
    ['web.ext', false],
  ];
  for (const [host, used] of CASES)
    it(`hosts [${host}]: ${used ? 'routes' : 'ignored'}`, async () => {
      const text = SIM_YAML + workload('web', 80) + workload('web-canary', 80) + virtualService(host);
      const { resources } = parseManifests({ file: 'vs.yaml', text });
      const res = await simulate(resources, { from: 'ext/client', to: 'web.ext:80', path: '/' });
      expect(res.waypoint).toEqual({ namespace: 'ext', name: 'waypoint' });
      expect(res.backends.map((b) => b.service)).toEqual([used ? 'web-canary' : 'web']);
    });
});

describe('a VirtualService for a two-label ServiceEntry host at the waypoint (simulator)', () => {
  const entry = `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: partner-org, namespace: ext}
spec:
  hosts: [partner.org]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
`;
  // Taken as written (resolveShortname), `partner.org` is the ServiceEntry's host, so the waypoint applies it.
  it('hosts [partner.org] routes partner.org through the VirtualService', async () => {
    const text = SIM_YAML + workload('web-canary', 80) + entry + virtualService('partner.org');
    const { resources } = parseManifests({ file: 'vs-se.yaml', text });
    const res = await simulate(resources, { from: 'ext/client', to: 'partner.org:80', path: '/' });
    expect(res.waypoint).toEqual({ namespace: 'ext', name: 'waypoint' });
    expect(res.backends.map((b) => b.service)).toEqual(['web-canary']);
  });
});
