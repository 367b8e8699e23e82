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
