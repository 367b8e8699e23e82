// src/lib/validator/schema/line-deltas.gen.ts: per Istio line and per Gateway API line, how that line's CRD schemas
// differ from the baseline line's (Istio 1.30.3, Gateway API v1.5.1) — the line the structural validators and the
// known-field tree (from @kubernetes-models) agree with, as tests/unit/validator-differential.test.ts shows. The
// schema layer applies a line's delta on top of those: fields the line adds are known, fields it removed are
// unknown, and changed bounds (minimum/maximum, min/maxItems, min/maxLength, min/maxProperties), required fields and
// enums are checked with the line's value. CEL rule changes are not in the delta (schema/cel.ts ports CEL rules).
import { GATEWAY_API_VERSIONS, ISTIO_VERSIONS } from '../../src/lib/versions.ts';
import { banner, gatewayApiCrds, istioCrds, servedSchemas } from './crds.ts';
import type { Schema } from './crds.ts';

export const OUTPUT = 'src/lib/validator/schema/line-deltas.gen.ts';

/** The lines the validators were generated for: their delta is empty by definition. */
const BASELINE = { istio: '1.30', gatewayApi: '1.5' } as const;

const BOUNDS = [
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minProperties',
  'maxProperties',
];

type Change =
  | { path: string; keyword: string; limit: number | null }
  | { path: string; keyword: 'required'; field: string; required: boolean }
  | { path: string; keyword: 'enum'; values: unknown[] | null };

interface Delta {
  added: string[];
  removed: string[];
  changed: Change[];
}

function diff(base: Schema, line: Schema, path: string, d: Delta): void {
  const at = (k: string) => (path ? `${path}.${k}` : k);
  for (const kw of BOUNDS)
    if (base[kw] !== line[kw]) d.changed.push({ path, keyword: kw, limit: (line[kw] as number | undefined) ?? null });
  const br = new Set((base.required as string[] | undefined) ?? []);
  const lr = new Set((line.required as string[] | undefined) ?? []);
  for (const f of lr) if (!br.has(f)) d.changed.push({ path, keyword: 'required', field: f, required: true });
  for (const f of br) if (!lr.has(f)) d.changed.push({ path, keyword: 'required', field: f, required: false });
  if (JSON.stringify(base.enum ?? null) !== JSON.stringify(line.enum ?? null))
    d.changed.push({ path, keyword: 'enum', values: (line.enum as unknown[] | undefined) ?? null });
  const bp = (base.properties ?? {}) as Record<string, Schema>;
  const lp = (line.properties ?? {}) as Record<string, Schema>;
  for (const k of Object.keys(lp)) if (!(k in bp)) d.added.push(at(k));
  for (const k of Object.keys(bp)) if (!(k in lp)) d.removed.push(at(k));
  for (const k of Object.keys(lp)) if (k in bp) diff(bp[k]!, lp[k]!, at(k), d);
  if (base.items && line.items) diff(base.items as Schema, line.items as Schema, `${path}[]`, d);
  const ba = base.additionalProperties;
  const la = line.additionalProperties;
  if (ba && la && typeof ba === 'object' && typeof la === 'object') diff(ba as Schema, la as Schema, `${path}.*`, d);
}

function deltas(base: Map<string, Schema>, line: Map<string, Schema>): Record<string, Delta> {
  const out: Record<string, Delta> = {};
  for (const [key, schema] of [...line].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const b = base.get(key);
    if (!b) continue; // a version the baseline does not serve: schema/aliases.ts or no validator at all
    const d: Delta = { added: [], removed: [], changed: [] };
    // metadata and status are not validated from the CRD (ObjectMeta; status is a subresource).
    const strip = (s: Schema): Schema => {
      const props = { ...((s.properties ?? {}) as Record<string, Schema>) };
      delete props.metadata;
      delete props.status;
      return { ...s, properties: props };
    };
    diff(strip(b), strip(schema), '', d);
    if (d.added.length || d.removed.length || d.changed.length) out[key] = d;
  }
  return out;
}

export function generate(dir?: string): string {
  const istioBase = servedSchemas(istioCrds(BASELINE.istio, dir));
  const gaBase = servedSchemas(gatewayApiCrds(BASELINE.gatewayApi, 'experimental', dir));
  const istio = Object.fromEntries(ISTIO_VERSIONS.map((v) => [v, deltas(istioBase, servedSchemas(istioCrds(v, dir)))]));
  const ga = Object.fromEntries(
    GATEWAY_API_VERSIONS.map((v) => [v, deltas(gaBase, servedSchemas(gatewayApiCrds(v, 'experimental', dir)))]),
  );
  return `${banner('scripts/gen/line-deltas.ts', `from the upstream CRDs of each line, against Istio ${BASELINE.istio} / Gateway API ${BASELINE.gatewayApi}`)}// Paths: \`a.b[].c\` (\`[]\` = every item, \`*\` = every map value); \`limit\`/\`values\` null = no bound/enum any more.
import type { GatewayApiVersion, IstioVersion } from '../../versions.ts';

export type LineChange =
  | { readonly path: string; readonly keyword: string; readonly limit: number | null }
  | { readonly path: string; readonly keyword: 'required'; readonly field: string; readonly required: boolean }
  | { readonly path: string; readonly keyword: 'enum'; readonly values: readonly unknown[] | null };

export interface LineDelta {
  /** Fields the line's schema declares and the baseline's does not: known. */
  readonly added: readonly string[];
  /** Fields the baseline declares and the line's schema does not: unknown. */
  readonly removed: readonly string[];
  readonly changed: readonly LineChange[];
}

/** Per Istio line: \`group/version|Kind\` → delta. */
export const ISTIO_DELTAS: Readonly<Record<IstioVersion, Readonly<Record<string, LineDelta>>>> = ${JSON.stringify(istio)};

/** Per Gateway API line (experimental-channel schemas): \`group/version|Kind\` → delta. */
export const GATEWAY_API_DELTAS: Readonly<Record<GatewayApiVersion, Readonly<Record<string, LineDelta>>>> = ${JSON.stringify(ga)};
`;
}
