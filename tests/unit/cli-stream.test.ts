// `lint` reads files and stdin as streams, split into documents as they arrive (src/cli/documents.ts, issue #18).
// The contract: the findings are the ones the model gives for the whole input read at once (same rule, file,
// line, column, message), whatever the chunking; inputs over the old 8 MiB per-input limit are read; a document
// over the per-document limit is one finding, not a refusal of the whole input.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../bench/validator.bench.ts';
import { run } from '../../src/cli/commands/lint.ts';
import { DocumentSplitter } from '../../src/cli/documents.ts';
import type { SplitSink } from '../../src/cli/documents.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { BATCH_CHARS, leanObject, LintStream } from '../../src/cli/lint-stream.ts';
import { splitFile } from '../../src/cli/read-stream.ts';
import type { JsonObject } from '../../src/lib/model/types.ts';
import { LIMITS } from '../../src/lib/model/limits.ts';
import { lint } from '../../src/lib/validator/index.ts';
import type { Finding } from '../../src/lib/validator/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  resources: number;
  summary: Record<string, number>;
  findings: Finding[];
}

async function lintStreamed(name: string, bytes: Uint8Array, via: 'file' | 'stdin' = 'file'): Promise<Report> {
  writeFileSync(join(dir, name), bytes);
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readStdin: async () => bytes,
    // Odd-sized chunks, so lines and documents straddle chunk boundaries.
    stdinStream: async function* () {
      for (let i = 0; i < bytes.length; i += 777) yield bytes.subarray(i, i + 777);
    },
    cwd: dir,
    color: false,
  };
  const code = await run(['--format', 'json', via === 'file' ? name : '-'], io);
  expect(err).toBe('');
  const report = JSON.parse(out) as Report;
  expect(code).toBe(report.summary.error ? 1 : 0);
  return { resources: report.resources, summary: report.summary, findings: report.findings };
}

/** What the model says about the whole input read at once (the reference). */
function lintWhole(name: string, bytes: Uint8Array): Report {
  const r = lint([{ file: name, text: bytes }]);
  return { resources: r.resources, summary: r.summary, findings: [...r.findings] };
}

const enc = (s: string) => new TextEncoder().encode(s);

