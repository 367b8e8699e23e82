import type { JsonObject, JsonValue, ObjectPath, Resource, ResourceRef } from './types.ts';

/** Safe deep read: any missing or wrongly-typed step yields undefined. */
export function get(obj: JsonValue | undefined, path: ObjectPath): JsonValue | undefined {
  // Every rule reads through here, many times per resource: an indexed loop without per-step allocation.
  let cur: JsonValue | undefined = obj;
  for (let i = 0; i < path.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const seg = path[i]!;
    if (Array.isArray(cur)) cur = typeof seg === 'number' ? cur[seg] : undefined;
    else cur = (cur as JsonObject)[typeof seg === 'string' ? seg : String(seg)];
  }
  return cur;
}

export function getString(obj: JsonValue | undefined, path: ObjectPath): string | undefined {
  const v = get(obj, path);
  return typeof v === 'string' ? v : undefined;
}

export function getArray(obj: JsonValue | undefined, path: ObjectPath): JsonValue[] {
  const v = get(obj, path);
  return Array.isArray(v) ? v : [];
}

export function getObject(obj: JsonValue | undefined, path: ObjectPath): JsonObject | undefined {
  const v = get(obj, path);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

const NO_STRINGS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * A label-style map as strings (numbers and booleans spelled out; null, object and array values dropped: the API
 * server would reject them, and spelling one out could run a user-supplied `toString`). The object itself is
 * returned when it already is one — the common case, and this runs for every resource — so callers must treat
 * the result as read-only.
 */
export function stringRecord(value: JsonValue | undefined): Readonly<Record<string, string>> {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return NO_STRINGS;
  let clean = true;
  for (const k in value) {
    if (typeof value[k] !== 'string') {
      clean = false;
      break;
    }
  }
  if (clean) return value as Readonly<Record<string, string>>;
  const out: Record<string, string> = {};
  for (const k in value) {
    if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
    const v = value[k];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

/**
 * `String(v)` for parsed manifest data, without ever running the data's own `toString`/`valueOf`: a mapping
 * written as `{toString: 1}` would make String() throw. Arrays join like String() does; other objects read as
 * `[object Object]`, exactly what String() gives for plain data.
 */
export function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.map((x) => (x === null || x === undefined ? '' : scalarText(x))).join(',');
  return '[object Object]';
}

export function refOf(r: Resource): ResourceRef {
  return { apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace, name: r.name };
}

/**
 * Kubernetes label selector semantics (matchLabels AND matchExpressions). A selector object without either
 * field selects everything, as in the API; callers decide what an absent selector means.
 */
export function selectorMatches(selector: JsonObject, labels: Readonly<Record<string, string>>): boolean {
  const matchLabels = selector.matchLabels;
  if (matchLabels && typeof matchLabels === 'object' && !Array.isArray(matchLabels)) {
    // for…in over own data: no entries array per call (this runs for every selector against every candidate).
    for (const k in matchLabels) {
      if (!Object.prototype.hasOwnProperty.call(matchLabels, k)) continue;
      const v = matchLabels[k];
      // A value that is not a scalar selects nothing (String() of an object could run a manifest's `toString`).
      if (typeof v === 'object' && v !== null) return false;
      if (labels[k] !== (typeof v === 'string' ? v : String(v))) return false;
    }
  }
  const exprs = selector.matchExpressions;
  if (Array.isArray(exprs)) {
    for (const e of exprs) {
      if (!e || typeof e !== 'object' || Array.isArray(e)) return false;
      if (typeof e.key === 'object' && e.key !== null) return false;
      const key = String(e.key ?? '');
      const values = Array.isArray(e.values)
        ? e.values.filter((x) => typeof x !== 'object' || x === null).map(String)
        : [];
      const has = Object.prototype.hasOwnProperty.call(labels, key);
      switch (e.operator) {
        case 'In':
          if (!has || !values.includes(labels[key]!)) return false;
          break;
        case 'NotIn':
          if (has && values.includes(labels[key]!)) return false;
          break;
        case 'Exists':
          if (!has) return false;
          break;
        case 'DoesNotExist':
          if (has) return false;
          break;
        default:
          return false;
      }
    }
  }
  return true;
}
