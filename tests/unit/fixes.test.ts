/**
 * Quick fixes (issue #19): each one applied to manifests with the finding, then linted again — the finding is gone
 * and no error appears that was not there before. Block and flow styles both, since the edits are textual.
 */
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/lib/model/parse.ts';
import { applyEdits, hasQuickFix, quickFix } from '../../src/lib/validator/fixes/index.ts';
import { parsePath, yamlString } from '../../src/lib/validator/fixes/yaml-edit.ts';
import { lint } from '../../src/lib/validator/lint.ts';
import type { Finding } from '../../src/lib/validator/finding.ts';

const FILE = 'fix.yaml';
const y = (...lines: string[]) => lines.join('\n') + '\n';
const errorKeys = (fs: readonly Finding[]) =>
  fs.filter((f) => f.severity === 'error').map((f) => `${f.rule}|${f.resource?.kind}/${f.resource?.name}|${f.path}`);

/** Apply the fix for the first finding of `rule`; returns the fixed text after checking the re-lint. */
function fixAndRelint(text: string, rule: string): string {
  const before = lint({ file: FILE, text }).findings;
  const finding = before.find((f) => f.rule === rule);
  expect(finding, `a ${rule} finding in the input`).toBeDefined();
  const { resources } = parseManifests([{ file: FILE, text }]);
  const fix = quickFix(text, finding!, resources);
  expect(fix, `a quick fix for ${rule}`).toBeDefined();
  const fixed = applyEdits(text, fix!.edits);
  const after = lint({ file: FILE, text: fixed }).findings;
  expect(after.filter((f) => f.rule === 'yaml-syntax' || f.rule === 'schema')).toEqual([]);
  expect(
    after.filter((f) => f.rule === rule && f.resource?.name === finding!.resource?.name && f.path === finding!.path),
  ).toEqual([]);
  const old = new Set(errorKeys(before));
  expect(errorKeys(after).filter((k) => !old.has(k))).toEqual([]);
  return fixed;
}

const ambientNs = (ns: string, extra = '') =>
  y(
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    `  name: ${ns}`,
    '  labels:',
    '    istio.io/dataplane-mode: ambient' + extra,
  );
const waypoint = (ns: string) =>
  y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    `metadata: {name: waypoint, namespace: ${ns}}`,
    'spec:',
    '  gatewayClassName: istio-waypoint',
    '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
  );
