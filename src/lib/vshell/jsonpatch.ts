/**
 * The three patch kinds `kubectl patch --type` sends, applied to a stored object:
 * - `merge`: JSON Merge Patch, RFC 7386 (objects merge recursively, `null` deletes, anything else replaces);
 * - `json`: JSON Patch, RFC 6902 (add, remove, replace, move, copy, test over RFC 6901 pointers), all or nothing;
 * - `strategic`: Kubernetes' strategic merge patch for built-in kinds, in the subset the labs need: lists whose
 *   elements carry a merge key (containers, env, volumes by `name`; volumeMounts by `mountPath`; ports by
 *   `containerPort` or `port`) merge element by element and honour `$patch: delete`; a map with `$patch: replace`
 *   replaces; every other list is replaced, as in a merge patch (k8s.io/apimachinery strategicpatch).
 *
 * Input is hostile: sizes are bounded by the caller, and a key that would reach an object's prototype (`__proto__`)
 * is refused rather than written.
 */
import type { JsonObject, JsonValue } from '../model/types.ts';

export class PatchError extends Error {}

/** JSON Patch operations per request; kubectl users send a handful. */
export const MAX_OPS = 1000;

const isObj = (v: JsonValue | undefined): v is JsonObject => !!v && typeof v === 'object' && !Array.isArray(v);

function safeKey(k: string): string {
  if (k === '__proto__') throw new PatchError(`invalid field name "${k}"`);
  return k;
}

/** A copy of `o` with `k` set (own property, never the prototype). */
function withKey(o: JsonObject, k: string, v: JsonValue): JsonObject {
  const out: JsonObject = { ...o };
  Object.defineProperty(out, safeKey(k), { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

function withoutKey(o: JsonObject, k: string): JsonObject {
  const out: JsonObject = { ...o };
  delete out[k];
  return out;
}

/** RFC 7386 MergePatch(Target, Patch). */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObj(patch)) return patch;
  let out: JsonObject = isObj(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) out = withoutKey(out, k);
    else out = withKey(out, k, mergePatch(out[k], v));
  }
  return out;
}

/** The merge key strategic merge patch uses for a list field, when its elements are objects that carry it. */
function mergeKeyOf(field: string, items: readonly JsonValue[]): string | undefined {
  const candidates =
    field === 'volumeMounts'
      ? ['mountPath']
      : field === 'ports'
        ? ['containerPort', 'port']
        : ['containers', 'initContainers', 'ephemeralContainers', 'env', 'volumes', 'imagePullSecrets'].includes(field)
          ? ['name']
          : [];
  return candidates.find((c) => items.length > 0 && items.every((x) => isObj(x) && x[c] !== undefined));
}

function strategicList(field: string, target: readonly JsonValue[], patch: readonly JsonValue[]): JsonValue[] {
  const key = mergeKeyOf(field, [...target, ...patch]);
  if (!key) return patch.filter((x) => !(isObj(x) && x['$patch'] === 'delete'));
  const out = [...target];
  for (const p of patch) {
    const po = p as JsonObject;
    const i = out.findIndex((x) => isObj(x) && JSON.stringify(x[key]) === JSON.stringify(po[key]));
    if (po['$patch'] === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMergePatch(out[i], po);
    else out.push(strategicMergePatch(undefined, po));
  }
  return out;
}

/** Strategic merge patch over built-in objects (see the file comment for the subset). */
export function strategicMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObj(patch)) return patch;
  if (patch['$patch'] === 'replace') return withoutKey(patch, '$patch');
  let out: JsonObject = isObj(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k.startsWith('$retainKeys') || k.startsWith('$setElementOrder')) continue;
    const cur = out[k];
    if (v === null) out = withoutKey(out, k);
    else if (Array.isArray(v) && Array.isArray(cur)) out = withKey(out, k, strategicList(k, cur, v));
    else if (Array.isArray(v)) out = withKey(out, k, strategicList(k, [], v));
    else out = withKey(out, k, strategicMergePatch(cur, v));
  }
  return out;
}

/** RFC 6901: `/a/b~1c/0` → ['a', 'b/c', '0']. */
function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new PatchError(`invalid JSON pointer "${p}": must start with /`);
  return p
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(a: readonly JsonValue[], token: string, forAdd: boolean, path: string): number {
  if (forAdd && token === '-') return a.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`invalid array index "${token}" in "${path}"`);
  const i = Number(token);
  if (i > a.length || (!forAdd && i === a.length)) throw new PatchError(`array index ${i} out of range in "${path}"`);
  return i;
}

