import type { JsonObject, JsonValue, ObjectPath } from '../../model/types.ts';
import { KNOWN_NODES, KNOWN_ROOTS } from './known-fields.gen.ts';
import type { SchemaProblem } from './index.ts';

/**
 * Unknown-field detection (kubectl's default strict field validation rejects unknown fields; the generated
 * ajv validators do not check them). The field tree comes from the @kubernetes-models type declarations
 * (see known-fields.gen.ts), plus fields newer than that package that the upstream CRDs already have.
 *
 * A node is `[properties, mapValue, arrayItem]` by index into KNOWN_NODES; -1 means "anything goes".
 */
export type KnownNode = readonly [props: Readonly<Record<string, number>> | 0, mapValue: number, item: number];

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

interface Frame {
  readonly value: JsonValue;
  readonly id: number;
  readonly parent: Frame | undefined;
  readonly key: string | number | undefined;
}

/** The path of a frame, built only when a finding needs it (the walk itself allocates no path arrays). */
function pathOf(f: Frame | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  for (let cur = f; cur && cur.key !== undefined; cur = cur.parent) out.push(cur.key);
  return out.reverse();
}

export function unknownFields(apiVersion: string, kind: string, obj: JsonObject): SchemaProblem[] {
  const key = `${apiVersion}|${kind}`;
  const root = (KNOWN_ROOTS as Readonly<Record<string, number>>)[key];
  if (root === undefined) return [];
  const nodes = KNOWN_NODES as readonly KnownNode[];
  const out: SchemaProblem[] = [];
  // Iterative walk: manifests can be deep, and the model already capped the depth.
  const stack: Frame[] = [{ value: obj, id: root, parent: undefined, key: undefined }];
  while (stack.length && out.length < MAX_UNKNOWN) {
    const frame = stack.pop()!;
    const { value, id } = frame;
    if (id < 0 || value === null || typeof value !== 'object') continue;
    const node = nodes[id];
    if (!node) continue;
    const [props, mapValue, item] = node;
    if (Array.isArray(value)) {
      if (item >= 0)
        for (let i = 0; i < value.length; i++) stack.push({ value: value[i]!, id: item, parent: frame, key: i });
      continue;
    }
    if (props === 0 && mapValue < 0) continue;
    for (const k in value) {
      const v = value[k]!;
      const child = props === 0 ? undefined : props[k];
      if (child !== undefined) {
        if (child >= 0 && v !== null && typeof v === 'object')
          stack.push({ value: v, id: child, parent: frame, key: k });
      } else if (mapValue >= 0) {
        if (v !== null && typeof v === 'object') stack.push({ value: v, id: mapValue, parent: frame, key: k });
      } else if (props !== 0) {
        const path = pathOf(frame);
        if (!(path.length === 1 && path[0] === 'metadata' && k === 'creationTimestamp') && !newerAllowed(key, path, k))
          out.push({ path: [...path, k], message: unknownMessage(path, k, props) });
      }
    }
  }
  return out;
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
