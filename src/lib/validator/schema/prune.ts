import type { JsonObject, JsonValue } from '../../model/types.ts';

/*
 * The object as the API server validates it, built only when it differs from what the manifest says (copies share
 * every untouched subtree, so the rules keep reading the manifest's own object: status stays information there).
 */

/**
 * obj without its `status`: status is a subresource of every kind whose schema has one, and create, update and
 * apply ignore it (the strategies' PrepareForCreate/PrepareForUpdate reset it), so `kubectl get -o yaml` output
 * lints like the manifest that produced it (SEMANTICS §9).
 */
export function withoutStatus(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k in obj) if (k !== 'status') put(out, k, obj[k]!);
  return out;
}

/**
 * obj with every null field left out, at any depth; obj itself when it has none. The API server drops a null
 * field before validating unless its schema says `nullable` (apiextensions-apiserver
 * pkg/apiserver/schema/defaulting/prunenulls.go: properties and additionalProperties, not list items), and a
 * built-in kind's JSON decoding treats null as absent; so `selector: null` next to `targetRefs` is valid. A
 * nullable field (Istio's wrapper types) accepts null and absence alike, so pruning it changes no verdict.
 */
export function pruneNulls(obj: JsonObject): JsonObject {
  return prunedObject(obj);
}

function pruned(v: JsonValue): JsonValue {
  if (v === null || typeof v !== 'object') return v;
  if (!Array.isArray(v)) return prunedObject(v);
  let copy: JsonValue[] | undefined;
  for (let i = 0; i < v.length; i++) {
    const item = v[i]!;
    // A null list item stays: it is a type error there, as in the API server.
    if (item === null || typeof item !== 'object') continue;
    const p = pruned(item);
    if (p !== item) (copy ??= v.slice())[i] = p;
  }
  return copy ?? v;
}

function prunedObject(v: JsonObject): JsonObject {
  let out: JsonObject | undefined;
  for (const k in v) {
    const item = v[k]!;
    const p = item === null ? undefined : typeof item === 'object' ? pruned(item) : item;
    if (out === undefined) {
      if (p === item) continue;
      out = {};
      for (const j in v) {
        if (j === k) break;
        put(out, j, v[j]!);
      }
    }
    if (p !== undefined) put(out, k, p);
  }
  return out ?? v;
}

/** out[k] = value, also for the key `__proto__` (which an assignment would take as the prototype). */
function put(out: JsonObject, k: string, value: JsonValue): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  else out[k] = value;
}
