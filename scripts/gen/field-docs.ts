// src/components/playground/field-docs.gen.ts: per kind, each field's type and a short description from the upstream
// CRDs of the default Istio line and its Gateway API line (experimental channel, a superset of standard), for the
// playground editor's hover documentation. The playground loads it with a dynamic import on first hover, so its size
// does not count towards the editor's initial JavaScript; descriptions are cut to two sentences to keep it compact.
import { DEFAULT_ISTIO, GATEWAY_API_OF_ISTIO } from '../../src/lib/versions.ts';
import { banner, gatewayApiCrds, istioCrds, servedSchemas } from './crds.ts';
import type { Schema } from './crds.ts';

export const OUTPUT = 'src/components/playground/field-docs.gen.ts';

/** One field of one kind: its path (`spec.rules[].from[].source`, `[]` = every item) and its schema. */
export interface FieldSchema {
  readonly path: string;
  readonly schema: Schema;
}

/** `group/version|Kind` → every field below the root that its schema declares (maps' values are not walked). */
export function fieldSchemas(dir?: string): Map<string, FieldSchema[]> {
  const schemas = new Map([
    ...servedSchemas(istioCrds(DEFAULT_ISTIO, dir)),
    ...servedSchemas(gatewayApiCrds(GATEWAY_API_OF_ISTIO[DEFAULT_ISTIO], 'experimental', dir)),
  ]);
  const out = new Map<string, FieldSchema[]>();
  for (const [key, root] of [...schemas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const fields: FieldSchema[] = [];
    const walk = (s: Schema, path: string, depth: number): void => {
      // Schemas are trees (CRDs have no $ref), but a depth bound keeps a malformed input from running away.
      if (depth > 40) return;
      for (const [k, p] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
        const child = path ? `${path}.${k}` : k;
        fields.push({ path: child, schema: p });
        walk(p, child, depth + 1);
      }
      if (s.items) walk(s.items as Schema, `${path}[]`, depth + 1);
    };
    walk(root, '', 0);
    out.set(key, fields);
  }
  return out;
}

/** A short type name: `string`, `[]object`, `map[string]string`, `int or string`. */
export function typeName(s: Schema, depth = 0): string {
  if (s['x-kubernetes-int-or-string']) return 'int or string';
  if (s['x-kubernetes-preserve-unknown-fields'] && !s.type) return 'any';
  const t = typeof s.type === 'string' ? s.type : 'object';
  if (t === 'array' && s.items && depth < 4) return `[]${typeName(s.items as Schema, depth + 1)}`;
  if (t === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object' && depth < 4)
    return `map[string]${typeName(s.additionalProperties as Schema, depth + 1)}`;
  const format = typeof s.format === 'string' ? ` (${s.format})` : '';
  return `${t}${format}`;
}

const MAX_SENTENCES = 2;
const MAX_CHARS = 320;

/** The first sentences of a CRD description, on one line. */
export function shortDescription(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const sentences = flat.match(/[^.!?]+(?:[.!?]+(?=\s|$)|$)/g) ?? [flat];
  let out = sentences.slice(0, MAX_SENTENCES).join('').trim();
  if (out.length > MAX_CHARS) out = `${out.slice(0, MAX_CHARS - 1).trimEnd()}…`;
  else if (out.length < flat.length) out = `${out} …`;
  return out;
}

export function generate(dir?: string): string {
  // Descriptions repeat across versions and kinds (parentRefs, backendRefs): each text is stored once.
  const texts: string[] = [];
  const textId = new Map<string, number>();
  // Versions of a kind often declare identical fields (AuthorizationPolicy v1/v1beta1): each table is stored once.
  const tables: Record<string, [string, number]>[] = [];
  const tableId = new Map<string, number>();
  const docs: Record<string, number> = {};
  for (const [key, fields] of fieldSchemas(dir)) {
    const table: Record<string, [string, number]> = {};
    for (const { path, schema } of fields) {
      const d = typeof schema.description === 'string' ? shortDescription(schema.description) : '';
      let id = textId.get(d);
      if (id === undefined) textId.set(d, (id = texts.push(d) - 1));
      table[path] = [typeName(schema), id];
    }
    const k = JSON.stringify(table);
    let id = tableId.get(k);
    if (id === undefined) tableId.set(k, (id = tables.push(table) - 1));
    docs[key] = id;
  }
  return `${banner('scripts/gen/field-docs.ts', `from the Istio ${DEFAULT_ISTIO} and Gateway API ${GATEWAY_API_OF_ISTIO[DEFAULT_ISTIO]} (experimental channel) CRDs`)}// FIELD_DOCS: \`group/version|Kind\` → index into FIELD_TABLES; a table maps a field path (\`a.b[].c\`) to
// [type, index into FIELD_TEXTS]. Loaded lazily (hover.ts).

export const FIELD_TEXTS: readonly string[] = ${JSON.stringify(texts)};

export const FIELD_TABLES: readonly Readonly<Record<string, readonly [string, number]>>[] = ${JSON.stringify(tables)};

export const FIELD_DOCS: Readonly<Record<string, number>> = ${JSON.stringify(docs)};
`;
}
