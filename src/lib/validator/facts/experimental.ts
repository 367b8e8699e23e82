/**
 * Experimental-channel facts: which Gateway API objects use a version, field or enum value served only by the
 * experimental CRDs (tables generated from ../shared/crds by scripts/gen/experimental.ts).
 */
import type { JsonValue, ObjectPath, Resource } from '../../model/types.ts';
import { EXPERIMENTAL } from '../schema/experimental.gen.ts';
import type { ExperimentalTable } from '../schema/experimental.gen.ts';
import { GATEWAY_API_VERSIONS } from '../../versions.ts';
import type { GatewayApiVersion } from '../../versions.ts';
import { perMesh } from './per-mesh.ts';
import { isGatewayApi, ROUTE_KINDS } from './resources.ts';

/**
 * The experimental-channel table of every Gateway API line merged: what the route pass collects before a rule
 * checks each candidate against the table of the run's line (the pass is shared per mesh, not per version).
 */
export const EXPERIMENTAL_ANY_LINE: ExperimentalTable = (() => {
  const tables = GATEWAY_API_VERSIONS.map((v) => EXPERIMENTAL[v]);
  const fields: Record<string, string[]> = {};
  const enumValues: Record<string, { path: string; values: readonly string[] }[]> = {};
  for (const t of tables) {
    for (const [k, list] of Object.entries(t.fields)) fields[k] = [...new Set([...(fields[k] ?? []), ...list])];
    for (const [k, list] of Object.entries(t.enumValues))
      for (const e of list) {
        const have = (enumValues[k] ??= []);
        const same = have.find((x) => x.path === e.path);
        if (same) same.values = [...new Set([...same.values, ...e.values])];
        else have.push({ path: e.path, values: e.values });
      }
  }
  return { onlyVersions: [...new Set(tables.flatMap((t) => t.onlyVersions))], fields, enumValues };
})();
/**
 * The patterns of one apiVersion/kind merged into a trie, so each object is walked once for all of them (this
 * runs for every Gateway API object and almost never finds anything). `[]` is the step into every list item.
 */
export interface Trie {
  readonly children: Map<string, Trie>;
  /** The children other than `[]`, as an array: the walk iterates it for every object. */
  readonly named: [step: string, child: Trie][];
  /** An experimental field ends here. */
  field: boolean;
  /** Experimental values of an enum ending here. */
  values: readonly string[] | undefined;
}
const newTrie = (): Trie => ({ children: new Map(), named: [], field: false, values: undefined });

function insert(root: Trie, pattern: string): Trie {
  let node = root;
  for (const part of pattern.split('.')) {
    const steps = part.endsWith('[]') ? [part.slice(0, -2), '[]'] : [part];
    for (const step of steps) {
      let next = node.children.get(step);
      if (!next) {
        node.children.set(step, (next = newTrie()));
        if (step !== '[]') node.named.push([step, next]);
      }
      node = next;
    }
  }
  return node;
}

export interface Channel {
  /** The apiVersion/kind is served only by the experimental CRDs. */
  readonly versionOnly: boolean;
  readonly trie: Trie | null;
}

/** What the tables say about an apiVersion/kind they do not list: nothing (shared, never cached). */
const NOT_LISTED: Channel = Object.freeze({ versionOnly: false, trie: null });

/**
 * The apiVersions and kinds any line's table lists. channelOf caches only pairs drawn from these, so its cache is
 * bounded by the generated tables, whatever apiVersions and kinds the manifests hold.
 */
const LISTED = (() => {
  const apiVersions = new Set<string>();
  const kinds = new Set<string>();
  for (const v of GATEWAY_API_VERSIONS) {
    const t = EXPERIMENTAL[v];
    for (const key of [...t.onlyVersions, ...Object.keys(t.fields), ...Object.keys(t.enumValues)]) {
      const bar = key.indexOf('|');
      apiVersions.add(key.slice(0, bar));
      kinds.add(key.slice(bar + 1));
    }
  }
  return { apiVersions, kinds };
})();

/**
 * line → apiVersion → kind → what the tables say about it; built on first use, without a key string per object.
 * `any`: the merged table of every line (EXPERIMENTAL_ANY_LINE).
 */
