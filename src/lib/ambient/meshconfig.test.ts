// MeshConfig input (--mesh-config): the shapes istiod's config comes in, its defaults, and located errors.
import { describe, expect, it } from 'vitest';
import { y } from '../validator/testing-yaml.ts';
import { DEFAULT_MESH_CONFIG, hasExtensionProvider, parseMeshConfig, serviceEntryVisibilityFor } from './index.ts';

describe('parseMeshConfig', () => {
  it('a MeshConfig document: root namespace, trust domain, providers merged with the built-in ones', () => {
    const r = parseMeshConfig(
      y(
        'rootNamespace: mesh-root',
        'trustDomain: corp.example',
        'extensionProviders:',
        '- name: ext-authz',
        '  envoyExtAuthzHttp: {service: authz.auth.svc.cluster.local, port: 8000}',
        '- name: envoy',
        '  envoyFileAccessLog: {path: /dev/stderr}',
      ),
    );
    expect(r.errors).toEqual([]);
    expect(r.config?.rootNamespace).toBe('mesh-root');
    expect(r.config?.trustDomain).toBe('corp.example');
    expect(r.config?.extensionProviders.map((p) => [p.name, p.type, p.builtIn])).toEqual([
      ['prometheus', 'prometheus', true],
      ['stackdriver', 'stackdriver', true],
      ['envoy', 'envoyFileAccessLog', false],
      ['ext-authz', 'envoyExtAuthzHttp', false],
    ]);
  });

  it('the istio ConfigMap (data.mesh) and its errors at their line in the outer file', () => {
    const cm = y(
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: istio, namespace: istio-system}',
      'data:',
      '  mesh: |-',
      '    rootNamespace: istio-config',
      '    serviceEntryVisibility:',
      '      defaultVisibility: SECRET',
    );
    const r = parseMeshConfig(cm);
    expect(r.config?.rootNamespace).toBe('istio-config');
    expect(r.errors.map((e) => [e.line, e.column, e.path])).toEqual([
      [8, 26, 'data.mesh.serviceEntryVisibility.defaultVisibility'],
    ]);
  });

  it('kind: List from kubectl get cm -o yaml: the istio ConfigMap is picked', () => {
    const r = parseMeshConfig(
      y(
        'apiVersion: v1',
        'kind: List',
        'items:',
        '- {apiVersion: v1, kind: ConfigMap, metadata: {name: other}, data: {x: y}}',
        '- apiVersion: v1',
        '  kind: ConfigMap',
        '  metadata: {name: istio}',
        '  data:',
        '    mesh: "trustDomain: td.example"',
      ),
    );
    expect(r.errors).toEqual([]);
    expect(r.config?.trustDomain).toBe('td.example');
  });

  it('Helm values (meshConfig:) and IstioOperator (spec.meshConfig); snake_case names as protojson accepts them', () => {
    expect(parseMeshConfig(y('meshConfig:', '  root_namespace: r1')).config?.rootNamespace).toBe('r1');
    const iop = parseMeshConfig(
      y('apiVersion: install.istio.io/v1alpha1', 'kind: IstioOperator', 'spec:', '  meshConfig: {trustDomain: t2}'),
    );
    expect(iop.config?.trustDomain).toBe('t2');
  });

  it('defaults when the file sets nothing; an empty ConfigMap mesh is the default mesh', () => {
    expect(parseMeshConfig(y('accessLogFile: /dev/stdout')).config).toEqual(DEFAULT_MESH_CONFIG);
    expect(parseMeshConfig(y('kind: ConfigMap', 'data:', '  mesh: ""')).config).toEqual(DEFAULT_MESH_CONFIG);
  });

  it('duplicate or empty provider names are errors with their position', () => {
    const r = parseMeshConfig(
      y('extensionProviders:', '- name: a', '  zipkin: {}', '- name: a', '  zipkin: {}', '- zipkin: {}'),
    );
    expect(r.errors.map((e) => [e.line, e.path])).toEqual([
      [4, 'extensionProviders[1].name'],
      [6, 'extensionProviders[2].name'],
    ]);
  });

  it('another kind, a scalar and broken YAML are errors, not exceptions', () => {
    expect(parseMeshConfig(y('kind: Deployment')).errors[0]?.line).toBe(1);
    expect(parseMeshConfig('just text').config).toBeUndefined();
    expect(parseMeshConfig('a: [1, 2\n').errors.length).toBeGreaterThan(0);
    expect(parseMeshConfig('['.repeat(20000)).config).toBeUndefined();
  });

  it('hostile sizes are bounded', () => {
    expect(parseMeshConfig('a'.repeat(2 * 1024 * 1024)).errors[0]?.message).toMatch(/not read/);
    const many = y('extensionProviders:', ...Array.from({ length: 1500 }, (_, i) => `- {name: p${i}, zipkin: {}}`));
    const r = parseMeshConfig(many);
    expect(r.config?.extensionProviders.length).toBe(1003);
    expect(r.errors.length).toBe(1);
  });

  it('a provider named like an Object.prototype member is just a name', () => {
    const r = parseMeshConfig(y('extensionProviders:', '- {name: constructor, zipkin: {}}'));
    expect(hasExtensionProvider(r.config!, 'constructor')).toBe(true);
    expect(hasExtensionProvider(DEFAULT_MESH_CONFIG, 'constructor')).toBe(false);
    expect(hasExtensionProvider(DEFAULT_MESH_CONFIG, 'envoy')).toBe(true);
  });
});

