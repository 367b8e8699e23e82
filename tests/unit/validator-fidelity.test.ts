// Issue #14 (fidelity): what the API server does before validating, the lint does too (SEMANTICS §9).
// - `kubectl get -o yaml` output (status, managedFields, resourceVersion, uid, generation, creationTimestamp, the
//   last-applied-configuration annotation) lints exactly like the manifest it came from;
// - no finding is reported twice; a cluster-scoped object's finding names no namespace (DESIGN §4.2).
import { readFileSync } from 'node:fs';
import { isMap, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, exampleInputs } from '../../src/site/examples.ts';
import { dedupeSorted } from '../../src/lib/validator/lint.ts';
import { formatJson, formatSarif, formatText, lint, RULES } from '../../src/lib/validator/index.ts';
import type { Finding } from '../../src/lib/validator/index.ts';
import { fixtureFiles } from '../differential/crd-differential.ts';

/** Kinds whose schema has no status: `kubectl get` shows none for them. */
const NO_STATUS = new Set([
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Endpoints',
  'ReferenceGrant',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
]);

const TIME = '2026-12-01T10:00:00Z';
const conditions = (types: string[], generation: number) =>
  types.map((type) => ({
    type,
    status: 'True',
    reason: type === 'istio.io/WaypointBound' ? 'WaypointAccepted' : type,
    message: `${type} by the test`,
    lastTransitionTime: TIME,
    observedGeneration: generation,
  }));

/** The status istiod, the Gateway API controller or the kubelet would write, roughly, for a kind. */
function statusFor(kind: string, apiVersion: string, generation: number): Record<string, unknown> {
  if (apiVersion.startsWith('gateway.networking.k8s.io/')) {
    if (kind === 'Gateway')
      return {
        // A programmed Gateway has an address: without one a waypoint is not ready (information the rules read).
        addresses: [{ type: 'IPAddress', value: `10.96.0.${(uid % 250) + 1}` }],
        conditions: conditions(['Accepted', 'Programmed'], generation),
        listeners: [],
      };
    if (kind === 'GatewayClass') return { conditions: conditions(['Accepted'], generation) };
    return {
      parents: [
        {
          parentRef: { name: 'some-parent' },
          controllerName: 'istio.io/gateway-controller',
          conditions: conditions(['Accepted', 'ResolvedRefs'], generation),
        },
      ],
    };
  }
  if (apiVersion.includes('istio.io/'))
    return {
      conditions: conditions(['istio.io/WaypointBound'], generation),
      observedGeneration: String(generation),
      validationMessages: [{ type: { code: 'IST0000' }, level: 'INFO' }],
    };
  if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet')
    return {
      observedGeneration: generation,
      replicas: 1,
      readyReplicas: 1,
      conditions: conditions(['Available'], generation).map(({ observedGeneration: _, ...c }) => c),
    };
  if (kind === 'Namespace') return { phase: 'Active' };
  if (kind === 'Service') return { loadBalancer: {} };
  // A Pod's podIP is information the mesh index reads, so the decoration leaves it out.
  if (kind === 'Pod') return { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
  return { conditions: conditions(['Ready'], generation) };
}

let uid = 0;
/** The document as `kubectl get -o yaml` prints it, keeping the original nodes (and their styles) in place. */
function decorateDoc(doc: Document.Parsed): void {
  const root = doc.contents;
  if (!isMap(root)) return;
  const js = doc.toJS() as Record<string, unknown>;
  const kind = typeof js.kind === 'string' ? js.kind : '';
  const apiVersion = typeof js.apiVersion === 'string' ? js.apiVersion : '';
  if (!kind || !apiVersion || kind.endsWith('List')) return;
  if (!isMap(doc.get('metadata'))) return;
  const generation = 3;
  const annotations = doc.getIn(['metadata', 'annotations']);
  if (annotations !== undefined && annotations !== null && !isMap(annotations)) return;
  doc.setIn(['metadata', 'annotations', 'kubectl.kubernetes.io/last-applied-configuration'], `${JSON.stringify(js)}\n`);
  doc.setIn(['metadata', 'creationTimestamp'], TIME);
  doc.setIn(['metadata', 'generation'], generation);
  doc.setIn(['metadata', 'resourceVersion'], String(1000 + uid));
  doc.setIn(['metadata', 'uid'], `0c7f3c1e-0000-4000-8000-${String(++uid).padStart(12, '0')}`);
  doc.setIn(
    ['metadata', 'managedFields'],
    doc.createNode([
      {
        apiVersion,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:annotations': { '.': {} } }, 'f:spec': {} },
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        time: TIME,
      },
      ...(NO_STATUS.has(kind)
        ? []
        : [
            {
              apiVersion,
              fieldsType: 'FieldsV1',
              fieldsV1: { 'f:status': { '.': {} } },
              manager: 'pilot-discovery',
              operation: 'Apply',
              subresource: 'status',
              time: TIME,
            },
          ]),
    ]),
  );
  if (!NO_STATUS.has(kind) && doc.get('status') === undefined)
    doc.set('status', doc.createNode(statusFor(kind, apiVersion, generation)));
}

/** The whole input decorated, or undefined when the YAML library cannot round-trip it (syntax-error cases). */
function decorate(text: string): string | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length || d.warnings.length)) return undefined;
  for (const d of docs) decorateDoc(d);
  return docs.map((d) => d.toString({ lineWidth: 0 })).join('');
}

