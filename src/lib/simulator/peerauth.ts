/**
 * Effective PeerAuthentication mode for one destination workload port (SEMANTICS §4; istio/istio
 * pilot/pkg/serviceregistry/ambient/policies.go turns these into ztunnel DENY policies).
 * Precedence: port-level (selector policies only) > workload selector > namespace > mesh (root namespace, no
 * selector). Oldest wins per level; UNSET inherits; nothing set = PERMISSIVE.
 */
import { getObject, getString, selectorMatches } from '../model/access.ts';
import type { Resource } from '../model/types.ts';
import type { Mesh, Workload } from '../model/mesh.ts';
import { inNamespaces } from './policies.ts';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

export interface PeerAuthOutcome {
  readonly mode: MtlsMode;
  /** The PeerAuthentication that set the mode; undefined for the built-in default. */
  readonly by?: Resource;
  readonly level: 'port' | 'workload' | 'namespace' | 'mesh' | 'default';
}

function creation(r: Resource): string {
  // creationTimestamp when given, else input order stands in for creation time.
  return getString(r.obj, ['metadata', 'creationTimestamp']) ?? '';
}

function oldest(list: Resource[]): Resource | undefined {
  return [...list].sort((a, b) => (creation(a) < creation(b) ? -1 : creation(a) > creation(b) ? 1 : a.seq - b.seq))[0];
}

function modeOf(v: string | undefined): MtlsMode | undefined {
  return v === 'STRICT' || v === 'PERMISSIVE' || v === 'DISABLE' ? v : undefined;
}

/** The oldest PeerAuthentication at each level for one workload; undefined where none applies. */
interface Levels {
  readonly workloadLevel: Resource | undefined;
  readonly nsLevel: Resource | undefined;
  readonly meshLevel: Resource | undefined;
}

/**
 * The levels depend only on the manifests, which never change under a Mesh: found once per workload and kept with
 * the mesh, so a trace only reads the port and mode fields.
 */
const levelMemo = new WeakMap<Mesh, WeakMap<Workload, Levels>>();

function levelsFor(mesh: Mesh, w: Workload): Levels {
  const all = inNamespaces(mesh, 'PeerAuthentication', [w.namespace, mesh.rootNamespace]).filter((r) =>
    r.apiVersion.startsWith('security.istio.io/'),
  );
  // A selector with no matchLabels counts as no selector; root-namespace policies with a selector are ignored
  // (authorization.go convertedSelectorPeerAuthentications).
  const root = mesh.rootNamespace;
  const selectorOf = (r: Resource) => getObject(r.obj, ['spec', 'selector']);
  const hasSelector = (r: Resource) => Object.keys(getObject(selectorOf(r), ['matchLabels']) ?? {}).length > 0;
  const workloadLevel = oldest(
    all.filter(
      (r) =>
        r.namespace === w.namespace &&
        r.namespace !== root &&
        hasSelector(r) &&
        selectorMatches(selectorOf(r)!, w.labels),
    ),
  );
  const nsLevel = oldest(all.filter((r) => r.namespace === w.namespace && r.namespace !== root && !hasSelector(r)));
  const meshLevel = oldest(all.filter((r) => r.namespace === root && !hasSelector(r)));
  return { workloadLevel, nsLevel, meshLevel };
}

export function effectiveMtls(mesh: Mesh, w: Workload, targetPort: number): PeerAuthOutcome {
  let byWorkload = levelMemo.get(mesh);
  if (!byWorkload) levelMemo.set(mesh, (byWorkload = new WeakMap()));
  let levels = byWorkload.get(w);
  if (!levels) byWorkload.set(w, (levels = levelsFor(mesh, w)));
  const { workloadLevel, nsLevel, meshLevel } = levels;
  if (workloadLevel) {
    const portMode = modeOf(getString(workloadLevel.obj, ['spec', 'portLevelMtls', String(targetPort), 'mode']));
    if (portMode) return { mode: portMode, by: workloadLevel, level: 'port' };
    const m = modeOf(getString(workloadLevel.obj, ['spec', 'mtls', 'mode']));
    if (m) return { mode: m, by: workloadLevel, level: 'workload' };
  }
  if (nsLevel) {
    const m = modeOf(getString(nsLevel.obj, ['spec', 'mtls', 'mode']));
    if (m) return { mode: m, by: nsLevel, level: 'namespace' };
  }
  if (meshLevel) {
    const m = modeOf(getString(meshLevel.obj, ['spec', 'mtls', 'mode']));
    if (m) return { mode: m, by: meshLevel, level: 'mesh' };
  }
  return { mode: 'PERMISSIVE', level: 'default' };
}
