import { isMap, isPair, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import type { Document, Node, Pair, ParsedNode } from 'yaml';
import { stringRecord } from './access.ts';
import { lineStarts, newStringCache, readSimpleYaml, REFUSED_CHARS, UNSUPPORTED } from './fast-yaml.ts';
import type { SourceLines } from './fast-yaml.ts';
import { LIMITS } from './limits.ts';
import type { JsonObject, ModelIssue, ObjectPath, ParseResult, Resource, SourceInput, SourceRange } from './types.ts';

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
  for (const input of list) {
    try {
      parseOne(input, resources, issues, counter, options.fastReader !== false);
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

function point(line: number, column: number): SourceRange {
  return { line, column, endLine: line, endColumn: column + 1 };
}

function decode(input: SourceInput, issues: ModelIssue[]): string | undefined {
  if (typeof input.text === 'string') return input.text;
  try {
    return utf8.decode(input.text);
  } catch {
    const bytes = input.text;
    // Find the first byte that breaks UTF-8 so the finding points at it.
    let line = 1;
    let lineStart = 0;
    let bad = 0;
    for (let i = 0; i < bytes.length; i++) {
      try {
        utf8.decode(bytes.subarray(0, i + 1), { stream: false });
      } catch {
        // A multi-byte sequence may simply be incomplete at i; confirm by decoding up to i+4.
        let ok = false;
        for (let j = i + 2; j <= Math.min(bytes.length, i + 4); j++) {
          try {
            utf8.decode(bytes.subarray(0, j));
            ok = true;
            i = j - 1;
            break;
          } catch {
            /* keep looking */
          }
        }
        if (!ok) {
          bad = i;
          break;
        }
      }
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
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
    strings: newStringCache(),
  };
  for (const [from, to] of chunks) {
    const value = readSimpleYaml(src, from, to, LIMITS.maxDepth);
    if (value === undefined) continue; // only comments, or `---` alone: kubectl ignores it
    const base = positions.starts[from]!;
    const end = positions.starts[to]!;
    if (value === UNSUPPORTED) {
      readWithYaml(text.slice(base, end), base, positions, ctx);
      continue;
    }
    acceptValue(value, new DocNodes(positions, base, undefined, text, end), ctx);
  }
}

/**
 * One document's node tree and how its offsets map to the input. The fast reader keeps no positions: for its
 * documents the tree is parsed with `yaml` the first time a finding needs a position (most documents never do).
 * One object per document, shared by its resources, instead of a handful of closures per resource.
 */
class DocNodes {
  readonly #positions: LinePositions;
  readonly #base: number;
  #root: ParsedNode | null | undefined;
  readonly #text: string | undefined;
  readonly #end: number;

  constructor(positions: LinePositions, base: number, root: ParsedNode | null | undefined, text?: string, end = 0) {
    this.#positions = positions;
    this.#base = base;
    this.#root = root;
    this.#text = text;
    this.#end = end;
  }

  root(): ParsedNode | null {
    if (this.#root === undefined) {
      const docs = parseAllDocuments(this.#text!.slice(this.#base, this.#end), {
        uniqueKeys: true,
        prettyErrors: false,
      });
      this.#root = 'empty' in docs ? null : (docs[0]?.contents ?? null);
    }
    return this.#root;
  }

  range(start: number, end: number): SourceRange {
    return this.#positions.range(start + this.#base, end + this.#base);
  }
}

interface DocContext {
  readonly file: string;
  readonly resources: Resource[];
  readonly issues: ModelIssue[];
  readonly counter: { seq: number };
}

/** 1-based line/column for offsets of one input. */
class LinePositions {
  readonly starts: Int32Array;

  constructor(text: string) {
    this.starts = lineStarts(text);
  }

  private pos(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }

  range(start: number, end: number): SourceRange {
    const a = this.pos(start);
    const b = this.pos(Math.max(start, end));
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  }
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

/** The full `yaml` parser: positions for every node, errors, aliases (capped), duplicate keys. */
function readWithYaml(text: string, base: number, positions: LinePositions, ctx: DocContext): void {
  // Offsets in `text` → positions in the input, for errors and for nodes of this stream.
  const stream = new DocNodes(positions, base, null);
  const { file, issues } = ctx;
  // The composer recurses per nesting level; the fast reader bounds its own depth, `yaml` needs this guard.
  const depthProblem = excessiveDepth(text);
  if (depthProblem !== undefined) {
    issues.push({
      rule: 'yaml-syntax',
      severity: 'error',
      file,
      range: stream.range(depthProblem, depthProblem + 1),
      message: `Nesting deeper than ${LIMITS.maxDepth} levels; no Kubernetes object is this deep. Not parsed.`,
    });
    return;
  }
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, keepSourceTokens: false });
  const documents: Document.Parsed[] = 'empty' in docs ? [] : docs;
  // A stream without documents can still carry errors (e.g. a stray directive).
  if ('empty' in docs)
    for (const e of docs.errors) issues.push(syntaxIssue(file, e.message, stream.range(e.pos[0], e.pos[1])));
  if (tooManyDocuments(documents.length, file, issues)) return;
  for (const doc of documents) {
    if (doc.errors.length) {
      for (const e of doc.errors)
        issues.push(syntaxIssue(file, cleanMessage(e.message), stream.range(e.pos[0], e.pos[1])));
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
    const expanded = countExpansion(doc);
    if (expanded > LIMITS.maxExpandedNodes) {
      issues.push(
        syntaxIssue(
          file,
          `Aliases expand this document to more than ${LIMITS.maxExpandedNodes} nodes (an alias bomb?). Not parsed.`,
          rangeOf(root, stream),
        ),
      );
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
    } catch (err) {
      issues.push(syntaxIssue(file, err instanceof Error ? err.message : String(err), rangeOf(root, stream)));
      continue;
    }
    if (value === null || value === undefined) continue; // `---` followed by nothing or only comments
    acceptValue(value, new DocNodes(positions, base, root), ctx);
  }
}

/** A document's value becomes resources (one, or one per `items` entry of a List) or a located issue. */
function acceptValue(value: unknown, doc: DocNodes, ctx: DocContext): void {
  if (!isPlainObject(value)) {
    ctx.issues.push({
      rule: 'schema',
      severity: 'error',
      file: ctx.file,
      range: rangeOf(doc.root(), doc),
      message: `A manifest document must be a mapping with apiVersion and kind; this one is ${describe(value)}.`,
    });
    return;
  }
  const obj = value as JsonObject;
  if (obj.kind === 'List' || (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items))) {
    const items = Array.isArray(obj.items) ? obj.items : [];
    items.forEach((item, i) => {
      addResource(item, ['items', i], doc, ctx);
    });
    return;
  }
  addResource(obj, [], doc, ctx);
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

function rangeOf(node: Node | Pair | null, doc: DocNodes): SourceRange {
  // No node (the lazy re-parse found nothing): the start of the document is the best we can say.
  if (node === null) return doc.range(0, 0);
  if (isPair(node)) {
    const k = node.key as Node | null;
    const v = node.value as Node | null;
    const start = k?.range?.[0] ?? v?.range?.[0] ?? 0;
    const end = v?.range?.[1] ?? k?.range?.[1] ?? start;
    return doc.range(start, end);
  }
  const r = node.range;
  if (!r) return point(1, 1);
  return doc.range(r[0], r[1]);
}

/**
 * The composer recurses once per nesting level, so very deep input is rejected from a linear scan before it
 * reaches the parser. Block nesting is approximated by the stack of indentation levels (plus `- ` markers),
 * flow nesting by brackets outside quotes and comments. Returns the offset where the limit was passed.
 */
function excessiveDepth(text: string): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: string | undefined;
  let lineStart = 0;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (atLineStart) {
      atLineStart = false;
      if (flow === 0 && !quote) {
        let j = i;
        let seqMarkers = 0;
        for (;;) {
          while (text[j] === ' ') j++;
          if (text[j] === '-' && (text[j + 1] === ' ' || text[j + 1] === '\n')) {
            seqMarkers++;
            j++;
          } else break;
        }
        const ch = text[j];
        if (ch !== '\n' && ch !== '#' && ch !== undefined && ch !== '\r') {
          const indent = i === lineStart ? j - i : 0;
          while (indents.length && indents[indents.length - 1]! >= indent) indents.pop();
          indents.push(indent);
          if (indents.length + seqMarkers > LIMITS.maxDepth) return j;
        }
      }
    }
    if (c === '\n') {
      lineStart = i + 1;
      atLineStart = true;
      continue;
    }
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") {
      // Only a quote that starts a scalar opens a string; `it's` inside a plain scalar does not.
      const prev = text[i - 1];
      if (
        prev === undefined ||
        prev === ' ' ||
        prev === '[' ||
        prev === '{' ||
        prev === ',' ||
        prev === ':' ||
        prev === '\n'
      )
        quote = c;
    } else if (c === '#') {
      const prev = text[i - 1];
      if (prev === undefined || prev === ' ' || prev === '\n' || prev === '\t') {
        const nl = text.indexOf('\n', i);
        i = (nl < 0 ? text.length : nl) - 1;
      }
    } else if (c === '[' || c === '{') {
      flow++;
      if (flow + indents.length > LIMITS.maxDepth) return i;
    } else if (c === ']' || c === '}') {
      flow = Math.max(0, flow - 1);
    }
  }
  return undefined;
}

