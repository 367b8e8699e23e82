// `--cluster` (DESIGN §4.5b): the kinds the model reads, listed read-only from a live cluster, page by page, and
// rendered as YAML so every finding still has a line and column. Only GET requests are ever sent.
import { stringify } from 'yaml';
import { KINDS } from '../../lib/ambient/kinds.ts';
import type { KindInfo } from '../../lib/ambient/kinds.ts';
import type { SourceInput } from '../../lib/model/types.ts';
import { ClusterError } from './kube.ts';
import type { KubeTarget } from './kube.ts';

export interface ClusterScope {
  /** One namespace (`-n`), or every namespace (`-A`). */
  readonly namespace?: string;
  readonly allNamespaces: boolean;
}

export interface ClusterRead {
  readonly context: string;
  /** One input per object, its YAML as kubectl prints it; `file` is `cluster://<context>/<ns>/<kind>/<name>`. */
  readonly inputs: SourceInput[];
  /** One line per kind that could not be read (403, CRD absent): the rest of the checks still ran. */
  readonly warnings: string[];
  /** Requests sent (all GET), for the summary line and the tests. */
  readonly requests: number;
}

export interface ReadLimits {
  /** Objects per page (`limit`); the server may send fewer and a `continue` token. */
  readonly pageSize: number;
  /** Bytes of all list responses together: the same bound as a file or stdin (see io.ts). */
  readonly maxTotalBytes: number;
}

/**
 * Kinds not read: Secrets are none of a linter's business (and reading them would make `--cluster` need a
 * credential it should not have), ConfigMaps are neither mesh configuration nor small.
 */
const SKIPPED = new Set(['Secret', 'ConfigMap']);

/**
 * Kinds that own pods. In a cluster a Deployment, its ReplicaSets and their Pods all exist; the model treats each
 * controller's pod template as its workload (as in the manifests that created them), so objects controlled by one
 * of these kinds are left out rather than counted twice or three times.
 */
const OWNERS = new Set(KINDS.filter((k) => k.role === 'controller').map((k) => k.kind));

/** The kinds `--cluster` lists, in the order of the kind table (the model's creation order stand-in follows it). */
export function clusterKinds(): KindInfo[] {
  return KINDS.filter((k) => !SKIPPED.has(k.kind));
}

/** Read the cluster's objects of `clusterKinds()` in `scope`. Throws ClusterError for anything but 403/404. */
export async function readCluster(target: KubeTarget, scope: ClusterScope, limits: ReadLimits): Promise<ClusterRead> {
  const inputs: SourceInput[] = [];
  const warnings: string[] = [];
  const state = { requests: 0, bytes: 0 };
  const where = scope.allNamespaces ? 'in any namespace' : `in namespace ${scope.namespace ?? target.namespace}`;
  for (const kind of clusterKinds()) {
    const listed = await listKind(target, kind, scope, limits, state);
    if ('warning' in listed) {
      warnings.push(
        `cannot list ${resourceLabel(kind)} ${kind.namespaced ? where : '(cluster-wide)'}: ${listed.warning}`,
      );
      continue;
    }
    for (const obj of listed.items) {
      if (controlledByOwner(obj)) continue;
      inputs.push(render(target.context, kind, listed.apiVersion, obj));
    }
  }
  return { context: target.context, inputs, warnings, requests: state.requests };
}

type Json = Record<string, unknown>;

