/**
 * Generators for the hostile inputs of issue #15 and for benign inputs of the same size and YAML features, shared
 * by `tests/hostile/*.test.ts` (outcomes) and `bench/hostile.bench.ts` (cost relative to the benign twin).
 * Everything is generated: no big files are committed.
 */

const enc = new TextEncoder();

/** Small valid manifests (ConfigMaps) until `bytes` is reached; every document is read by the fast reader. */
export function plainManifests(bytes: number): string {
  const docs: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: shop\ndata:\n  key: value-${i}\n`;
    docs.push(doc);
    size += doc.length + 4;
  }
  return docs.join('---\n');
}

/** ~457 KB of manifests with one byte that is not UTF-8 a few lines before the end. */
export function invalidUtf8(bytes = 457 * 1024): { hostile: Uint8Array; benign: Uint8Array; badOffset: number } {
  const benign = enc.encode(plainManifests(bytes));
  const hostile = benign.slice();
  // Inside the value of the last `key:` line, so the byte has a line and column to report.
  const at = benign.lastIndexOf(0x76 /* v of value- */);
  hostile[at] = 0xff;
  return { hostile, benign, badOffset: at };
}

/**
 * `aliases` aliases of a collection holding `aliases` aliases of an empty collection, which `yaml`'s alias count
 * rates zero and so re-counts (a whole-document search per alias inside) at every use; plus `keys` keys.
 */
export function aliasesOfEmpty(aliases = 300, keys = 20_000): { hostile: string; benign: string } {
  const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: zero\n';
  const data = `data:\n${Array.from({ length: keys }, (_, i) => `  k${i}: v\n`).join('')}`;
  const big = Array.from({ length: aliases }, () => '*e').join(', ');
  const hostile = `${head}e: &e []\nbig: &big [${big}]\n${data}refs:\n${'- *big\n'.repeat(aliases)}`;
  const benign = `${head}e: &e []\nbig: &big [${big.replaceAll('*e', 'xx')}]\n${data}refs:\n- *big\n${'- xxxx\n'.repeat(aliases - 1)}`;
  return { hostile, benign };
}

/** One document with `aliases` aliases of one anchor (under the 1,000 cap) and `keys` keys; the `yaml` path. */
export function manyAliases(aliases = 900, keys = 20_000): { hostile: string; benign: string } {
  const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aliases\n  labels: &l\n    app: x\ndata:\n';
  const data = Array.from({ length: keys }, (_, i) => `  k${i}: v${i}\n`).join('');
  const hostile = `${head}${data}refs:\n${'- *l\n'.repeat(aliases)}`;
  // The same size and the same reading path (one anchor and one alias), without the many aliases.
  const benign = `${head}${data}refs:\n- *l\n${'- xx\n'.repeat(aliases - 1)}`;
  return { hostile, benign };
}

/** A block scalar (so the fast reader hands the document to `yaml`) and one map of `keys` keys. */
export function blockScalarWideMap(keys = 50_000): { hostile: string; benign: string; duplicate: string } {
  const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\ndata:\n  script: |\n    echo hi\n';
  const body = Array.from({ length: keys }, (_, i) => `  k${i}: v\n`).join('');
  const hostile = head + body;
  // The same bytes as many small ConfigMaps with a block scalar each: the same `yaml` path, narrow maps.
  const docs: string[] = [];
  let size = 0;
  for (let i = 0; size < hostile.length; i++) {
    const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  script: |\n    echo hi\n${Array.from({ length: 20 }, (_, k) => `  k${k}: v\n`).join('')}`;
    docs.push(doc);
    size += doc.length + 4;
  }
  // The wide map with one duplicate key at its end: must still be found, at its line.
  const duplicate = `${hostile}  k0: again\n`;
  return { hostile, benign: docs.join('---\n'), duplicate };
}

/** `name: b 'c` (a quote inside a plain scalar) followed by `n` opening brackets. */
export function quoteThenBrackets(n = 1_000_000): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b 'c\ndata: ${'['.repeat(n)}\n`;
}

/** A document followed by `n` stray `]`: one YAML error per character. */
export function strayBrackets(n = 1_000_000): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n${']'.repeat(n)}\n`;
}

/** Lines holding only `-`, each indented one more: block nesting `n` deep. */
export function dashStaircase(n = 20_000): string {
  let out = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stairs\ndata:\n  k:\n';
  for (let i = 0; i < n; i++) out += `${' '.repeat(2 + i)}-\n`;
  return out;
}

/** Deep flow nesting hidden after a quote opened in a plain scalar's continuation line. */
export function quoteInContinuation(n = 100_000): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n    'b\nx: ${'['.repeat(n)}\n`;
}

/** A document followed by `lines` lines indented with a tab (yaml: one error per line, ~20 µs each). */
export function tabFlood(lines = 1_000_000): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n${'\tb: 1\n'.repeat(lines)}`;
}

/** A ConfigMap with `n` entries in `data`: numbers (each a schema error) or, for the twin, strings. */
export function configMapValues(n = 20_000, numbers = true): string {
  const data = Array.from({ length: n }, (_, i) => `  k${i}: ${numbers ? '' : 'v'}${i}\n`).join('');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\ndata:\n${data}`;
}

/** An AuthorizationPolicy with an L7 rule on ztunnel (a `selector`, no waypoint): an error finding. */
export const L7_ON_ZTUNNEL = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'l7-on-ztunnel', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'reviews' } },
    action: 'ALLOW',
    rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
  },
};

/** `kind: List` (or kubectl's `v1/List`-style kinds) nested `levels` deep around `item`, as YAML. */
export function nestedList(levels: number, item: object, kind = 'List'): string {
  let value: object = item;
  for (let i = 0; i < levels; i++) value = { apiVersion: 'v1', kind, items: [value] };
  return toBlockYaml(value, 0);
}

/** `count` policies as one `kind: List` nested `levels` deep, and the same policies as separate documents. */
export function nestedListOf(count: number, levels = 3): { hostile: string; benign: string } {
  const item = (i: number) => ({ ...L7_ON_ZTUNNEL, metadata: { name: `p-${i}`, namespace: 'shop' } });
  const items = Array.from({ length: count }, (_, i) => item(i));
  let value: object = { apiVersion: 'v1', kind: 'List', items };
  for (let i = 1; i < levels; i++) value = { apiVersion: 'v1', kind: 'List', items: [value] };
  return { hostile: toBlockYaml(value, 0), benign: items.map((p) => toBlockYaml(p, 0)).join('---\n') };
}

/** A minimal block-style YAML writer for the plain objects above (keys and strings need no quoting). */
function toBlockYaml(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  if (value === null || typeof value !== 'object') return `${pad}${String(value)}\n`;
  if (Array.isArray(value))
    return value
      .map((v) => {
        const inner = toBlockYaml(v, indent + 2);
        return `${pad}- ${inner.slice(indent + 2)}`;
      })
      .join('');
  const lines: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) lines.push(`${pad}${k}:\n${toBlockYaml(v, indent)}`);
      else lines.push(`${pad}${k}:\n${toBlockYaml(v, indent + 2)}`);
    } else lines.push(`${pad}${k}: ${String(v)}\n`);
  }
  return lines.join('');
}
