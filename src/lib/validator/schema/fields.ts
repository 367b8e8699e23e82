import type { JsonObject, JsonValue, ObjectPath } from '../../model/types.ts';
import { KNOWN_NODES, KNOWN_ROOTS } from './known-fields.gen.ts';
import type { KnownNode } from './types.ts';
import type { SchemaProblem } from './types.ts';

/**
 * Unknown-field detection (kubectl's default strict field validation rejects unknown fields; the generated
 * ajv validators do not check them). The field tree comes from the @kubernetes-models type declarations
 * (see known-fields.gen.ts), plus fields newer than that package that the upstream CRDs already have.
 *
 * A node is `[properties, mapValue, arrayItem]` by index into KNOWN_NODES; -1 means "anything goes".
 */

/**
 * Fields present in the Istio 1.30.3 CRDs but missing from @kubernetes-models/istio 3.0.1's types
 * (found by tests/differential): accepted so that valid manifests stay clean.
 */
const NEWER_FIELDS: readonly (readonly [kindKey: string, path: readonly string[], field: string])[] = [
  ['security.istio.io/v1|AuthorizationPolicy', ['spec', 'rules', '[]', 'from', '[]', 'source'], 'trustDomains'],
  ['security.istio.io/v1|AuthorizationPolicy', ['spec', 'rules', '[]', 'from', '[]', 'source'], 'notTrustDomains'],
  ['security.istio.io/v1beta1|AuthorizationPolicy', ['spec', 'rules', '[]', 'from', '[]', 'source'], 'trustDomains'],
  ['security.istio.io/v1beta1|AuthorizationPolicy', ['spec', 'rules', '[]', 'from', '[]', 'source'], 'notTrustDomains'],
];

function newerAllowed(kindKey: string, path: readonly (string | number)[], field: string): boolean {
  for (const [k, p, f] of NEWER_FIELDS) {
    if (k !== kindKey || f !== field || p.length !== path.length) continue;
    if (p.every((seg, i) => (seg === '[]' ? typeof path[i] === 'number' : seg === path[i]))) return true;
  }
  return false;
}

const MAX_UNKNOWN = 20;

/** The known-field tree of `apiVersion|kind`, if we have one. */
export function knownRoot(kindKey: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(KNOWN_ROOTS, kindKey)
    ? (KNOWN_ROOTS as Readonly<Record<string, number>>)[kindKey]
    : undefined;
}

/** Whether the known-field tree at `root` declares `field` (e.g. a kind with a `status`). */
export function declaresField(root: number, field: string): boolean {
  const props = root < 0 ? 0 : (KNOWN_NODES as readonly KnownNode[])[root]?.[0];
  return props !== undefined && props !== 0 && Object.prototype.hasOwnProperty.call(props, field);
}

/*
 * The walk runs for every object of every lint, so it allocates nothing unless it finds something: one shared
 * path (push/pop) and one shared stack of pending children. It recurses, which is safe because the known-field
 * tree is acyclic and shallow (depth 16 at generation time): a walk never goes deeper than the tree.
 */
const path: (string | number)[] = [];
const pendingValue: (JsonValue | undefined)[] = [];
const pendingId: number[] = [];
const pendingKey: (string | number)[] = [];
/** Top of the pending stack (assigning `length` to shrink an array is a slow path in V8, so it only grows). */
let pendingTop = 0;
let walkOut: SchemaProblem[] = [];
let walkLimit = 0;
let walkKindKey = '';
let walkAllowed: ((path: readonly (string | number)[], field: string) => boolean) | undefined;

/** Appends the unknown fields of obj (at most about MAX_UNKNOWN) to out; `root` comes from knownRoot(key). */
export function unknownFields(root: number, key: string, obj: JsonObject, out: SchemaProblem[]): void {
  if (root < 0 || !hasUnknownKey(obj, root)) return;
  reportUnknownFields(root, key, obj, out);
}

/** scanKnown's answer: obj may have an unknown field (reportUnknownFields decides). */
export const MAY_HAVE_UNKNOWN = 1;
/** scanKnown's answer: some field of obj is null (or the scan stopped before it could tell). */
export const MAY_HAVE_NULL = 2;
let sawNull = false;

/**
 * One pass over obj that answers both questions the schema layer asks of every object: whether it may have an
 * unknown field and whether a field is null (the API server drops those before validating, see pruneNulls).
 * Both in one walk: a second walk per object just for nulls would cost about as much as this one.
 */
