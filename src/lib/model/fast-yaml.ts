import { LIMITS } from './limits.ts';
import type { JsonObject, JsonValue } from './types.ts';
import { blockScalar } from './yaml/block-scalar.ts';
import { inlineValue } from './yaml/flow.ts';
import type { PosNode, StringCache } from './yaml/syntax.ts';
import {
  AMP,
  cut,
  DASH,
  DQUOTE,
  GIVE_UP,
  HASH,
  isBlockIndicator,
  isSeqItem,
  keyEnd,
  nameEnd,
  quotedEnd,
  quotedValue,
  resolvePlain,
  restIsComment,
  SPACE,
  SQUOTE,
  STAR,
} from './yaml/syntax.ts';

export { newStringCache } from './yaml/syntax.ts';
export type { PosNode, StringCache } from './yaml/syntax.ts';

/**
 * A reader for the plain subset of YAML that Kubernetes manifests are written in: block mappings and
 * sequences, one-line plain / quoted scalars and one-line flow collections. It exists for speed — the `yaml`
 * library keeps a position for every node, which costs ~10× more than the values alone — and it gives up
 * (returns `UNSUPPORTED`) on anything outside that subset or anything it is not certain about, so the caller
 * reads the document with `yaml` instead. It must never accept text that `yaml` rejects, and its values must
 * equal `yaml`'s `toJS()` with the default YAML 1.2 core schema; `tests/unit/fast-yaml.test.ts` checks both
 * against `yaml` itself over every fixture and fuzzed input.
 */
export const UNSUPPORTED: unique symbol = Symbol('unsupported-yaml');

/**
 * A document that is in the fast reader's subset except that a block mapping repeats a key (by `yaml`'s rule for
 * `uniqueKeys`: scalars whose values are `===`). `yaml` rejects it with one DUPLICATE_KEY error at each repeated
 * key's first character, in document order, and nothing else; `at` holds those offsets. Reading it with `yaml`
 * instead cost ~4× what the rest of the lint of a wide map costs (issue #15).
 */
export class DuplicateKeys {
  readonly at: readonly number[];
  constructor(at: readonly number[]) {
    this.at = at;
  }
}

export type FastResult = JsonValue | undefined | typeof UNSUPPORTED | DuplicateKeys;

/**
 * Characters the fast reader refuses outright: tabs (indentation rules), CR (line-break normalisation),
 * other controls and the Unicode line/paragraph separators and BOM, whose handling it does not replicate.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this matches
export const REFUSED_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/;

/** Offsets where each line of `text` starts, plus one past the end (so line i ends at `starts[i + 1] - 1`). */
export function lineStarts(text: string): Int32Array {
  let count = 1;
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) count++;
  const starts = new Int32Array(count + 1);
  let line = 1;
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) starts[line++] = k + 1;
  starts[count] = text.length + 1;
  return starts;
}

/** What the caller has already worked out about the whole input, shared by all its documents. */
export interface SourceLines {
  readonly text: string;
  /** From `lineStarts(text)`. */
  readonly starts: Int32Array;
  /** Scratch space, one slot per line (the reader overwrites it). */
  readonly scratch: Int32Array;
  /** No line contains `REFUSED_CHARS` (one scan of the whole input is cheaper than one per document). */
  readonly checked: boolean;
  /** From `newStringCache()`, shared by the documents of one input. */
  readonly strings: StringCache;
}

/**
 * Lines `[from, to)` of the input are one document (no `---` / `...` marker lines inside). Returns its value,
 * `undefined` for a document with only comments, or `UNSUPPORTED`.
 */
export function readSimpleYaml(src: SourceLines, from: number, to: number, maxDepth: number): FastResult {
  if (!src.checked) {
    const body = src.text.slice(src.starts[from], Math.max(src.starts[from]!, src.starts[to]! - 1));
    if (REFUSED_CHARS.test(body)) return UNSUPPORTED;
  }
  try {
    return new Reader(src, from, to, maxDepth).document();
  } catch (err) {
    if (err === GIVE_UP) return UNSUPPORTED;
    throw err;
  }
}

