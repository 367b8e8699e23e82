import type { Document, YAMLError } from 'yaml';
import { stringRecord } from './access.ts';
import { DuplicateKeys, newStringCache, readSimpleYaml, REFUSED_CHARS, UNSUPPORTED } from './fast-yaml.ts';
import type { SourceLines, StringCache } from './fast-yaml.ts';
import { LIMITS } from './limits.ts';
import type { JsonObject, ModelIssue, ObjectPath, ParseResult, Resource, SourceInput, SourceRange } from './types.ts';
import { checkAliases } from './yaml/aliases.ts';
import {
  composeBounded,
  deepestNode,
  DUPLICATE_CHECK_BUDGET,
  DUPLICATE_KEY,
  duplicateKeys,
  mergeByPosition,
} from './yaml/compose.ts';
import { DocNodes, LinePositions, locateAt, ParsedResource, point, rangeOf, wholeRange } from './yaml/locate.ts';
import { firstInvalidUtf8 } from './yaml/utf8.ts';

export { firstInvalidUtf8 };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface ParseOptions {
  /**
   * Read plain documents with the fast value-only reader and locate nodes lazily (default). `false` reads
   * everything with `yaml` up front; the results are the same, which is what the tests compare.
   */
  readonly fastReader?: boolean;
}

/** Never throws: every problem with the input comes back as an issue with a position. */
export function parseManifests(inputs: SourceInput | readonly SourceInput[], options: ParseOptions = {}): ParseResult {
  const list = Array.isArray(inputs) ? (inputs as readonly SourceInput[]) : [inputs as SourceInput];
  const resources: Resource[] = [];
  const issues: ModelIssue[] = [];
  const counter = { seq: 0 };
  // One cache for all inputs of a call: the CLI passes each document as an input of its own (issue #18), and a
  // cache per input cost more to allocate than it saved.
  let strings: StringCache | undefined;
  const cache = (): StringCache => (strings ??= newStringCache());
  for (const input of list) {
    try {
      parseOne(input, resources, issues, counter, options.fastReader !== false, cache);
    } catch (err) {
      // Last line of defence: a parser bug must not take down the editor or the CLI.
      issues.push({
        rule: 'yaml-syntax',
        severity: 'error',
        file: input.file,
        range: point(1, 1),
        message: `Could not read this input: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  return { resources, issues };
}

function decode(input: SourceInput, issues: ModelIssue[]): string | undefined {
  if (typeof input.text === 'string') return input.text;
  try {
    return utf8.decode(input.text);
  } catch {
    const bytes = input.text;
    const bad = firstInvalidUtf8(bytes);
    // Columns count bytes here: the line cannot be decoded, so there are no characters to count.
    const lineStart = bad === 0 ? 0 : bytes.lastIndexOf(0x0a, bad - 1) + 1;
    let line = 1;
    for (let k = bytes.indexOf(0x0a); k >= 0 && k < bad; k = bytes.indexOf(0x0a, k + 1)) line++;
    issues.push({
      rule: 'yaml-syntax',
      severity: 'error',
      file: input.file,
      range: point(line, bad - lineStart + 1),
      message: `Input is not valid UTF-8 (byte ${bad}); is this a binary file? Kubernetes manifests must be UTF-8 text.`,
    });
    return undefined;
  }
}

function parseOne(
  input: SourceInput,
  resources: Resource[],
  issues: ModelIssue[],
  counter: { seq: number },
  fast: boolean,
  strings: () => StringCache,
): void {
  const file = input.file;
  if (input.text.length > LIMITS.maxInputSize) {
    issues.push({
      rule: 'yaml-syntax',
      severity: 'error',
      file,
      range: point(1, 1),
      message: `Input is ${input.text.length} bytes; the limit is ${LIMITS.maxInputSize}. Split it into smaller files.`,
    });
    return;
  }
  const text = decode(input, issues);
  if (text === undefined) return;
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const before = text.slice(0, nul);
    const line = before.split('\n').length;
    issues.push({
      rule: 'yaml-syntax',
      severity: 'error',
      file,
      range: point(line, nul - before.lastIndexOf('\n')),
      message: 'Input contains a NUL character; is this a binary file? Kubernetes manifests must be text.',
    });
    return;
  }
  const positions = new LinePositions(text);
  const ctx: DocContext = { file, resources, issues, counter };
  const chunks = fast ? splitDocuments(text, positions.starts) : undefined;
  if (!chunks) {
    // Directives, `...` markers or content on a `---` line: the whole stream goes to `yaml` as it is.
    readWithYaml(text, 0, positions, ctx);
    return;
  }
  if (tooManyDocuments(chunks.length, file, issues)) return;
  const src: SourceLines = {
    text,
    starts: positions.starts,
    scratch: new Int32Array(positions.starts.length),
    checked: !REFUSED_CHARS.test(text),
    strings: strings(),
  };
  for (const [from, to] of chunks) {
    const value = readSimpleYaml(src, from, to, LIMITS.maxDepth);
    if (value === undefined) continue; // only comments, or `---` alone: kubectl ignores it
    const base = positions.starts[from]!;
    const end = positions.starts[to]!;
    if (value === UNSUPPORTED) {
      readWithYaml(text.slice(base, end), base, positions, ctx, { text, end });
      continue;
    }
    if (value instanceof DuplicateKeys) {
      // What `yaml` reports for this document, found without its parse (see DuplicateKeys).
      const errors = value.at.map((at) => ({ message: DUPLICATE_KEY, pos: [at, at + 1] as const }));
      reportErrors(errors, new DocNodes(positions, 0, null), file, issues, (m) => m);
      continue;
    }
    acceptValue(value, new DocNodes(positions, base, undefined, text, end, { src, from, to }), ctx);
  }
}

interface DocContext {
  readonly file: string;
  readonly resources: Resource[];
  readonly issues: ModelIssue[];
  readonly counter: { seq: number };
}

/**
 * Line ranges of the documents, split at `---` marker lines; `undefined` when the stream uses directives,
 * `...` end markers or content after `---`, whose meaning depends on the whole stream.
 */
function splitDocuments(text: string, starts: Int32Array): [number, number][] | undefined {
  const chunks: [number, number][] = [];
  const lineCount = starts.length - 1;
  let from = 0;
  for (let i = 0; i < lineCount; i++) {
    const s = starts[i]!;
    const c = text.charCodeAt(s);
    if (c === 37 /* % */) return undefined;
    if (c !== 45 /* - */ && c !== 46 /* . */) continue;
    const marker = text.startsWith('---', s) ? 'start' : text.startsWith('...', s) ? 'end' : undefined;
    if (!marker) continue;
    const rest = text.slice(s + 3, starts[i + 1]! - 1);
    if (rest !== '' && !/^[ \t\r]/.test(rest)) continue; // `---x` is a plain scalar, not a marker
    if (marker === 'end' || !/^[ \t\r]*(?:#.*)?$/.test(rest)) return undefined;
    chunks.push([from, i]);
    from = i + 1;
  }
  chunks.push([from, lineCount]);
  return chunks;
}

/**
 * The full `yaml` parser: positions for every node, errors, aliases (capped), duplicate keys. `lazy` (one document
 * of `lazy.text`, ending at `lazy.end`): keep only the text and find positions again when a finding needs one, as
 * for the fast reader's documents. A kubectl dump's objects carry block scalars (last-applied-configuration), so
 * most of them come here, and keeping every node tree made the model ~15× the input (issue #18).
 */
function readWithYaml(
  text: string,
  base: number,
  positions: LinePositions,
  ctx: DocContext,
  lazy?: { readonly text: string; readonly end: number },
): void {
  // Offsets in `text` → positions in the input, for errors and for nodes of this stream.
  const stream = new DocNodes(positions, base, null);
  const { file, issues } = ctx;
  if (tabFlood(text, stream, file, issues)) return;
  const first = composeBounded(text, false);
  if ('tooDeep' in first) {
    issues.push({
      rule: 'yaml-syntax',
      severity: 'error',
      file,
      range: stream.range(first.tooDeep, first.tooDeep + 1),
      message: `Nesting deeper than ${LIMITS.maxDepth} levels; no Kubernetes object is this deep. Not parsed.`,
    });
    return;
  }
  let read = first;
  const dups = duplicateKeys('empty' in read.docs ? [] : read.docs);
  if (dups.found.size) {
    // `yaml`'s own check, which places and orders its errors exactly, costs one comparison per pair of keys in a
    // map: affordable unless a map is very wide, and then our own errors (at each repeated key) stand in for it.
    const exact = dups.cost <= DUPLICATE_CHECK_BUDGET ? composeBounded(text, true) : undefined;
    if (exact !== undefined && !('tooDeep' in exact)) read = exact;
    else for (const [doc, errors] of dups.found) doc.errors = mergeByPosition(doc.errors, errors);
  }
  const docs = read.docs;
  const documents: Document.Parsed[] = 'empty' in docs ? [] : docs;
  // A stream without documents can still carry errors (e.g. a stray directive).
  if ('empty' in docs) reportErrors(docs.errors, stream, file, issues, (m) => m);
  if (read.stoppedAt !== undefined)
    issues.push(
      syntaxIssue(
        file,
        `More than ${LIMITS.maxSyntaxErrors} YAML errors outside any document; the rest of this input was not read.`,
        stream.range(read.stoppedAt, read.stoppedAt + 1),
      ),
    );
  if (tooManyDocuments(documents.length, file, issues)) return;
  for (const doc of documents) {
    if (doc.errors.length) {
      reportErrors(doc.errors, stream, file, issues, cleanMessage);
      continue;
    }
    const root = doc.contents;
    if (root === null) continue; // an empty document (`---` alone) is legal and ignored by kubectl
    const tooDeep = deepestNode(root);
    if (tooDeep) {
      issues.push(
        syntaxIssue(file, `Nesting deeper than ${LIMITS.maxDepth} levels; not parsed.`, rangeOf(tooDeep, stream)),
      );
      continue;
    }
    const aliasProblem = checkAliases(doc);
    if (aliasProblem !== undefined) {
      issues.push(syntaxIssue(file, aliasProblem, rangeOf(root, stream)));
      continue;
    }
    let value: unknown;
    try {
      // Alias counts were checked above exactly as `yaml` counts them (`maxAliasCount`), but without its
      // whole-document search per aliased collection, which made 900 aliases in a large document cost seconds.
      value = doc.toJS({ maxAliasCount: -1 });
    } catch (err) {
      issues.push(syntaxIssue(file, err instanceof Error ? err.message : String(err), rangeOf(root, stream)));
      continue;
    }
    if (value === null || value === undefined) continue; // `---` followed by nothing or only comments
    acceptValue(
      value,
      lazy ? new DocNodes(positions, base, undefined, lazy.text, lazy.end) : new DocNodes(positions, base, root),
      ctx,
    );
  }
}

/**
 * Lines indented with a tab are an error in block context, and `yaml` spends ~20 µs on each such line before the
 * error count can be checked (a 6 MB flood of them took 32 s). When more than `maxSyntaxErrors` lines start with
 * spaces and a tab, the text up to the end of the next such line is read first: if that part alone has more errors than are
 * listed, they are reported and reading stops there. Otherwise (tabs inside block scalars or flow collections are
 * legal) the whole text is read as usual, which at most doubles the cost.
 */
function tabFlood(text: string, stream: DocNodes, file: string, issues: ModelIssue[]): boolean {
  let count = 0;
  let cut = -1;
  for (let k = 0; k < text.length;) {
    let j = k;
    while (text.charCodeAt(j) === 32) j++;
    const nl = text.indexOf('\n', j);
    if (text.charCodeAt(j) === 9 && ++count > LIMITS.maxSyntaxErrors) {
      cut = nl < 0 ? text.length : nl + 1;
      break;
    }
    if (nl < 0) break;
    k = nl + 1;
  }
  if (cut < 0) return false;
  const head = composeBounded(text.slice(0, cut), false);
  if ('tooDeep' in head) return false;
  const errors: YAMLError[] = 'empty' in head.docs ? [...head.docs.errors] : head.docs.flatMap((d) => d.errors);
  if (errors.length <= LIMITS.maxSyntaxErrors) return false;
  for (let i = 0; i < LIMITS.maxSyntaxErrors; i++) {
    const e = errors[i]!;
    issues.push(syntaxIssue(file, cleanMessage(e.message), stream.range(e.pos[0], e.pos[1])));
  }
  issues.push(
    syntaxIssue(
      file,
      `More than ${LIMITS.maxSyntaxErrors} YAML errors (lines indented with tabs?); reading stopped here.`,
      stream.range(cut, cut + 1),
    ),
  );
  return true;
}

/** A document's value becomes resources (one, or one per `items` entry of a List) or a located issue. */
function acceptValue(value: unknown, doc: DocNodes, ctx: DocContext): void {
  if (!isPlainObject(value)) {
    ctx.issues.push({
      rule: 'schema',
      severity: 'error',
      file: ctx.file,
      range: wholeRange(doc, []),
      message: `A manifest document must be a mapping with apiVersion and kind; this one is ${describe(value)}.`,
    });
    return;
  }
  const obj = value as JsonObject;
  if (isList(obj)) acceptObject(obj, [], doc, ctx, new Set());
  else addResource(obj, [], doc, ctx);
}

/**
 * kubectl flattens a List, and a List inside a List, into its objects (`kind: List`, or any `…List` kind with
 * `items`, like the `v1/List` of `kubectl get -o yaml`). `open` holds the Lists being flattened: an alias can
 * make a List its own item, which is then kept as an object rather than flattened forever.
 */
function acceptObject(obj: JsonObject, basePath: ObjectPath, doc: DocNodes, ctx: DocContext, open: Set<object>): void {
  if (!isList(obj) || open.has(obj)) {
    addResource(obj, basePath, doc, ctx);
    return;
  }
  open.add(obj);
  const items = Array.isArray(obj.items) ? obj.items : [];
  items.forEach((item, i) => {
    const path = [...basePath, 'items', i];
    if (isPlainObject(item)) acceptObject(item as JsonObject, path, doc, ctx, open);
    else addResource(item, path, doc, ctx);
  });
  open.delete(obj);
}

function isList(obj: JsonObject): boolean {
  return obj.kind === 'List' || (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items));
}

function tooManyDocuments(count: number, file: string, issues: ModelIssue[]): boolean {
  if (count <= LIMITS.maxDocuments) return false;
  issues.push(syntaxIssue(file, `${count} documents in one input; the limit is ${LIMITS.maxDocuments}.`, point(1, 1)));
  return true;
}

function syntaxIssue(file: string, message: string, range: SourceRange): ModelIssue {
  return { rule: 'yaml-syntax', severity: 'error', file, range, message };
}

function cleanMessage(message: string): string {
  // The yaml library appends " at line N, column M:" plus a source excerpt; we report the position separately.
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first `LIMITS.maxSyntaxErrors` errors as issues, and one more issue counting the rest. */
function reportErrors(
  errors: readonly { readonly message: string; readonly pos: readonly [number, number] }[],
  stream: DocNodes,
  file: string,
  issues: ModelIssue[],
  clean: (message: string) => string,
): void {
  const shown = Math.min(errors.length, LIMITS.maxSyntaxErrors);
  for (let i = 0; i < shown; i++) {
    const e = errors[i]!;
    issues.push(syntaxIssue(file, clean(e.message), stream.range(e.pos[0], e.pos[1])));
  }
  if (errors.length > shown) {
    const next = errors[shown]!;
    issues.push(
      syntaxIssue(
        file,
        `${errors.length - shown} more YAML errors in this document are not listed.`,
        stream.range(next.pos[0], next.pos[1]),
      ),
    );
  }
}

function addResource(value: unknown, basePath: ObjectPath, doc: DocNodes, ctx: DocContext): void {
  const { file, resources, issues, counter } = ctx;
  if (!isPlainObject(value)) {
    issues.push({
      rule: 'schema',
      severity: 'error',
      file,
      range: wholeRange(doc, basePath),
      message: `A list item must be a Kubernetes object; this one is ${describe(value)}.`,
    });
    return;
  }
  const obj = value as JsonObject;
  const meta = isPlainObject(obj.metadata) ? (obj.metadata as JsonObject) : {};
  const missing: string[] = [];
  if (typeof obj.apiVersion !== 'string' || !obj.apiVersion) missing.push('apiVersion');
  if (typeof obj.kind !== 'string' || !obj.kind) missing.push('kind');
  if (missing.length) {
    issues.push({
      rule: 'schema',
      severity: 'error',
      file,
      range: locateAt(doc, basePath, [], 'key'),
      message: `Missing ${missing.join(' and ')}: every manifest needs both so the API server knows what it is.`,
    });
    return;
  }
  const namespaceExplicit = typeof meta.namespace === 'string' && meta.namespace !== '';
  resources.push(
    new ParsedResource(
      {
        apiVersion: obj.apiVersion as string,
        kind: obj.kind as string,
        name:
          typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? meta.generateName : '',
        namespace: namespaceExplicit ? (meta.namespace as string) : 'default',
        namespaceExplicit,
        labels: stringRecord(meta.labels),
        annotations: stringRecord(meta.annotations),
        obj,
        file,
        seq: counter.seq++,
        basePath,
      },
      doc,
    ),
  );
}