/** Inputs of every shape the splitter distinguishes; each must lint exactly as the whole input does. */
const SHAPES: Record<string, string> = {
  'multi-document with comments': `# leading comment
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/dataplane-mode: ambient
    istio.io/use-waypoint: missing-waypoint
---
# a comment-only document
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: l7-on-ztunnel
  namespace: shop
spec:
  selector:
    matchLabels:
      app: cart
  rules:
  - to:
    - operation:
        methods: ["GET"]
--- # a comment on the marker
apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
  labelz: {}
spec:
  ports:
  - port: 80
`,
  'kubectl List, items at column 0, kind after the items': `apiVersion: v1
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: shop
    labels:
      istio.io/dataplane-mode: ambient
      istio.io/use-waypoint: missing-waypoint
# a comment between items
- apiVersion: v1
  kind: Service
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: |
        {"apiVersion":"v1","kind":"Service"}
    name: cart
    namespace: shop
    labelz: {}
  spec:
    ports:
    - port: 80
-
  apiVersion: security.istio.io/v1
  kind: AuthorizationPolicy
  metadata:
    name: l7-on-ztunnel
    namespace: shop
  spec:
    selector:
      matchLabels:
        app: cart
    rules:
    - to:
      - operation:
          paths: ["/x"]
kind: List
metadata:
  resourceVersion: ""
`,
  'List with indented items, a quoted kind, a nested List and a non-object item': `apiVersion: v1
kind: "List"
items:
  - apiVersion: v1
    kind: List
    items:
    - apiVersion: v1
      kind: Service
      metadata: {name: inner, namespace: a, labelz: x}
  - just a string
  - apiVersion: v1
    kind: Namespace
    metadata:
      name: a
`,
  'not a List: a kind whose own top-level items is a sequence': `apiVersion: example.com/v1
kind: Inventory
metadata:
  name: inv
items:
- apiVersion: v1
  kind: Service
kind2: x
---
apiVersion: v1
kind: Namespace
metadata: {name: after, labelz: 1}
`,
  'directives, ... end markers and a bare document after one': `%YAML 1.2
---
apiVersion: v1
kind: Namespace
metadata:
  name: one
...
%YAML 1.2
---
apiVersion: v1
kind: Namespace
metadata: {name: two, labelz: 1}
...
apiVersion: v1
kind: Namespace
metadata: {name: three}
`,
  'syntax errors inside a List item and in a plain document': `apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata: {name: broken
  spec: {}
- apiVersion: v1
  kind: Namespace
  metadata:
    name: fine
    name: twice
kind: List
---
a: [unclosed
`,
  // Findings of the rules over the whole mesh on objects whose text is not kept: found again in the file's bytes.
  'kubectl dump objects with managedFields and cross-resource findings inside them': `apiVersion: v1
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: |
        {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}
    labels:
      istio.io/dataplane-mode: ambient
      istio.io/use-waypoint: missing-waypoint
    managedFields:
    - apiVersion: v1
      fieldsType: FieldsV1
      fieldsV1:
        f:metadata:
          f:labels:
            .: {}
      manager: kubectl
      operation: Update
    name: shop
- apiVersion: security.istio.io/v1
  kind: AuthorizationPolicy
  metadata:
    managedFields:
    - manager: kubectl
      operation: Update
    name: l7-on-ztunnel
    namespace: shop
  spec:
    selector:
      matchLabels:
        app: cart
    rules:
    - to:
      - operation:
          methods: ["GET"]
kind: List
metadata:
  resourceVersion: ""
`,
  'a List document with directives before it is not split but still read': `%YAML 1.2
---
apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata: {name: s, labelz: 1}
kind: List
`,
};

