// Header changes and CORS: the two VirtualService features that map onto HTTPRoute filters field by field.
import { scalarText } from '../../model/access.ts';
import type { JsonObject, JsonValue, ObjectPath } from '../../model/types.ts';
import { isHeaderName, isObject, parseDurationMs } from '../util.ts';
import { parseStringMatch } from './match.ts';
import type { Problems } from './types.ts';

export function headerModifier(h: JsonObject, path: ObjectPath, problems: Problems): JsonObject | undefined {
  const mod: JsonObject = {};
  for (const op of ['set', 'add'] as const) {
    const v = h[op];
    if (!isObject(v)) continue;
    const list: JsonValue[] = [];
    for (const [name, value] of Object.entries(v)) {
      if (!isHeaderName(name))
        problems.err('migrate-unsupported-vs-feature', `Header "${name}" cannot be modified by an HTTPRoute filter.`, [
          ...path,
          op,
        ]);
      else list.push({ name, value: scalarText(value) });
    }
    if (list.length) mod[op] = list;
  }
  if (Array.isArray(h.remove) && h.remove.length) mod.remove = h.remove.map(String);
  return Object.keys(mod).length ? mod : undefined;
}

export function convertCors(p: JsonValue, path: ObjectPath, problems: Problems): JsonObject | undefined {
  if (!isObject(p)) return undefined;
  const out: JsonObject = {};
  const origins: JsonValue[] = [];
  if (Array.isArray(p.allowOrigins)) {
    for (const o of p.allowOrigins) {
      const sm = parseStringMatch(o);
      if (sm?.kind === 'exact') origins.push(sm.value);
      else
        problems.warn(
          'migrate-vs-feature-approximated',
          'Only exact CORS origins convert (Gateway API allows "*" wildcards, not prefix or regex origins); this origin is dropped.',
          [...path, 'allowOrigins'],
        );
    }
  }
  if (Array.isArray(p.allowOrigin)) origins.push(...p.allowOrigin.map(String));
  if (origins.length) out.allowOrigins = origins;
  if (Array.isArray(p.allowMethods)) out.allowMethods = p.allowMethods.map(String);
  if (Array.isArray(p.allowHeaders)) out.allowHeaders = p.allowHeaders.map(String);
  if (Array.isArray(p.exposeHeaders)) out.exposeHeaders = p.exposeHeaders.map(String);
  if (typeof p.allowCredentials === 'boolean') out.allowCredentials = p.allowCredentials;
  const age = parseDurationMs(p.maxAge);
  if (age !== undefined) out.maxAge = Math.max(1, Math.round(age / 1000));
  if (p.unmatchedPreflights !== undefined)
    problems.warn('migrate-vs-feature-approximated', 'corsPolicy.unmatchedPreflights has no Gateway API equivalent.', [
      ...path,
      'unmatchedPreflights',
    ]);
  return Object.keys(out).length ? out : undefined;
}
