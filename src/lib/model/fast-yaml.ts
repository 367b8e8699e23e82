import { LIMITS } from './limits.ts';
import type { JsonObject, JsonValue } from './types.ts';

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

class GiveUp {}
const GIVE_UP = new GiveUp();

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
 * Manifests repeat the same short strings thousands of times (keys, kinds, namespaces, label values). A small
 * direct-mapped cache hands back the string already made for the same characters: fewer allocations, and one
 * string object per distinct value, whose hash V8 then computes once for every Map and property lookup.
 */
export type StringCache = (string | undefined)[];
export function newStringCache(): StringCache {
  return new Array<string | undefined>(4096).fill(undefined);
}

const MAX_CACHED = 48;

function cut(text: string, start: number, end: number, cache: StringCache): string {
  const len = end - start;
  if (len > MAX_CACHED || len <= 0) return text.slice(start, end);
  const slot =
    (len * 7 + text.charCodeAt(start) * 31 + text.charCodeAt(end - 1) * 17 + text.charCodeAt(start + (len >> 1))) &
    4095;
  const hit = cache[slot];
  if (hit !== undefined && hit.length === len && text.startsWith(hit, start)) return hit;
  const made = text.slice(start, end);
  cache[slot] = made;
  return made;
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
 * Where a node is, as `yaml` would place it (its `range[0]`, `range[1]` and, for what its parent's end depends on,
 * `range[2]`). Maps list their keys (spelled as `String()` of the key's scalar value, as locating compares them),
 * where each key starts, and their values.
 */
export interface PosNode {
  readonly s: number;
  readonly e: number;
  readonly e2: number;
  readonly items?: readonly PosNode[];
  readonly keys?: readonly string[];
  readonly keyStarts?: readonly number[];
  readonly values?: readonly PosNode[];
}

/**
 * The positions of a document the fast reader reads (lines `[from, to)`), found by reading it again: no node tree is
 * kept for the many documents that never need one. `undefined` where the positions would depend on `yaml`'s
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
const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const COMMA = 44;
const OPEN_SEQ = 91;
const CLOSE_SEQ = 93;
const OPEN_MAP = 123;
const CLOSE_MAP = 125;
const DQUOTE = 34;
const SQUOTE = 39;
const AMP = 38;
const STAR = 42;

/**
 * Offsets are absolute in `text`; every scan is bounded by the end of its line (`e`), so a search can never
 * run on into the rest of a multi-megabyte input.
 */
class Reader {
  private readonly text: string;
  private readonly starts: Int32Array;
  private readonly to: number;
  private readonly maxDepth: number;
  /** Column where each line's content starts; a `- ` item moves it to the item's content. -1: blank. */
  private readonly col: Int32Array;
  private readonly strings: StringCache;
  private pos: number;
  /** Anchors defined so far (`&name`), their values, and how many are still being read. */
  private readonly anchors = new Map<string, JsonValue>();
  private open = 0;
  aliases = 0;
  /** Position mode: each node read leaves its PosNode here. */
  private readonly track: boolean;
  last: PosNode | undefined;
  /** Offsets of repeated keys (see DuplicateKeys); the document is read on to make sure nothing else is wrong. */
  private dups: number[] | undefined;
  /** The key `mapKey` read last resolved to a scalar that is not a string (number, boolean, null). */
  private keyTyped = false;

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
    let emptyBefore = false;
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
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        // After a pair with an empty value `yaml` places the error at the line break before the key, unless
        // other lines come between (its CST gives those line breaks to the next pair): left to `yaml`.
        if (emptyBefore) throw GIVE_UP;
        this.duplicate(key, c, typed);
      } else if (this.keyTyped) (typed ??= new Set()).add(key);
      emptyBefore = false;
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
        obj[key] = this.alias(v, e);
        this.pos++;
        continue;
      }
      if (text.charCodeAt(v) === AMP) [anchor, v] = this.anchor(v, e);
      if (v === e || text.charCodeAt(v) === HASH) {
        this.pos++;
        this.skipBlank();
        if (this.pos < this.to && this.colAt(this.pos) > column) obj[key] = this.node(depth + 1);
        else if (
          this.pos < this.to &&
          this.colAt(this.pos) === column &&
          isSeqItem(text, this.starts[this.pos]! + column, this.lineEnd(this.pos))
        )
          obj[key] = this.sequence(column, depth + 1);
        else {
          obj[key] = null;
          this.empty(v, e);
          emptyBefore = true;
        }
      } else if (isBlockIndicator(text.charCodeAt(v))) {
        obj[key] = this.blockScalar(column, v, e);
      } else {
        obj[key] = inlineValue(text, v, e, depth + 1, this.maxDepth, this.strings, track ? this : undefined, this);
        if (track) endsAt(this.last!, this.afterLine(this.pos));
        this.pos++;
      }
      if (anchor !== undefined) this.define(anchor, obj[key]!);
      if (track) values.push(this.last!);
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
        }
      } else if (isBlockIndicator(text.charCodeAt(j))) {
        arr.push(this.blockScalar(column, j, e));
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

  /**
   * A block scalar (`|` or `>`, optional indentation and chomping indicators) whose header is at `h` on the current
   * line, in a collection at column `parent`; leaves `pos` on the first line after its content. The semantics are
   * YAML 1.2 §8.1 as `yaml` implements them (node_modules/yaml/dist/compose/resolve-block-scalar.js and the
   * lexer's parseBlockScalar): the content indentation is the first non-empty line's unless given, lines are kept
   * (`|`) or folded (`>`), and trailing line breaks are clipped, stripped (`-`) or kept (`+`). Anything where the
   * two could part ways (empty content, more-indented blank lines before the first or after the last content line,
   * content at the very end of the input without a line break) gives up.
   */
  private blockScalar(parent: number, h: number, e: number): string {
    const text = this.text;
    const starts = this.starts;
    const folded = text.charCodeAt(h) === 62;
    let explicit = 0;
    let chomp = 0; // -1 strip, 0 clip, 1 keep
    let k = h + 1;
    for (; k < e; k++) {
      const ch = text.charCodeAt(k);
      if (ch >= 49 && ch <= 57 && explicit === 0) explicit = ch - 48;
      else if ((ch === 43 || ch === DASH) && chomp === 0) chomp = ch === 43 ? 1 : -1;
      else break;
    }
    restIsComment(text, k, e);
    const first = this.pos + 1;
    // Leading spaces and whether anything else is on each line, found as the lines are reached.
    let indent = explicit ? parent + explicit : -1;
    let i = first;
    for (; i < this.to; i++) {
      const [sp, blank] = spaces(text, starts[i]!, starts[i + 1]! - 1);
      if (indent < 0) {
        if (blank) continue;
        if (sp <= parent) throw GIVE_UP; // empty content
        indent = sp;
        for (let b = first; b < i; b++) if (spaces(text, starts[b]!, starts[b + 1]! - 1)[0] > indent) throw GIVE_UP;
      }
      if (!blank && sp < indent) break;
    }
    if (indent < 0) throw GIVE_UP;
    const stop = i; // first line after the block (or the end of the document)
    // The last line with content; blank lines after it are the trailing ones that chomping decides about.
    let last = stop - 1;
    while (last >= first && spaces(text, starts[last]!, starts[last + 1]! - 1)[1]) {
      if (spaces(text, starts[last]!, starts[last + 1]! - 1)[0] > indent) throw GIVE_UP;
      last--;
    }
    if (last < first) throw GIVE_UP;
    if (starts[last + 1]! > text.length) throw GIVE_UP; // no line break after the content
    let out = '';
    let sep = '';
    let prevMore = false;
    let leading = true;
    for (let j = first; j <= last; j++) {
      const s = starts[j]!;
      const end = starts[j + 1]! - 1;
      const [sp, blank] = spaces(text, s, end);
      const line = sp > indent || !blank ? text.slice(s + indent, end) : '';
      if (!folded) {
        out += (j === first ? '' : '\n') + line;
        continue;
      }
      if (leading) {
        if (blank && sp <= indent) {
          out += '\n';
          continue;
        }
        leading = false;
      }
      if (sp > indent) {
        // More-indented lines keep their line breaks, and so does the line before them.
        if (sep === ' ') sep = '\n';
        else if (!prevMore && sep === '\n') sep = '\n\n';
        out += sep + line;
        sep = '\n';
        prevMore = true;
      } else if (line === '') {
        if (sep === '\n') out += '\n';
        else sep = '\n';
      } else {
        out += sep + line;
        sep = ' ';
        prevMore = false;
      }
    }
    if (this.track) {
      // The scalar's source runs to the end of its last content line, or with `+` over the blank lines after it.
      const end = chomp === 1 ? Math.min(starts[stop]!, text.length) : Math.min(starts[last + 1]!, text.length);
      this.last = { s: h, e: end, e2: end };
    }
    if (chomp === 0) out += '\n';
    else if (chomp === 1) {
      // One line break per blank line after the content, and the content's own; the empty "line" after the
      // input's final line break is not a line.
      const phantom = stop === this.to && stop - 1 > last && starts[stop - 1] === text.length ? 1 : 0;
      out += '\n'.repeat(stop - last - phantom);
    }
    this.pos = last + 1;
    return out;
  }
}

