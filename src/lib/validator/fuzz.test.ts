// Property test: lint() never throws, no rule crashes (no internal-error), and every finding is well formed,
// for random manifests and for mutations of every rule example. Time targets live in bench/, not here.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { lint, RULES } from './index.ts';
import type { LintReport } from './index.ts';

const IDS = new Set(RULES.map((r) => r.meta.id));
const SEEDS = RULES.flatMap((r) => [...r.meta.examples.valid, ...r.meta.examples.invalid].map((e) => e.yaml));

function wellFormed(report: LintReport, files: readonly string[]): void {
  expect(report.version).toBe(1);
  let e = 0,
    w = 0,
    i = 0;
  let prev: [string, number, number] | undefined;
  for (const f of report.findings) {
    expect(IDS.has(f.rule), f.rule).toBe(true);
    expect(f.rule).not.toBe('internal-error');
    expect(['error', 'warning', 'info']).toContain(f.severity);
    expect(files).toContain(f.file);
    expect(Number.isInteger(f.line) && f.line >= 1).toBe(true);
    expect(Number.isInteger(f.column) && f.column >= 1).toBe(true);
    expect(f.endLine >= f.line).toBe(true);
    expect(typeof f.message === 'string' && f.message.length > 0).toBe(true);
    expect(f.docs).toBe(`/validator/rules/${f.rule}/`);
    expect(typeof f.path).toBe('string');
    if (prev)
      expect(
        prev[0] < f.file || (prev[0] === f.file && (prev[1] < f.line || (prev[1] === f.line && prev[2] <= f.column))),
      ).toBe(true);
    prev = [f.file, f.line, f.column];
    if (f.severity === 'error') e++;
    else if (f.severity === 'warning') w++;
    else i++;
  }
  expect(report.summary).toMatchObject({ error: e, warning: w, info: i });
}

const KINDS = [
  'AuthorizationPolicy',
  'PeerAuthentication',
  'RequestAuthentication',
  'Gateway',
  'HTTPRoute',
  'Service',
  'Namespace',
  'ServiceEntry',
  'VirtualService',
  'DestinationRule',
  'Telemetry',
  'WasmPlugin',
  'Deployment',
  'Sidecar',
  'EnvoyFilter',
  'ReferenceGrant',
];
const VERSIONS = [
  'v1',
  'apps/v1',
  'security.istio.io/v1',
  'networking.istio.io/v1',
  'gateway.networking.k8s.io/v1',
  'telemetry.istio.io/v1',
  'extensions.istio.io/v1alpha1',
  'x/v9',
];
const KEYS = [
  'selector',
  'matchLabels',
  'targetRefs',
  'targetRef',
  'rules',
  'from',
  'to',
  'when',
  'source',
  'operation',
  'methods',
  'principals',
  'action',
  'listeners',
  'parentRefs',
  'backendRefs',
  'hosts',
  'ports',
  'labels',
  'istio.io/use-waypoint',
  'spec',
  'metadata',
  'name',
  'namespace',
  'kind',
  'group',
  'port',
  'addresses',
  'subsets',
  'tracing',
  'mtls',
  'mode',
  'jwtRules',
];

const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'ALLOW',
      'DENY',
      'CUSTOM',
      'HBONE',
      15008,
      'istio-waypoint',
      'waypoint',
      '',
      '*',
      'none',
      null,
      true,
      0,
      -1,
    ),
    fc.string(),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), tie('value'), { maxKeys: 5 }),
  ),
})).value;

const manifest = fc.record(
  {
    apiVersion: fc.constantFrom(...VERSIONS),
    kind: fc.constantFrom(...KINDS),
    metadata: fc.record(
      {
        name: fc.constantFrom('a', 'waypoint', 'cart', ''),
        namespace: fc.constantFrom('shop', 'istio-system', 'other'),
        labels: fc.dictionary(
          fc.constantFrom(
            'app',
            'istio.io/use-waypoint',
            'istio.io/dataplane-mode',
            'istio.io/waypoint-for',
            'istio-injection',
          ),
          fc.constantFrom('cart', 'waypoint', 'ambient', 'none', 'all', 'enabled'),
        ),
      },
      { requiredKeys: [] },
    ),
    spec: jsonish,
  },
  { requiredKeys: ['apiVersion', 'kind'] },
);

function mutate(text: string, ops: { kind: number; at: number; len: number; token: string }[]): string {
  let s = text;
  for (const op of ops) {
    const at = s.length ? op.at % s.length : 0;
    switch (op.kind) {
      case 0:
        s = s.slice(0, at) + s.slice(at + op.len);
        break; // delete
      case 1:
        s = s.slice(0, at) + op.token + s.slice(at);
        break; // insert
      case 2: {
        const lines = s.split('\n');
        const i = at % Math.max(1, lines.length);
        lines.splice(i, 1);
        s = lines.join('\n');
        break;
      } // drop a line
      default: {
        const lines = s.split('\n');
        const i = at % Math.max(1, lines.length);
        lines.splice(i, 0, lines[(i * 7) % lines.length] ?? '');
        s = lines.join('\n');
      } // duplicate a line
    }
  }
  return s;
}
const TOKENS = [
  '\n',
  ' ',
  '  ',
  '-',
  ':',
  '[',
  '{',
  '}',
  ']',
  '&a',
  '*a',
  '"',
  "'",
  '#',
  '---\n',
  '\t',
  '|',
  '>',
  '!!binary ',
  'null',
  '15008',
  'kind: Gateway\n',
  '\u0000',
  '\uFFFD',
];

describe('lint() property tests', () => {
  it('random manifests (as YAML, several per input) are handled', () => {
    fc.assert(
      fc.property(fc.array(manifest, { minLength: 1, maxLength: 6 }), (docs) => {
        const text = docs.map((d) => stringify(d)).join('---\n');
        wellFormed(lint({ file: 'fuzz.yaml', text }), ['fuzz.yaml']);
      }),
      { numRuns: 300 },
    );
  });
  it('mutated rule examples are handled (syntax damage, dropped and duplicated lines)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.constantFrom(...SEEDS),
        fc.array(
          fc.record({
            kind: fc.nat(3),
            at: fc.nat(),
            len: fc.integer({ min: 1, max: 12 }),
            token: fc.constantFrom(...TOKENS),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (a, b, ops) => {
          const text = mutate(`${a}---\n${b}`, ops);
          wellFormed(
            lint([
              { file: 'm.yaml', text },
              { file: 'seed.yaml', text: b },
            ]),
            ['m.yaml', 'seed.yaml'],
          );
        },
      ),
      { numRuns: 400 },
    );
  });
  it('arbitrary strings and bytes are handled', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 })), (input) => {
        wellFormed(lint({ file: 'x.yaml', text: input }), ['x.yaml']);
      }),
      { numRuns: 300 },
    );
  });
});