const deployment = (ns: string, app: string) =>
  y(
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: {name: ${app}, namespace: ${ns}}`,
    'spec:',
    `  selector: {matchLabels: {app: ${app}}}`,
    '  template:',
    `    metadata: {labels: {app: ${app}}}`,
    `    spec: {serviceAccountName: ${app}, containers: [{name: app, image: x}]}`,
  );
const join = (...docs: string[]) => docs.join('---\n');

describe('quick fixes', () => {
  it('knows which rules it fixes', () => {
    for (const r of [
      'l7-policy-on-ztunnel',
      'parentref-service-missing-group',
      'allow-misses-waypoint-identity',
      'targetref-service-without-waypoint',
      'ingress-bypasses-waypoint',
    ])
      expect(hasQuickFix(r)).toBe(true);
    expect(hasQuickFix('schema')).toBe(false);
    expect(hasQuickFix('constructor')).toBe(false);
  });

  it('parsePath and yamlString', () => {
    expect(parsePath('spec.rules[0].from[12].source')).toEqual(['spec', 'rules', 0, 'from', 12, 'source']);
    expect(yamlString('waypoint')).toBe('waypoint');
    expect(yamlString('true')).toBe('"true"');
    expect(yamlString('')).toBe('""');
    expect(yamlString('1.5')).toBe('"1.5"');
    expect(yamlString('a: b')).toBe('"a: b"');
  });

  describe('parentref-service-missing-group', () => {
    const route = (parentRefs: string[]) =>
      y(
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: HTTPRoute',
        'metadata:',
        '  name: reviews',
        '  namespace: bookinfo',
        'spec:',
        ...parentRefs,
        '  rules:',
        '  - backendRefs:',
        '    - name: reviews-v1',
        '      port: 9080',
      );
    it('block parentRef: adds group: ""', () => {
      const fixed = fixAndRelint(
        route(['  parentRefs:', '  - kind: Service', '    name: reviews', '    port: 9080']),
        'parentref-service-missing-group',
      );
      expect(fixed).toContain('  - group: ""\n    kind: Service\n');
    });
    it('flow parentRef', () => {
      const fixed = fixAndRelint(
        route(['  parentRefs: [{kind: Service, name: reviews}]']),
        'parentref-service-missing-group',
      );
      expect(fixed).toContain('[{group: "", kind: Service, name: reviews}]');
    });
    it('a wrong explicit group is replaced', () => {
      const fixed = fixAndRelint(
        route(['  parentRefs:', '  - group: gateway.networking.k8s.io', '    kind: Service', '    name: reviews']),
        'parentref-service-missing-group',
      );
      expect(fixed).toContain('  - group: ""\n');
    });
  });

  describe('l7-policy-on-ztunnel', () => {
    const svc = y(
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: reviews',
      '  namespace: bookinfo',
      '  labels: {istio.io/use-waypoint: waypoint}',
      'spec:',
      '  selector: {app: reviews}',
      '  ports: [{port: 9080, name: http}]',
    );
    const policy = y(
      'apiVersion: security.istio.io/v1',
      'kind: AuthorizationPolicy',
      'metadata:',
      '  name: reviews-read-only',
      '  namespace: bookinfo',
      'spec:',
      '  selector:',
      '    matchLabels:',
      '      app: reviews',
      '  action: ALLOW',
      '  rules:',
      '  - to:',
      '    - operation:',
      '        methods: ["GET"]',
    );
    it('selector → targetRefs to the Service behind a waypoint', () => {
      const text = join(ambientNs('bookinfo'), waypoint('bookinfo'), deployment('bookinfo', 'reviews'), svc, policy);
      const fixed = fixAndRelint(text, 'l7-policy-on-ztunnel');
      expect(fixed).toContain('  targetRefs: [{kind: Service, group: "", name: reviews}]\n  action: ALLOW');
      expect(fixed).not.toContain('matchLabels:\n      app: reviews\n  action');
    });
    it('flow spec', () => {
      const flow = policy.replace(
        /spec:[\s\S]*$/,
        'spec: {selector: {matchLabels: {app: reviews}}, action: ALLOW, rules: [{to: [{operation: {methods: [GET]}}]}]}\n',
      );
      const fixed = fixAndRelint(join(ambientNs('bookinfo'), waypoint('bookinfo'), svc, flow), 'l7-policy-on-ztunnel');
      expect(fixed).toContain('spec: {targetRefs: [{kind: Service, group: "", name: reviews}], action: ALLOW');
    });
    it('no fix when the Service has no waypoint (targetRefs would be enforced nowhere)', () => {
      const text = join(
        ambientNs('bookinfo'),
        deployment('bookinfo', 'reviews'),
        svc.replace('  labels: {istio.io/use-waypoint: waypoint}\n', ''),
        policy,
      );
      const f = lint({ file: FILE, text }).findings.find((x) => x.rule === 'l7-policy-on-ztunnel')!;
      expect(f).toBeDefined();
      expect(quickFix(text, f, parseManifests([{ file: FILE, text }]).resources)).toBeUndefined();
    });
  });

  describe('allow-misses-waypoint-identity', () => {
    const text = join(
      ambientNs('bookinfo'),
      waypoint('bookinfo'),
      deployment('bookinfo', 'reviews'),
      y(
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: reviews',
        '  namespace: bookinfo',
        '  labels:',
        '    istio.io/use-waypoint: waypoint',
        'spec:',
        '  selector: {app: reviews}',
        '  ports: [{port: 9080, name: http}]',
      ),
      y(
        'apiVersion: security.istio.io/v1',
        'kind: AuthorizationPolicy',
        'metadata:',
        '  name: reviews-callers',
        '  namespace: bookinfo',
        'spec:',
        '  selector:',
        '    matchLabels:',
        '      app: reviews',
        '  action: ALLOW',
        '  rules:',
        '  - from:',
        '    - source:',
        '        principals: ["cluster.local/ns/bookinfo/sa/productpage"]',
        '    # a comment after the rule',
      ),
    );
    it('adds a rule admitting the waypoint principal', () => {
      const fixed = fixAndRelint(text, 'allow-misses-waypoint-identity');
      expect(fixed).toContain(
        '        principals: ["cluster.local/ns/bookinfo/sa/productpage"]\n    # a comment after the rule\n  - {from: [{source: {principals: ["cluster.local/ns/bookinfo/sa/waypoint"]}}]}\n',
      );
    });
    it('flow rules', () => {
      const flow = text.replace(
        / {2}rules:\n[\s\S]*$/,
        '  rules: [{from: [{source: {principals: ["cluster.local/ns/bookinfo/sa/productpage"]}}]}]\n',
      );
      const fixed = fixAndRelint(flow, 'allow-misses-waypoint-identity');
      expect(fixed).toContain('}]}, {from: [{source: {principals: ["cluster.local/ns/bookinfo/sa/waypoint"]}}]}]');
    });
  });

  describe('targetref-service-without-waypoint', () => {
    const policy = y(
      'apiVersion: security.istio.io/v1',
      'kind: AuthorizationPolicy',
      'metadata: {name: reviews-get, namespace: bookinfo}',
      'spec:',
      '  targetRefs: [{kind: Service, group: "", name: reviews}]',
      '  rules:',
      '  - to: [{operation: {methods: [GET]}}]',
    );
    it('labels the Service with the namespace waypoint (no labels yet)', () => {
      const svc = y(
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: reviews',
        '  namespace: bookinfo',
        'spec:',
        '  selector: {app: reviews}',
        '  ports: [{port: 9080, name: http}]',
      );
      const fixed = fixAndRelint(
        join(ambientNs('bookinfo'), waypoint('bookinfo'), svc, policy),
        'targetref-service-without-waypoint',
      );
      expect(fixed).toContain('metadata:\n  labels: {istio.io/use-waypoint: waypoint}\n  name: reviews\n');
    });
    it('adds to existing block labels', () => {
      const svc = y(
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: reviews',
        '  namespace: bookinfo',
        '  labels:',
        '    app: reviews',
        'spec:',
        '  selector: {app: reviews}',
        '  ports: [{port: 9080, name: http}]',
      );
      const fixed = fixAndRelint(
        join(ambientNs('bookinfo'), waypoint('bookinfo'), svc, policy),
        'targetref-service-without-waypoint',
      );
      expect(fixed).toContain('  labels:\n    istio.io/use-waypoint: waypoint\n    app: reviews\n');
    });
    it('replaces an opt-out', () => {
      const svc = y(
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: reviews, namespace: bookinfo, labels: {istio.io/use-waypoint: none}}',
        'spec:',
        '  selector: {app: reviews}',
        '  ports: [{port: 9080, name: http}]',
      );
      const fixed = fixAndRelint(
        join(ambientNs('bookinfo'), waypoint('bookinfo'), svc, policy),
        'targetref-service-without-waypoint',
      );
      expect(fixed).toContain('labels: {istio.io/use-waypoint: waypoint}}');
    });
    it('no fix without a waypoint in the namespace', () => {
      const svc = y(
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: reviews, namespace: bookinfo}',
        'spec:',
        '  selector: {app: reviews}',
        '  ports: [{port: 9080}]',
      );
      const text = join(ambientNs('bookinfo'), svc, policy);
      const f = lint({ file: FILE, text }).findings.find((x) => x.rule === 'targetref-service-without-waypoint')!;
      expect(f).toBeDefined();
      expect(quickFix(text, f, parseManifests([{ file: FILE, text }]).resources)).toBeUndefined();
    });
  });

  describe('ingress-bypasses-waypoint', () => {
    const text = (labels: string) =>
      join(
        y(
          'apiVersion: v1',
          'kind: Service',
          'metadata:',
          '  name: web',
          '  namespace: shop',
          '  labels:',
          '    istio.io/use-waypoint: waypoint' + labels,
          'spec:',
          '  selector: {app: web}',
          '  ports: [{port: 80, name: http}]',
        ),
        waypoint('shop'),
        y(
          'apiVersion: gateway.networking.k8s.io/v1',
          'kind: HTTPRoute',
          'metadata: {name: web, namespace: shop}',
          'spec:',
          '  parentRefs: [{name: public, namespace: istio-ingress}]',
          '  rules:',
          '  - backendRefs: [{name: web, port: 80}]',
        ),
      );
    it('labels the Service istio.io/ingress-use-waypoint: "true"', () => {
      const fixed = fixAndRelint(text(''), 'ingress-bypasses-waypoint');
      expect(fixed).toContain(
        '  labels:\n    istio.io/ingress-use-waypoint: "true"\n    istio.io/use-waypoint: waypoint\n',
      );
    });
    it('replaces a false value', () => {
      const fixed = fixAndRelint(text('\n    istio.io/ingress-use-waypoint: "false"'), 'ingress-bypasses-waypoint');
      expect(fixed).toContain('istio.io/ingress-use-waypoint: "true"');
      expect(fixed).not.toContain('"false"');
    });
  });

  it('hostile or stale input yields no fix rather than throwing', () => {
    const f: Finding = {
      rule: 'parentref-service-missing-group',
      severity: 'error',
      message: 'x',
      file: FILE,
      path: 'spec.parentRefs[7]',
      resource: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', namespace: 'a', name: 'b' },
      docs: '',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
    };
    const text =
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: b, namespace: a}\nspec: [[[\n';
    expect(quickFix(text, f, parseManifests([{ file: FILE, text }]).resources)).toBeUndefined();
  });
});