/** End of an anchor or alias name starting at `k` (letters, digits, `_`, `-`, `.`; anything else gives up). */
function nameEnd(text: string, k: number, e: number): number {
  let j = k;
  for (; j < e; j++) {
    const ch = text.charCodeAt(j);
    const ok =
      (ch >= 48 && ch <= 57) ||
      (ch >= 65 && ch <= 90) ||
      (ch >= 97 && ch <= 122) ||
      ch === 95 ||
      ch === DASH ||
      ch === 46;
    if (ok) continue;
    if (ch === SPACE || ch === COMMA || ch === CLOSE_SEQ || ch === CLOSE_MAP) break;
    throw GIVE_UP;
  }
  if (j === k) throw GIVE_UP;
  return j;
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

function isBlockIndicator(ch: number): boolean {
  return ch === 124 /* | */ || ch === 62; /* > */
}

/** Leading spaces of the line [s, e), and whether nothing else is on it. */
function spaces(text: string, s: number, e: number): [number, boolean] {
  let k = s;
  while (k < e && text.charCodeAt(k) === SPACE) k++;
  return [k - s, k === e];
}

function isSeqItem(text: string, c: number, e: number): boolean {
  return text.charCodeAt(c) === DASH && (c + 1 === e || text.charCodeAt(c + 1) === SPACE);
}

/**
 * If the line at `c` (ending at `e`) is a `key: ...` entry, the index of its `:`; otherwise -1. Keys are plain
 * or quoted scalars on one line; anything fancier (`? `, anchors, tags, flow keys) gives up.
 */
function keyEnd(text: string, c: number, e: number): number {
  const first = text.charCodeAt(c);
  if (first === DQUOTE || first === SQUOTE) {
    const close = quotedEnd(text, c, e);
    if (close < 0) return -1;
    let k = close;
    while (k < e && text.charCodeAt(k) === SPACE) k++;
    if (k < e && text.charCodeAt(k) === COLON && (k + 1 === e || text.charCodeAt(k + 1) === SPACE)) {
      if (k !== close) throw GIVE_UP; // `"a" : b` is legal but rare; leave it to `yaml`
      return k;
    }
    return -1;
  }
  if (!plainStart(text, c, e)) return -1;
  for (let k = c + 1; k < e; k++) {
    const ch = text.charCodeAt(k);
    if (ch === HASH && text.charCodeAt(k - 1) === SPACE) return -1; // a comment before any `: `
    if (ch === COLON && (k + 1 === e || text.charCodeAt(k + 1) === SPACE)) {
      if (text.charCodeAt(k - 1) === SPACE) throw GIVE_UP; // `a : b`: key with trailing spaces
      return k;
    }
  }
  return -1;
}

/** Whether a plain scalar may start at `c` in block context (YAML 1.2 ns-plain-first). */
function plainStart(text: string, c: number, e: number): boolean {
  const ch = text.charCodeAt(c);
  // [ ] { } , # & * ! | > ' " % @ `
  if (
    ch === OPEN_SEQ ||
    ch === CLOSE_SEQ ||
    ch === OPEN_MAP ||
    ch === CLOSE_MAP ||
    ch === COMMA ||
    ch === HASH ||
    ch === 38 ||
    ch === 42 ||
    ch === 33 ||
    ch === 124 ||
    ch === 62 ||
    ch === SQUOTE ||
    ch === DQUOTE ||
    ch === 37 ||
    ch === 64 ||
    ch === 96
  )
    return false;
  if (ch === DASH || ch === 63 /* ? */ || ch === COLON) {
    if (c + 1 >= e || text.charCodeAt(c + 1) === SPACE) return false;
    if (ch !== DASH) throw GIVE_UP; // `?x`/`:x` plain scalars are legal but rare
  }
  return true;
}

/** The value that fills the rest of the line from `v`; anything left after it (except a comment) gives up. */
/** What an alias inside a flow collection resolves through. */
interface Aliases {
  resolve(name: string): JsonValue;
}

/** Where a position-mode reader takes the PosNode of the value just read (`last`). */
interface Tracker {
  last: PosNode | undefined;
}

function inlineValue(
  text: string,
  v: number,
  e: number,
  depth: number,
  maxDepth: number,
  strings: StringCache,
  tracker?: Tracker,
  aliases?: Aliases,
): JsonValue {
  const ch = text.charCodeAt(v);
  let value: JsonValue;
  let after: number;
  if (ch === DQUOTE || ch === SQUOTE) {
    const close = quotedEnd(text, v, e);
    if (close < 0) throw GIVE_UP; // multi-line quoted scalar
    value = quotedValue(text, v, close);
    after = close;
    if (tracker) tracker.last = { s: v, e: close, e2: close };
  } else if (ch === OPEN_SEQ || ch === OPEN_MAP) {
    const flow = new Flow(text, e, maxDepth, strings, tracker !== undefined, aliases);
    value = flow.value(v, depth);
    after = flow.pos;
    if (tracker) tracker.last = flow.node;
  } else {
    if (!plainStart(text, v, e)) throw GIVE_UP;
    let end = e;
    for (let k = v + 1; k < e; k++) {
      const c = text.charCodeAt(k);
      if (c === HASH && text.charCodeAt(k - 1) === SPACE) {
        end = k;
        break;
      }
      // `a: b: c` is an error in YAML; a colon not followed by a space is just text (URLs, image tags).
      if (c === COLON && (k + 1 === e || text.charCodeAt(k + 1) === SPACE)) throw GIVE_UP;
    }
    while (end > v && text.charCodeAt(end - 1) === SPACE) end--;
    if (text.charCodeAt(end - 1) === COLON) throw GIVE_UP; // `a: b :` and friends
    if (tracker) tracker.last = { s: v, e: end, e2: end };
    return resolvePlain(cut(text, v, end, strings));
  }
  restIsComment(text, after, e);
  return value;
}

function restIsComment(text: string, from: number, e: number): void {
  let k = from;
  while (k < e && text.charCodeAt(k) === SPACE) k++;
  if (k === e) return;
  if (text.charCodeAt(k) === HASH && k > from) return;
  throw GIVE_UP;
}

/** Index just past the closing quote of the quoted scalar at `c`, or -1 when it does not close on this line. */
function quotedEnd(text: string, c: number, e: number): number {
  const q = text.charCodeAt(c);
  for (let k = c + 1; k < e; k++) {
    const ch = text.charCodeAt(k);
    if (q === SQUOTE) {
      if (ch !== SQUOTE) continue;
      if (k + 1 < e && text.charCodeAt(k + 1) === SQUOTE) {
        k++;
        continue;
      }
      return k + 1;
    }
    if (ch === 92 /* backslash */) {
      k++; // whatever follows a backslash is part of an escape, never the closing quote
      continue;
    }
    if (ch === DQUOTE) return k + 1;
  }
  return -1;
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

function quotedValue(text: string, c: number, close: number): string {
  const body = text.slice(c + 1, close - 1);
  if (text.charCodeAt(c) === SQUOTE) return body.includes("''") ? body.replaceAll("''", "'") : body;
  if (!body.includes('\\')) return body;
  let out = '';
  for (let k = 0; k < body.length; k++) {
    const ch = body[k]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const esc = body[++k];
    if (esc === undefined) throw GIVE_UP;
    const simple = ESCAPES[esc];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const len = HEX_LENGTH[esc];
    if (len === undefined) throw GIVE_UP;
    const hex = body.slice(k + 1, k + 1 + len);
    if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw GIVE_UP;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) throw GIVE_UP;
    out += String.fromCodePoint(code);
    k += len;
  }
  return out;
}

/** One-line flow collections: `[a, "b", {c: 1}]`. Multi-line flows and their edge cases go to `yaml`. */
class Flow {
  pos = 0;
  /** Position mode: the PosNode of the value just read. */
  node: PosNode | undefined;
  private readonly text: string;
  private readonly e: number;
  private readonly maxDepth: number;
  private readonly strings: StringCache;
  private readonly track: boolean;
  private readonly aliases: Aliases | undefined;
  constructor(text: string, e: number, maxDepth: number, strings: StringCache, track = false, aliases?: Aliases) {
    this.text = text;
    this.e = e;
    this.maxDepth = maxDepth;
    this.strings = strings;
    this.track = track;
    this.aliases = aliases;
  }

  private at(k: number): number {
    return k < this.e ? this.text.charCodeAt(k) : NaN;
  }

  value(at: number, depth: number): JsonValue {
    if (depth > this.maxDepth) throw GIVE_UP;
    const ch = this.at(at);
    if (ch === OPEN_SEQ) return this.seq(at, depth);
    if (ch === OPEN_MAP) return this.map(at, depth);
    if (ch === DQUOTE || ch === SQUOTE) {
      const close = quotedEnd(this.text, at, this.e);
      if (close < 0) throw GIVE_UP;
      this.pos = close;
      if (this.track) this.node = { s: at, e: close, e2: close };
      return quotedValue(this.text, at, close);
    }
    if (ch === STAR && this.aliases) {
      const end = nameEnd(this.text, at + 1, this.e);
      this.pos = end;
      return this.aliases.resolve(this.text.slice(at + 1, end));
    }
    return resolvePlain(this.plain(at));
  }

  private plain(at: number): string {
    const first = this.at(at);
    if (Number.isNaN(first) || '[]{},#&*!|>\'"%@`?:-'.includes(String.fromCharCode(first))) {
      // `-` may start a plain scalar when a non-space follows (`-1`, `-x`); the rest give up.
      const next = this.at(at + 1);
      if (
        first !== DASH ||
        Number.isNaN(next) ||
        next === SPACE ||
        next === COMMA ||
        next === CLOSE_SEQ ||
        next === CLOSE_MAP
      )
        throw GIVE_UP;
    }
    let k = at;
    for (; k < this.e; k++) {
      const ch = this.text.charCodeAt(k);
      if (ch === COMMA || ch === OPEN_SEQ || ch === CLOSE_SEQ || ch === OPEN_MAP || ch === CLOSE_MAP) break;
      if (ch === COLON) {
        const next = this.at(k + 1);
        if (next === SPACE || next === COMMA || next === CLOSE_SEQ || next === CLOSE_MAP || Number.isNaN(next)) break;
      }
      if (ch === HASH && this.text.charCodeAt(k - 1) === SPACE) throw GIVE_UP; // a comment inside a flow
    }
    let end = k;
    while (end > at && this.text.charCodeAt(end - 1) === SPACE) end--;
    this.pos = k;
    if (end === at) throw GIVE_UP;
    if (this.track) this.node = { s: at, e: end, e2: end };
    return cut(this.text, at, end, this.strings);
  }

  private skip(): void {
    while (this.at(this.pos) === SPACE) this.pos++;
  }

  private seq(at: number, depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    const items: PosNode[] = [];
    this.pos = at + 1;
    this.skip();
    if (this.at(this.pos) === CLOSE_SEQ) {
      this.pos++;
      if (this.track) this.node = { s: at, e: this.pos, e2: this.pos, items };
      return out;
    }
    for (;;) {
      this.skip();
      out.push(this.value(this.pos, depth + 1));
      if (this.track) items.push(this.node!);
      this.skip();
      const ch = this.at(this.pos);
      if (ch === CLOSE_SEQ) {
        this.pos++;
        if (this.track) this.node = { s: at, e: this.pos, e2: this.pos, items };
        return out;
      }
      if (ch !== COMMA) throw GIVE_UP; // includes `a: b` pairs inside a sequence and unterminated flows
      this.pos++;
      this.skip();
      if (this.at(this.pos) === CLOSE_SEQ) throw GIVE_UP; // trailing comma
    }
  }

  private map(at: number, depth: number): JsonObject {
    const out: JsonObject = {};
    const keys: string[] = [];
    const keyStarts: number[] = [];
    const values: PosNode[] = [];
    this.pos = at + 1;
    this.skip();
    if (this.at(this.pos) === CLOSE_MAP) {
      this.pos++;
      if (this.track) this.node = { s: at, e: this.pos, e2: this.pos, keys, keyStarts, values };
      return out;
    }
    for (;;) {
      this.skip();
      const keyAt = this.pos;
      const first = this.at(keyAt);
      let key: string;
      if (first === DQUOTE || first === SQUOTE) {
        const close = quotedEnd(this.text, keyAt, this.e);
        if (close < 0) throw GIVE_UP;
        key = quotedValue(this.text, keyAt, close);
        this.pos = close;
      } else if (first === OPEN_SEQ || first === OPEN_MAP) {
        throw GIVE_UP; // collection keys
      } else {
        const resolved = resolvePlain(this.plain(keyAt));
        key = resolved === null ? '' : String(resolved);
        if (this.track && resolved === null) keys.push('null');
      }
      if (key === '<<' || key === '__proto__' || Object.prototype.hasOwnProperty.call(out, key)) throw GIVE_UP;
      if (this.track) {
        if (keys.length === values.length) keys.push(key);
        keyStarts.push(keyAt);
      }
      // Only `key: value` with a space after the colon; `{a}`, `{a:1}` and `{a: }` go to `yaml`.
      if (this.at(this.pos) !== COLON || this.at(this.pos + 1) !== SPACE) throw GIVE_UP;
      this.pos += 2;
      this.skip();
      const ch = this.at(this.pos);
      if (ch === COMMA || ch === CLOSE_MAP || Number.isNaN(ch)) throw GIVE_UP;
      out[key] = this.value(this.pos, depth + 1);
      if (this.track) values.push(this.node!);
      this.skip();
      const sep = this.at(this.pos);
      if (sep === CLOSE_MAP) {
        this.pos++;
        if (this.track) this.node = { s: at, e: this.pos, e2: this.pos, keys, keyStarts, values };
        return out;
      }
      if (sep !== COMMA) throw GIVE_UP;
      this.pos++;
      this.skip();
      if (this.at(this.pos) === CLOSE_MAP) throw GIVE_UP; // trailing comma
    }
  }
}

/** A plain scalar resolved by the YAML 1.2 core schema, as `yaml` does by default. */
function resolvePlain(s: string): JsonValue {
  const c = s.charCodeAt(0);
  // Decide by the first character so that the usual names, paths and URLs never reach a regex.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
    if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
    if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
    if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
    if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
    if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) return c === 45 ? -Infinity : Infinity;
    if (/^\.(?:nan|NaN|NAN)$/.test(s)) return NaN;
    return s;
  }
  switch (c) {
    case 110: // n
    case 78: // N
    case 126: // ~
      return s === '~' || s === 'null' || s === 'Null' || s === 'NULL' ? null : s;
    case 116: // t
    case 84: // T
      return s === 'true' || s === 'True' || s === 'TRUE' ? true : s;
    case 102: // f
    case 70: // F
      return s === 'false' || s === 'False' || s === 'FALSE' ? false : s;
    default:
      return s === '' ? null : s;
  }
}
