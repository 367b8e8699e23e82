// The fast value reader must agree with `yaml` wherever it answers at all: same values (key order included),
// and never an answer for text `yaml` rejects. parseManifests with and without it must give the same resources,
// positions and issues.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { lineStarts, newStringCache, readSimpleYaml, UNSUPPORTED } from '../../src/lib/model/fast-yaml.ts';
import { parseManifests } from '../../src/lib/model/index.ts';
import type { ParseResult } from '../../src/lib/model/index.ts';
import { RULES } from '../../src/lib/validator/index.ts';
import { fixtureFiles } from '../differential/crd-differential.ts';

/** JSON with the values JSON cannot spell (NaN, ±Infinity, -0) kept distinct. */
function canon(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return `#num:${String(v)}`;
    return v;
  });
}

type Verdict = { kind: 'unsupported' } | { kind: 'value'; value: string };

function readOne(text: string, maxDepth = 200): ReturnType<typeof readSimpleYaml> {
  const starts = lineStarts(text);
  const src = { text, starts, scratch: new Int32Array(starts.length), checked: false, strings: newStringCache() };
  return readSimpleYaml(src, 0, starts.length - 1, maxDepth);
}

function fast(text: string): Verdict {
  const r = readOne(text);
  return r === UNSUPPORTED ? { kind: 'unsupported' } : { kind: 'value', value: canon(r ?? null) };
}

/** What `yaml` makes of one document; `undefined` when it reports any error or more than one document. */
function reference(text: string): string | undefined {
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  if ('empty' in docs) return docs.errors.length ? undefined : canon(null);
  if (docs.length > 1 || docs.some((d) => d.errors.length > 0)) return undefined;
  if (docs.length === 0) return canon(null);
  return canon(docs[0]!.toJS() ?? null);
}

let accepted = 0;

/** Checks one text; returns whether the fast reader answered (so tests can prove they exercised it). */
function agrees(text: string): boolean {
  const f = fast(text);
  if (f.kind === 'unsupported') return false;
  accepted++;
  const ref = reference(text);
  expect(ref, `fast reader accepted text yaml rejects:\n${text}`).toBeDefined();
  expect(f.value, text).toBe(ref);
  return true;
}

