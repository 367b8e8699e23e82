import { describe, expect, it } from 'vitest';
import { parseMeshConfig } from '../../ambient/index.ts';
import { lint } from '../lint.ts';
import { y } from '../testing.ts';

const ID = 'serviceentry-hidden-by-visibility';
const mc = (text: string) => parseMeshConfig(text).config!;
const lines = (yaml: string, meshConfig: string | undefined, istio: '1.30' | '1.31' = '1.31') =>
  lint(
    { file: 'case.yaml', text: yaml },
    { rules: [ID], istio, ...(meshConfig !== undefined ? { meshConfig: mc(meshConfig) } : {}) },
  )
    .findings.filter((f) => f.rule === ID)
    .map((f) => f.line);

// Lines: 3 Namespace billing (team: pay); 8 ServiceEntry; 14 same-namespace route parentRef; 20 consumer route
// parentRef (shop); 25 policy targetRef; 31 VirtualService host in shop; 36 VirtualService host in billing.
const manifests = y(
  'apiVersion: v1',
  'kind: Namespace',
  'metadata: {name: billing, labels: {team: pay}}',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: ServiceEntry',
  'metadata: {name: stripe, namespace: billing}',
  'spec: {hosts: [api.stripe.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}',
  '---',
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: HTTPRoute',
  'metadata: {name: own, namespace: billing}',
  'spec:',
  '  parentRefs: [{group: networking.istio.io, kind: ServiceEntry, name: stripe}]',
  '---',
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: HTTPRoute',
  'metadata: {name: consumer, namespace: shop}',
  'spec:',
  '  parentRefs: [{group: networking.istio.io, kind: ServiceEntry, name: stripe, namespace: billing}]',
  '---',
  'apiVersion: security.istio.io/v1',
  'kind: AuthorizationPolicy',
  'metadata: {name: get-only, namespace: billing}',
  'spec:',
  '  targetRefs: [{group: networking.istio.io, kind: ServiceEntry, name: stripe}]',
  '  rules: [{to: [{operation: {methods: [GET]}}]}]',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata: {name: stripe-shop, namespace: shop}',
  'spec: {hosts: [api.stripe.com], http: [{route: [{destination: {host: api.stripe.com}}]}]}',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata: {name: stripe-billing, namespace: billing}',
  'spec: {hosts: [api.stripe.com], http: [{route: [{destination: {host: api.stripe.com}}]}]}',
);

describe(ID, () => {
  it('NONE: every route, policy and VirtualService referring to the entry, its own namespace included', () => {
    expect(lines(manifests, 'serviceEntryVisibility: {defaultVisibility: NONE}\n')).toEqual([14, 20, 26, 32, 37]);
  });
  it('NAMESPACE: only what lives in another namespace (a policy must be in the entry’s namespace anyway)', () => {
    expect(lines(manifests, 'serviceEntryVisibility: {defaultVisibility: NAMESPACE}\n')).toEqual([20, 32]);
  });
  it('a policy making the entry’s namespace PUBLIC lifts it; other namespaces’ labels do not matter', () => {
    const publicForPay = y(
      'serviceEntryVisibility:',
      '  defaultVisibility: NONE',
      '  policies:',
      '  - visibility: PUBLIC',
      '    matchingRules: [{namespaceSelector: {matchLabels: {team: pay}}}]',
    );
    expect(lines(manifests, publicForPay)).toEqual([]);
  });
  it('PUBLIC, no MeshConfig, or Istio 1.30 (no such setting; istiod ignores the field): silent', () => {
    expect(lines(manifests, 'serviceEntryVisibility: {defaultVisibility: PUBLIC}\n')).toEqual([]);
    expect(lines(manifests, undefined)).toEqual([]);
    expect(lines(manifests, 'serviceEntryVisibility: {defaultVisibility: NONE}\n', '1.30')).toEqual([]);
  });
  it('the MeshConfig may come from the istio ConfigMap among the manifests', () => {
    const withConfigMap = y(
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: istio, namespace: istio-system}',
      'data:',
      '  mesh: |-',
      '    serviceEntryVisibility: {defaultVisibility: NAMESPACE}',
      '---',
      manifests,
    );
    expect(lines(withConfigMap, undefined)).toEqual([27, 39]);
  });
  it('a Service parentRef, or a ServiceEntry ref without the Istio group, is not this rule', () => {
    const other = y(
      'apiVersion: networking.istio.io/v1',
      'kind: ServiceEntry',
      'metadata: {name: stripe, namespace: billing}',
      'spec: {hosts: [api.stripe.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}',
      '---',
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata: {name: r, namespace: shop}',
      'spec:',
      '  parentRefs: [{group: "", kind: Service, name: stripe, namespace: billing}, {kind: ServiceEntry, name: stripe, namespace: billing}]',
    );
    expect(lines(other, 'serviceEntryVisibility: {defaultVisibility: NONE}\n')).toEqual([]);
  });
});
