// Byte-level tests on the lines of a YAML stream, for the splitter (documents.ts): document markers, indentation,
// block sequence entries and the plain `key: value` lines of a List's own mapping.

export const NL = 0x0a;
export const CR = 0x0d;
export const SPACE = 0x20;
export const TAB = 0x09;
export const HASH = 0x23;
export const DASH = 0x2d;
export const DOT = 0x2e;
export const PERCENT = 0x25;

const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `---` or `...` at column 0 followed by nothing, a blank or a tab (`---x` is a plain scalar). */
export function markerAt(buf: Uint8Array, start: number, end: number): 'start' | 'end' | undefined {
  const c = buf[start];
  if (end - start < 3 || buf[start + 1] !== c || buf[start + 2] !== c) return undefined;
  const next = start + 3 < end ? buf[start + 3] : undefined;
  if (next !== undefined && next !== SPACE && next !== TAB && next !== CR && next !== NL) return undefined;
  return c === DASH ? 'start' : 'end';
}

export function isBlankOrComment(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
  return i >= end || buf[i] === NL || buf[i] === CR || buf[i] === HASH;
}

export function indentOf(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && buf[i] === SPACE) i++;
  return i - start;
}

/** Column of a block sequence entry's `-` (`- x`, `-` alone), or -1. */
export function itemDash(buf: Uint8Array, start: number, end: number): number {
  const i = start + indentOf(buf, start, end);
  if (buf[i] !== DASH) return -1;
  const next = i + 1 < end ? buf[i + 1] : undefined;
  return next === undefined || next === SPACE || next === NL || next === CR ? i - start : -1;
}

const KEY_LINE = /^([A-Za-z0-9_./-]+):(?:[ \t]+(.*?))?[ \t]*\r?\n?$/;

/** A column-0 `key: value` line with a plain key; `value` without a trailing comment. */
export function plainKey(
  buf: Uint8Array,
  start: number,
  end: number,
): { name: string; value: string; valueEmpty: boolean } | undefined {
  // Only short lines matter here (keys of the List itself); a long column-0 line is not one of them.
  if (end - start > 4096) return undefined;
  const m = KEY_LINE.exec(lenient.decode(buf.subarray(start, end)));
  if (!m) return undefined;
  const raw = m[2] ?? '';
  const value = raw.startsWith('#') ? '' : raw.replace(/[ \t]+#.*$/, '');
  return { name: m[1]!, value, valueEmpty: value === '' };
}

/** The model's rule (parse.ts `isList`): `List`, or a kind ending in `List` whose `items` is a sequence. */
export function isListKind(value: string): boolean {
  const v = /^"([^"\\]*)"$|^'([^']*)'$/.exec(value);
  const kind = v ? (v[1] ?? v[2]!) : value;
  return /^[A-Za-z0-9]*List$/.test(kind);
}

export function startsWithMarker(text: string): boolean {
  return /^---(?:[ \t\r\n]|$)/.test(text);
}

export function withNewline(text: string): string {
  return text.length === 0 || text.endsWith('\n') ? text : `${text}\n`;
}

export function countLines(text: string): number {
  let n = 0;
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) n++;
  return n;
}
