/**
 * The solution "diff" of an exercise, by resource and field path: both texts are read as YAML, each object is
 * matched by kind, namespace and name, and their fields compared as values — so key order, flow vs block style,
 * quoting and comments are not differences. What is left is what the learner has to change.
 */
import { parseAllDocuments } from 'yaml';

export interface FieldChange {
  /** `AuthorizationPolicy bookinfo/allow-curl`. */
  readonly resource: string;
  /** `spec.rules[0].from[0].source.principals[0]`; empty when the whole resource is added or extra. */
  readonly path: string;
  readonly change: 'add' | 'remove' | 'change';
  /** The answer's value (JSON), when it has one. */
  readonly answer?: string;
  /** The solution's value (JSON), when it has one. */
  readonly solution?: string;
}

export type FieldDiff = { readonly changes: readonly FieldChange[] } | { readonly unreadable: 'answer' | 'solution' };

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function resources(text: string): Map<string, Json> | undefined {
  const out = new Map<string, Json>();
  const docs = parseAllDocuments(text);
  let n = 0;
  for (const doc of docs) {
    if (doc.errors.length) return undefined;
    const value = doc.toJS({ maxAliasCount: 100 }) as Json;
    if (value === null || value === undefined) continue;
    n++;
    const obj = typeof value === 'object' && !Array.isArray(value) ? value : undefined;
    const meta =
      obj && typeof obj.metadata === 'object' && obj.metadata && !Array.isArray(obj.metadata) ? obj.metadata : {};
    const kind = typeof obj?.kind === 'string' ? obj.kind : undefined;
    const name = typeof meta.name === 'string' ? meta.name : undefined;
    const ns = typeof meta.namespace === 'string' ? meta.namespace : 'default';
    out.set(kind && name ? `${kind} ${ns}/${name}` : `document ${n}`, value);
  }
  return out;
}

/** Every leaf (scalar, empty object or empty array) of a value by its path. */
function leaves(v: Json, path: string, out: Map<string, string>): void {
  if (Array.isArray(v)) {
    if (!v.length) out.set(path, '[]');
    v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
  } else if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (!keys.length) out.set(path, '{}');
    for (const k of keys) leaves(v[k]!, path ? `${path}.${k}` : k, out);
  } else out.set(path, JSON.stringify(v));
}

export function fieldDiff(answer: string, solution: string): FieldDiff {
  const a = resources(answer);
  if (!a) return { unreadable: 'answer' };
  const b = resources(solution);
  if (!b) return { unreadable: 'solution' };
  const changes: FieldChange[] = [];
  for (const [key, value] of b) {
    const mine = a.get(key);
    if (mine === undefined) {
      changes.push({ resource: key, path: '', change: 'add' });
      continue;
    }
    const la = new Map<string, string>();
    const lb = new Map<string, string>();
    leaves(mine, '', la);
    leaves(value, '', lb);
    for (const [p, v] of lb) {
      const x = la.get(p);
      if (x === undefined) changes.push({ resource: key, path: p, change: 'add', solution: v });
      else if (x !== v) changes.push({ resource: key, path: p, change: 'change', answer: x, solution: v });
    }
    for (const [p, v] of la) if (!lb.has(p)) changes.push({ resource: key, path: p, change: 'remove', answer: v });
  }
  for (const key of a.keys()) if (!b.has(key)) changes.push({ resource: key, path: '', change: 'remove' });
  return { changes };
}
