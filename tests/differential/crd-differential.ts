/**
 * Differential check of our `schema` verdicts against the upstream CRDs of one version line (../shared/crds: Istio
 * 1.30.3 + Gateway API v1.5.1, Istio 1.31 + v1.6.1; read by scripts/gen/crds.ts): ajv on each version's openAPIV3Schema (with unknown fields rejected, as kubectl's strict
 * field validation does), plus @marcbachmann/cel-js on the `x-kubernetes-validations` rules it can evaluate.
 * Used by tests/unit/validator-differential.test.ts; Node only.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as celParse } from '@marcbachmann/cel-js';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { gatewayApiCrds, istioCrds, SHARED_CRDS, sharedCrdsPresent } from '../../scripts/gen/crds.ts';
import { DEFAULT_VERSIONS } from '../../src/lib/versions.ts';
import type { Versions } from '../../src/lib/versions.ts';
import type { JsonValue, Resource } from '../../src/lib/model/types.ts';

export { SHARED_CRDS };

type Schema = { [k: string]: unknown };

export interface UpstreamVerdict {
  /** Structural errors (ajv), as "path: message". */
  readonly structural: string[];
  /** CEL rules that evaluated to false, as "path: message". */
  readonly cel: string[];
  /** CEL rules we could not evaluate (unsupported function, oldSelf, runtime type error). */
  readonly celSkipped: number;
}

interface VersionEntry {
  readonly validate: ValidateFunction;
  readonly schema: Schema;
}

/**
 * Every served CRD version of one Istio line and one Gateway API line (its experimental channel, a superset of the
 * standard one, as our schema layer accepts both); undefined when ../shared is absent.
 */
export function loadCrds(
  dir = SHARED_CRDS,
  versions: Versions = DEFAULT_VERSIONS,
): Map<string, VersionEntry> | undefined {
  if (!sharedCrdsPresent(dir)) return undefined;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const out = new Map<string, VersionEntry>();
  for (const c of [...istioCrds(versions.istio, dir), ...gatewayApiCrds(versions.gatewayApi, 'experimental', dir)]) {
    if (!c.served) continue;
    const strict = strictify(structuredClone(c.schema), true);
    out.set(`${c.group}/${c.version}|${c.kind}`, { validate: ajv.compile(strict), schema: c.schema });
  }
  return out;
}

/** Reject unknown fields like the API server's strict field validation; int-or-string as a union. */
function strictify(s: Schema, root = false): Schema {
  if (s['x-kubernetes-int-or-string']) {
    delete s.type;
    s.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (root) {
    // The API server always accepts the TypeMeta/ObjectMeta fields, whatever the CRD schema lists.
    s.properties = {
      ...(s.properties as Record<string, Schema> | undefined),
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
    };
  }
  const props = s.properties as Record<string, Schema> | undefined;
  if (props)
    for (const [k, p] of Object.entries(props)) props[k] = root && k === 'metadata' ? { type: 'object' } : strictify(p);
  if (s.items && typeof s.items === 'object') s.items = strictify(s.items as Schema);
  if (s.additionalProperties && typeof s.additionalProperties === 'object')
    s.additionalProperties = strictify(s.additionalProperties as Schema);
  for (const key of ['allOf', 'anyOf', 'oneOf'])
    if (Array.isArray(s[key])) s[key] = (s[key] as Schema[]).map((x) => ({ ...x }));
  if (s.not && typeof s.not === 'object') s.not = { ...(s.not as Schema) };
  if (
    s.type === 'object' &&
    props &&
    s.additionalProperties === undefined &&
    !s['x-kubernetes-preserve-unknown-fields']
  )
    s.additionalProperties = false;
  return s;
}

const celCache = new Map<string, ((ctx: Record<string, unknown>) => unknown) | null>();
function compiled(rule: string): ((ctx: Record<string, unknown>) => unknown) | null {
  if (!celCache.has(rule)) {
    try {
      celCache.set(
        rule,
        rule.includes('oldSelf') ? null : (celParse(rule) as unknown as (ctx: Record<string, unknown>) => unknown),
      );
    } catch {
      celCache.set(rule, null);
    }
  }
  return celCache.get(rule)!;
}

/** CEL values: integers as BigInt (CEL int), everything else as is. */
function toCel(v: JsonValue | undefined): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  return v;
}