function deepestNode(root: ParsedNode): Node | undefined {
  // Iterative walk: recursion is exactly what a deep document would break.
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > LIMITS.maxDepth) return node;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) {
          if (item.value && typeof item.value === 'object') stack.push([item.value as Node, depth + 1]);
        } else if (item && typeof item === 'object') stack.push([item as Node, depth + 1]);
      }
    }
  }
  return undefined;
}

/** Nodes the document would have with every alias expanded, stopping once past the cap. */
function countExpansion(doc: Document.Parsed): number {
  const sizes = new Map<Node, number>();
  let hasAlias = false;
  visit(doc, {
    Alias() {
      hasAlias = true;
      return visit.BREAK;
    },
  });
  if (!hasAlias) return 0;
  const size = (node: unknown, depth: number): number => {
    if (!node || typeof node !== 'object' || depth > LIMITS.maxDepth) return 1;
    const n = node as Node;
    const cached = sizes.get(n);
    if (cached !== undefined) return cached;
    let total = 1;
    if ((n as { source?: unknown }).source !== undefined && (n as { resolve?: unknown }).resolve) {
      const target = (n as unknown as { resolve(d: Document): Node | undefined }).resolve(doc);
      total = target && target !== n ? size(target, depth + 1) : 1;
    } else if (isMap(n) || isSeq(n)) {
      for (const item of n.items) {
        total += isPair(item) ? size(item.key, depth + 1) + size(item.value, depth + 1) : size(item, depth + 1);
        if (total > LIMITS.maxExpandedNodes) break;
      }
    }
    total = Math.min(total, LIMITS.maxExpandedNodes + 1);
    sizes.set(n, total);
    return total;
  };
  return size(doc.contents, 0);
}