describe('serviceEntryVisibility (release-1.31 pilot/pkg/model/serviceentry_visibility.go)', () => {
  const mc = parseMeshConfig(
    y(
      'serviceEntryVisibility:',
      '  defaultVisibility: NAMESPACE',
      '  policies:',
      '  - visibility: PUBLIC',
      '    matchingRules:',
      '    - namespaceSelector: {matchLabels: {egress: shared}}',
      '  - visibility: NONE',
      '    matchingRules:',
      '    - namespaceSelector: {matchExpressions: [{key: sandbox, operator: Exists}]}',
      '    - namespaceSelector: {matchLabels: {tier: dev}}',
    ),
  ).config!;
  it('first policy whose rules all match wins, else the default', () => {
    expect(serviceEntryVisibilityFor(mc, { egress: 'shared', sandbox: 'x', tier: 'dev' })).toBe('PUBLIC');
    expect(serviceEntryVisibilityFor(mc, { sandbox: 'x', tier: 'dev' })).toBe('NONE');
    expect(serviceEntryVisibilityFor(mc, { sandbox: 'x' })).toBe('NAMESPACE');
    expect(serviceEntryVisibilityFor(mc, {})).toBe('NAMESPACE');
  });
  it('absent: every ServiceEntry is public; UNSPECIFIED is PUBLIC', () => {
    expect(serviceEntryVisibilityFor(DEFAULT_MESH_CONFIG, {})).toBe('PUBLIC');
    const u = parseMeshConfig(y('serviceEntryVisibility: {defaultVisibility: VISIBILITY_UNSPECIFIED}')).config;
    expect(serviceEntryVisibilityFor(u, {})).toBe('PUBLIC');
  });
  it('a rule without a namespaceSelector never matches (and is reported)', () => {
    const r = parseMeshConfig(
      y('serviceEntryVisibility:', '  policies:', '  - visibility: NONE', '    matchingRules:', '    - {}'),
    );
    expect(r.errors.map((e) => e.line)).toEqual([5]);
    expect(serviceEntryVisibilityFor(r.config, {})).toBe('PUBLIC');
  });
  it('a policy with no rules matches every namespace', () => {
    const r = parseMeshConfig(y('serviceEntryVisibility:', '  policies:', '  - visibility: NONE'));
    expect(serviceEntryVisibilityFor(r.config, { any: 'x' })).toBe('NONE');
  });
});

describe('hostile nesting', () => {
  it('a megabyte of [ is refused quickly with a position, in the file and inside data.mesh', () => {
    const t = performance.now();
    const r = parseMeshConfig('['.repeat(1024 * 1024 - 1));
    expect(r.config).toBeUndefined();
    expect(r.errors[0]?.message).toMatch(/nested deeper than 64 levels/);
    const cm = parseMeshConfig(y('kind: ConfigMap', 'data:', `  mesh: "${'['.repeat(100_000)}"`));
    expect(cm.errors[0]?.message).toMatch(/nested deeper than 64 levels/);
    expect(cm.errors[0]?.line).toBe(3);
    expect(performance.now() - t).toBeLessThan(5000);
  });
  it('an alias-heavy file is not expanded', () => {
    const r = parseMeshConfig(`a: &a [${'*a,'.repeat(100_000)}]\n`);
    expect(r.config).toBeDefined();
  });
});