const channels = new Map<GatewayApiVersion | 'any', Map<string, Map<string, Channel>>>();
export function channelOf(apiVersion: string, kind: string, line: GatewayApiVersion | 'any' = 'any'): Channel {
  let byApiVersion = channels.get(line);
  let byKind = byApiVersion?.get(apiVersion);
  let channel = byKind?.get(kind);
  if (channel === undefined) {
    // Checked on a miss only, so a listed pair costs what it did before the cache had a bound.
    if (!LISTED.apiVersions.has(apiVersion) || !LISTED.kinds.has(kind)) return NOT_LISTED;
    if (!byApiVersion) channels.set(line, (byApiVersion = new Map()));
    if (!byKind) byApiVersion.set(apiVersion, (byKind = new Map()));
    const table = line === 'any' ? EXPERIMENTAL_ANY_LINE : EXPERIMENTAL[line];
    const key = `${apiVersion}|${kind}`;
    const fields = Object.prototype.hasOwnProperty.call(table.fields, key) ? table.fields[key]! : [];
    const enums = Object.prototype.hasOwnProperty.call(table.enumValues, key) ? table.enumValues[key]! : [];
    let trie: Trie | null = null;
    if (fields.length || enums.length) {
      trie = newTrie();
      for (const f of fields) insert(trie, f).field = true;
      for (const { path, values } of enums) insert(trie, path).values = values;
    }
    channel = { versionOnly: table.onlyVersions.includes(key), trie };
    byKind.set(kind, channel);
  }
  return channel;
}

export interface ExperimentalUse {
  readonly path: ObjectPath;
  readonly value: JsonValue;
  readonly kind: 'field' | 'value';
}

const NO_MATCHES: readonly ExperimentalUse[] = Object.freeze([]);

/**
 * Every experimental field present and every experimental enum value used, with their paths (a shared empty
 * array when there is none, the usual case). One recursive walk with a shared path stack; it allocates only for
 * a match.
 */
export function experimentalUses(obj: JsonValue, trie: Trie): readonly ExperimentalUse[] {
  const out: ExperimentalUse[] = [];
  // One path stack for all walks (balanced: every push is popped), not a fresh one per object: a new array, or
  // emptying this one with `length = 0`, allocated a backing store for every route of the route pass.
  walkTrie(obj, trie, trieStack, out);
  return out.length ? out : NO_MATCHES;
}
const trieStack: (string | number)[] = [];

function walkTrie(value: JsonValue, node: Trie, stack: (string | number)[], out: ExperimentalUse[]): void {
  if (node.field) out.push({ path: [...stack], value, kind: 'field' });
  if (node.values && typeof value === 'string' && node.values.includes(value))
    out.push({ path: [...stack], value, kind: 'value' });
  if (node.children.size === 0 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const each = node.children.get('[]');
    if (!each) return;
    for (let k = 0; k < value.length; k++) {
      stack.push(k);
      walkTrie(value[k]!, each, stack, out);
      stack.pop();
    }
    return;
  }
  const named = node.named;
  // Indexed, destructured by hand: this runs at every node of every Gateway API route of the mesh.
  for (let n = 0; n < named.length; n++) {
    const entry = named[n]!;
    const step = entry[0];
    const child = entry[1];
    const v = value[step];
    if (v === undefined || v === null) continue;
    stack.push(step);
    walkTrie(v, child, stack, out);
    stack.pop();
  }
}

/**
 * Gateway API routes served only by the experimental channel or using one of its fields or values (under any
 * line's table), in kind order: gateway-api-experimental-field checks these against the run's line.
 */
export const experimentalRoutes = perMesh('experimental routes', (mesh): readonly Resource[] => {
  const out: Resource[] = [];
  for (const kind of ROUTE_KINDS)
    for (const route of mesh.byKind(kind)) {
      if (!isGatewayApi(route)) continue;
      const channel = channelOf(route.apiVersion, route.kind);
      if (channel.versionOnly || (channel.trie && experimentalUses(route.obj, channel.trie).length)) out.push(route);
    }
  return out;
});
