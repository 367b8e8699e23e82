import { describe, expect, it } from 'vitest';
import { linesFor, y } from '../testing.ts';

const ID = 'parentref-service-missing-group';
const route = (kind: string, ...parent: string[]) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    `kind: ${kind}`,
    'metadata: {name: r, namespace: shop}',
    'spec:',
    '  parentRefs:',
    ...parent,
    '  rules: [{backendRefs: [{name: cart, port: 80}]}]',
  );

describe(ID, () => {
  it('Service parent without a group is reported at the parentRef', () => {
    expect(linesFor(ID, route('HTTPRoute', '  - {kind: Service, name: cart, port: 80}'))).toEqual([6]);
  });
  it('Service parent with group "" is fine (boundary)', () => {
    expect(linesFor(ID, route('HTTPRoute', '  - {group: "", kind: Service, name: cart, port: 80}'))).toEqual([]);
  });
  it('Service parent with the Gateway API group spelled out is reported at the group', () => {
    expect(
      linesFor(ID, route('HTTPRoute', '  - kind: Service', '    name: cart', '    group: gateway.networking.k8s.io')),
    ).toEqual([8]);
  });
  it('GRPCRoute and TCPRoute parents are checked too', () => {
    expect(linesFor(ID, route('GRPCRoute', '  - {kind: Service, name: cart}'))).toEqual([6]);
  });
  it('ServiceEntry parent needs networking.istio.io', () => {
    expect(linesFor(ID, route('HTTPRoute', '  - {kind: ServiceEntry, name: ext}'))).toEqual([6]);
    expect(linesFor(ID, route('HTTPRoute', '  - {group: networking.istio.io, kind: ServiceEntry, name: ext}'))).toEqual(
      [],
    );
  });
  it('Istio also accepts group "core" for a Service; "core" is not a ServiceEntry group', () => {
    expect(linesFor(ID, route('HTTPRoute', '  - {group: core, kind: Service, name: cart}'))).toEqual([]);
    expect(linesFor(ID, route('HTTPRoute', '  - {group: core, kind: ServiceEntry, name: ext}'))).toEqual([6]);
  });
  it('a kind named like an Object.prototype member is not mistaken for a known parent kind', () => {
    expect(linesFor(ID, route('HTTPRoute', '  - {kind: constructor, name: cart}'))).toEqual([]);
  });
  it('Gateway parents (the default kind) are not this rule’s business', () => {
    expect(linesFor(ID, route('HTTPRoute', '  - {name: public}'))).toEqual([]);
  });
  it('backendRefs default to the core group: a backendRef without group is fine', () => {
    expect(
      linesFor(
        ID,
        y(
          'apiVersion: gateway.networking.k8s.io/v1',
          'kind: HTTPRoute',
          'metadata: {name: r, namespace: shop}',
          'spec:',
          '  parentRefs: [{group: "", kind: Service, name: cart}]',
          '  rules: [{backendRefs: [{kind: Service, name: cart, port: 80}]}]',
        ),
      ),
    ).toEqual([]);
  });
});
