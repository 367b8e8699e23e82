import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';
import { EXPERIMENTAL } from '../schema/experimental.gen.ts';

const ID = 'gateway-api-experimental-field';
const got = (yaml: string, options: { istio?: '1.30' | '1.31'; gatewayApi?: '1.5' | '1.6' } = {}) =>
  findingsFor(ID, yaml, options).map((f) => [f.line, f.severity]);
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
  it('the generated tables hold what the v1.5.1 and v1.6.1 CRDs say (spot checks)', () => {
    for (const line of ['1.5', '1.6'] as const) {
      const t = EXPERIMENTAL[line];
      expect(t.fields['gateway.networking.k8s.io/v1|HTTPRoute']).toContain('spec.rules[].retry');
      expect(t.fields['gateway.networking.k8s.io/v1|HTTPRoute']).not.toContain('spec.rules[].timeouts');
      expect(t.onlyVersions).toContain('gateway.networking.k8s.io/v1alpha2|TCPRoute');
      expect(t.onlyVersions).not.toContain('gateway.networking.k8s.io/v1|TLSRoute');
    }
    // v1.6 serves TCPRoute v1 in both channels; v1.5 has no TCPRoute v1 at all.
    expect(EXPERIMENTAL['1.6'].fields['gateway.networking.k8s.io/v1|TCPRoute']).toEqual(['spec.useDefaultGateways']);
    expect(EXPERIMENTAL['1.5'].fields['gateway.networking.k8s.io/v1|TCPRoute']).toBeUndefined();
  });
  it('TCPRoute v1alpha2: experimental only on both lines, with v1 as the fix on v1.6 only', () => {
    const tcp = (v: string) =>
      y(
        `apiVersion: gateway.networking.k8s.io/${v}`,
        'kind: TCPRoute',
        'metadata: {name: t, namespace: shop}',
        'spec: {rules: [{backendRefs: [{name: db, port: 5432}]}]}',
      );
    const v16 = findingsFor(ID, tcp('v1alpha2'));
    expect(v16.map((f) => [f.line, f.severity])).toEqual([[1, 'info']]);
    expect(v16[0]!.fix).toContain('gateway.networking.k8s.io/v1 ');
    expect(v16[0]!.message).toContain('v1.6.1');
    const v15 = findingsFor(ID, tcp('v1alpha2'), { istio: '1.30' });
    expect(v15.map((f) => [f.line, f.severity])).toEqual([[1, 'info']]);
    expect(v15[0]!.fix).not.toContain('gateway.networking.k8s.io/v1 ');
    expect(v15[0]!.message).toContain('v1.5.1');
    // v1 is standard on v1.6 (nothing to say here); on v1.5 the schema rule reports it as not served.
    expect(got(tcp('v1'))).toEqual([]);
    expect(got(tcp('v1'), { gatewayApi: '1.5' })).toEqual([]);
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
