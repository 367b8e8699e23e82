/**
 * Object identity as the API server sees it, and what applying the same object twice does. One home for "a later
 * object with the same name replaces the earlier one": the mesh index, the simulator and the playground use it.
 */
import type { Resource } from '../model/types.ts';

/** The API group of an apiVersion (`security.istio.io/v1` → `security.istio.io`; `v1` → `''`). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Group, kind, namespace and name: what makes two manifests the same object (the version does not). */
export function objectKey(r: Pick<Resource, 'apiVersion' | 'kind' | 'namespace' | 'name'>): string {
  return `${apiGroupOf(r.apiVersion)}\u0000${r.kind}\u0000${r.namespace}\u0000${r.name}`;
}

/**
 * The cluster after `kubectl apply` of `resources` in order: a later manifest of the same object replaces the
 * earlier one's content but keeps its place (creation order decides "oldest wins" precedence). Returns the input
 * itself when nothing repeats (the common case: checked without a key string per resource, since namespace and
 * name strings are shared by the parser and their hashes are cached).
 */
export function lastWins(resources: readonly Resource[]): readonly Resource[] {
  const byNs = new Map<string, Map<string, Resource | Resource[]>>();
  let duplicate = false;
  for (let ri = 0; ri < resources.length; ri++) {
    const r = resources[ri]!;
    let byName = byNs.get(r.namespace);
    if (!byName) byNs.set(r.namespace, (byName = new Map()));
    const same = byName.get(r.name);
    if (same === undefined) {
      byName.set(r.name, r);
      continue;
    }
    const list = Array.isArray(same) ? same : [same];
    for (const o of list)
      if (o.kind === r.kind && apiGroupOf(o.apiVersion) === apiGroupOf(r.apiVersion)) duplicate = true;
    list.push(r);
    if (!Array.isArray(same)) byName.set(r.name, list);
  }
  if (!duplicate) return resources;
  const last = new Map<string, Resource>();
  for (const r of resources) last.set(objectKey(r), r);
  const seen = new Set<string>();
  const out: Resource[] = [];
  for (let ri = 0; ri < resources.length; ri++) {
    const k = objectKey(resources[ri]!);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(last.get(k)!);
  }
  return out;
}