/** Every page of one kind, trying its apiVersions in order (preferred first) until one is served. */
async function listKind(
  target: KubeTarget,
  kind: KindInfo,
  scope: ClusterScope,
  limits: ReadLimits,
  state: { requests: number; bytes: number },
): Promise<{ apiVersion: string; items: Json[] } | { warning: string }> {
  for (const apiVersion of kind.apiVersions) {
    const items: Json[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    let page = 0;
    for (;;) {
      const query = new URLSearchParams({ limit: String(limits.pageSize) });
      if (token !== undefined) query.set('continue', token);
      // -n NS also reads that Namespace object itself (its labels enrol it in ambient and name its waypoint).
      const nsFilter = !kind.namespaced && kind.kind === 'Namespace' && !scope.allNamespaces;
      if (nsFilter) query.set('fieldSelector', `metadata.name=${scope.namespace ?? target.namespace}`);
      const path = `${listPath(kind, apiVersion, scope, target)}?${query.toString()}`;
      state.requests++;
      const res = await target.get(path);
      state.bytes += res.body.length;
      if (state.bytes > limits.maxTotalBytes)
        throw new ClusterError(
          `the cluster's objects are over ${Math.round(limits.maxTotalBytes / 2 ** 20)} MiB of JSON; ` +
            'lint one namespace at a time (-n NS)',
        );
      if (res.status === 403) return { warning: `forbidden (403)${statusMessage(res.body)}` };
      if (res.status === 404 && page === 0) break; // not served in this apiVersion: try the next one
      if (res.status === 401)
        throw new ClusterError(
          `the API server refused the credentials of context "${target.context}" (401 Unauthorized)`,
        );
      if (res.status < 200 || res.status > 299)
        throw new ClusterError(
          `listing ${resourceLabel(kind)} failed: HTTP ${res.status}${statusMessage(res.body)}` +
            (res.status === 410 ? ' (the list changed while it was being read; run again)' : ''),
        );
      let list: { items?: unknown; metadata?: { continue?: unknown } };
      try {
        list = JSON.parse(res.body) as typeof list;
      } catch {
        throw new ClusterError(`the API server sent a list of ${resourceLabel(kind)} that is not JSON`);
      }
      if (!Array.isArray(list.items))
        throw new ClusterError(`the API server sent a list of ${resourceLabel(kind)} without items`);
      for (const item of list.items) if (isObject(item)) items.push(item);
      const next = list.metadata?.continue;
      if (typeof next !== 'string' || next === '') return { apiVersion, items };
      // A server that hands back a token it gave before would page forever.
      if (seen.has(next))
        throw new ClusterError(`the API server repeated a continue token while listing ${resourceLabel(kind)}`);
      seen.add(next);
      token = next;
      page++;
    }
  }
  return { warning: 'not served by this cluster (404): its CRD is not installed' };
}

function listPath(kind: KindInfo, apiVersion: string, scope: ClusterScope, target: KubeTarget): string {
  const root = kind.group === '' ? `/api/${apiVersion}` : `/apis/${apiVersion}`;
  if (!kind.namespaced || scope.allNamespaces) return `${root}/${kind.plural}`;
  return `${root}/namespaces/${encodeURIComponent(scope.namespace ?? target.namespace)}/${kind.plural}`;
}

function resourceLabel(kind: KindInfo): string {
  return kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
}

/** The Status object's message, if the body is one (bounded: a hostile server could send anything). */
function statusMessage(body: string): string {
  try {
    const s = JSON.parse(body) as { message?: unknown };
    return typeof s.message === 'string' ? `: ${s.message.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function controlledByOwner(obj: Json): boolean {
  const meta = obj.metadata;
  if (!isObject(meta) || !Array.isArray(meta.ownerReferences)) return false;
  return meta.ownerReferences.some(
    (o) => isObject(o) && o.controller === true && typeof o.kind === 'string' && OWNERS.has(o.kind),
  );
}

/**
 * One object as `kubectl get -o yaml` prints it (keys sorted, sequences not indented, managedFields hidden), so a
 * finding's line and column can be found in `kubectl get <kind> <name> -n <ns> -o yaml`. Items of a typed list
 * (core, apps, batch) come without apiVersion and kind: they are the list's.
 */
function render(context: string, kind: KindInfo, apiVersion: string, obj: Json): SourceInput {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const { managedFields: _hidden, ...shownMeta } = meta;
  const full: Json = { ...obj, apiVersion, kind: kind.kind, metadata: shownMeta };
  const name = typeof meta.name === 'string' ? meta.name : '';
  const ns = typeof meta.namespace === 'string' && meta.namespace ? `${meta.namespace}/` : '';
  return {
    file: `cluster://${context}/${ns}${kind.kind}/${name}`,
    text: stringify(sortKeys(full), { indentSeq: false, lineWidth: 0, aliasDuplicateObjects: false }),
  };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  // fromEntries defines own properties: a `__proto__` key from the server stays a key, not a prototype.
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}
