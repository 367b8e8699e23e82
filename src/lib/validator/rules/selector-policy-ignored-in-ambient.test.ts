import { describe, expect, it } from 'vitest';
import { findingsFor, y } from '../testing.ts';

const ID = 'selector-policy-ignored-in-ambient';
const got = (yaml: string) => findingsFor(ID, yaml).map((f) => [f.line, f.severity]);
const ns = (label: string) =>
  y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', `  labels: {${label}}`, '---');
const ra = (...attach: string[]) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: RequestAuthentication',
    'metadata: {name: jwt, namespace: shop}',
    'spec:',
    ...attach,
    '  jwtRules: [{issuer: i, jwksUri: "https://i/jwks"}]',
  );
const sel = ['  selector:', '    matchLabels: {app: cart}'];

describe(ID, () => {
  it('RequestAuthentication with a selector in an ambient namespace: warning at selector', () => {
    expect(got(ns('istio.io/dataplane-mode: ambient') + ra(...sel))).toEqual([[11, 'warning']]);
  });
  it('same with targetRefs: fine (boundary)', () => {
    expect(
      got(ns('istio.io/dataplane-mode: ambient') + ra('  targetRefs: [{kind: Service, group: "", name: cart}]')),
    ).toEqual([]);
  });
  it('sidecar namespace: not reported; unknown namespace: info', () => {
    expect(got(ns('istio-injection: enabled') + ra(...sel))).toEqual([]);
    expect(got(ra(...sel))).toEqual([[5, 'info']]);
  });
  it('WasmPlugin with selector and Telemetry with selector + tracing', () => {
    const wasm = y(
      'apiVersion: extensions.istio.io/v1alpha1',
      'kind: WasmPlugin',
      'metadata: {name: w, namespace: shop}',
      'spec:',
      ...sel,
      '  url: oci://r/w:1',
    );
    expect(got(ns('istio.io/dataplane-mode: ambient') + wasm)).toEqual([[11, 'warning']]);
    const tel = (tracing: boolean) =>
      y(
        'apiVersion: telemetry.istio.io/v1',
        'kind: Telemetry',
        'metadata: {name: t, namespace: shop}',
        'spec:',
        ...sel,
        ...(tracing
          ? ['  tracing: [{providers: [{name: otel}]}]']
          : ['  accessLogging: [{providers: [{name: envoy}]}]']),
      );
    expect(got(ns('istio.io/dataplane-mode: ambient') + tel(true))).toEqual([[11, 'warning']]);
    expect(got(ns('istio.io/dataplane-mode: ambient') + tel(false))).toEqual([]);
  });
  it('selected Deployment decides over the namespace: a sidecar-injected pod is not reported', () => {
    const dep = y(
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: cart, namespace: shop}',
      'spec:',
      '  selector: {matchLabels: {app: cart}}',
      '  template:',
      '    metadata: {labels: {app: cart, sidecar.istio.io/inject: "true"}}',
      '    spec: {containers: [{name: c, image: c}]}',
    );
    expect(got(ns('istio.io/dataplane-mode: ambient') + ra(...sel) + dep)).toEqual([]);
  });
  // release-1.31 pilot/pkg/model/authentication.go getConfigsForWorkload and policyattachment.go ShouldAttachPolicy:
  // a waypoint takes a RequestAuthentication only through targetRefs, so a namespace-wide one does nothing in ambient.
  it('a namespace-wide RequestAuthentication in an ambient namespace is reported; in the root namespace it is not', () => {
    const ambientNs = (name: string) =>
      y(
        'apiVersion: v1',
        'kind: Namespace',
        'metadata:',
        `  name: ${name}`,
        '  labels: {istio.io/dataplane-mode: ambient}',
        '---',
      );
    const wideRa = (name: string) =>
      y(
        'apiVersion: security.istio.io/v1',
        'kind: RequestAuthentication',
        `metadata: {name: jwt, namespace: ${name}}`,
        'spec:',
        '  jwtRules:',
        '  - issuer: https://issuer.example',
      );
    const sev = (yaml: string) => findingsFor(ID, yaml).map((f) => `${f.line} ${f.severity}`);
    expect(sev(ambientNs('shop') + wideRa('shop'))).toEqual(['11 warning']);
    expect(sev(ambientNs('istio-system') + wideRa('istio-system'))).toEqual([]);
  });
});