describe('lint reads input as a stream of documents', () => {
  for (const [name, text] of Object.entries(SHAPES)) {
    it(`${name}: the same findings, lines and columns as the whole input`, async () => {
      const bytes = enc(text);
      const whole = lintWhole('in.yaml', bytes);
      expect(whole.findings.length).toBeGreaterThan(0);
      expect(await lintStreamed('in.yaml', bytes)).toEqual(whole);
    });
  }

  it('CRLF line ends and a byte order mark: the same as the whole input', async () => {
    const text = '\ufeff' + SHAPES['kubectl List, items at column 0, kind after the items']!.replaceAll('\n', '\r\n');
    const bytes = enc(text);
    expect(await lintStreamed('crlf.yaml', bytes)).toEqual(lintWhole('crlf.yaml', bytes));
  });

  it('stdin in odd-sized chunks: the same as the file', async () => {
    const bytes = enc(Object.values(SHAPES).join('---\n'));
    const fromStdin = await lintStreamed('-', bytes, 'stdin');
    const fromFile = await lintStreamed('all.yaml', bytes);
    expect(fromStdin.findings.map((f) => ({ ...f, file: 'x' }))).toEqual(
      fromFile.findings.map((f) => ({ ...f, file: 'x' })),
    );
    expect(fromStdin.findings.length).toBeGreaterThan(5);
  });

  it('an input of many batches (a 2 MB List dump): the same findings as the whole input', async () => {
    const docs = generate(6000).text.trimEnd().split('\n---\n');
    const items = docs.map((d, i) => {
      const doc = i % 7 === 0 ? d.replace('\nmetadata:\n', '\nmetadata:\n  labelz: {}\n') : d;
      const lines = doc.split('\n');
      return `- ${lines[0]}\n${lines
        .slice(1)
        .map((l) => `  ${l}`)
        .join('\n')}\n`;
    });
    const bytes = enc(`apiVersion: v1\nitems:\n${items.join('')}kind: List\nmetadata:\n  resourceVersion: ""\n`);
    expect(bytes.length).toBeGreaterThan(32 * BATCH_CHARS);
    const streamed = await lintStreamed('dump.yaml', bytes);
    expect(streamed.resources).toBe(6000);
    expect(streamed).toEqual(lintWhole('dump.yaml', bytes));
  }, 120_000);

  it('a file that is not UTF-8 is refused whole, at the same position as the model says', async () => {
    const head = enc('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\n');
    const bytes = new Uint8Array([...head, ...enc('metadata:\n  name: b'), 0xff, 0x0a]);
    const streamed = await lintStreamed('bin.yaml', bytes);
    expect(streamed).toEqual(lintWhole('bin.yaml', bytes));
    expect(streamed.resources).toBe(0);
    expect(streamed.findings).toHaveLength(1);
  });

  it('a NUL byte refuses the file as the model does', async () => {
    const bytes = enc('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\nkind: \u0000\n');
    expect(await lintStreamed('nul.yaml', bytes)).toEqual(lintWhole('nul.yaml', bytes));
  });

  it('input over the old 8 MiB per-input limit is read; a document over the per-document limit is one finding', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  blob: ${big}\n`;
    const tooBig = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  blob: ${'y'.repeat(LIMITS.maxInputSize)}\n`;
    const text = [
      cm('a'),
      cm('b'),
      cm('c'),
      tooBig,
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: after\n  labelz: 1\n',
    ].join('---\n');
    const bytes = enc(text);
    expect(bytes.length).toBeGreaterThan(2 * LIMITS.maxInputSize);
    const r = await lintStreamed('big.yaml', bytes);
    expect(r.resources).toBe(4);
    const tooLarge = r.findings.filter((f) => f.rule === 'yaml-syntax');
    expect(tooLarge).toHaveLength(1);
    expect(tooLarge[0]).toMatchObject({ line: 3 * 7, column: 1, severity: 'error' });
    expect(tooLarge[0]!.message).toMatch(/limit is \d+ bytes per document/);
    // The document after it is still read, at its own lines.
    expect(r.findings.find((f) => f.rule === 'schema')).toMatchObject({ line: 4 * 7 + 5, column: 3 });
  }, 60_000);
});

describe('the splitter', () => {
  const text = Object.values(SHAPES).join('---\n');
  const units = (chunk: number) => {
    const s = new DocumentSplitter('x', LIMITS.maxInputSize);
    const bytes = enc(text);
    for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
    return s.end();
  };

  it('gives the same documents whether bytes arrive one at a time or all at once', () => {
    const whole = units(1 << 20);
    expect(whole.units.length).toBeGreaterThan(10);
    expect(units(1)).toEqual(whole);
    expect(units(13)).toEqual(whole);
  });

  it('splits a List into one document per item, each item verbatim under a List header', () => {
    const s = new DocumentSplitter('x', 1 << 20);
    s.push(enc('apiVersion: v1\nitems:\n- kind: A\n  x: 1\n- kind: B\nkind: List\n'));
    const { units: u } = s.end();
    expect(u.map((x) => x.text)).toEqual([
      '---\nkind: List\nitems:\n- kind: A\n  x: 1\n',
      '---\nkind: List\nitems:\n- kind: B\n',
      '---\napiVersion: v1\nitems:\nkind: List\n',
    ]);
    expect(u.map((x) => x.segments)).toEqual([
      [{ pieceLine: 4, fileLine: 3 }],
      [{ pieceLine: 4, fileLine: 5 }],
      [
        { pieceLine: 2, fileLine: 1 },
        { pieceLine: 4, fileLine: 6 },
      ],
    ]);
  });
});

