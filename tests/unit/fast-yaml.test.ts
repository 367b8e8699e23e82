// The fast value reader must agree with `yaml` wherever it answers at all: same values (key order included),
// and never an answer for text `yaml` rejects. parseManifests with and without it must give the same resources,
// positions and issues.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  DuplicateKeys,
  lineStarts,
  newStringCache,
  readPositions,
  readSimpleYaml,
  UNSUPPORTED,
} from '../../src/lib/model/fast-yaml.ts';
import { parseManifests } from '../../src/lib/model/index.ts';
import type { ParseResult } from '../../src/lib/model/index.ts';
import { RULES } from '../../src/lib/validator/index.ts';
import { fixtureFiles } from '../differential/crd-differential.ts';
import { CORPUS_DIR, corpusFiles, corpusPresent } from '../corpus/real-corpus.ts';

/** JSON with the values JSON cannot spell (NaN, ±Infinity, -0) kept distinct. */
function canon(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return `#num:${String(v)}`;
    return v;
  });
}

type Verdict = { kind: 'unsupported' } | { kind: 'value'; value: string } | { kind: 'duplicates'; at: number[] };

function readOne(text: string, maxDepth = 200): ReturnType<typeof readSimpleYaml> {
  const starts = lineStarts(text);
  const src = { text, starts, scratch: new Int32Array(starts.length), checked: false, strings: newStringCache() };
  return readSimpleYaml(src, 0, starts.length - 1, maxDepth);
}

function fast(text: string): Verdict {
  const r = readOne(text);
  if (r instanceof DuplicateKeys) return { kind: 'duplicates', at: [...r.at] };
  return r === UNSUPPORTED ? { kind: 'unsupported' } : { kind: 'value', value: canon(r ?? null) };
}