/** The node (and the pair holding it) at `path`, or the deepest ancestor that exists. */
function nodeAt(root: Node, path: ObjectPath): { node: Node; pair?: Pair; complete: boolean } {
  let node: Node = root;
  let pair: Pair | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const found = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!found || !found.value || typeof found.value !== 'object') {
        if (found) return { node: (found.key as Node) ?? node, pair: found, complete: false };
        return { node, pair, complete: false };
      }
      pair = found;
      node = found.value as Node;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      pair = undefined;
      node = node.items[seg] as Node;
    } else {
      return { node, pair, complete: false };
    }
  }
  return { node, pair, complete: true };
}

/** A resource whose positions come from its document's node tree, looked up only when asked. */
class ParsedResource implements Resource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly namespaceExplicit: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly obj: JsonObject;
  readonly file: string;
  readonly seq: number;
  readonly basePath: ObjectPath;
  readonly #doc: DocNodes;

  constructor(fields: Omit<Resource, 'locate'>, doc: DocNodes) {
    this.apiVersion = fields.apiVersion;
    this.kind = fields.kind;
    this.name = fields.name;
    this.namespace = fields.namespace;
    this.namespaceExplicit = fields.namespaceExplicit;
    this.labels = fields.labels;
    this.annotations = fields.annotations;
    this.obj = fields.obj;
    this.file = fields.file;
    this.seq = fields.seq;
    this.basePath = fields.basePath;
    this.#doc = doc;
  }

  locate(path: ObjectPath, part: 'key' | 'value' = 'key'): SourceRange {
    return locateIn(baseNodeOf(this.#doc, this.basePath), path, part, this.#doc);
  }
}

function baseNodeOf(doc: DocNodes, basePath: ObjectPath): Node | null {
  const root = doc.root();
  return root === null ? null : nodeAt(root, basePath).node;
}

function locateIn(node: Node | null, path: ObjectPath, part: 'key' | 'value', doc: DocNodes): SourceRange {
  if (node === null) return rangeOf(null, doc);
  if (path.length === 0) {
    // The whole object: point at its `kind` line rather than spanning every line of it.
    const kind = nodeAt(node, ['kind']);
    if (kind.complete && kind.pair) return rangeOf(kind.pair, doc);
    return rangeOf(node, doc);
  }
  const found = nodeAt(node, path);
  if (found.complete && part === 'key' && found.pair) return rangeOf(found.pair, doc);
  if (!found.complete && found.pair) return rangeOf(found.pair, doc);
  return rangeOf(found.node, doc);
}

function addResource(value: unknown, basePath: ObjectPath, doc: DocNodes, ctx: DocContext): void {
  const { file, resources, issues, counter } = ctx;
  if (!isPlainObject(value)) {
    issues.push({
      rule: 'schema',
      severity: 'error',
      file,
      range: rangeOf(baseNodeOf(doc, basePath), doc),
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
      range: locateIn(baseNodeOf(doc, basePath), [], 'key', doc),
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
        labels: stringMap(meta.labels),
        annotations: stringMap(meta.annotations),
        obj,
        file,
        seq: counter.seq++,
        basePath,
      },
      doc,
    ),
  );
}

const stringMap = stringRecord;
