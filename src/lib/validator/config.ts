// `.ambient-atlas.yaml` (DESIGN §4.5b): one zod schema, and errors that name the key at fault in the words a user
// wrote it in. Pure: finding and reading the file is the CLI's job (src/cli/config.ts).
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  GATEWAY_API_VERSIONS,
  isGatewayApiVersion,
  isIstioVersion,
  ISTIO_VERSIONS,
  normalizeVersion,
  resolveVersions,
} from '../versions.ts';
import type { GatewayApiVersion, IstioVersion } from '../versions.ts';
import { RULES, ruleById } from './rules/index.ts';
import { closeMatches } from './suppress.ts';
import type { RuleLevel } from './suppress.ts';

const LEVELS = ['off', 'error', 'warning', 'info'] as const;
const KEYS = ['istio', 'gatewayApi', 'rules', 'ignore'] as const;

const ruleId = z.string().refine((id) => ruleById(id) !== undefined, {
  error: (iss) => {
    const near = closeMatches(
      String(iss.input),
      RULES.map((r) => r.meta.id),
    );
    return `unknown rule id${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; the rules are listed at /validator/rules/`;
  },
});

/** Each version key is checked on its own, so every bad key is named in one run. */
const version = (kind: 'istio' | 'gatewayApi') =>
  z
    .union([z.string(), z.number()])
    .refine((v) => (kind === 'istio' ? isIstioVersion : isGatewayApiVersion)(normalizeVersion(v, kind)), {
      error: `must be one of ${(kind === 'istio' ? ISTIO_VERSIONS : GATEWAY_API_VERSIONS).join(', ')}`,
    });

const ConfigSchema = z.strictObject({
  istio: version('istio').optional(),
  gatewayApi: version('gatewayApi').optional(),
  rules: z.record(ruleId, z.enum(LEVELS)).optional(),
  ignore: z.array(z.string().min(1)).optional(),
});

export interface AtlasConfig {
  readonly istio?: IstioVersion;
  readonly gatewayApi?: GatewayApiVersion;
  readonly rules: Readonly<Record<string, RuleLevel>>;
  readonly ignore: readonly string[];
}

export type ConfigResult =
  { readonly ok: true; readonly config: AtlasConfig } | { readonly ok: false; readonly errors: string[] };

/** `rules.foo-bar`, `ignore[2]`: the key as the file spells it. */
function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

const shown = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

/** Parse and check a config file's text. Never throws. */
export function parseConfig(text: string): ConfigResult {
  let data: unknown;
  try {
    // Aliases are not expanded beyond yaml's own cap, and the file is the user's own, not a manifest under test.
    data = parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (err) {
    return {
      ok: false,
      errors: [`not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`],
    };
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data))
    return { ok: false, errors: [`must be a mapping with the keys ${KEYS.join(', ')}`] };
  const r = ConfigSchema.safeParse(data);
  if (!r.success) {
    const errors = r.error.issues.map((i) => {
      if (i.code === 'unrecognized_keys') {
        const at = keyPath(i.path);
        return i.keys
          .map((k) => {
            const near = i.path.length === 0 ? closeMatches(k, KEYS) : [];
            return `${at ? `${at}.` : ''}${shown(k)}: unknown key${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; the keys are ${KEYS.join(', ')}`;
          })
          .join('\n');
      }
      const at = keyPath(i.path) || '(top level)';
      if (i.code === 'invalid_key') return `${at}: ${i.issues[0]?.message ?? 'invalid key'}`;
      if (i.code === 'invalid_value' && i.path[0] === 'rules') return `${at}: must be one of ${LEVELS.join(', ')}`;
      if (i.code === 'invalid_type' && i.path.length === 1 && i.path[0] === 'rules')
        return `rules: must be a mapping of rule id to ${LEVELS.join('|')}`;
      if (i.code === 'invalid_type' && i.path[0] === 'ignore')
        return i.path.length === 1 ? 'ignore: must be a list of globs' : `${at}: must be a glob (a string)`;
      if (i.code === 'too_small' && i.path[0] === 'ignore') return `${at}: must not be empty`;
      if (i.code === 'invalid_union')
        return `${at}: must be a version such as ${i.path[0] === 'istio' ? '1.31' : '1.6'}`;
      return `${at}: ${i.message}`;
    });
    return { ok: false, errors };
  }
  const c = r.data;
  const versions = resolveVersions(c.istio, c.gatewayApi);
  // Rule ids come from the registry, so an own-property copy cannot carry a prototype key.
  const rules: Record<string, RuleLevel> = {};
  for (const [k, v] of Object.entries(c.rules ?? {})) rules[k] = v;
  return {
    ok: true,
    config: {
      ...(c.istio !== undefined && !('error' in versions) ? { istio: versions.istio } : {}),
      ...(c.gatewayApi !== undefined && !('error' in versions) ? { gatewayApi: versions.gatewayApi } : {}),
      rules,
      ignore: c.ignore ?? [],
    },
  };
}
