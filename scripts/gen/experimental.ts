// src/lib/validator/schema/experimental.gen.ts: per Gateway API line, what its experimental channel adds to the
// standard one, by comparing the two channels' CRDs of that line (../shared/crds): kind/versions only the
// experimental channel serves, fields only its schemas declare, and enum values only it accepts.
import { GATEWAY_API_LINES, GATEWAY_API_VERSIONS } from '../../src/lib/versions.ts';
import type { GatewayApiVersion } from '../../src/lib/versions.ts';
import { banner, gatewayApiCrds, servedSchemas } from './crds.ts';
import type { Schema } from './crds.ts';

export const OUTPUT = 'src/lib/validator/schema/experimental.gen.ts';

interface Table {
  onlyVersions: string[];
  fields: Record<string, string[]>;
  enumValues: Record<string, { path: string; values: string[] }[]>;
}

function compare(v: GatewayApiVersion, dir?: string): Table {
  const standard = servedSchemas(gatewayApiCrds(v, 'standard', dir));
  const experimental = servedSchemas(gatewayApiCrds(v, 'experimental', dir));
  const t: Table = { onlyVersions: [], fields: {}, enumValues: {} };
  const walk = (key: string, e: Schema, s: Schema | undefined, path: string): void => {
    if (!s) {
      (t.fields[key] ??= []).push(path);
      return;
    }
    const se = new Set((s.enum as string[] | undefined) ?? []);
    const extra = ((e.enum as string[] | undefined) ?? []).filter((x) => !se.has(x));
    if (se.size && extra.length) (t.enumValues[key] ??= []).push({ path, values: extra });
    const sp = (s.properties ?? {}) as Record<string, Schema>;
    for (const [k, p] of Object.entries((e.properties ?? {}) as Record<string, Schema>))
      walk(key, p, sp[k], path ? `${path}.${k}` : k);
    if (e.items) walk(key, e.items as Schema, s.items as Schema | undefined, `${path}[]`);
  };
  for (const [key, schema] of experimental) {
    const std = standard.get(key);
    if (!std) t.onlyVersions.push(key);
    else walk(key, schema, std, '');
  }
  t.onlyVersions.sort();
  return t;
}

export function generate(dir?: string): string {
  const tables = Object.fromEntries(GATEWAY_API_VERSIONS.map((v) => [v, compare(v, dir)]));
  const from = GATEWAY_API_VERSIONS.map((v) => GATEWAY_API_LINES[v].bundle).join(', ');
  return `${banner('scripts/gen/experimental.ts', `from the Gateway API ${from} CRDs (standard vs experimental channel)`)}// Paths: \`a.b[].c\` (\`[]\` = every item).
import type { GatewayApiVersion } from '../../versions.ts';

export interface ExperimentalTable {
  /** \`group/version|Kind\` served only by the experimental-channel CRDs. */
  readonly onlyVersions: readonly string[];
  /** Fields declared only by the experimental-channel schema of a kind/version both channels serve. */
  readonly fields: Readonly<Record<string, readonly string[]>>;
  /** Enum values only the experimental-channel schema accepts. */
  readonly enumValues: Readonly<Record<string, readonly { path: string; values: readonly string[] }[]>>;
}

export const EXPERIMENTAL: Readonly<Record<GatewayApiVersion, ExperimentalTable>> = ${JSON.stringify(tables)};
`;
}
