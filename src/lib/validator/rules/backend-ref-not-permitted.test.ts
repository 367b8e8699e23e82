import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';

const ID = 'backend-ref-not-permitted';
const got = (yaml: string) => findingsFor(ID, yaml).map((f) => [f.line, f.severity]);
const route = (backend: string) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: HTTPRoute',
    'metadata: {name: r, namespace: ingress}',
    'spec:',
    '  parentRefs: [{name: public}]',
    '  rules:',
    '  - backendRefs:',
    `    - ${backend}`,
  );
const grant = (fromNs: string, to = '{group: "", kind: Service}') =>
  y(
    '---',
    'apiVersion: gateway.networking.k8s.io/v1beta1',
    'kind: ReferenceGrant',
    'metadata: {name: g, namespace: shop}',
    'spec:',
    `  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ${fromNs}}]`,
    `  to: [${to}]`,
  );

describe(ID, () => {
  it('cross-namespace backend with a non-matching grant: error', () => {
    expect(got(route('{name: web, namespace: shop, port: 80}') + grant('other'))).toEqual([[8, 'error']]);
  });
  it('matching grant: fine (boundary)', () => {
    expect(got(route('{name: web, namespace: shop, port: 80}') + grant('ingress'))).toEqual([]);
  });
  it('grant naming another Service does not permit this one', () => {
    expect(
      got(route('{name: web, namespace: shop, port: 80}') + grant('ingress', '{group: "", kind: Service, name: api}')),
    ).toEqual([[8, 'error']]);
  });
  it('no ReferenceGrant in the manifests at all: info', () => {
    expect(got(route('{name: web, namespace: shop, port: 80}'))).toEqual([[8, 'info']]);
  });
  it('same-namespace backend needs no grant', () => {
    expect(got(route('{name: web, port: 80}'))).toEqual([]);
  });
});

// istio/istio release-1.31 pilot/pkg/config/kube/gateway/route_collections.go: mesh (Service/ServiceEntry-parent)
// routes are converted with enforceRefGrant = !mesh (false); gateway-api conformance tests/mesh/mesh-consumer-route.yaml
// (MeshConsumerRoute) has no ReferenceGrant for its own parent Service as backend.
describe(`${ID}: mesh routes`, () => {
  const meshRoute = (parent: string, backend: string, kind = 'HTTPRoute') =>
    y(
      'apiVersion: gateway.networking.k8s.io/v1',
      `kind: ${kind}`,
      'metadata: {name: r, namespace: consumer}',
      'spec:',
      `  parentRefs: [${parent}]`,
      '  rules:',
      '  - backendRefs:',
      `    - ${backend}`,
      '---',
      'apiVersion: gateway.networking.k8s.io/v1beta1',
      'kind: ReferenceGrant',
      'metadata: {name: g, namespace: shop}',
      'spec:',
      '  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: other}]',
      '  to: [{group: "", kind: Service}]',
    );
  it("backend is the route's own parent Service: no finding even with grants elsewhere", () => {
    expect(
      got(
        meshRoute('{group: "", kind: Service, name: echo, namespace: shop}', '{name: echo, namespace: shop, port: 80}'),
      ),
    ).toEqual([]);
  });
  it('another backend of a Service-parent route without a grant: an info portability note, not an error', () => {
    const f = findingsFor(
      ID,
      meshRoute('{group: "", kind: Service, name: echo, namespace: shop}', '{name: api, namespace: shop, port: 80}'),
    );
    expect(f.map((x) => [x.line, x.severity])).toEqual([[8, 'info']]);
    expect(f[0]!.message).not.toMatch(/500/);
  });
  it('a route with a Gateway parent besides the Service parent keeps the error', () => {
    expect(
      got(
        meshRoute(
          '{group: "", kind: Service, name: echo, namespace: shop}, {name: public}',
          '{name: api, namespace: shop, port: 80}',
        ),
      ),
    ).toEqual([[8, 'error']]);
  });
  it('a TCPRoute through a Gateway: error without HTTP status codes', () => {
    const f = findingsFor(
      ID,
      y(
        'apiVersion: gateway.networking.k8s.io/v1alpha2',
        'kind: TCPRoute',
        'metadata: {name: r, namespace: ingress}',
        'spec:',
        '  parentRefs: [{name: public}]',
        '  rules:',
        '  - backendRefs:',
        '    - {name: web, namespace: shop, port: 80}',
      ) + grant('other'),
    );
    expect(f.map((x) => [x.line, x.severity])).toEqual([[8, 'error']]);
    expect(f[0]!.message).not.toMatch(/HTTP|404|500|503/);
  });
});