describe('the splitter hands documents on as they come', () => {
  /** Every event of the sink, in order. */
  function events(text: string, max: number, chunk = 7): string[] {
    const out: string[] = [];
    const sink: SplitSink = {
      unit: (u) => out.push(`unit@${u.segments[0]!.fileLine}`),
      issue: (i) => out.push(`issue@${i.range.line}`),
      tentative: () => out.push('tentative'),
      settle: (keep) => out.push(`settle ${keep}`),
      refuse: (i) => out.push(`refuse@${i.range.line}`),
    };
    const s = new DocumentSplitter('x', max, sink);
    const bytes = enc(text);
    for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
    s.end();
    out.push('end');
    return out;
  }
  const item = (n: number) => `- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c${n}}\n`;
  const items = Array.from({ length: 40 }, (_, n) => item(n)).join('');

  it('items of a List far over the per-document limit are each a document, handed on before the input ends', () => {
    const text = `apiVersion: v1\nitems:\n${items}kind: List\n`;
    // 40 items of ~55 bytes against a 200-byte limit: only as a List can this document be read.
    expect(text.length).toBeGreaterThan(4 * 200);
    const got = events(text, 200);
    expect(got.filter((e) => e.startsWith('unit')).length).toBe(41);
    // Each item is handed on when it is complete, before the document's end settles them.
    expect(got.slice(0, 3)).toEqual(['tentative', 'unit@3', 'unit@6']);
    expect(got.slice(-3)).toEqual(['settle true', 'unit@1', 'end']);
  });

  it('the same document that is not a List: its items are voided, and over the limit it is one issue', () => {
    const got = events(`apiVersion: example.com/v1\nitems:\n${items}kind: Bag\n`, 200);
    expect(got.filter((e) => e.startsWith('unit')).length).toBe(40); // handed on tentatively …
    expect(got).toContain('settle false'); // … then voided
    expect(got.slice(got.indexOf('settle false'))).toEqual(['settle false', 'issue@1', 'end']);
  });

  it('a short document that is not a List is read whole after its items are voided', () => {
    const got = events(`apiVersion: example.com/v1\nitems:\n${item(1)}${item(2)}kind: Bag\n`, 1 << 20);
    expect(got.slice(got.indexOf('settle false'))).toEqual(['settle false', 'unit@1', 'end']);
  });
});

describe('what a run keeps of an object', () => {
  it('the object without managedFields and the last-applied annotation, everything else as it was', () => {
    const obj = JSON.parse(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'p',
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' },
          managedFields: [{ manager: 'kubectl' }],
          labels: { app: 'a' },
        },
        spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }], managedFields: 'not metadata' },
        status: { podIP: '10.0.0.1' },
      }),
    ) as JsonObject;
    expect(leanObject(obj)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', annotations: { keep: 'me' }, labels: { app: 'a' } },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }], managedFields: 'not metadata' },
      status: { podIP: '10.0.0.1' },
    });
  });

  it('a __proto__ key stays an own property, and an alias cycle is copied as a cycle', () => {
    const obj = JSON.parse('{"apiVersion":"v1","kind":"X","data":{"__proto__":{"polluted":true}}}') as JsonObject;
    const inner: JsonObject = { a: 1 };
    (inner as Record<string, unknown>).self = inner;
    obj.spec = inner;
    const lean = leanObject(obj);
    const data = lean.data as JsonObject;
    expect(Object.hasOwn(data, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const spec = lean.spec as Record<string, unknown>;
    expect(spec.self).toBe(spec);
    expect(spec).not.toBe(inner);
  });

  it('a file that changes after it was read is noticed when a position is found in it again', async () => {
    const path = join(dir, 'changing.yaml');
    const text = SHAPES['kubectl dump objects with managedFields and cross-resource findings inside them']!;
    writeFileSync(path, text);
    const lint = new LintStream({});
    await splitFile(path, 'changing.yaml', undefined, lint);
    writeFileSync(path, text.replace('name: shop', 'name: a-longer-name'));
    const report = lint.finish();
    expect(report.findings.length).toBeGreaterThan(0);
    expect(lint.changed()).toEqual(['changing.yaml']);
    lint.dispose();
  });
});
