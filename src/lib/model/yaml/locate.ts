// Positions for findings: a resource's paths mapped to lines and columns, found only when a finding asks.
import { isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Node, Pair, ParsedNode } from 'yaml';
import { lineStarts, readPositions } from '../fast-yaml.ts';
import type { PosNode, SourceLines } from '../fast-yaml.ts';
import { LIMITS } from '../limits.ts';
import type { JsonObject, ObjectPath, Resource, SourceRange } from '../types.ts';

export function point(line: number, column: number): SourceRange {
  return { line, column, endLine: line, endColumn: column + 1 };
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
export class DocNodes {
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

/** 1-based line/column for offsets of one input. */
export class LinePositions {
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

export function rangeOf(node: Node | Pair | null, doc: DocNodes): SourceRange {
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
export class ParsedResource implements Resource {
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
export function locateAt(doc: DocNodes, basePath: ObjectPath, path: ObjectPath, part: 'key' | 'value'): SourceRange {
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
export function wholeRange(doc: DocNodes, basePath: ObjectPath): SourceRange {
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
