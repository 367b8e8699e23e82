// Values that fill the rest of one line: scalars and one-line flow collections (the fast reader's, fast-yaml.ts).
import type { JsonObject, JsonValue } from '../types.ts';
import type { PosNode, StringCache } from './syntax.ts';
import {
  CLOSE_MAP,
  CLOSE_SEQ,
  COLON,
  COMMA,
  cut,
  DASH,
  DQUOTE,
  GIVE_UP,
  HASH,
  nameEnd,
  OPEN_MAP,
  OPEN_SEQ,
  plainStart,
  quotedEnd,
  quotedValue,
  resolvePlain,
  restIsComment,
  SPACE,
  SQUOTE,
  STAR,
} from './syntax.ts';

/** What an alias inside a flow collection resolves through. */
export interface Aliases {
  resolve(name: string): JsonValue;
}

/** Where a position-mode reader takes the PosNode of the value just read (`last`). */
export interface Tracker {
  last: PosNode | undefined;
}

/** The value that fills the rest of the line from `v`; anything left after it (except a comment) gives up. */
export function inlineValue(
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