/** What the JSON contract says about a finding, minus its position (the decoration moves lines). */
const essence = (f: Finding) =>
  JSON.stringify([f.rule, f.severity, f.message, f.path, f.resource ?? null, f.file, f.fix ?? null]);

interface Case {
  readonly name: string;
  readonly inputs: readonly { file: string; text: string }[];
}
const cases: Case[] = [
  ...[...EXAMPLES.values()].map((e) => ({ name: `example ${e.name}`, inputs: exampleInputs(e) })),
  ...fixtureFiles()
    .filter((f) => f.includes('/tests/differential/fixtures/'))
    .map((f) => ({
      name: `fixture ${f.replace(/.*\/fixtures\//, '')}`,
      inputs: [{ file: 'f.yaml', text: readFileSync(f, 'utf8') }],
    })),
  ...RULES.flatMap((r) =>
    [...r.meta.examples.valid, ...r.meta.examples.invalid].map((e, i) => ({
      name: `rule example ${r.meta.id}#${i}`,
      inputs: [{ file: 'case.yaml', text: e.yaml }],
    })),
  ),
];

describe('kubectl get -o yaml output lints exactly like the original', () => {
  it('covers every example, fixture and rule example', () => {
    expect(cases.length).toBeGreaterThan(150);
  });
  let decorated = 0;
  for (const c of cases) {
    it(c.name, () => {
      const after = c.inputs.map((i) => ({ file: i.file, text: decorate(i.text) ?? i.text }));
      if (after.some((a, i) => a.text !== c.inputs[i]!.text)) decorated++;
      const before = lint(c.inputs).findings.map(essence).sort();
      expect(lint(after).findings.map(essence).sort()).toEqual(before);
    });
  }
  it('decorated nearly every case (the comparison is not vacuous)', () => {
    expect(decorated).toBeGreaterThan(cases.length * 0.9);
  });

  it('a decorated object really carries what kubectl adds', () => {
    const text = decorate(
      'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: w, namespace: s}\nspec:\n  gatewayClassName: istio-waypoint\n  listeners: [{name: mesh, port: 15008, protocol: HBONE}]\n',
    )!;
    for (const key of ['status:', 'managedFields:', 'resourceVersion:', 'uid:', 'generation:', 'creationTimestamp:'])
      expect(text).toContain(key);
    expect(text).toContain('kubectl.kubernetes.io/last-applied-configuration');
  });
});

describe('status is information, not something to validate', () => {
  const gw = (status: string) =>
    [
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: Gateway',
      'metadata: {name: waypoint, namespace: shop}',
      'spec:',
      '  gatewayClassName: istio-waypoint',
      '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
      status,
    ].join('\n');
  it('a status the schema would reject causes no finding (it is a subresource: apply ignores it)', () => {
    const r = lint({
      file: 'gw.yaml',
      text: gw('status:\n  addresses: [{type: IPAddress}]\n  conditions: [{type: Programmed}]\n  bogus: 1\n'),
    });
    expect(r.findings.filter((f) => f.rule === 'schema')).toEqual([]);
  });
  it('status stays on the object the rules read', async () => {
    const { parseManifests } = await import('../../src/lib/model/index.ts');
    const { resources } = parseManifests({
      file: 'gw.yaml',
      text: gw('status:\n  addresses: [{type: IPAddress, value: 10.0.0.9}]\n'),
    });
    lint({ file: 'gw.yaml', text: gw('status:\n  addresses: [{type: IPAddress, value: 10.0.0.9}]\n') });
    expect(resources[0]!.obj.status).toEqual({ addresses: [{ type: 'IPAddress', value: '10.0.0.9' }] });
  });
  it('a kind without status in its schema still rejects status as an unknown field', () => {
    const r = lint({
      file: 'cm.yaml',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata: {a: b}\nstatus: {x: 1}\n',
    });
    expect(r.findings.filter((f) => f.rule === 'schema').map((f) => f.path)).toEqual(['status']);
  });
});

