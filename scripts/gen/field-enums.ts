// src/components/playground/field-enums.gen.ts: per kind, the enum values each field's CRD schema allows (the same
// CRDs as field-docs.ts), for the playground editor's value completion (`action: ` → ALLOW, DENY, AUDIT, CUSTOM).
// Kept apart from the descriptions: the completion needs it at once, the descriptions only on first hover.
import { DEFAULT_ISTIO, GATEWAY_API_OF_ISTIO } from '../../src/lib/versions.ts';
import { banner } from './crds.ts';
import { fieldSchemas } from './field-docs.ts';

export const OUTPUT = 'src/components/playground/field-enums.gen.ts';

export function generate(dir?: string): string {
  // The same value lists recur across kinds and versions (protocol, PathMatch type): each list is stored once.
  const lists: string[][] = [];
  const listId = new Map<string, number>();
  const enums: Record<string, Record<string, number>> = {};
  for (const [key, fields] of fieldSchemas(dir)) {
    const table: Record<string, number> = {};
    for (const { path, schema } of fields) {
      const values = Array.isArray(schema.enum) ? schema.enum.filter((v): v is string => typeof v === 'string') : [];
      if (!values.length) continue;
      const k = JSON.stringify(values);
      let id = listId.get(k);
      if (id === undefined) listId.set(k, (id = lists.push(values) - 1));
      table[path] = id;
    }
    if (Object.keys(table).length) enums[key] = table;
  }
  return `${banner('scripts/gen/field-enums.ts', `from the Istio ${DEFAULT_ISTIO} and Gateway API ${GATEWAY_API_OF_ISTIO[DEFAULT_ISTIO]} (experimental channel) CRDs`)}// Per \`group/version|Kind\`: field path (\`a.b[].c\`) → index into ENUM_LISTS.

export const ENUM_LISTS: readonly (readonly string[])[] = ${JSON.stringify(lists)};

export const FIELD_ENUMS: Readonly<Record<string, Readonly<Record<string, number>>>> = ${JSON.stringify(enums)};
`;
}