/** Where `yaml` reports each error of a one-document text, when every error it has is a repeated key. */
function duplicatesByYaml(text: string): number[] | undefined {
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  if ('empty' in docs || docs.length !== 1) return undefined;
  const errors = docs[0]!.errors;
  if (!errors.length || errors.some((e) => e.code !== 'DUPLICATE_KEY')) return undefined;
  return errors.map((e) => e.pos[0]);
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
let duplicates = 0;

/** Checks one text; returns whether the fast reader answered (so tests can prove they exercised it). */
function agrees(text: string): boolean {
  const f = fast(text);
  if (f.kind === 'unsupported') return false;
  accepted++;
  if (f.kind === 'duplicates') {
    expect(duplicatesByYaml(text), `repeated keys where yaml reports other errors or none:\n${text}`).toEqual(f.at);
    duplicates++;
    return true;
  }
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
    // A repeated key: the offsets `yaml` reports it at (agrees() checks them against yaml's errors).
    ['a: 1\na: 2', 'DUP'],
    ['a:\n  b: 1\n  b: 2\nc: 3\nc: |\n  x\n', 'DUP'],
    ['- k: 1\n  k: 2\n- k: 3\n', 'DUP'],
    ['1: a\n1.0: b\n~: c\nnull: d\n', 'DUP'], // numbers and nulls that are `===`
    ['1: a\n"1": b\n', UNSUPPORTED], // the same property, but not `===`: yaml keeps both, left to it
    ['.nan: a\n.nan: b\n', UNSUPPORTED], // NaN is no duplicate of itself
    ['a: {k: 1, k: 2}\n', UNSUPPORTED], // in a flow mapping: left to yaml
    // After an empty value, also one nested at the end of the previous value, yaml places the error at the line
    // break before the key: left to it.
    ['x:\n  y:\nx: 1\n', UNSUPPORTED],
    ['x:\n- a:\nx: 1\n', UNSUPPORTED],
    ['- a:\n    b:\n  a: 1\n', UNSUPPORTED],
    ['x: |\n  t\nx: 1\n', 'DUP'],
    ['x:   # c\n  y: 1\nx: 2\n', 'DUP'],
    ['a: |\n  text', UNSUPPORTED], // no line break after the content: left to `yaml`
    ['a: |\n  text\n  more\nb: >-\n  folded\n  text\n', { a: 'text\nmore\n', b: 'folded text' }],
    ['- |+\n  kept\n\n- >2\n    more\n  x\n', ['kept\n\n', '  more\nx\n']],
    ['a: |\n\n    deeper blank first\n', { a: '\ndeeper blank first\n' }],
    ['a: |\n      \n  x\n', UNSUPPORTED], // a leading blank line more indented than the content
    ['a: &x 1\nb: *x', { a: 1, b: 1 }],
    ['l: &l\n  app: x\nr:\n- *l\n- [*l, 2]\n', { l: { app: 'x' }, r: [{ app: 'x' }, [{ app: 'x' }, 2]] }],
    ['a: *x\nb: &x 1', UNSUPPORTED], // an alias before its anchor
    ['a: &x\n  b: *x\n', UNSUPPORTED], // an alias inside its own anchor
    ['e: &e []\nb: &b [*e]\n', UNSUPPORTED], // an alias inside an anchored node: yaml's count rule, left to yaml
    ['- &a k: v\n', UNSUPPORTED], // the anchor is the key's
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
    else if (expected === 'DUP') {
      expect(got).toBeInstanceOf(DuplicateKeys);
      agrees(text);
    } else {
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

  it('block scalars: generated headers, content and what follows them read as yaml reads them', () => {
    const line = fc.oneof(
      fc.constant(''),
      fc.nat({ max: 6 }).map((n) => ' '.repeat(n)),
      fc
        .tuple(fc.nat({ max: 4 }), fc.constantFrom('x', 'a b', '# not a comment', 'k: v', '- i', '"q"', 'x  '))
        .map(([n, t]) => ' '.repeat(n) + t),
    );
    const block = fc.record({
      style: fc.constantFrom('|', '>'),
      indicator: fc.constantFrom('', '1', '2', '3'),
      chomp: fc.constantFrom('', '-', '+'),
      comment: fc.constantFrom('', ' # c'),
      lines: fc.array(line, { minLength: 1, maxLength: 6 }),
      parent: fc.nat({ max: 2 }),
      inSeq: fc.boolean(),
      after: fc.constantFrom('', 'next: 1\n', '# c\nnext: 1\n', '  # c\n', '\n\nnext: 2\n'),
    });
    accepted = 0;
    fc.assert(
      fc.property(block, (b) => {
        const pad = ' '.repeat(b.parent * 2);
        const head = `${b.style}${b.indicator}${b.chomp}${b.comment}`;
        const content = b.lines.map((l) => (l.trim() === '' ? l : pad + '  ' + l)).join('\n');
        const entry = b.inSeq ? `${pad}- ${head}` : `${pad}key: ${head}`;
        const wrap = b.parent ? `root:\n${b.parent === 2 ? '  mid:\n' : ''}` : '';
        agrees(`${wrap}${entry}\n${content}\n${b.inSeq ? '' : b.after.replace(/^(?=\S)/gm, pad)}`);
      }),
      { numRuns: 4000 },
    );
    expect(accepted, 'generated block scalars the fast reader answered for').toBeGreaterThan(1000);
  });

  it('multi-line strings serialised by yaml (block scalars with every indicator) read back the same', () => {
    const piece = fc.constantFrom('a', ' b', '  c', '', 'x y', '#', '- z', ' ');
    const multi = fc.array(piece, { minLength: 2, maxLength: 5 }).map((p) => p.join('\n'));
    const value = fc.dictionary(fc.constantFrom('k', 'l', 'm'), fc.oneof(multi, fc.array(multi, { maxLength: 2 })), {
      minKeys: 1,
    });
    accepted = 0;
    fc.assert(
      fc.property(value, fc.constantFrom('BLOCK_LITERAL', 'BLOCK_FOLDED') as fc.Arbitrary<'BLOCK_LITERAL'>, (v, t) => {
        agrees(stringify(v, { blockQuote: true, defaultStringType: t, lineWidth: 0 }));
      }),
      { numRuns: 1500 },
    );
    expect(accepted).toBeGreaterThan(500);
  });

  it('anchors and aliases: generated documents read as yaml reads them, caps included', () => {
    const target = fc.constantFrom(
      '1',
      'x',
      '[a, b]',
      '{k: v}',
      '\n    k: v\n    l: [1]',
      '\n    - a\n    - b',
      '|\n    t',
    );
    const doc = fc.record({
      anchors: fc.array(target, { minLength: 1, maxLength: 3 }),
      uses: fc.array(fc.tuple(fc.nat({ max: 3 }), fc.constantFrom('map', 'seq', 'flow')), { maxLength: 6 }),
    });
    accepted = 0;
    fc.assert(
      fc.property(doc, ({ anchors, uses }) => {
        const defs = anchors.map((t, i) => `d${i}: &a${i} ${t}`).join('\n');
        const refs = uses
          .map(([n, how], i) =>
            how === 'map' ? `u${i}: *a${n}` : how === 'seq' ? `u${i}:\n- *a${n}` : `u${i}: [*a${n}, z]`,
          )
          .join('\n');
        agrees(`${defs}\n${refs}\n`);
      }),
      { numRuns: 1500 },
    );
    expect(accepted).toBeGreaterThan(400);
    const uses = (n: number) => `x: &x [1]\nrefs:\n${'- *x\n'.repeat(n)}`;
    expect(readOne(uses(999))).not.toBe(UNSUPPORTED);
    expect(readOne(uses(1000))).toBe(UNSUPPORTED); // near yaml's count cap: yaml decides
    const big = `x: &x [${Array.from({ length: 1000 }, () => '1').join(', ')}]\nrefs:\n${'- *x\n'.repeat(250)}`;
    expect(readOne(big)).toBe(UNSUPPORTED); // past the expansion cap: yaml reports it
  });

  const seeds = [
    ...RULES.flatMap((r) => [...r.meta.examples.valid, ...r.meta.examples.invalid].map((e) => e.yaml)),
    'a: 1\nb:\n  - x: "q"\n    y: [1, {z: w}]\n  - - deep\n    - er\n',
  ].flatMap((t) => t.split(/^---.*$/m));

  it('repeated keys in generated block collections: reported where yaml reports them, or left to it', () => {
    const line = fc.record({
      indent: fc.constantFrom('', '  ', '    '),
      dash: fc.boolean(),
      key: fc.constantFrom('a', 'b', '1', '"1"', '~', ''),
      value: fc.constantFrom('', ' 1', ' x', ' # c', ' []'),
    });
    duplicates = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 2, maxLength: 8 }), (lines) => {
        const text = lines
          .map(
            (l) =>
              `${l.indent}${l.dash ? '- ' : ''}${l.key === '' ? '' : `${l.key}:`}${l.key === '' && !l.dash ? '#' : ''}${l.value}`,
          )
          .join('\n');
        agrees(`${text}\n`);
      }),
      { numRuns: 4000 },
    );
    expect(duplicates, 'generated texts answered with their repeated keys').toBeGreaterThan(5);
  });

  it('mutated manifests: never accepts what yaml rejects, never disagrees', () => {
    const edit = fc.record({
      seed: fc.nat({ max: seeds.length - 1 }),
      at: fc.nat(),
      op: fc.constantFrom('insert', 'delete', 'indent', 'dedent', 'duplicate'),
      text: tricky,
    });
    accepted = 0;
    duplicates = 0;
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
    expect(duplicates, 'mutations answered with their repeated keys').toBeGreaterThan(20);
  });
});