describe('no finding is reported twice', () => {
  const f = (over: Partial<Finding>): Finding => ({
    rule: 'r',
    severity: 'error',
    message: 'm',
    file: 'a.yaml',
    line: 3,
    column: 1,
    endLine: 3,
    endColumn: 4,
    path: 'spec',
    resource: { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'a' },
    docs: '/validator/rules/r/',
    ...over,
  });
  it('drops repeats of one rule, resource, path and message, keeping the most severe', () => {
    const list = [
      f({}),
      f({ severity: 'warning' }),
      f({}),
      f({ message: 'other' }),
      f({ rule: 's' }),
      f({ path: 'spec.x' }),
      f({ line: 4 }),
      f({ resource: { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'b' } }),
    ];
    const sorted = [...list].sort(
      (a, b) => a.line - b.line || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
    );
    const out = dedupeSorted(sorted);
    expect(out).toHaveLength(6);
    expect(
      out.filter(
        (x) => x.message === 'm' && x.rule === 'r' && x.path === 'spec' && x.line === 3 && x.resource?.name === 'a',
      ),
    ).toEqual([f({})]);
  });
  it('returns the same array when nothing repeats', () => {
    const list = [f({}), f({ line: 5 })];
    expect(dedupeSorted(list)).toBe(list);
  });
  it('lint() reports an EnvoyFilter with two failing ajv keywords on one node once, and counts it once', () => {
    // Two composite ajv errors (oneOf and its `not`) on one node used to give two identical findings.
    const text = [
      'apiVersion: networking.istio.io/v1alpha3',
      'kind: EnvoyFilter',
      'metadata: {name: e, namespace: shop}',
      'spec:',
      '  configPatches:',
      '  - applyTo: NETWORK_FILTER',
      '    match: {listener: {}, cluster: {}}',
      '    patch: {operation: REMOVE}',
      '',
    ].join('\n');
    const r = lint({ file: 'ef.yaml', text });
    const schema = r.findings.filter((x) => x.rule === 'schema');
    expect(schema.length).toBeGreaterThan(0);
    expect(new Set(schema.map(essence)).size).toBe(schema.length);
    expect(r.summary.error).toBe(r.findings.filter((x) => x.severity === 'error').length);
  });
});

describe('a cluster-scoped object has no namespace in findings', () => {
  const text = [
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    '  name: shop',
    '  bogus: 1',
    '---',
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: GatewayClass',
    'metadata: {name: mine, namespace: shop}',
    'spec: {controllerName: example.com/x, bogus: 1}',
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: a}',
    'spec: {ports: [{port: 80}], bogus: 1}',
    '',
  ].join('\n');
  const report = lint({ file: 'c.yaml', text });
  const byKind = (k: string) => report.findings.filter((f) => f.resource?.kind === k);
  it('json: Namespace and GatewayClass findings have no namespace; a namespaced kind still defaults to `default`', () => {
    const json = JSON.parse(formatJson(report)) as { findings: Finding[] };
    const ns = (k: string) => json.findings.filter((f) => f.resource?.kind === k).map((f) => f.resource);
    expect(byKind('Namespace').length).toBeGreaterThan(0);
    expect(ns('Namespace')).toEqual(
      byKind('Namespace').map(() => ({ apiVersion: 'v1', kind: 'Namespace', name: 'shop' })),
    );
    expect(ns('GatewayClass')[0]).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      name: 'mine',
    });
    expect(ns('Service')[0]).toEqual({ apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'a' });
  });
  it('text and sarif name them without a namespace', () => {
    const txt = formatText(report);
    expect(txt).toContain(' Namespace shop\n');
    expect(txt).toContain(' GatewayClass mine\n');
    expect(txt).toContain(' Service default/a\n');
    const sarif = JSON.parse(formatSarif(report)) as {
      runs: { results: { locations: { logicalLocations?: { fullyQualifiedName: string }[] }[] }[] }[];
    };
    const names = sarif.runs[0]!.results.map((r) => r.locations[0]!.logicalLocations?.[0]?.fullyQualifiedName);
    expect(names).toContain('Namespace/shop:metadata.bogus');
    expect(names).toContain('GatewayClass/mine:spec.bogus');
    expect(names).toContain('Service/default/a:spec.bogus');
  });
});
