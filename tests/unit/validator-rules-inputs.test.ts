// RuleMeta.inputs (issue #16): every rule declares the kinds it reads, it reads no other, and lint skips a rule whose
// kinds are all absent. "Reads" is checked two ways on a representative set of meshes (every rule's examples, all
// of them in one mesh, two seeded meshes of mixed mistakes): the mesh accessors a rule calls name only declared
// kinds, and its findings are the same when the input is cut down to those kinds.
import { describe, expect, it } from 'vitest';
import { meshConfigInManifests } from '../../src/lib/ambient/meshconfig.ts';
import { buildMesh } from '../../src/lib/model/mesh.ts';
import type { Mesh } from '../../src/lib/model/mesh.ts';
import { parseManifests } from '../../src/lib/model/parse.ts';
import type { ParseResult } from '../../src/lib/model/types.ts';
import { SERVICE_KINDS, WAYPOINT_KINDS, WORKLOAD_KINDS } from '../../src/lib/validator/facts/index.ts';
import { lintParsed, RULES } from '../../src/lib/validator/index.ts';
import type { Rule } from '../../src/lib/validator/rule.ts';
import { versionRows } from '../../src/lib/versions.ts';
import { randomMesh } from './validator-equivalence-mesh.ts';

const examples = RULES.flatMap((r) => [...r.meta.examples.valid, ...r.meta.examples.invalid].map((e) => e.yaml));
const MESHES: readonly { name: string; parsed: ParseResult }[] = [
  ...examples.map((text, i) => ({ name: `rule example ${i}`, parsed: parseManifests({ file: 'x.yaml', text }) })),
  { name: 'all rule examples', parsed: parseManifests({ file: 'all.yaml', text: examples.join('\n---\n') }) },
  { name: 'random mesh', parsed: parseManifests({ file: 'random.yaml', text: randomMesh(7, 40) }) },
  { name: 'crowded mesh', parsed: parseManifests({ file: 'crowd.yaml', text: randomMesh(11, 3, 50) }) },
];

/** Which kinds each mesh accessor reads (the derived ones: workloads, services and waypoint bindings). */
const ACCESSOR_KINDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['workloads', WORKLOAD_KINDS],
  ['workload', WORKLOAD_KINDS],
  ['workloadsIn', WORKLOAD_KINDS],
  ['workloadsSelectedBy', WORKLOAD_KINDS],
  ['services', SERVICE_KINDS],
  ['service', SERVICE_KINDS],
  ['servicesIn', SERVICE_KINDS],
  ['servicesForHost', SERVICE_KINDS],
  ['servicesSelecting', SERVICE_KINDS],
  ['waypoints', WAYPOINT_KINDS],
  ['waypoint', WAYPOINT_KINDS],
  ['resolveWaypoint', WAYPOINT_KINDS],
  ['enrolment', ['Namespace']],
  ['namespaceLabels', ['Namespace']],
  ['hasNamespace', ['Namespace']],
]);

/** The kinds `rule` asks the mesh for while checking `parsed` (`*` for the whole resource list). */
function kindsRead(rule: Rule, parsed: ParseResult): Set<string> {
  const read = new Set<string>();
  const mesh = buildMesh(parsed.resources);
  const spy = new Proxy(mesh, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string') return v;
      if (prop === 'resources') read.add('*');
      for (const k of ACCESSOR_KINDS.get(prop) ?? []) read.add(k);
      if ((prop === 'byKind' || prop === 'inNamespace') && typeof v === 'function')
        return (kind: string, ...rest: string[]) => {
          read.add(kind);
          return (v as (...a: string[]) => unknown).call(target, kind, ...rest);
        };
      return v;
    },
  }) as Mesh;
  const meshConfig = meshConfigInManifests(parsed.resources);
  rule.check({
    resources: parsed.resources,
    issues: parsed.issues,
    mesh: spy,
    rootNamespace: meshConfig?.rootNamespace ?? 'istio-system',
    meshConfig,
    versions: versionRows({}),
    report() {},
    reportRaw() {},
  });
  return read;
}

const declared = RULES.filter((r) => Array.isArray(r.meta.inputs));

describe('rule inputs (issue #16)', () => {
  it('every rule declares its inputs', () => {
    expect(RULES.filter((r) => r.meta.inputs === undefined).map((r) => r.meta.id)).toEqual([]);
  });

  it('only schema, yaml-syntax and ignore-annotation-invalid read every resource', () => {
    expect(RULES.filter((r) => r.meta.inputs === 'all').map((r) => r.meta.id)).toEqual([
      'yaml-syntax',
      'schema',
      'ignore-annotation-invalid',
    ]);
  });

  for (const rule of declared) {
    const inputs = new Set(rule.meta.inputs as readonly string[]);
    it(`${rule.meta.id} asks the mesh only for kinds it declares`, () => {
      const undeclared = new Set<string>();
      for (const m of MESHES) for (const k of kindsRead(rule, m.parsed)) if (!inputs.has(k)) undeclared.add(k);
      expect([...undeclared]).toEqual([]);
    });

    it(`${rule.meta.id} finds the same with only its input kinds`, () => {
      const differ: string[] = [];
      let found = 0;
      for (const m of MESHES) {
        const meshConfig = meshConfigInManifests(m.parsed.resources);
        const opts = { rules: [rule.meta.id], ...(meshConfig ? { meshConfig } : {}) };
        const all = lintParsed(m.parsed, opts).findings;
        const cut = { ...m.parsed, resources: m.parsed.resources.filter((r) => inputs.has(r.kind)) };
        const only = lintParsed(cut, opts).findings;
        found += all.length;
        if (JSON.stringify(all) !== JSON.stringify(only)) differ.push(m.name);
      }
      expect(differ).toEqual([]);
      // The set must exercise the rule: a rule never firing here would make the comparison vacuous.
      if (rule.meta.id !== 'internal-error') expect(found).toBeGreaterThan(0);
    });
  }

  it('lint skips a rule none of whose input kinds is present, and runs it when one is', () => {
    const ran = (text: string) => {
      const ids: string[] = [];
      lintParsed(parseManifests({ file: 'x.yaml', text }), { onRule: (id) => ids.push(id) });
      return ids;
    };
    const configOnly = ran('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n');
    expect(configOnly).toEqual(['yaml-syntax', 'schema', 'ignore-annotation-invalid']);
    const filter = ran(
      'apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: {name: f, namespace: a}\n',
    );
    expect(filter).toContain('envoyfilter-unsupported');
    expect(filter).not.toContain('regex-not-re2');
  });
});
