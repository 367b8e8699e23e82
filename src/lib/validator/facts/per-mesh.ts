/**
 * The one memo of the validator's facts: a fact is computed at most once per mesh (the mesh is built once per lint
 * run and every rule shares it), and dropped with the mesh. Rules never keep caches of their own.
 */
import type { Mesh } from '../../model/mesh.ts';

const keys = new Set<string>();

/**
 * `compute(mesh)`, memoised per mesh. `key` names the fact: one name, one home (a second registration of a key is
 * a programming error, caught when the module loads).
 */
export function perMesh<T>(key: string, compute: (mesh: Mesh) => T): (mesh: Mesh) => T {
  if (keys.has(key)) throw new Error(`validator fact "${key}" is defined twice`);
  keys.add(key);
  const memo = new WeakMap<Mesh, { value: T }>();
  return (mesh) => {
    let hit = memo.get(mesh);
    if (!hit) memo.set(mesh, (hit = { value: compute(mesh) }));
    return hit.value;
  };
}

/**
 * A per-mesh memo of `compute(mesh, item)` for items of the mesh (resources, selectors): what several rules ask
 * of the same object is worked out once. Keys are objects or the mesh's own strings, never user text as an
 * object property.
 */
export function perMeshItem<K, T>(key: string, compute: (mesh: Mesh, item: K) => T): (mesh: Mesh, item: K) => T {
  const table = perMesh(key, () => new Map<K, T>());
  return (mesh, item) => {
    const m = table(mesh);
    if (m.has(item)) return m.get(item) as T;
    const v = compute(mesh, item);
    m.set(item, v);
    return v;
  };
}
