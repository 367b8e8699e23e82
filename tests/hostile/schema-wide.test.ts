// Wide objects are validated a chunk of properties at a time (issue #15: a ConfigMap with 20,000 number values in
// `data` took 3.7 s, quadratic inside the generated ajv code). The chunked validation must give exactly the errors,
// in the same order, as one validation of the whole object: compared here on objects small enough for the direct
// validation to stay affordable, with every kind of mix (failing values, a passing value, none passing,
// maxProperties counted over every property, errors outside the wide object, two wide objects, odd keys).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/lib/model/index.ts';
import { schemaProblems } from '../../src/lib/validator/schema/index.ts';
import {
  CHUNK,
  directValidator,
  structuralValidator,
  wideMapsInChunks,
} from '../../src/lib/validator/schema/validators.ts';

import { lint } from '../../src/lib/validator/index.ts';
import { HANG_GUARD_MS, runGuarded } from './parse-guard.ts';

function map(n: number, value: (i: number) => unknown, prefix = 'k'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) out[`${prefix}${i}`] = value(i);
  return out;
}

const N = CHUNK * 3 + 17;

const cases: [string, string, string, () => unknown][] = [
  ['v1', 'ConfigMap', 'every data value a number', () => cm(map(N, (i) => i))],
  ['v1', 'ConfigMap', 'some data values wrong', () => cm(map(N, (i) => (i % 7 === 3 ? { x: i } : `v${i}`)))],
  ['v1', 'ConfigMap', 'failures only in the last chunk', () => cm(map(N, (i) => (i > N - 5 ? i : 'v')))],
  [
    'v1',
    'ConfigMap',
    'two wide maps and an error outside them',
    () => ({
      ...cm(map(N, (i) => (i % 3 ? i : 's'))),
      binaryData: map(CHUNK + 5, (i) => (i % 2 ? 'aGk=' : [i])),
      immutable: 'yes',
      metadata: { name: 'x', labels: map(CHUNK * 2 + 1, (i) => (i % 5 ? 'v' : i)) },
    }),
  ],
  ['v1', 'ConfigMap', 'keys with / and ~ and __proto__', () => cm(odd())],
  ['v1', 'ConfigMap', 'a frozen map', () => cm(Object.freeze(map(N, (i) => (i % 3 ? i : 's'))))],
  [
    'v1',
    'ConfigMap',
    'one map under two keys (an anchor and its alias)',
    () => {
      const shared = map(N, (i) => (i % 3 ? i : i % 2 ? 's' : [i]));
      return { ...cm(shared), binaryData: shared };
    },
  ],
  [
    'networking.istio.io/v1',
    'WorkloadEntry',
    'labels over maxProperties 256, all strings',
    () => we(map(300, () => 'v')),
  ],
  [
    'networking.istio.io/v1',
    'WorkloadEntry',
    'labels over maxProperties 256, some numbers',
    () => we(map(300, (i) => (i % 4 ? 'v' : i))),
  ],
  [
    'networking.istio.io/v1',
    'WorkloadEntry',
    'labels over maxProperties 256, every value a number',
    () => we(map(300, (i) => i)),
  ],
  ['networking.istio.io/v1', 'WorkloadEntry', 'labels not wide enough to split', () => we(map(CHUNK, (i) => i))],
];

function cm(data: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data };
}

function we(labels: Record<string, unknown>): unknown {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: { name: 'x' },
    spec: { address: '10.0.0.1', labels },
  };
}

function odd(): Record<string, unknown> {
  const out = map(N, (i) => (i % 2 ? 1 : 'a'));
  out['a/b'] = 2;
  out['c~d'] = 3;
  Object.defineProperty(out, '__proto__', { value: 4, enumerable: true, writable: true, configurable: true });
  return out;
}