export function scanKnown(root: number, obj: JsonObject): number {
  scanned = undefined;
  if (root < 0) return MAY_HAVE_NULL;
  sawNull = false;
  if (hasUnknownKey(obj, root)) return MAY_HAVE_UNKNOWN | MAY_HAVE_NULL; // stopped early: nulls unknown
  return sawNull ? MAY_HAVE_NULL : 0;
}

/** Key lists of the wide maps the last scanKnown looked into (see takeScannedKeys). */
let scanned: Map<object, readonly string[]> | undefined;
/** Maps with more keys than this keep their key list for the validator (which splits maps over 128 keys). */
const KEEP_KEYS_OVER = 64;

/**
 * The key lists, in Object.keys order, of the wide maps (labels, data…) the last scanKnown walked, and forgets them:
 * listing a map of 50,000 keys costs as much as validating it, so the structural validator takes them from here
 * instead of listing each map again. Valid only until the objects change: take them right after the scan.
 */
export function takeScannedKeys(): ReadonlyMap<object, readonly string[]> | undefined {
  const out = scanned;
  scanned = undefined;
  return out;
}

/** Whether a field of obj is null; keeps the key list of a wide obj. */
function nullIn(obj: JsonObject): boolean {
  const keys = Object.keys(obj);
  if (keys.length > KEEP_KEYS_OVER) (scanned ??= new Map()).set(obj, keys);
  for (let i = 0; i < keys.length; i++) if (obj[keys[i]!] === null) return true;
  return false;
}

/**
 * unknownFields without the quick check, for a caller that ran scanKnown already. `allowed` accepts fields a
 * version line adds to the tree (schema/line-delta.ts).
 */
export function reportUnknownFields(
  root: number,
  key: string,
  obj: JsonObject,
  out: SchemaProblem[],
  allowed?: (path: readonly (string | number)[], field: string) => boolean,
): void {
  if (root < 0) return;
  walkAllowed = allowed;
  if (path.length) path.length = 0; // only after an exception
  pendingTop = 0;
  walkOut = out;
  walkLimit = out.length + MAX_UNKNOWN;
  walkKindKey = key;
  try {
    walk(obj, root);
  } finally {
    walkOut = [];
    walkAllowed = undefined;
    // Do not keep the manifest alive through the scratch stack.
    for (let j = 0; j < pendingTop; j++) pendingValue[j] = undefined;
    pendingTop = 0;
  }
}

/*
 * The same tree for hasUnknownKey, split by field: one Map per node (a Map lookup is cheaper than a keyed load on
 * ~480 differently shaped object literals, which V8 can only do megamorphically) and typed arrays for the rest.
 * The Maps are built on a node's first visit: all of them at module load would cost a small lint ≈ 1.5 ms.
 */
const nodeFields: (ReadonlyMap<string, number> | null | undefined)[] = KNOWN_NODES.map(() => undefined);
const nodeMapValue = Int32Array.from(KNOWN_NODES, (node) => node[1]);
const nodeItem = Int32Array.from(KNOWN_NODES, (node) => node[2]);
function fieldsOf(id: number): ReadonlyMap<string, number> | null {
  let fields = nodeFields[id];
  if (fields === undefined) {
    const props = (KNOWN_NODES as readonly KnownNode[])[id]![0];
    nodeFields[id] = fields = props === 0 ? null : new Map(Object.entries(props));
  }
  return fields;
}
/*
 * Objects at one node mostly come in one key order, so each node remembers the declared keys of the last object
 * seen there by position: a key equal to the remembered one (for…in keys are internalized strings, so this is
 * mostly a pointer comparison) skips the Map lookup. Only declared keys are kept, at most one per field.
 */
const nodeLastKeys: string[][] = KNOWN_NODES.map(() => []);
const nodeLastChildren: number[][] = KNOWN_NODES.map(() => []);

/**
 * Whether an object below value (an object or array at node id) may have an unknown key. Almost every resource
 * has none, and then this plain recursion is all the work: no path, no pending stack, any order. Only when it
 * says yes does `walk` run, to report (or not: it alone knows the exceptions) in its exact order under the limit.
 * It looks at every object `walk` looks at, so a no here means `walk` would report nothing. On the way it notes a
 * null field in `sawNull` (complete only when it answers no: a yes stops the walk).
 */
