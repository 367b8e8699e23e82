import {
  Composer,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  parseAllDocuments,
  Parser,
  visit,
  YAMLParseError,
} from 'yaml';
import type { Alias, CST, Document, EmptyStream, Node, Pair, ParsedNode, YAMLError } from 'yaml';
import { stringRecord } from './access.ts';
import {
  DuplicateKeys,
  lineStarts,
  newStringCache,
  readPositions,
  readSimpleYaml,
  REFUSED_CHARS,
  UNSUPPORTED,
} from './fast-yaml.ts';
import type { PosNode, SourceLines } from './fast-yaml.ts';
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

/**
 * Offset of the first byte of the first ill-formed sequence, by the WHATWG decoder's rules (the ones `TextDecoder`
 * applies): one pass, because re-decoding prefixes to find it took minutes on a large file (issue #15).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    // The second byte's range excludes overlong forms, surrogates and code points above U+10FFFF.
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i;
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return n;
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

/**
 * One document's node tree and how its offsets map to the input. The fast reader keeps no positions: for its
 * documents they are found again the first time a finding needs one (most documents never do), by reading the
 * document again in position mode, or with `yaml` where that cannot give them exactly. One object per document,
 * shared by its resources, instead of a handful of closures per resource.
 *
 * What is found again is kept for one document per input (`LinePositions.last`), not for each: findings come
 * rule by rule, and keeping every tree a finding had asked for made a dump with findings on a fifth of its
 * documents take half as much memory again as the same dump without (issue #18).
 */
class DocNodes {
  readonly #positions: LinePositions;
  readonly #base: number;
  /** The node tree given up front (documents read with `yaml` whole); undefined: found again when asked. */
  readonly #root: ParsedNode | null | undefined;
  readonly #text: string | undefined;
  readonly #end: number;
  /** The lines of a document the fast reader read, to find positions by reading it again in position mode. */
  readonly #fast: { readonly src: SourceLines; readonly from: number; readonly to: number } | undefined;
  /** Position mode could not place this document: `yaml` must. */
  #notFast = false;

  constructor(
    positions: LinePositions,
    base: number,
    root: ParsedNode | null | undefined,
    text?: string,
    end = 0,
    fast?: { readonly src: SourceLines; readonly from: number; readonly to: number },
  ) {
    this.#positions = positions;
    this.#base = base;
    this.#root = root;
    this.#text = text;
    this.#end = end;
    this.#fast = fast;
  }