describe('fast YAML reader: literal cases', () => {
  // [text, expected value (canon) or UNSUPPORTED]
  const cases: [string, unknown][] = [
    ['a: 1\nb: x\n', { a: 1, b: 'x' }],
    ['a:\n  b:\n  - 1\n  - two\n', { a: { b: [1, 'two'] } }],
    ['a:\n- x\n- y\nb: 2', { a: ['x', 'y'], b: 2 }],
    ['- - a\n  - b\n- c', [['a', 'b'], 'c']],
    ['- name: a\n  port: 80\n-\n  name: b', [{ name: 'a', port: 80 }, { name: 'b' }]],
    ['k: "a\\x41\\u00e9\\n"', { k: 'aAé\n' }],
    ["k: 'it''s'", { k: "it's" }],
    ['k: [GET, "POST", {a: 1}, []]', { k: ['GET', 'POST', { a: 1 }, []] }],
    ['k: 0o17\nh: 0x1F\nf: 1.5\ne: 1e3\nn: ~\nt: True\ns: yes\nv: 1.2.3', {}],
    ['"8080": {mode: STRICT}\n9090: x', { '8080': { mode: 'STRICT' }, '9090': 'x' }],
    ['image: reg.io/app:1.0 # tag\nurl: http://x#y', { image: 'reg.io/app:1.0', url: 'http://x#y' }],
    ['a: b: c', UNSUPPORTED],
    ['a: 1\na: 2', UNSUPPORTED],
    ['a: |\n  text', UNSUPPORTED],
    ['a: &x 1\nb: *x', UNSUPPORTED],
    ['a: !!str 1', UNSUPPORTED],
    ['a: one\n  two', UNSUPPORTED],
    ['a: "open', UNSUPPORTED],
    ['a: [1, 2', UNSUPPORTED],
    ['a:\n\tb: 1', UNSUPPORTED],
    ['<<: {a: 1}', UNSUPPORTED],
    ['a: [x, ]', UNSUPPORTED],
    ['a: - b', UNSUPPORTED],
    ['  a: 1', UNSUPPORTED],
  ];
  it.each(cases)('%j', (text, expected) => {
    const got = readOne(text);
    if (expected === UNSUPPORTED) expect(got).toBe(UNSUPPORTED);
    else {
      expect(got).not.toBe(UNSUPPORTED);
      agrees(text);
    }
  });

  it('agrees with yaml on scalar resolution', () => {
    const scalars = [
      '0',
      '-0',
      '+12',
      '012',
      '0o17',
      '0x1F',
      '1.',
      '.5',
      '-.5',
      '1e3',
      '1E-2',
      '.inf',
      '-.Inf',
      '.NaN',
    ];
    const words = [
      'null',
      'Null',
      'NULL',
      '~',
      'true',
      'False',
      'TRUE',
      'yes',
      'on',
      'n',
      't',
      'f',
      '1.2.3',
      '10.0.0.0/8',
    ];
    for (const s of [...scalars, ...words]) {
      agrees(`v: ${s}`);
      agrees(`${s}: v`);
      agrees(`v: [${s}]`);
    }
  });

  it('gives up on a document nested deeper than the cap', () => {
    const text = Array.from({ length: 5 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n') + ' 1';
    expect(readOne(text, 3)).toBe(UNSUPPORTED);
    expect(readOne(text, 10)).not.toBe(UNSUPPORTED);
  });
});

describe('fast YAML reader: fuzzed against yaml', () => {
  const tricky = fc.constantFrom(
    ...'abcxyz019 :#-"\'[]{},.\\&*!|>%@`?~eEoxé/'.split(''),
    'true',
    'null',
    '0x1',
    '.inf',
    ': ',
    ' #',
    '- ',
  );
  const str = fc.array(tricky, { maxLength: 8 }).map((parts) => parts.join(''));
  const scalar = fc.oneof(str, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
    list: fc.array(tie('node'), { maxLength: 4 }),
    map: fc.dictionary(str, tie('node'), { maxKeys: 4 }),
  })).node;
  const style = fc.record({
    collectionStyle: fc.constantFrom('any', 'block', 'flow') as fc.Arbitrary<'any' | 'block' | 'flow'>,
    defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE') as fc.Arbitrary<
      'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'
    >,
    indentSeq: fc.boolean(),
  });

  it('values serialised by yaml read back the same', () => {
    accepted = 0;
    fc.assert(
      fc.property(value, style, (v, opts) => {
        agrees(stringify(v, { ...opts, lineWidth: 0 }));
      }),
      { numRuns: 1500 },
    );
    expect(accepted, 'the fast reader should answer for most serialised values').toBeGreaterThan(600);
  });

  const seeds = [
    ...RULES.flatMap((r) => [...r.meta.examples.valid, ...r.meta.examples.invalid].map((e) => e.yaml)),
    'a: 1\nb:\n  - x: "q"\n    y: [1, {z: w}]\n  - - deep\n    - er\n',
  ].flatMap((t) => t.split(/^---.*$/m));

  it('mutated manifests: never accepts what yaml rejects, never disagrees', () => {
    const edit = fc.record({
      seed: fc.nat({ max: seeds.length - 1 }),
      at: fc.nat(),
      op: fc.constantFrom('insert', 'delete', 'indent', 'dedent', 'duplicate'),
      text: tricky,
    });
    accepted = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = seeds[edits[0]!.seed]!;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          const lineStart = text.lastIndexOf('\n', at - 1) + 1;
          if (e.op === 'insert') text = text.slice(0, at) + e.text + text.slice(at);
          else if (e.op === 'delete') text = text.slice(0, at) + text.slice(at + 1);
          else if (e.op === 'indent') text = `${text.slice(0, lineStart)} ${text.slice(lineStart)}`;
          else if (e.op === 'dedent' && text[lineStart] === ' ')
            text = text.slice(0, lineStart) + text.slice(lineStart + 1);
          else if (e.op === 'duplicate') {
            const end = text.indexOf('\n', at);
            const line = text.slice(lineStart, end < 0 ? text.length : end);
            text = `${text.slice(0, lineStart)}${line}\n${text.slice(lineStart)}`;
          }
        }
        if (/^(?:---|\.\.\.|%)/m.test(text)) return; // markers are the splitter's business, not the reader's
        agrees(text);
      }),
      { numRuns: 3000 },
    );
    expect(accepted, 'mutations the fast reader still answers for').toBeGreaterThan(300);
  });
});

describe('parseManifests: the fast reader changes nothing but speed', () => {
  function summary(result: ParseResult): unknown {
    return {
      resources: result.resources.map((r) => ({
        id: [r.apiVersion, r.kind, r.namespace, r.name, r.seq, r.basePath],
        obj: canon(r.obj),
        whole: r.locate([]),
        name: r.locate(['metadata', 'name']),
        spec: r.locate(['spec'], 'value'),
        missing: r.locate(['spec', 'no', 'such', 0]),
      })),
      issues: result.issues.map((i) => [i.rule, i.range, i.message]),
    };
  }

  const inputs: [string, string][] = fixtureFiles().map((f) => [f, readFileSync(f, 'utf8')]);
  inputs.push(
    [
      'markers',
      '# lead\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: Pod\n',
    ],
    [
      'mixed',
      'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: |\n    x\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}',
    ],
    ['list', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n- 3\n'],
    ['errors', 'apiVersion: v1\nkind: Service\n---\na: b: c\n---\nkey: 1\nkey: 2\n---\n- 1\n---\nplain'],
    ['directive', '%YAML 1.2\n---\napiVersion: v1\nkind: Service\nmetadata: {name: d}\n...\n'],
    ['crlf', 'apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: w\r\n---\r\napiVersion: v1\r\nkind: Pod\r\n'],
  );

  it(`same result for ${inputs.length} inputs (every fixture and example file, plus edge cases)`, () => {
    expect(inputs.length).toBeGreaterThan(50);
    let answered = 0;
    for (const [file, text] of inputs) {
      const a = parseManifests({ file, text });
      const b = parseManifests({ file, text }, { fastReader: false });
      expect(summary(a), file).toEqual(summary(b));
      for (const chunk of text.split(/^---.*$/m)) if (agrees(chunk)) answered++;
    }
    expect(answered, 'documents the fast reader answered for').toBeGreaterThan(200);
  });
});