function hasUnknownKey(value: JsonObject | JsonValue[], id: number): boolean {
  if (Array.isArray(value)) {
    const item = nodeItem[id]!;
    if (item >= 0)
      for (let i = 0; i < value.length; i++) {
        const v = value[i]!;
        if (v !== null && typeof v === 'object' && hasUnknownKey(v, item)) return true;
      }
    return false;
  }
  const fields = fieldsOf(id);
  const mapValue = nodeMapValue[id]!;
  if (fields === null && mapValue < 0) {
    // Any key goes (labels, annotations, preserve-unknown-fields), but a null value is still pruned.
    if (nullIn(value)) sawNull = true;
    return false;
  }
  const lastKeys = nodeLastKeys[id]!;
  const lastChildren = nodeLastChildren[id]!;
  let at = 0;
  for (const k in value) {
    let child: number | undefined;
    if (at < lastKeys.length && lastKeys[at] === k) child = lastChildren[at]!;
    else {
      child = fields === null ? undefined : fields.get(k);
      if (child === undefined) {
        if (mapValue < 0) return true;
        child = mapValue;
      } else if (fields !== null && at < fields.size) {
        lastKeys[at] = k;
        lastChildren[at] = child;
      }
    }
    at++;
    const v = value[k]!;
    if (v === null) sawNull = true;
    else if (typeof v === 'object') {
      if (child >= 0) {
        if (hasUnknownKey(v, child)) return true;
      } else if (!sawNull && !Array.isArray(v)) {
        // Any keys go below (matchLabels, a map of strings), but a null value there is still pruned.
        if (nullIn(v)) sawNull = true;
      }
    }
  }
  return false;
}

/**
 * Visits value against node id. Children are visited last-found first and the limit is checked before each
 * visit, which reports exactly what the earlier explicit-stack walk reported (same findings, same order).
 * Returns false once the limit is reached.
 */
function walk(value: JsonValue, id: number): boolean {
  if (walkOut.length >= walkLimit) return false;
  if (id < 0 || value === null || typeof value !== 'object') return true;
  const node = (KNOWN_NODES as readonly KnownNode[])[id];
  if (!node) return true;
  const props = node[0];
  const mapValue = node[1];
  if (Array.isArray(value)) {
    const item = node[2];
    if (item >= 0)
      for (let i = value.length - 1; i >= 0; i--) {
        path.push(i);
        const go = walk(value[i]!, item);
        path.pop();
        if (!go) return false;
      }
    return true;
  }
  if (props === 0 && mapValue < 0) return true;
  const base = pendingTop;
  for (const k in value) {
    const v = value[k]!;
    // Through the Map, not `props[k]`: a key such as `constructor` must not find Object.prototype's.
    const child = props === 0 ? undefined : fieldsOf(id)!.get(k);
    if (child !== undefined) {
      if (child >= 0 && v !== null && typeof v === 'object') {
        pendingValue[pendingTop] = v;
        pendingId[pendingTop] = child;
        pendingKey[pendingTop++] = k;
      }
    } else if (mapValue >= 0) {
      if (v !== null && typeof v === 'object') {
        pendingValue[pendingTop] = v;
        pendingId[pendingTop] = mapValue;
        pendingKey[pendingTop++] = k;
      }
    } else if (props !== 0) {
      if (
        !(path.length === 1 && path[0] === 'metadata' && k === 'creationTimestamp') &&
        !newerAllowed(walkKindKey, path, k) &&
        !walkAllowed?.(path, k)
      ) {
        const at = path.slice();
        walkOut.push({ path: [...at, k], message: unknownMessage(at, k, props) });
      }
    }
  }
  let go = true;
  // Children push above `top`, and every child restores pendingTop to where it found it.
  const top = pendingTop;
  for (let j = top - 1; j >= base && go; j--) {
    path.push(pendingKey[j]!);
    go = walk(pendingValue[j]!, pendingId[j]!);
    path.pop();
  }
  for (let j = base; j < top; j++) pendingValue[j] = undefined;
  pendingTop = base;
  return go;
}

function unknownMessage(path: ObjectPath, key: string, props: Readonly<Record<string, number>>): string {
  const known = Object.keys(props);
  const lower = key.toLowerCase();
  const near = known.find((k) => k.toLowerCase() === lower) ?? known.find((k) => editDistance(k, key) <= 2);
  let where = '';
  for (const seg of path) where += typeof seg === 'number' ? `[${seg}]` : where ? `.${seg}` : seg;
  return `Unknown field "${key}"${where ? ` in ${where}` : ''}: kubectl's strict field validation rejects it${near ? `; did you mean "${near}"?` : '.'}`;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
