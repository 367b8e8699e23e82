/**
 * Completion of field names (and of `apiVersion`/`kind` values) from the validator's known-field tables, and of enum
 * values from the CRDs' enums (field-enums.gen.ts), for the YAML path at the cursor (yaml-path.ts: found from
 * indentation alone, no parse). The editor loads this module, tables and all, on the first completion.
 */
import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { KNOWN_NODES, KNOWN_ROOTS } from '../../lib/validator/schema/known-fields.gen.ts';
import type { KnownNode } from '../../lib/validator/schema/types.ts';
import { ENUM_LISTS, FIELD_ENUMS } from './field-enums.gen.ts';
import { columns, kindKeyAt, mappingPath, pathKey, topKeysAt } from './yaml-path.ts';

export { fieldAt, mappingPath, pathKey } from './yaml-path.ts';
export type { FieldAt } from './yaml-path.ts';

/** The enum values the CRD schema of `kindKey` allows for the field at `path` (empty when it is not an enum). */
export function enumValuesAt(kindKey: string, path: readonly string[]): readonly string[] {
  const table = Object.hasOwn(FIELD_ENUMS, kindKey) ? FIELD_ENUMS[kindKey]! : undefined;
  const key = pathKey(path);
  return table && Object.hasOwn(table, key) ? (ENUM_LISTS[table[key]!] ?? []) : [];
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
