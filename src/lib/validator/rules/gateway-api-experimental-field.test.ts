import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';
import { EXPERIMENTAL_FIELDS, EXPERIMENTAL_ONLY_VERSIONS } from '../schema/experimental.gen.ts';

const ID = 'gateway-api-experimental-field';
const got = (yaml: string) => findingsFor(ID, yaml).map((f) => [f.line, f.severity]);
const route = (apiVersion: string, ...rule: string[]) =>
  y(
    `apiVersion: ${apiVersion}`,
    'kind: HTTPRoute',
    'metadata: {name: r, namespace: shop}',
    'spec:',
    '  parentRefs: [{group: "", kind: Service, name: a}]',
    '  rules:',
    ...rule,
  );

describe(ID, () => {
  it('the generated tables hold what the v1.5.1 CRDs say (spot checks)', () => {
    expect(EXPERIMENTAL_FIELDS['gateway.networking.k8s.io/v1|HTTPRoute']).toContain('spec.rules[].retry');
    expect(EXPERIMENTAL_FIELDS['gateway.networking.k8s.io/v1|HTTPRoute']).not.toContain('spec.rules[].timeouts');
    expect(EXPERIMENTAL_ONLY_VERSIONS).toContain('gateway.networking.k8s.io/v1alpha2|TCPRoute');
    expect(EXPERIMENTAL_ONLY_VERSIONS).not.toContain('gateway.networking.k8s.io/v1|TLSRoute');
  });
  it('HTTPRoute retry is a warning at the field; timeouts (standard) is fine', () => {
    expect(
      got(route('gateway.networking.k8s.io/v1', '  - retry: {attempts: 2}', '    backendRefs: [{name: a, port: 80}]')),
    ).toEqual([[7, 'warning']]);
    expect(
      got(
        route('gateway.networking.k8s.io/v1', '  - timeouts: {request: 2s}', '    backendRefs: [{name: a, port: 80}]'),
      ),
    ).toEqual([]);
  });
  it('v1beta1 HTTPRoute is checked with its own table', () => {
    expect(got(route('gateway.networking.k8s.io/v1beta1', '  - sessionPersistence: {sessionName: s}'))).toEqual([
      [7, 'warning'],
    ]);
  });
  it('every matching item is reported', () => {
    expect(
      got(
        route(
          'gateway.networking.k8s.io/v1',
          '  - retry: {attempts: 1}',
          '  - matches: []',
          '  - retry: {attempts: 2}',
        ),
      ),
    ).toEqual([
      [7, 'warning'],
      [9, 'warning'],
    ]);
  });
  it('the ExternalAuth filter is reported once, at its type', () => {
    expect(
      got(
        route(
          'gateway.networking.k8s.io/v1',
          '  - filters:',
          '    - type: ExternalAuth',
          '      externalAuth: {protocol: HTTP, backendRef: {name: authz, port: 80}}',
        ),
      ),
    ).toEqual([[8, 'warning']]);
    expect(
      got(
        route(
          'gateway.networking.k8s.io/v1',
          '  - filters:',
          '    - type: RequestHeaderModifier',
          '      requestHeaderModifier: {set: [{name: x, value: y}]}',
        ),
      ),
    ).toEqual([]);
  });
  it('an experimental-only version is information at apiVersion; the standard version of the kind is fine', () => {
    const tls = (v: string) =>
      y(
        `apiVersion: gateway.networking.k8s.io/${v}`,
        'kind: TLSRoute',
        'metadata: {name: t, namespace: shop}',
        'spec: {}',
      );
    expect(got(tls('v1alpha2'))).toEqual([[1, 'info']]);
    expect(got(tls('v1'))).toEqual([]);
  });
  it('Gateway defaultScope is experimental', () => {
    expect(
      got(
        y(
          'apiVersion: gateway.networking.k8s.io/v1',
          'kind: Gateway',
          'metadata: {name: g, namespace: shop}',
          'spec:',
          '  gatewayClassName: istio',
          '  defaultScope: All',
          '  listeners: [{name: http, port: 80, protocol: HTTP}]',
        ),
      ),
    ).toEqual([[6, 'warning']]);
  });
});
