// src/lib/validator/schema/cel-durations.gen.ts: per Istio line, every field whose CRD validation rule is a
// minimum duration (`duration(self) >= duration('1ms')`, the form Istio's CRDs use for timeouts, intervals and
// keepalives), read from that line's CRDs (../shared/crds). The API server enforces these CEL rules; the structural
// validators do not, and a line can add fields that carry one (1.31: DestinationRule and Sidecar http2KeepAlive).
// Other CEL rules are ported by hand in validator/schema/cel*.ts.
import { ISTIO_VERSIONS } from '../../src/lib/versions.ts';
import { banner, istioCrds, servedSchemas } from './crds.ts';
import type { Schema } from './crds.ts';

export const OUTPUT = 'src/lib/validator/schema/cel-durations.gen.ts';

const MIN_DURATION = /^duration\(self\)\s*>=\s*duration\('([0-9a-zµ.]+)'\)$/;

/** `minimum` → paths (`a.b[].c`, `*` = every map value) with that minimum, for one schema. */
function minimums(s: Schema, path: string, out: Record<string, string[]>): void {
  for (const v of (s['x-kubernetes-validations'] ?? []) as { rule?: string }[]) {
    const m = MIN_DURATION.exec((v.rule ?? '').trim());
    if (m) (out[m[1]!] ??= []).push(path);
  }
  for (const [k, p] of Object.entries((s.properties ?? {}) as Record<string, Schema>))
    if (!(path === '' && (k === 'status' || k === 'metadata'))) minimums(p, path ? `${path}.${k}` : k, out);
  if (s.items && typeof s.items === 'object') minimums(s.items as Schema, `${path}[]`, out);
  const ap = s.additionalProperties;
  if (ap && typeof ap === 'object') minimums(ap as Schema, `${path}.*`, out);
}

export function generate(dir?: string): string {
  const lines = Object.fromEntries(
    ISTIO_VERSIONS.map((v) => {
      const byKey: Record<string, Record<string, string[]>> = {};
      for (const [key, schema] of [...servedSchemas(istioCrds(v, dir))].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const found: Record<string, string[]> = {};
        minimums(schema, '', found);
        if (Object.keys(found).length) byKey[key] = found;
      }
      return [v, byKey];
    }),
  );
  return `${banner('scripts/gen/cel-durations.ts', 'from the Istio CRDs of each line in ../shared/crds')}// Paths: \`a.b[].c\` (\`[]\` = every item, \`*\` = every map value).
import type { IstioVersion } from '../../versions.ts';

/** Per Istio line: \`group/version|Kind\` → minimum duration (as the rule writes it) → fields it applies to. */
export const ISTIO_MIN_DURATIONS: Readonly<
  Record<IstioVersion, Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>>
> = ${JSON.stringify(lines)};
`;
}
