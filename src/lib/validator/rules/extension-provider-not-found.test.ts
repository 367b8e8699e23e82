import { describe, expect, it } from 'vitest';
import { parseMeshConfig } from '../../ambient/index.ts';
import { lint } from '../lint.ts';
import { y } from '../testing.ts';

const ID = 'extension-provider-not-found';
const meshConfig = parseMeshConfig(
  y(
    'extensionProviders:',
    '- name: ext-authz',
    '  envoyExtAuthzGrpc: {service: authz.auth.svc.cluster.local, port: 9000}',
    '- name: otel',
    '  opentelemetry: {service: otel.obs.svc.cluster.local, port: 4317}',
  ),
).config!;
const got = (yaml: string, withConfig = true) =>
  lint({ file: 'case.yaml', text: yaml }, { rules: [ID], ...(withConfig ? { meshConfig } : {}) })
    .findings.filter((f) => f.rule === ID)
    .map((f) => [f.line, f.severity]);

const custom = (provider: string) =>
  y(
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata: {name: ext, namespace: shop}',
    'spec:',
    '  targetRefs: [{kind: Service, group: "", name: cart}]',
    '  action: CUSTOM',
    `  provider: {name: ${provider}}`,
    '  rules: [{}]',
  );
const telemetry = (...names: string[]) =>
  y(
    'apiVersion: telemetry.istio.io/v1',
    'kind: Telemetry',
    'metadata: {name: t, namespace: shop}',
    'spec:',
    '  tracing:',
    `  - providers: [${names.map((n) => `{name: ${n}}`).join(', ')}]`,
    '  accessLogging:',
    '  - providers:',
    '    - name: envoy',
    ...names.map((n) => `    - name: ${n}`),
  );

describe(ID, () => {
  it('CUSTOM with a configured ext_authz provider: fine', () => {
    expect(got(custom('ext-authz'))).toEqual([]);
  });
  it('CUSTOM with an unknown provider: error at provider.name', () => {
    expect(got(custom('authz'))).toEqual([[7, 'error']]);
  });
  it('CUSTOM naming a provider that is not ext_authz (a tracer, a built-in): error', () => {
    expect(got(custom('otel'))).toEqual([[7, 'error']]);
    expect(got(custom('prometheus'))).toEqual([[7, 'error']]);
  });
  it('Telemetry: configured and built-in names are fine, unknown ones warned at each use', () => {
    expect(got(telemetry('otel'))).toEqual([]);
    expect(got(telemetry('zipkin'))).toEqual([
      [6, 'warning'],
      [10, 'warning'],
    ]);
  });
  it('without a MeshConfig the rule says nothing (it would only guess)', () => {
    expect(got(custom('authz'), false)).toEqual([]);
  });
  it('the istio ConfigMap among the manifests is used when no --mesh-config is given', () => {
    const cm = y(
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: istio, namespace: istio-system}',
      'data:',
      '  mesh: "extensionProviders: [{name: authz, envoyExtAuthzHttp: {service: a, port: 80}}]"',
      '---',
    );
    expect(got(cm + custom('authz'), false)).toEqual([]);
    expect(got(cm + custom('other'), false)).toEqual([[13, 'error']]);
  });
});
