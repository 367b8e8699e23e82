/**
 * The YAML path at a position, found from indentation alone: by walking up the lines above it to the document
 * start, with no parse, so it costs a few hundred line reads however large the text is. Completion (completion.ts,
 * loaded on first use) and the field documentation on hover (hover.ts) both start from it; this module carries no
 * tables, so the editor's first load does not either.
 */
import type { Text } from '@codemirror/state';

/** Lines read above the cursor at most: deeper than any manifest's nesting, and a bound on hostile input. */
const MAX_SCAN = 4000;

interface LineShape {
  /** Columns of the `- ` markers that open sequence items on this line. */
  readonly dashes: readonly number[];
  /** Column where the key (or scalar) starts, after indentation and dashes. */
  readonly keyCol: number;
  /** `key` of `key:`, when the line holds a block-mapping key. */
  readonly key?: string;
  /** Something follows the colon (a scalar or flow value): the key does not open a nested block. */
  readonly inlineValue: boolean;
}

const KEY_RE = /^([^\s#:'"{[][^:#]*?|"[^"]*"|'[^']*'):(?:\s+(.*))?$/;

function shape(text: string): LineShape | undefined {
  let i = 0;
  while (text.charCodeAt(i) === 32) i++;
  const dashes: number[] = [];
  while (text[i] === '-' && (text[i + 1] === ' ' || i + 1 === text.length)) {
    dashes.push(i);
    i += 2;
    while (text.charCodeAt(i) === 32) i++;
  }
  const rest = text.slice(i);
  if (!rest && !dashes.length) return undefined;
  if (rest.startsWith('#')) return undefined;
  const m = KEY_RE.exec(rest.trimEnd());
  const key = m?.[1]?.replace(/^["']|["']$/g, '');
  const value = m?.[2]?.trim() ?? '';
  return {
    dashes,
    keyCol: i,
    ...(key !== undefined ? { key } : {}),
    inlineValue: value !== '' && !value.startsWith('#'),
  };
}

const isDocMarker = (t: string) => t.startsWith('---') || t.startsWith('...');

/** The top-level `apiVersion` and `kind` of the YAML document around line `n`. */
export function topKeysAt(doc: Text, n: number): { apiVersion?: string; kind?: string } {
  let apiVersion: string | undefined;
  let kind: string | undefined;
  const read = (t: string) => {
    const m = /^(apiVersion|kind):\s*["']?([^\s"'#]+)/.exec(t);
    if (m?.[1] === 'apiVersion') apiVersion ??= m[2];
    else if (m?.[1] === 'kind') kind ??= m[2];
  };
  for (let l = n, seen = 0; l >= 1 && seen < MAX_SCAN; l--, seen++) {
    const t = doc.line(l).text;
    if (isDocMarker(t)) break;
    read(t);
  }
  for (let l = n + 1, seen = 0; l <= doc.lines && seen < MAX_SCAN; l++, seen++) {
    const t = doc.line(l).text;
    if (isDocMarker(t)) break;
    read(t);
  }
  return { ...(apiVersion ? { apiVersion } : {}), ...(kind ? { kind } : {}) };
}

/** The `apiVersion|kind` key of the known-field tables for the document around line `n`. */
export function kindKeyAt(doc: Text, n: number): string | undefined {
  const { apiVersion, kind } = topKeysAt(doc, n);
  return apiVersion && kind ? `${apiVersion}|${kind}` : undefined;
}

/**
 * The path (keys, and `[]` for a sequence item) of the mapping whose key starts at column `keyCol` with the given
 * dash markers on line `n`; undefined when the indentation does not make sense.
 */
export function mappingPath(doc: Text, n: number, keyCol: number, dashes: readonly number[]): string[] | undefined {
  const path: string[] = [];
  let col = keyCol;
  let marks = dashes;
  let line = n;
  for (let steps = 0; steps < MAX_SCAN; steps++) {
    if (marks.length) {
      // This mapping is an item of a sequence (of sequences, for several dashes): its parent key is above.
      for (let i = 0; i < marks.length; i++) path.unshift('[]');
      col = marks[0]!;
      let found: { line: number; s: LineShape } | undefined;
      for (let l = line - 1; l >= 1 && line - l < MAX_SCAN; l--) {
        const t = doc.line(l).text;
        if (isDocMarker(t)) return undefined;
        const s = shape(t);
        if (!s) continue;
        if (s.dashes[0] === col) continue; // an earlier item of the same sequence
        if (s.keyCol < col || (s.keyCol === col && s.key !== undefined && !s.inlineValue)) {
          found = { line: l, s };
          break;
        }
      }
      if (!found?.s.key) return undefined;
      path.unshift(found.s.key);
      ({ line } = found);
      col = found.s.keyCol;
      marks = found.s.dashes;
      continue;
    }
    if (col === 0) return path;
    let found: { line: number; s: LineShape } | undefined;
    for (let l = line - 1; l >= 1 && line - l < MAX_SCAN; l--) {
      const t = doc.line(l).text;
      if (isDocMarker(t)) return undefined;
      const s = shape(t);
      if (!s) continue;
      if (s.keyCol === col && s.dashes.length) {
        found = { line: l, s };
        break;
      }
      if (s.keyCol < col) {
        found = { line: l, s };
        break;
      }
    }
    if (!found) return undefined;
    if (found.s.keyCol === col) {
      // The line that opens this mapping as a sequence item (`- key: …`).
      line = found.line;
      marks = found.s.dashes;
      continue;
    }
    if (!found.s.key || found.s.inlineValue) return undefined;
    path.unshift(found.s.key);
    line = found.line;
    col = found.s.keyCol;
    marks = found.s.dashes;
  }
  return undefined;
}

/** The generated tables' path key of a path: `spec.rules[].from`. */
export function pathKey(path: readonly string[]): string {
  let out = '';
  for (const seg of path) out += seg === '[]' ? '[]' : out ? `.${seg}` : seg;
  return out;
}

/** The field name on the line at `pos` when `pos` is on it: its kind, path key and place in the document. */
export interface FieldAt {
  readonly kindKey: string;
  readonly path: string;
  readonly key: string;
  readonly from: number;
  readonly to: number;
}

export function fieldAt(doc: Text, pos: number): FieldAt | undefined {
  const line = doc.lineAt(pos);
  const s = shape(line.text);
  if (s?.key === undefined) return undefined;
  const colon = line.text.indexOf(':', s.keyCol);
  const from = line.from + s.keyCol;
  const to = line.from + (colon < 0 ? line.text.length : colon);
  if (pos < from || pos > to) return undefined;
  const kindKey = kindKeyAt(doc, line.number);
  const parent = kindKey && mappingPath(doc, line.number, s.keyCol, s.dashes);
  if (!kindKey || !parent) return undefined;
  return { kindKey, path: pathKey([...parent, s.key]), key: s.key, from, to };
}

/** Columns of the dash markers and the key column of a line prefix `indent` + `dashes`. */
export function columns(indent: string, dashText: string): { col: number; dashes: number[] } {
  const dashes: number[] = [];
  let col = indent.length;
  for (const d of dashText.matchAll(/- +/g)) {
    dashes.push(col);
    col += d[0].length;
  }
  return { col, dashes };
}