describe('parseManifests: the fast reader changes nothing but speed', () => {
  /** Every path of the object (capped per resource), so that every node's position is compared. */
  function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
    if (out.length > 400) return out;
    out.push(prefix);
    if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
    else if (value !== null && typeof value === 'object')
      for (const k of Object.keys(value)) paths((value as Record<string, unknown>)[k], [...prefix, k], out);
    return out;
  }

  function summary(result: ParseResult): unknown {
    return {
      resources: result.resources.map((r) => ({
        id: [r.apiVersion, r.kind, r.namespace, r.name, r.seq, r.basePath],
        obj: canon(r.obj),
        whole: r.locate([]),
        missing: r.locate(['spec', 'no', 'such', 0]),
        keys: paths(r.obj).map((p) => r.locate(p)),
        values: paths(r.obj).map((p) => r.locate(p, 'value')),
      })),
      issues: result.issues.map((i) => [i.rule, i.range, i.message]),
    };
  }

  const inputs: [string, string][] = fixtureFiles().map((f) => [f, readFileSync(f, 'utf8')]);
  // The real-world corpus (upstream manifests, with their comments, anchors and block scalars), when present.
  if (corpusPresent())
    for (const { file } of corpusFiles()) inputs.push([file, readFileSync(join(CORPUS_DIR, file), 'utf8')]);
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
    // Repeated keys, nested and more than are listed (the fast reader reports them as yaml does).
    [
      'duplicates',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\ndata:\n${'  k: v\n'.repeat(120)}---\n` +
        'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n',
    ],
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
    // The positions above came from the fast reader's position mode wherever it could give them.
    let positioned = 0;
    for (const [, text] of inputs) {
      const starts = lineStarts(text);
      const src = { text, starts, scratch: new Int32Array(starts.length), checked: false, strings: newStringCache() };
      if (readPositions(src, 0, starts.length - 1, 200)) positioned++;
    }
    expect(positioned, 'inputs whose positions the fast reader gave').toBeGreaterThan(100);
  }, 180_000);

  it('generated documents: every position from the fast reader equals yaml', () => {
    const word = fc.constantFrom('a', 'b c', 'x:y', '10', 'true', '~', 'é', '', ' lead', 'multi\nline', 'end\n');
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, word, fc.integer(), fc.constant(null), tie('list'), tie('map')),
      list: fc.array(tie('node'), { maxLength: 3 }),
      map: fc.dictionary(fc.constantFrom('k', 'l', 'm', 'n'), tie('node'), { maxKeys: 3 }),
    })).node;
    const style = fc.record({
      collectionStyle: fc.constantFrom('any', 'block', 'flow') as fc.Arbitrary<'any' | 'block' | 'flow'>,
      indentSeq: fc.boolean(),
      blank: fc.boolean(),
    });
    fc.assert(
      fc.property(value, style, (v, { blank, ...opts }) => {
        let text = stringify(
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: v, tail: [v] },
          { ...opts, lineWidth: 0 },
        );
        if (blank) text = text.replace(/\n(?=\S)/, '\n\n');
        const a = parseManifests({ file: 'g.yaml', text });
        const b = parseManifests({ file: 'g.yaml', text }, { fastReader: false });
        expect(summary(a), text).toEqual(summary(b));
      }),
      { numRuns: 800 },
    );
  });
});