  /**
   * The fast reader's positions for this document (a fraction of what `yaml` costs), or null when it cannot give
   * them exactly and `root()` must.
   */
  fastPositions(): PosNode | null {
    const f = this.#fast;
    if (!f || this.#notFast) return null;
    const last = this.#positions.last;
    if (last.doc === this && last.pos) return last.pos;
    const pos = readPositions(f.src, f.from, f.to, LIMITS.maxDepth);
    if (!pos) {
      this.#notFast = true;
      return null;
    }
    last.doc = this;
    last.pos = pos;
    last.root = undefined;
    return pos;
  }

  /** Range of absolute offsets in the input. */
  absolute(start: number, end: number): SourceRange {
    return this.#positions.range(start, end);
  }

  root(): ParsedNode | null {
    if (this.#text === undefined) return this.#root ?? null;
    const last = this.#positions.last;
    if (last.doc === this && last.root !== undefined) return last.root;
    // The fast reader has refused duplicate keys already; `yaml`'s check costs quadratic time on wide maps.
    const docs = parseAllDocuments(this.#text.slice(this.#base, this.#end), {
      uniqueKeys: false,
      prettyErrors: false,
    });
    last.doc = this;
    last.pos = null;
    last.root = 'empty' in docs ? null : (docs[0]?.contents ?? null);
    return last.root;
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
  /** The document of this input whose positions were found last, and what they were found in. */
  readonly last: { doc: DocNodes | undefined; pos: PosNode | null; root: ParsedNode | null | undefined } = {
    doc: undefined,
    pos: null,
    root: undefined,
  };

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

type ComposedStream = Document.Parsed[] | EmptyStream;

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

/**
 * `parseAllDocuments` with a guard the input cannot fool: the parser's own stack of open collections, checked
 * after every token, so nesting stops at the limit however it is written (flow brackets after a quote in a plain
 * scalar, lines holding only `-`), before the composer recurses into it or a million open brackets fill memory.
 * `tooDeep` is the offset where the limit was passed; `stoppedAt`, where reading stopped after too many errors
 * outside any document.
 */
function composeBounded(
  text: string,
  uniqueKeys: boolean,
): { docs: ComposedStream; stoppedAt?: number } | { tooDeep: number } {
  const lexer = new Lexer();
  const parser = new Parser();
  let tooDeep = -1;
  let stoppedAt: number | undefined;
  let strayErrors = 0;
  // The stack holds the document and, at times, a scalar being read besides the open collections.
  const maxStack = LIMITS.maxDepth + 3;
  function* tokens(): Generator<CST.Token, void> {
    for (const lexeme of lexer.lex(text)) {
      const at = parser.offset;
      for (const token of parser.next(lexeme)) {
        if (token.type === 'error' && ++strayErrors > LIMITS.maxSyntaxErrors) {
          stoppedAt = at;
          return;
        }
        yield token;
      }
      if (parser.stack.length > maxStack) {
        tooDeep = at;
        return;
      }
    }
    yield* parser.end();
  }
  const composer = new Composer({ uniqueKeys, prettyErrors: false, keepSourceTokens: false });
  // `yaml` makes an Error per problem, and capturing its stack trace was most of the cost of input that is one
  // problem per character (a million `]`: 20 s). We never show those traces. V8 reads this per construction.
  const traces = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let docs: Document.Parsed[];
  try {
    docs = Array.from(composer.compose(tokens()));
  } finally {
    Error.stackTraceLimit = traces;
  }
  if (tooDeep >= 0) return { tooDeep };
  if (docs.length > 0) return { docs, stoppedAt };
  return { docs: Object.assign([], { empty: true as const }, composer.streamInfo()), stoppedAt };
}

/** `yaml`'s message for a repeated key (compose/resolve-block-map.js), as our own checks report it too. */
const DUPLICATE_KEY = 'Map keys must be unique';

/** Key comparisons `yaml`'s own duplicate check may spend (a 1,000-key map costs 500,000). */
const DUPLICATE_CHECK_BUDGET = 2_000_000;

/**
 * Keys that repeat in a map, by `yaml`'s rule for `uniqueKeys: true` (scalars with the same value, or the same
 * node), found with one set per map instead of `yaml`'s comparison of every key with every earlier one, which
 * took 27 s for a map of 50,000 keys. `cost` is what `yaml`'s check would spend.
 */
function duplicateKeys(docs: readonly Document.Parsed[]): {
  found: Map<Document.Parsed, YAMLParseError[]>;
  cost: number;
} {
  const found = new Map<Document.Parsed, YAMLParseError[]>();
  let cost = 0;
  for (const doc of docs) {
    if (!doc.contents) continue;
    const errors: YAMLParseError[] = [];
    const stack: unknown[] = [doc.contents];
    while (stack.length) {
      const node = stack.pop();
      if (isMap(node)) {
        const n = node.items.length;
        cost += (n * (n - 1)) / 2;
        const seen = new Set<unknown>();
        for (const pair of node.items) {
          const key = pair.key as unknown;
          // `===` on scalar values, as `yaml` compares them: NaN never equals itself.
          const id = isScalar(key) ? key.value : key;
          if (typeof id === 'number' && Number.isNaN(id)) continue;
          if (seen.has(id)) {
            const at = isScalar(key) ? (key.range?.[0] ?? 0) : 0;
            errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', DUPLICATE_KEY));
          } else seen.add(id);
          stack.push(pair.value, key);
        }
      } else if (isSeq(node)) {
        for (const item of node.items) stack.push(item);
      }
    }
    if (errors.length) found.set(doc, errors);
  }
  return { found, cost };
}

/** Both lists in offset order; `errors` keeps its own order where offsets tie or it is not sorted itself. */
function mergeByPosition(errors: YAMLError[], added: YAMLError[]): YAMLError[] {
  added.sort((a, b) => a.pos[0] - b.pos[0]);
  const out: YAMLError[] = [];
  let j = 0;
  for (const e of errors) {
    while (j < added.length && added[j]!.pos[0] < e.pos[0]) out.push(added[j++]!);
    out.push(e);
  }
  while (j < added.length) out.push(added[j++]!);
  return out;
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

/**
 * Each alias's node: the last node before it (in document order) with its anchor, as `Alias.resolve` finds it.
 * One walk for all aliases; `Alias.resolve(doc)` walks the whole document for each one.
 */
function aliasTargets(doc: Document.Parsed): Map<Alias, Node> | undefined {
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets.size || hasAlias(doc) ? targets : undefined;
}

function hasAlias(doc: Document.Parsed): boolean {
  let found = false;
  visit(doc, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Why the document's aliases are refused, or undefined. First the billion-laughs guard (nodes after expansion),
 * then `yaml`'s own `maxAliasCount` rule replayed in `toJS` order with the targets resolved once, so the
 * document is accepted or refused with the same message as `toJS({ maxAliasCount })` would give.
 */
function checkAliases(doc: Document.Parsed): string | undefined {
  if (!hasAlias(doc)) return undefined;
  const targets = aliasTargets(doc) ?? new Map<Alias, Node>();
  if (countExpansion(doc, targets) > LIMITS.maxExpandedNodes)
    return `Aliases expand this document to more than ${LIMITS.maxExpandedNodes} nodes (an alias bomb?). Not parsed.`;
  return replayAliasCount(doc, targets);
}

/** Nodes the document would have with every alias expanded, stopping once past the cap. */
function countExpansion(doc: Document.Parsed, targets: Map<Alias, Node>): number {
  const sizes = new Map<Node, number>();
  const size = (node: unknown, depth: number): number => {
    if (!node || typeof node !== 'object' || depth > LIMITS.maxDepth) return 1;
    const n = node as Node;
    const cached = sizes.get(n);
    if (cached !== undefined) return cached;
    let total = 1;
    if (isAlias(n)) {
      const target = targets.get(n);
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

/**
 * `toJS({ maxAliasCount })` of yaml 2 counts, per anchored node, its uses times the largest alias count found
 * inside it (`getAliasCount`), and throws once that passes the cap. The same walk and arithmetic, without
 * building values; the message for an alias without an anchor is `toJS`'s too.
 */
function replayAliasCount(doc: Document.Parsed, targets: Map<Alias, Node>): string | undefined {
  const data = new Map<Node, { count: number; aliasCount: number }>();
  const aliasCount = (node: unknown): number => {
    if (isAlias(node)) {
      const target = targets.get(node);
      const d = target && data.get(target);
      return d ? d.count * d.aliasCount : 0;
    }
    if (isMap(node) || isSeq(node)) {
      let count = 0;
      for (const item of node.items) count = Math.max(count, aliasCount(item));
      return count;
    }
    if (isPair(node)) return Math.max(aliasCount(node.key), aliasCount(node.value));
    return 1;
  };
  const walk = (node: unknown): string | undefined => {
    if (isAlias(node)) {
      const target = targets.get(node);
      if (!target) return `Unresolved alias (the anchor must be set before the alias): ${node.source}`;
      let d = data.get(target);
      if (!d) {
        const problem = walk(target);
        if (problem !== undefined) return problem;
        d = data.get(target)!;
      }
      d.count += 1;
      if (d.aliasCount === 0) d.aliasCount = aliasCount(target);
      if (d.count * d.aliasCount > LIMITS.maxAliasCount)
        return 'Excessive alias count indicates a resource exhaustion attack';
      return undefined;
    }
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor) data.set(node, { count: 1, aliasCount: 0 });
    if (isMap(node)) {
      for (const pair of node.items) {
        const problem = walk(pair.key) ?? walk(pair.value);
        if (problem !== undefined) return problem;
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        const problem = walk(item);
        if (problem !== undefined) return problem;
      }
    }
    return undefined;
  };
  return walk(doc.contents);
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
    return locateAt(this.#doc, this.basePath, path, part);
  }
}

/** `locateIn` from the object at `basePath`, on the fast reader's positions when it has them. */
function locateAt(doc: DocNodes, basePath: ObjectPath, path: ObjectPath, part: 'key' | 'value'): SourceRange {
  const fast = doc.fastPositions();
  if (!fast) return locateIn(baseNodeOf(doc, basePath), path, part, doc);
  // The same choices as locateIn over `yaml`'s nodes (kept identical by tests/unit/fast-yaml.test.ts).
  const base = fastNodeAt(fast, basePath).node;
  if (path.length === 0) {
    const kind = fastNodeAt(base, ['kind']);
    return kind.complete && kind.key !== undefined ? fastRange(kind, doc) : doc.absolute(base.s, base.e);
  }
  const found = fastNodeAt(base, path);
  if (found.key !== undefined && (!found.complete || part === 'key')) return fastRange(found, doc);
  return doc.absolute(found.node.s, found.node.e);
}

/** The range of the object at `basePath` as a whole. */
function wholeRange(doc: DocNodes, basePath: ObjectPath): SourceRange {
  const fast = doc.fastPositions();
  if (!fast) return rangeOf(basePath.length ? baseNodeOf(doc, basePath) : doc.root(), doc);
  const node = fastNodeAt(fast, basePath).node;
  return doc.absolute(node.s, node.e);
}

/** nodeAt over PosNodes; `key` is where the key of the pair holding `node` starts (undefined: not in a map). */
function fastNodeAt(root: PosNode, path: ObjectPath): { node: PosNode; key?: number; complete: boolean } {
  let node = root;
  let key: number | undefined;
  for (const seg of path) {
    if (node.keys) {
      const i = node.keys.indexOf(String(seg));
      if (i < 0) return { node, key, complete: false };
      key = node.keyStarts![i];
      node = node.values![i]!;
    } else if (node.items && typeof seg === 'number' && node.items[seg]) {
      key = undefined;
      node = node.items[seg];
    } else return { node, key, complete: false };
  }
  return { node, key, complete: true };
}

/** The pair's range: from its key to the end of its value. */
function fastRange(at: { node: PosNode; key?: number }, doc: DocNodes): SourceRange {
  return doc.absolute(at.key!, at.node.e);
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