describe('wide objects are validated in chunks with the same errors as one validation', () => {
  it.each(cases)('%s %s: %s', (apiVersion, kind, _name, make) => {
    const data = make();
    const whole = directValidator(apiVersion, kind)!;
    const before = JSON.stringify(data);
    const expected = whole(data).map(key);
    expect(expected.length, 'the case must fail somewhere').toBeGreaterThan(0);
    expect(wideMapsInChunks(whole)(data).map(key)).toEqual(expected);
    expect(structuralValidator(apiVersion, kind)!(data).map(key)).toEqual(expected);
    // Failing values are swapped out in place during one run: every value and the key order are back after it.
    expect(JSON.stringify(data)).toBe(before);
  });

  it(
    'a ConfigMap with 20,000 number values: every one counted, within the hang guard (was 3.7 s)',
    async () => {
      const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n${Array.from({ length: 20_000 }, (_, i) => `  k${i}: ${i}\n`).join('')}`;
      const r = await runGuarded(text);
      expect(r.findings.map((f) => f.message)).toContain('19960 more schema problems in this object are not shown.');
      expect(r.findings.filter((f) => f.rule === 'schema')).toHaveLength(41);
    },
    HANG_GUARD_MS + 10_000,
  );

  it('generated wide maps: the chunked errors are the direct ones, in order', () => {
    // Values from every type the schemas ask about; keys that need escaping in a JSON pointer, and `__proto__`.
    const value = fc.oneof(
      fc.constantFrom('v', '', 'aGk=', 'not base64!'),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant({ x: 1 }),
      fc.constant(['a']),
    );
    const name = fc.oneof(
      fc.nat(400).map((i) => `k${i}`),
      fc.constantFrom('a/b', 'c~d', '~1', '__proto__', ''),
    );
    const wideMap = fc
      .tuple(fc.integer({ min: CHUNK - 2, max: CHUNK * 3 + 5 }), fc.array(fc.tuple(name, value), { maxLength: 40 }))
      .chain(([n, extra]) =>
        fc.array(value, { minLength: n, maxLength: n }).map((vals) => {
          const out: Record<string, unknown> = {};
          const set = (k: string, v: unknown) =>
            Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
          vals.forEach((v, i) => set(`k${i}`, v));
          for (const [k, v] of extra) set(k, v);
          return out;
        }),
      );
    const kinds: [string, string, (m: Record<string, unknown>, n: Record<string, unknown>) => unknown][] = [
      ['v1', 'ConfigMap', (m, n) => ({ ...cm(m), binaryData: n })],
      ['v1', 'ConfigMap', (m, n) => ({ ...cm(n), metadata: { name: 'x', labels: m, annotations: n } })],
      ['networking.istio.io/v1', 'WorkloadEntry', (m) => we(m)],
    ];
    fc.assert(
      fc.property(fc.nat(kinds.length - 1), wideMap, wideMap, (k, m, n) => {
        const [apiVersion, kind, make] = kinds[k]!;
        const data = make(m, n);
        const before = JSON.stringify(data);
        const expected = directValidator(apiVersion, kind)!(data).map(key);
        expect(structuralValidator(apiVersion, kind)!(data).map(key)).toEqual(expected);
        expect(JSON.stringify(data)).toBe(before);
      }),
      { numRuns: 60 },
    );
  });

  it('a map of 150,000 failing values: every error (appending them once overflowed the stack)', () => {
    const data = cm(map(150_000, (i) => i));
    const errors = structuralValidator('v1', 'ConfigMap')!(data);
    expect(errors).toHaveLength(150_000);
    expect(errors[149_999]!.instancePath).toBe('/data/k149999');
  }, 60_000);

  it('problems past the 40 shown are counted as the shown ones are told apart (oneOf and its not read the same)', () => {
    const patch =
      '  - applyTo: NETWORK_FILTER\n    match: {listener: {}, cluster: {}}\n    patch: {operation: REMOVE}\n';
    const text = `apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: {name: e, namespace: shop}\nspec:\n  configPatches:\n${patch.repeat(65)}`;
    const problems = schemaProblems(parseManifests({ file: 'ef.yaml', text }).resources[0]!);
    expect(problems).toHaveLength(41);
    expect(problems.slice(0, 40).map((p) => p.path.join('.'))).toEqual(
      Array.from({ length: 40 }, (_, i) => `spec.configPatches.${i}.match`),
    );
    expect(problems[40]!.message).toBe('25 more schema problems in this object are not shown.');
  });

  it('a wide map listed by the unknown-field scan (integer-like keys first, as Object.keys lists them)', () => {
    const entries = Array.from({ length: 300 }, (_, i) => (i % 2 ? `k${i}` : `${300 - i}`));
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n${entries.map((k, i) => `  "${k}": ${i % 7 ? '"v"' : i}\n`).join('')}`;
    const r = parseManifests({ file: 'w.yaml', text }).resources[0]!;
    const expected = directValidator('v1', 'ConfigMap')!(r.obj).map((e) => e.instancePath);
    expect(expected).toHaveLength(43);
    expect(
      schemaProblems(r)
        .slice(0, 40)
        .map((p) => `/${p.path.join('/')}`),
    ).toEqual(expected.slice(0, 40));
  });

  it('findings of a small wide map are the unsplit ones', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n${Array.from({ length: CHUNK + 3 }, (_, i) => `  k${i}: ${i % 50 ? `v${i}` : i}\n`).join('')}`;
    const r = lint({ file: 'w.yaml', text });
    expect(r.findings.map((f) => [f.line, f.path])).toEqual([
      [6, 'data.k0'],
      [56, 'data.k50'],
      [106, 'data.k100'],
    ]);
  });
});

function key(e: { instancePath: string; keyword: string; params: unknown }): string {
  return `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`;
}
