// `.ambient-atlas.yaml` (DESIGN §4.5b): one zod schema, and errors that name the key at fault in the words a user
// wrote it in. Pure: finding and reading the file is the CLI's job (src/cli/config.ts).
import { isMap, isScalar, parseDocument, visit } from 'yaml';
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

/**
 * Close matches cost an edit distance per rule: a config with thousands of bad keys gets them for the first few
 * only. Reset by parseConfig; zod calls the error callback synchronously within that one call.
 */
let suggestionBudget = 0;

const ruleId = z.string().refine((id) => ruleById(id) !== undefined, {
  error: (iss) => {
    const near =
      suggestionBudget-- > 0
        ? closeMatches(
            String(iss.input),
            RULES.map((r) => r.meta.id),
          )
        : [];
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

/** The path of the first key a mapping repeats, if any. */
function duplicateKey(doc: ReturnType<typeof parseDocument>): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Map(_, map, path) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          const parents = path
            .filter((p) => isMap(p) || (typeof p === 'object' && p !== null && 'key' in p))
            .map((p) => ('key' in p && isScalar(p.key) ? String(p.key.value) : ''))
            .filter(Boolean);
          found = [...parents, String(key)].join('.');
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/** Parse and check a config file's text. Never throws. */
export function parseConfig(text: string): ConfigResult {
  let data: unknown;
  try {
    // yaml's own uniqueKeys check compares every pair of keys (quadratic): duplicates are found with a set below.
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.errors.length) throw doc.errors[0];
    const duplicate = duplicateKey(doc);
    if (duplicate) return { ok: false, errors: [`${duplicate}: the key is given twice`] };
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return {
      ok: false,
      errors: [`not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`],
    };
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data))
    return { ok: false, errors: [`must be a mapping with the keys ${KEYS.join(', ')}`] };
  suggestionBudget = 5;
  const r = ConfigSchema.safeParse(data);
  if (!r.success) {
    const errors = r.error.issues.flatMap((i): string | string[] => {
      if (i.code === 'unrecognized_keys') {
        const at = keyPath(i.path);
        return i.keys.map((k) => {
          const near = i.path.length === 0 ? closeMatches(k, KEYS) : [];
          return `${at ? `${at}.` : ''}${shown(k)}: unknown key${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; the keys are ${KEYS.join(', ')}`;
        });
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
    // A screenful is enough to fix the file; the rest would bury the first lines.
    if (errors.length > 20) errors.splice(20, errors.length, `… and ${errors.length - 20} more`);
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
