/**
 * Completion of field names (and of `apiVersion`/`kind` values) from the validator's known-field tables, and of enum
 * values from the CRDs' enums (field-enums.gen.ts), for the YAML path at the cursor. The path is found from indentation alone, by walking up the lines above the cursor to
 * the document start: no parse, so a completion costs a few hundred line reads however large the text is.
 */
import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import type { Text } from '@codemirror/state';
import { KNOWN_NODES, KNOWN_ROOTS } from '../../lib/validator/schema/known-fields.gen.ts';
import type { KnownNode } from '../../lib/validator/schema/types.ts';
import { ENUM_LISTS, FIELD_ENUMS } from './field-enums.gen.ts';

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
function topKeysAt(doc: Text, n: number): { apiVersion?: string; kind?: string } {
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
function kindKeyAt(doc: Text, n: number): string | undefined {
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

/** The enum values the CRD schema of `kindKey` allows for the field at `path` (empty when it is not an enum). */
export function enumValuesAt(kindKey: string, path: readonly string[]): readonly string[] {
  const table = Object.hasOwn(FIELD_ENUMS, kindKey) ? FIELD_ENUMS[kindKey]! : undefined;
  const key = pathKey(path);
  return table && Object.hasOwn(table, key) ? (ENUM_LISTS[table[key]!] ?? []) : [];
}

/** Columns of the dash markers and the key column of a line prefix `indent` + `dashes`. */
function columns(indent: string, dashText: string): { col: number; dashes: number[] } {
  const dashes: number[] = [];
  let col = indent.length;
  for (const d of dashText.matchAll(/- +/g)) {
    dashes.push(col);
    col += d[0].length;
  }
  return { col, dashes };
}

const NODES = KNOWN_NODES as readonly KnownNode[];

/** The field names the known-field tree allows at `path` under `root`. */
export function fieldsAt(root: number, path: readonly string[]): string[] {
  let node = root;
  for (const seg of path) {
    const n = NODES[node];
    if (!n) return [];
    if (seg === '[]') node = n[2];
    else {
      const props = n[0];
      node = props === 0 ? n[1] : Object.hasOwn(props, seg) ? props[seg]! : -1;
    }
    if (node < 0) return [];
  }
  const props = NODES[node]?.[0];
  return props ? Object.keys(props) : [];
}

/** Every `apiVersion` the tables know, and the kinds of each. */
function knownKinds(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of Object.keys(KNOWN_ROOTS)) {
    const [apiVersion, kind] = key.split('|') as [string, string];
    out.set(apiVersion, [...(out.get(apiVersion) ?? []), kind]);
  }
  return out;
}

/** CodeMirror completion source: keys of the mapping at the cursor, or an apiVersion/kind value. */
export function yamlCompletion(ctx: CompletionContext): CompletionResult | null {
  const { state, pos } = ctx;
  const line = state.doc.lineAt(pos);
  const before = line.text.slice(0, pos - line.from);
  // A top-level apiVersion or kind value.
  const value = /^(apiVersion|kind):\s*([\w./-]*)$/.exec(before);
  if (value) {
    const kinds = knownKinds();
    let options: string[];
    if (value[1] === 'apiVersion') options = [...kinds.keys()];
    else {
      const av = topKeysAt(state.doc, line.number).apiVersion;
      options = av && kinds.has(av) ? kinds.get(av)! : [...new Set([...kinds.values()].flat())];
    }
    return {
      from: pos - value[2]!.length,
      options: options.sort().map((label) => ({ label, type: 'enum' })),
      validFor: /^[\w./-]*$/,
    };
  }
  // The value of a block-mapping key whose schema is an enum (`action: ` → ALLOW, DENY, AUDIT, CUSTOM).
  const enumValue = /^( *)((?:- +)*)([\w.-]+):\s+([\w.-]*)$/.exec(before);
  if (enumValue) {
    const kindKey = kindKeyAt(state.doc, line.number);
    const { col, dashes } = columns(enumValue[1]!, enumValue[2]!);
    const parent = kindKey && mappingPath(state.doc, line.number, col, dashes);
    const values = kindKey && parent ? enumValuesAt(kindKey, [...parent, enumValue[3]!]) : [];
    if (!values.length) return null;
    return {
      from: pos - enumValue[4]!.length,
      options: values.map((label) => ({ label, type: 'enum' })),
      validFor: /^[\w.-]*$/,
    };
  }
  const m = /^( *)((?:- +)*)([\w.-]*)$/.exec(before);
  if (!m || (!m[3] && !ctx.explicit)) return null;
  const { col, dashes } = columns(m[1]!, m[2]!);
  const kindKey = kindKeyAt(state.doc, line.number);
  const root = kindKey !== undefined && Object.hasOwn(KNOWN_ROOTS, kindKey) ? KNOWN_ROOTS[kindKey]! : undefined;
  if (root === undefined) {
    if (col !== 0) return null;
    return {
      from: pos - m[3]!.length,
      options: ['apiVersion', 'kind', 'metadata', 'spec'].map((k) => ({ label: k, type: 'property', apply: `${k}: ` })),
    };
  }
  const path = mappingPath(state.doc, line.number, col, dashes);
  if (!path) return null;
  const fields = fieldsAt(root, path);
  if (!fields.length) return null;
  return {
    from: pos - m[3]!.length,
    options: fields.map((k) => ({ label: k, type: 'property', apply: `${k}: ` })),
    validFor: /^[\w.-]*$/,
  };
}