/**
 * The positions of a document the fast reader reads (lines `[from, to)`), found by reading it again: no node tree is
 * kept for the many documents that never need one. Only for a document readSimpleYaml has read (not UNSUPPORTED, no
 * DuplicateKeys): this reading builds no values, so it would not notice a repeated key. `undefined` where the positions would depend on `yaml`'s
 * placement of comment lines (which a comment line after the first content line can change), or whatever the fast
 * reader gives up on: the caller then asks `yaml`. `tests/unit/fast-yaml.test.ts` compares every path's position
 * with `yaml`'s.
 */
export function readPositions(src: SourceLines, from: number, to: number, maxDepth: number): PosNode | undefined {
  const { text, starts } = src;
  let content = false;
  for (let i = from; i < to; i++) {
    const e = starts[i + 1]! - 1;
    let k = starts[i]!;
    while (k < e && text.charCodeAt(k) === SPACE) k++;
    if (k === e) continue;
    if (text.charCodeAt(k) === HASH) {
      if (content) return undefined;
    } else content = true;
  }
  try {
    const reader = new Reader(src, from, to, maxDepth, true);
    reader.document();
    return reader.last;
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}

/** Stands in for position-mode lists in value mode, where nothing is ever pushed to them. */
const NONE: never[] = [];

/**
 * Sets `range[2]` of the node the reader has just made for a value that fills the rest of its line. Every PosNode is
 * a new object of this read, so it is set in place rather than copied (a copy per scalar cost a fifth of a read).
 */
function endsAt(node: PosNode, e2: number): void {
  (node as { e2: number }).e2 = e2;
}

/** Scratch value for a line whose column is not worked out yet. */
const UNKNOWN = -2;

/**
 * Offsets are absolute in `text`; every scan is bounded by the end of its line (`e`), so a search can never
 * run on into the rest of a multi-megabyte input.
 */
class Reader {
  readonly text: string;
  readonly starts: Int32Array;
  readonly to: number;
  private readonly maxDepth: number;
  /** Column where each line's content starts; a `- ` item moves it to the item's content. -1: blank. */
  private readonly col: Int32Array;
  private readonly strings: StringCache;
  pos: number;
  /** Anchors defined so far (`&name`), their values, and how many are still being read. */
  private readonly anchors = new Map<string, JsonValue>();
  private open = 0;
  aliases = 0;
  /** Position mode: each node read leaves its PosNode here. */
  readonly track: boolean;
  last: PosNode | undefined;
  /** Offsets of repeated keys (see DuplicateKeys); the document is read on to make sure nothing else is wrong. */
  private dups: number[] | undefined;
  /** The key `mapKey` read last resolved to a scalar that is not a string (number, boolean, null). */
  private keyTyped = false;
  /** The value read last, at any depth, was empty (`key:` or `-` with nothing after it). */
  private endedEmpty = false;

  constructor(src: SourceLines, from: number, to: number, maxDepth: number, track = false) {
    this.track = track;
    this.strings = src.strings;
    const { text, starts } = src;
    this.text = text;
    this.starts = starts;
    this.to = to;
    this.maxDepth = maxDepth;
    this.pos = from;
    this.col = src.scratch;
    // Columns are worked out as lines are reached: a document the reader gives up on early (deep nesting, an
    // anchor on line 3) costs nothing for the lines after that point.
    this.col.fill(UNKNOWN, from, to);
  }

  /** Column where line i's content starts, -1 for a blank or comment line. */
  private colAt(i: number): number {
    const known = this.col[i]!;
    if (known !== UNKNOWN) return known;
    const text = this.text;
    const s = this.starts[i]!;
    const e = this.starts[i + 1]! - 1;
    let k = s;
    while (k < e && text.charCodeAt(k) === SPACE) k++;
    const blank = k === e || text.charCodeAt(k) === HASH;
    // Marker lines split documents before we get here; a directive needs the full parser.
    if (!blank && k === s) {
      const c0 = text.charCodeAt(s);
      if (c0 === 37 || ((c0 === DASH || c0 === 46) && text.startsWith(c0 === DASH ? '---' : '...', s))) throw GIVE_UP;
    }
    const col = blank ? -1 : k - s;
    this.col[i] = col;
    return col;
  }

  document(): JsonValue | undefined | DuplicateKeys {
    this.skipBlank();
    if (this.pos >= this.to) return undefined;
    // A root node that does not start at column 0 is legal YAML but unusual enough to leave to `yaml`.
    if (this.colAt(this.pos) !== 0) throw GIVE_UP;
    const value = this.node(1);
    this.skipBlank();
    if (this.pos < this.to) throw GIVE_UP;
    // `yaml` reports the repeated keys and never builds the value, so its alias caps never come into play.
    if (this.dups) return new DuplicateKeys(this.dups);
    // The alias caps `yaml` applies (parse.ts checkAliases): under 1,000 aliases none of which is inside an
    // anchored node, its per-anchor count cannot pass 1,000; the expansion is counted on the values themselves.
    if (this.aliases && expanded(value, LIMITS.maxExpandedNodes) > LIMITS.maxExpandedNodes) throw GIVE_UP;
    return value;
  }

  private skipBlank(): void {
    while (this.pos < this.to && this.colAt(this.pos) === -1) this.pos++;
  }

  private lineEnd(i: number): number {
    return this.starts[i + 1]! - 1;
  }

  /** `&name ` at `v`: the name, and where the node after it starts. Position mode leaves anchors to `yaml`. */
  private anchor(v: number, e: number): [string, number] {
    if (this.track) throw GIVE_UP;
    const end = nameEnd(this.text, v + 1, e);
    const name = this.text.slice(v + 1, end);
    let k = end;
    while (k < e && this.text.charCodeAt(k) === SPACE) k++;
    const next = this.text.charCodeAt(k);
    if (next === AMP || next === STAR || next === 33 /* ! */) throw GIVE_UP;
    this.open++;
    return [name, k];
  }

  private define(name: string, value: JsonValue): void {
    this.open--;
    if (this.anchors.has(name)) throw GIVE_UP; // a redefined anchor: rare, left to `yaml`
    this.anchors.set(name, value);
  }

  /** `*name` at `v`, alone on the rest of its line: the anchored value itself, as `toJS` shares it. */
  private alias(v: number, e: number): JsonValue {
    const end = nameEnd(this.text, v + 1, e);
    restIsComment(this.text, end, e);
    return this.resolve(this.text.slice(v + 1, end));
  }

  resolve(name: string): JsonValue {
    // An alias inside an anchored node (or its own) could make `yaml`'s alias count pass its cap, or a cycle.
    if (this.track || this.open > 0 || !this.anchors.has(name)) throw GIVE_UP;
    if (++this.aliases >= LIMITS.maxAliasCount) throw GIVE_UP;
    return this.anchors.get(name)!;
  }

  /** `range[2]` of a value that ends on line i: the end of the line, its line break included. */
  private afterLine(i: number): number {
    return Math.min(this.starts[i + 1]!, this.text.length);
  }

  /** An empty value (null) at `p`; a comment on its line would move its end, so position mode gives up. */
  private empty(p: number, e: number): void {
    if (!this.track) return;
    if (p < e) throw GIVE_UP;
    this.last = { s: p, e: p, e2: p };
  }

  /** The node whose first line is `pos`, starting at that line's column. */
  private node(depth: number): JsonValue {
    if (depth > this.maxDepth) throw GIVE_UP;
    const text = this.text;
    const c = this.starts[this.pos]! + this.colAt(this.pos);
    const e = this.lineEnd(this.pos);
    if (isSeqItem(text, c, e)) return this.sequence(this.colAt(this.pos), depth);
    if (keyEnd(text, c, e) >= 0) return this.mapping(this.colAt(this.pos), depth);
    const value = inlineValue(text, c, e, depth, this.maxDepth, this.strings, this.track ? this : undefined, this);
    if (this.track) endsAt(this.last!, this.afterLine(this.pos));
    this.pos++;
    return value;
  }

  private mapping(column: number, depth: number): JsonObject {
    const text = this.text;
    const obj: JsonObject = {};
    const track = this.track;
    // Position mode only: what the mapping's PosNode lists (value mode reads a hundred thousand maps without them).
    const keys: string[] = track ? [] : NONE;
    const keyStarts: number[] = track ? [] : NONE;
    const values: PosNode[] = track ? [] : NONE;
    // Keys of this mapping that are not strings (rare): `1` and `"1"` are the same property but not a duplicate.
    let typed: Set<string> | undefined;
    const s0 = this.starts[this.pos]! + column;
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.to) break;
      const at = this.colAt(this.pos);
      if (at < column) break;
      if (at > column) throw GIVE_UP;
      const c = this.starts[this.pos]! + column;
      const e = this.lineEnd(this.pos);
      const end = keyEnd(text, c, e);
      if (end < 0) throw GIVE_UP;
      const key = this.mapKey(c, end, e);
      // Position mode fills no object (see readPositions), so it has no repeated key to find either.
      if (!track && Object.prototype.hasOwnProperty.call(obj, key)) {
        // After an empty value (this map's last, or the last inside it) `yaml` places the error at the line
        // break before the key, unless other lines come between (its CST gives those line breaks to the next
        // pair): left to `yaml`.
        if (this.endedEmpty) throw GIVE_UP;
        this.duplicate(key, c, typed);
      } else if (this.keyTyped) (typed ??= new Set()).add(key);
      this.endedEmpty = false;
      if (track) {
        // Locating compares String() of the key's value: a null key (`~:`) is "null" there, "" in the object.
        const quoted = text.charCodeAt(c) === DQUOTE || text.charCodeAt(c) === SQUOTE;
        keys.push(key === '' && !quoted ? 'null' : key);
        keyStarts.push(c);
      }
      let v = end + 1;
      while (v < e && text.charCodeAt(v) === SPACE) v++;
      let anchor: string | undefined;
      if (text.charCodeAt(v) === STAR) {
        obj[key] = this.alias(v, e); // value mode only: position mode gives up on an alias
        this.pos++;
        continue;
      }
      if (text.charCodeAt(v) === AMP) [anchor, v] = this.anchor(v, e);
      let value: JsonValue;
      if (v === e || text.charCodeAt(v) === HASH) {
        this.pos++;
        this.skipBlank();
        if (this.pos < this.to && this.colAt(this.pos) > column) value = this.node(depth + 1);
        else if (
          this.pos < this.to &&
          this.colAt(this.pos) === column &&
          isSeqItem(text, this.starts[this.pos]! + column, this.lineEnd(this.pos))
        )
          value = this.sequence(column, depth + 1);
        else {
          value = null;
          this.empty(v, e);
          this.endedEmpty = true;
        }
      } else if (isBlockIndicator(text.charCodeAt(v))) {
        value = blockScalar(this, column, v, e);
      } else {
        value = inlineValue(text, v, e, depth + 1, this.maxDepth, this.strings, track ? this : undefined, this);
        if (track) endsAt(this.last!, this.afterLine(this.pos));
        this.pos++;
      }
      if (track) values.push(this.last!);
      else obj[key] = value;
      if (anchor !== undefined) this.define(anchor, value);
    }
    if (track) {
      const e = values[values.length - 1]!.e2;
      this.last = { s: s0, e, e2: e, keys, keyStarts, values };
    }
    return obj;
  }

  /** The key at `c` (its `:` at `end`) as the object's property name; sets `keyTyped`. */
  private mapKey(c: number, end: number, e: number): string {
    const text = this.text;
    const first = text.charCodeAt(c);
    let key: string;
    if (first === DQUOTE || first === SQUOTE) {
      key = quotedValue(text, c, quotedEnd(text, c, e));
      this.keyTyped = false;
    } else {
      const resolved = resolvePlain(cut(text, c, end, this.strings));
      this.keyTyped = typeof resolved !== 'string';
      // `yaml` turns a null key into '' and other scalars into String(value).
      key = resolved === null ? '' : String(resolved);
    }
    // `<<` is a merge key under YAML 1.1 schemas and `__proto__` needs special handling in plain objects.
    if (key === '<<' || key === '__proto__') throw GIVE_UP;
    return key;
  }

  /**
   * `key` (at `at`) names a property the mapping has already. `yaml` calls it a duplicate when both keys' scalar
   * values are `===`: for keys with the same String() that holds when both are strings or both are not, except
   * NaN. Mixed cases (`1` and `"1"`) and position mode are left to `yaml`.
   */
  private duplicate(key: string, at: number, typed: Set<string> | undefined): void {
    const before = typed?.has(key) ?? false;
    if (this.track || before !== this.keyTyped || (before && key === 'NaN')) throw GIVE_UP;
    (this.dups ??= []).push(at);
  }

  private sequence(column: number, depth: number): JsonValue[] {
    const text = this.text;
    const arr: JsonValue[] = [];
    const track = this.track;
    const items: PosNode[] = track ? [] : NONE;
    const s0 = this.starts[this.pos]! + column;
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.to) break;
      const at = this.colAt(this.pos);
      if (at < column) break;
      if (at > column) throw GIVE_UP;
      const s = this.starts[this.pos]!;
      const e = this.lineEnd(this.pos);
      if (!isSeqItem(text, s + column, e)) break; // back to the mapping this compact sequence belongs to
      let j = s + column + 1;
      this.endedEmpty = false;
      while (j < e && text.charCodeAt(j) === SPACE) j++;
      let anchor: string | undefined;
      if (text.charCodeAt(j) === STAR) {
        arr.push(this.alias(j, e));
        this.pos++;
        continue;
      }
      if (text.charCodeAt(j) === AMP) {
        [anchor, j] = this.anchor(j, e);
        if (keyEnd(text, j, e) >= 0) throw GIVE_UP; // `- &a key: v` anchors the key
      }
      if (j === e || text.charCodeAt(j) === HASH) {
        this.pos++;
        this.skipBlank();
        if (this.pos < this.to && this.colAt(this.pos) > column) arr.push(this.node(depth + 1));
        else {
          arr.push(null);
          this.empty(j, e);
          this.endedEmpty = true;
        }
      } else if (isBlockIndicator(text.charCodeAt(j))) {
        arr.push(blockScalar(this, column, j, e));
      } else {
        this.col[this.pos] = j - s;
        arr.push(this.node(depth + 1));
      }
      if (anchor !== undefined) this.define(anchor, arr[arr.length - 1]!);
      if (track) items.push(this.last!);
    }
    if (track) {
      const e = items[items.length - 1]!.e2;
      this.last = { s: s0, e, e2: e, items };
    }
    return arr;
  }
}

/** Nodes of `value` with every alias expanded (as parse.ts countExpansion counts them), stopping past `cap`. */
function expanded(value: JsonValue, cap: number): number {
  let count = 0;
  const stack: JsonValue[] = [value];
  while (stack.length && count <= cap) {
    const v = stack.pop()!;
    count++;
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object')
      for (const k in v) {
        count++; // the key
        stack.push(v[k]!);
      }
  }
  return count;
}
