// The fast reader's lexical pieces (fast-yaml.ts): characters, scalars and the names of anchors, each scan
// bounded by the end of its line.
import type { JsonValue } from '../types.ts';

/** Thrown to leave a document to `yaml`; one instance, so giving up costs no stack trace. */
export class GiveUp {}
export const GIVE_UP = new GiveUp();

export const SPACE = 32;
export const HASH = 35;
export const DASH = 45;
export const COLON = 58;
export const COMMA = 44;
export const OPEN_SEQ = 91;
export const CLOSE_SEQ = 93;
export const OPEN_MAP = 123;
export const CLOSE_MAP = 125;
export const DQUOTE = 34;
export const SQUOTE = 39;
export const AMP = 38;
export const STAR = 42;

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
 * Manifests repeat the same short strings thousands of times (keys, kinds, namespaces, label values). A small
 * direct-mapped cache hands back the string already made for the same characters: fewer allocations, and one
 * string object per distinct value, whose hash V8 then computes once for every Map and property lookup.
 */
export type StringCache = (string | undefined)[];
export function newStringCache(): StringCache {
  return new Array<string | undefined>(4096).fill(undefined);
}

const MAX_CACHED = 48;

export function cut(text: string, start: number, end: number, cache: StringCache): string {
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

/** End of an anchor or alias name starting at `k` (letters, digits, `_`, `-`, `.`; anything else gives up). */
export function nameEnd(text: string, k: number, e: number): number {
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

export function isBlockIndicator(ch: number): boolean {
  return ch === 124 /* | */ || ch === 62; /* > */
}

/** Leading spaces of the line [s, e), and whether nothing else is on it. */
export function spaces(text: string, s: number, e: number): [number, boolean] {
  let k = s;
  while (k < e && text.charCodeAt(k) === SPACE) k++;
  return [k - s, k === e];
}

export function isSeqItem(text: string, c: number, e: number): boolean {
  return text.charCodeAt(c) === DASH && (c + 1 === e || text.charCodeAt(c + 1) === SPACE);
}

/**
 * If the line at `c` (ending at `e`) is a `key: ...` entry, the index of its `:`; otherwise -1. Keys are plain
 * or quoted scalars on one line; anything fancier (`? `, anchors, tags, flow keys) gives up.
 */
export function keyEnd(text: string, c: number, e: number): number {
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
export function plainStart(text: string, c: number, e: number): boolean {
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

export function restIsComment(text: string, from: number, e: number): void {
  let k = from;
  while (k < e && text.charCodeAt(k) === SPACE) k++;
  if (k === e) return;
  if (text.charCodeAt(k) === HASH && k > from) return;
  throw GIVE_UP;
}

/** Index just past the closing quote of the quoted scalar at `c`, or -1 when it does not close on this line. */
export function quotedEnd(text: string, c: number, e: number): number {
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

export function quotedValue(text: string, c: number, close: number): string {
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

/** A plain scalar resolved by the YAML 1.2 core schema, as `yaml` does by default. */
export function resolvePlain(s: string): JsonValue {
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