function get(doc: JsonValue, tokens: readonly string[], path: string): JsonValue {
  let cur: JsonValue = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false, path)]!;
    else if (isObj(cur) && Object.hasOwn(cur, t)) cur = cur[t]!;
    else throw new PatchError(`path "${path}" does not exist`);
  }
  return cur;
}

/** `doc` with the value at `tokens` replaced by `f(current)`; `f` gets undefined for a missing last member. */
function update(
  doc: JsonValue,
  tokens: readonly string[],
  path: string,
  f: (parent: JsonValue, last: string) => JsonValue,
): JsonValue {
  if (!tokens.length) return f(doc, '');
  const [head, ...rest] = tokens as [string, ...string[]];
  if (!rest.length) return f(doc, head);
  if (Array.isArray(doc)) {
    const i = arrayIndex(doc, head, false, path);
    const copy = [...doc];
    copy[i] = update(doc[i]!, rest, path, f);
    return copy;
  }
  if (isObj(doc) && Object.hasOwn(doc, head)) return withKey(doc, head, update(doc[head]!, rest, path, f));
  throw new PatchError(`path "${path}" does not exist`);
}

function add(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  const tokens = parsePointer(path);
  if (!tokens.length) return value;
  return update(doc, tokens, path, (parent, last) => {
    if (Array.isArray(parent)) {
      const copy = [...parent];
      copy.splice(arrayIndex(parent, last, true, path), 0, value);
      return copy;
    }
    if (isObj(parent)) return withKey(parent, last, value);
    throw new PatchError(`path "${path}": parent is not an object or array`);
  });
}

function remove(doc: JsonValue, path: string): JsonValue {
  const tokens = parsePointer(path);
  if (!tokens.length) throw new PatchError('cannot remove the whole document');
  return update(doc, tokens, path, (parent, last) => {
    if (Array.isArray(parent)) {
      const copy = [...parent];
      copy.splice(arrayIndex(parent, last, false, path), 1);
      return copy;
    }
    if (isObj(parent) && Object.hasOwn(parent, last)) return withoutKey(parent, last);
    throw new PatchError(`path "${path}" does not exist`);
  });
}

function deepEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k]!, b[k]!));
  }
  return false;
}

/** RFC 6902: every operation in order; the first failure aborts the whole patch (PatchError names it). */
export function applyJsonPatch(doc: JsonValue, ops: JsonValue): JsonValue {
  if (!Array.isArray(ops))
    throw new PatchError(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch (a JSON array of operations)',
    );
  if (ops.length > MAX_OPS) throw new PatchError(`too many operations (${ops.length}); at most ${MAX_OPS}`);
  let cur = doc;
  ops.forEach((raw, n) => {
    if (!isObj(raw)) throw new PatchError(`operation ${n} is not an object`);
    const op = raw['op'];
    const path = raw['path'];
    if (typeof path !== 'string') throw new PatchError(`operation ${n} (${String(op)}) has no "path"`);
    const value = (): JsonValue => {
      if (!Object.hasOwn(raw, 'value')) throw new PatchError(`operation ${n} (${String(op)}) has no "value"`);
      return raw['value']!;
    };
    const from = (): string => {
      const f = raw['from'];
      if (typeof f !== 'string') throw new PatchError(`operation ${n} (${String(op)}) has no "from"`);
      return f;
    };
    switch (op) {
      case 'add':
        cur = add(cur, path, value());
        break;
      case 'remove':
        cur = remove(cur, path);
        break;
      case 'replace':
        if (path === '') {
          cur = value();
          break;
        }
        get(cur, parsePointer(path), path);
        cur = add(remove(cur, path), path, value());
        break;
      case 'move': {
        const f = from();
        if (path.startsWith(`${f}/`)) throw new PatchError(`cannot move "${f}" into its own child "${path}"`);
        const v = get(cur, parsePointer(f), f);
        cur = add(remove(cur, f), path, v);
        break;
      }
      case 'copy': {
        const f = from();
        cur = add(cur, path, get(cur, parsePointer(f), f));
        break;
      }
      case 'test':
        if (!deepEqual(get(cur, parsePointer(path), path), value()))
          throw new PatchError(`testing value ${path} failed: the value is not ${JSON.stringify(value())}`);
        break;
      default:
        throw new PatchError(`unexpected kind of operation: ${JSON.stringify(op ?? null)}`);
    }
  });
  return cur;
}