function celWalk(
  schema: Schema | undefined,
  value: JsonValue | undefined,
  path: string,
  out: { cel: string[]; skipped: number },
): void {
  if (!schema || value === undefined || value === null) return;
  const rules = schema['x-kubernetes-validations'] as { rule: string; message?: string }[] | undefined;
  if (rules)
    for (const r of rules) {
      const fn = compiled(r.rule);
      if (!fn) {
        out.skipped++;
        continue;
      }
      try {
        const ok = fn({ self: toCel(value) });
        if (ok === false) out.cel.push(`${path || '/'}: ${r.message ?? r.rule}`);
        else if (ok !== true) out.skipped++;
      } catch (err) {
        // Kubernetes rejects an object whose rule fails at runtime (e.g. reading an absent field); a missing
        // library function (url(), isURL(), ...) in cel-js is ours to skip, not a verdict.
        if (err instanceof Error && /No such key/i.test(err.message))
          out.cel.push(`${path || '/'}: ${r.message ?? r.rule} (runtime error: ${err.message.split('\n')[0]})`);
        else out.skipped++;
      }
    }
  const props = schema.properties as Record<string, Schema> | undefined;
  if (props && typeof value === 'object' && !Array.isArray(value))
    for (const [k, v] of Object.entries(value)) celWalk(props[k], v, `${path}/${k}`, out);
  const extra = schema.additionalProperties;
  if (extra && typeof extra === 'object' && typeof value === 'object' && !Array.isArray(value))
    for (const [k, v] of Object.entries(value)) if (!props?.[k]) celWalk(extra as Schema, v, `${path}/${k}`, out);
  if (schema.items && Array.isArray(value))
    value.forEach((v, i) => celWalk(schema.items as Schema, v, `${path}/${i}`, out));
}

/** Fill `default` values from the schema into absent properties, recursively (structural defaulting). */
function withDefaults(schema: Schema | undefined, value: JsonValue | undefined): JsonValue | undefined {
  if (!schema || value === null || value === undefined || typeof value !== 'object') return value;
  if (Array.isArray(value))
    return schema.items ? value.map((v) => withDefaults(schema.items as Schema, v) as JsonValue) : value;
  const props = schema.properties as Record<string, Schema> | undefined;
  if (props)
    for (const [k, p] of Object.entries(props)) {
      if (value[k] === undefined && p.default !== undefined) value[k] = structuredClone(p.default) as JsonValue;
      if (value[k] !== undefined) value[k] = withDefaults(p, value[k]) as JsonValue;
    }
  const extra = schema.additionalProperties;
  if (extra && typeof extra === 'object')
    for (const k of Object.keys(value))
      if (!props?.[k]) value[k] = withDefaults(extra as Schema, value[k]) as JsonValue;
  return value;
}

export function upstreamVerdict(crds: Map<string, VersionEntry>, r: Resource): UpstreamVerdict | undefined {
  const entry = crds.get(`${r.apiVersion}|${r.kind}`);
  if (!entry) return undefined;
  const structural: string[] = [];
  if (!entry.validate(r.obj))
    for (const e of entry.validate.errors ?? [])
      structural.push(
        `${e.instancePath || '/'}: ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ''}`,
      );
  const acc = { cel: [] as string[], skipped: 0 };
  // The API server applies schema defaults before running the CEL rules (e.g. backendRef group "" / kind Service).
  celWalk(entry.schema, withDefaults(entry.schema, structuredClone(r.obj)), '', acc);
  return { structural, cel: acc.cel, celSkipped: acc.skipped };
}

/** Every YAML fixture of the project: site examples, exercises, lab manifests and our own differential fixtures. */
export function fixtureFiles(root = join(import.meta.dirname, '../..')): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(f)) out.push(p);
    }
  };
  for (const d of ['src/content', 'labs', 'tests/differential/fixtures']) walk(join(root, d));
  return out;
}
