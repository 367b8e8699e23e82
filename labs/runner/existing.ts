// `lab up|check|down LAB --kubeconfig FILE`: a lab on a cluster the user already has. A read-only preflight (Istio
// ambient at a supported line, Gateway API CRDs at the bundle that line needs), isolation (the lab creates only
// namespaces of its own and labels every object it writes) and a `down` that deletes only what carries the lab's
// label. Every cluster call goes through ClusterOps and KubeOps, so the flow is tested against the stand-in API
// server (tests/labs/existing-cluster.test.ts); labs/runner/cluster-ops.ts is the client-node side.
import { isClusterScoped } from '../../src/lib/ambient/kinds.ts';
import { ISTIO_LINES, ISTIO_VERSIONS } from '../../src/lib/versions.ts';
import type { IstioVersion } from '../../src/lib/versions.ts';
import type { LoadedLab } from '../load.ts';
import type { KubeOps } from './kube.ts';
import { LabRunError, manifestText, waitForWorkloads } from './real.ts';
import type { RealDeps } from './real.ts';
import { checkWith } from './real-check.ts';
import type { CheckOptions, RealCheckResult } from './real-check.ts';
import { stepStates } from './state.ts';
import { INSTALL_LINES } from './versions.ts';

/** The label on every object a lab creates on an existing cluster (namespaces too); `down` deletes by it. */
export const LAB_LABEL = 'ambient-atlas.dev/lab';

export interface TypeRef {
  readonly apiVersion: string;
  readonly kind: string;
}

export interface ObjectRef extends TypeRef {
  readonly namespace?: string;
  readonly name: string;
}

/** What the existing-cluster path reads from, and deletes in, the cluster (client-node: cluster-ops.ts). */
export interface ClusterOps {
  /** The API server URL, for messages. */
  readonly server: string;
  /** Deployment istio-system/istiod: its first container's image and its labels; undefined when absent. */
  istiod(): Promise<{ readonly image?: string; readonly labels: Readonly<Record<string, string>> } | undefined>;
  daemonSetExists(namespace: string, name: string): Promise<boolean>;
  /** A CRD's `gateway.networking.k8s.io/bundle-version` annotation: null when the CRD is absent, '' when unset. */
  crdBundleVersion(name: string): Promise<string | null>;
  /** A namespace's labels; undefined when it does not exist. */
  namespaceLabels(name: string): Promise<Readonly<Record<string, string>> | undefined>;
  /** Every object of these kinds, in any namespace, matching the label selector `key=value`. */
  listLabelled(kinds: readonly TypeRef[], selector: string): Promise<ObjectRef[]>;
  /** Deletes one object; false when it was already gone. */
  remove(ref: ObjectRef): Promise<boolean>;
}

/** No answer from the API server (or it refused the credentials): the CLI prints one line and exits 3. */
export class ClusterUnreachableError extends Error {
  override name = 'ClusterUnreachableError';
}

export interface PreflightItem {
  readonly what: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface PreflightResult {
  readonly ok: boolean;
  /** The Istio line found (read from the istiod image tag or labels). */
  readonly istio?: IstioVersion;
  readonly items: readonly PreflightItem[];
  /** The commands that would install what is missing (empty when ok). */
  readonly install: readonly string[];
}

const GATEWAY_CRDS = ['gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io'];

/** `1.31.1` from an image tag like `docker.io/istio/pilot:1.31.1-distroless`, or from the usual version labels. */
export function istioVersionOf(
  image: string | undefined,
  labels: Readonly<Record<string, string>>,
): string | undefined {
  const tag = image && !image.includes('@') ? image.slice(image.lastIndexOf(':') + 1) : undefined;
  const candidates = [
    tag,
    labels['app.kubernetes.io/version'],
    labels['operator.istio.io/version'],
    labels['helm.sh/chart']?.replace(/^istiod-/, ''),
  ];
  for (const c of candidates) {
    const m = c ? /^v?(\d+\.\d+(?:\.\d+)?)/.exec(c) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** Numeric comparison of dotted versions (`v1.6.1`, `1.6.0`); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.-]/).map(Number);
  const pb = b.replace(/^v/, '').split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (Number.isFinite(pa[i]) ? pa[i]! : 0) - (Number.isFinite(pb[i]) ? pb[i]! : 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The Gateway API bundle an Istio line needs: the highest of its per-kind minimums (src/lib/versions.ts). */
export function requiredBundle(line: IstioVersion): string {
  return Object.values(ISTIO_LINES[line].minimumCrdBundle).reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
}

/** Read-only: is Istio ambient (1.30 or 1.31) installed, with Gateway API CRDs at the bundle its line needs? */
export async function preflight(ops: ClusterOps): Promise<PreflightResult> {
  const items: PreflightItem[] = [];
  const istiod = await ops.istiod();
  const version = istiod ? istioVersionOf(istiod.image, istiod.labels) : undefined;
  const line = ISTIO_VERSIONS.find((v) => version === v || version?.startsWith(`${v}.`));
  items.push({
    what: 'istiod (Deployment istio-system/istiod)',
    ok: !!istiod && !!line,
    detail: !istiod
      ? 'not found'
      : !version
        ? `found, but its version cannot be read (image ${istiod.image ?? 'unknown'})`
        : line
          ? `Istio ${version}`
          : `Istio ${version} is not supported here: the labs need ${ISTIO_VERSIONS.join(' or ')}`,
  });
  const ztunnel = await ops.daemonSetExists('istio-system', 'ztunnel');
  items.push({
    what: 'ztunnel (DaemonSet istio-system/ztunnel)',
    ok: ztunnel,
    detail: ztunnel ? 'found' : 'not found',
  });
  // Helm may install the CNI node agent in kube-system (istio.io docs/ambient/install/platform-prerequisites).
  const cni =
    (await ops.daemonSetExists('istio-system', 'istio-cni-node')) ||
    (await ops.daemonSetExists('kube-system', 'istio-cni-node'));
  items.push({ what: 'istio-cni (DaemonSet istio-cni-node)', ok: cni, detail: cni ? 'found' : 'not found' });
  const need = requiredBundle(line ?? '1.31');
  let crdsOk = true;
  for (const crd of GATEWAY_CRDS) {
    const bundle = await ops.crdBundleVersion(crd);
    const ok = !!bundle && compareVersions(bundle, need) >= 0;
    crdsOk &&= ok;
    items.push({
      what: `Gateway API CRD ${crd}`,
      ok,
      detail:
        bundle === null
          ? 'not installed'
          : !bundle
            ? `no gateway.networking.k8s.io/bundle-version annotation (need ≥ ${need})`
            : `bundle ${bundle}${ok ? '' : `, but Istio ${line ?? '1.31'} needs ≥ ${need}`}`,
    });
  }
  const istioOk = items.slice(0, 3).every((i) => i.ok);
  const install = [
    ...(crdsOk ? [] : INSTALL_LINES.gatewayApi),
    ...(istioOk ? [] : ['# with istioctl:', ...INSTALL_LINES.istioctl, '# or with Helm:', ...INSTALL_LINES.helm]),
  ];
  return { ok: istioOk && crdsOk, ...(line ? { istio: line } : {}), items, install };
}

export interface NamespacePlan {
  readonly name: string;
  readonly action: 'create' | 'reuse' | 'refuse';
  readonly detail: string;
}

/** The objects `lab up` applies (the setup, each object once), and the kinds of every manifest (`down` lists them). */
export function labObjects(loaded: LoadedLab): { setup: ObjectRef[]; kinds: TypeRef[]; namespaces: string[] } {
  const states = stepStates(loaded.lab, (ref) => loaded.manifests.get(ref)!);
  const setup = states[0]!.resources.map((r) => ({
    apiVersion: r.apiVersion,
    kind: r.kind,
    name: r.name,
    // The model gives every object a namespace (`default` when unset); cluster-scoped kinds have none.
    ...(r.namespace && !isClusterScoped(r.kind) ? { namespace: r.namespace } : {}),
  }));
  const all = states.flatMap((s) => s.resources);
  const kinds = new Map<string, TypeRef>();
  for (const r of all) kinds.set(`${r.apiVersion}|${r.kind}`, { apiVersion: r.apiVersion, kind: r.kind });
  kinds.set('v1|Namespace', { apiVersion: 'v1', kind: 'Namespace' });
  const namespaces = new Set(all.filter((r) => r.kind === 'Namespace' && r.apiVersion === 'v1').map((r) => r.name));
  return { setup, kinds: [...kinds.values()], namespaces: [...namespaces].sort() };
}

/**
 * Which namespaces the lab would create, reuse (it created them before: they carry its label) or must refuse to take
 * over (they exist without its label). Objects in a namespace the lab does not create are refused as well.
 */
export async function namespacePlan(loaded: LoadedLab, ops: ClusterOps): Promise<NamespacePlan[]> {
  const { lab } = loaded;
  const { namespaces, setup } = labObjects(loaded);
  const plan: NamespacePlan[] = [];
  for (const name of new Set([...namespaces, ...lab.namespaces])) {
    const labels = await ops.namespaceLabels(name);
    const owner = labels?.[LAB_LABEL];
    if (!labels)
      plan.push(
        namespaces.includes(name)
          ? { name, action: 'create', detail: `create, labelled ${LAB_LABEL}=${lab.id}` }
          : { name, action: 'refuse', detail: 'the lab reads it but none of its manifests creates it' },
      );
    else if (owner === lab.id) plan.push({ name, action: 'reuse', detail: `exists, created by lab ${lab.id}` });
    else
      plan.push({
        name,
        action: 'refuse',
        detail: owner
          ? `exists and belongs to lab ${owner}: run \`ambient-atlas lab down ${owner} --kubeconfig …\` first`
          : `exists and was not created by lab ${lab.id} (no label ${LAB_LABEL}=${lab.id}): the lab will not take it over; delete it or use another cluster`,
      });
  }
  for (const o of setup)
    if (o.namespace && !namespaces.includes(o.namespace) && !plan.some((p) => p.name === o.namespace))
      plan.push({
        name: o.namespace,
        action: 'refuse',
        detail: `${o.kind} ${o.namespace}/${o.name} would go into a namespace the lab does not own`,
      });
  return plan;
}

export interface ExistingDeps extends Pick<RealDeps, 'engine' | 'out' | 'sleep' | 'now'> {
  readonly ops: ClusterOps;
  /** Applies with the lab label on every object (clientNodeKube with `labels`). */
  readonly kube: KubeOps;
  /** `--kubeconfig FILE [--context NAME]` as typed, for the next-step hints. */
  readonly target: string;
}

const ref = (o: ObjectRef) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

function printPreflight(p: PreflightResult, out: (line: string) => void): void {
  out('preflight (read-only):');
  for (const i of p.items) out(`  ${i.ok ? 'ok  ' : 'FAIL'} ${i.what}: ${i.detail}`);
  if (p.install.length) {
    out('install what is missing (the versions the labs pin), then run this again:');
    for (const l of p.install) out(`  ${l}`);
  }
}

/** Preflight and namespace ownership; throws LabRunError (after printing why) when the lab cannot run here. */
async function admit(loaded: LoadedLab, deps: ExistingDeps, dryRun: boolean): Promise<PreflightResult> {
  // The first call tells whether the cluster answers; nothing is printed before it (unreachable = one line).
  const p = await preflight(deps.ops);
  deps.out(
    `lab ${loaded.lab.id} on the cluster at ${deps.ops.server}${dryRun ? '  [dry run: nothing is written]' : ''}`,
  );
  printPreflight(p, deps.out);
  if (!p.ok) throw new LabRunError(`the cluster at ${deps.ops.server} is not ready for the labs (see above)`);
  const plan = await namespacePlan(loaded, deps.ops);
  deps.out('namespaces:');
  for (const n of plan) deps.out(`  ${n.action === 'refuse' ? 'REFUSE' : n.action.padEnd(6)} ${n.name}: ${n.detail}`);
  const refused = plan.filter((n) => n.action === 'refuse');
  if (refused.length)
    throw new LabRunError(
      `lab ${loaded.lab.id} will not run in namespace(s) ${refused.map((n) => n.name).join(', ')} (see above)`,
    );
  return p;
}

/** `lab up LAB --kubeconfig FILE [--dry-run]`: preflight, then apply the setup with the lab label and wait. */
export async function existingUp(loaded: LoadedLab, deps: ExistingDeps, dryRun: boolean): Promise<void> {
  const { lab } = loaded;
  await admit(loaded, deps, dryRun);
  const { setup } = labObjects(loaded);
  deps.out(`${dryRun ? 'would apply' : 'apply'} (server-side, labelled ${LAB_LABEL}=${lab.id}):`);
  for (const o of setup) deps.out(`  ${ref(o)}`);
  if (dryRun) return;
  for (const m of lab.setup) await deps.kube.apply(manifestText(loaded, m));
  await waitForWorkloads(loaded, lab.setup, deps.kube, deps);
  deps.out(`ready: ambient-atlas lab check ${lab.id} ${deps.target} --step 1`);
  deps.out(`remove it again with: ambient-atlas lab down ${lab.id} ${deps.target}`);
}

/** `lab check LAB --kubeconfig FILE`: the lab must be there (its namespaces carry its label), then the checks. */
export async function existingCheck(
  loaded: LoadedLab,
  deps: ExistingDeps,
  opts: CheckOptions,
): Promise<RealCheckResult[]> {
  const { lab } = loaded;
  const missing: string[] = [];
  for (const ns of lab.namespaces) if ((await deps.ops.namespaceLabels(ns))?.[LAB_LABEL] !== lab.id) missing.push(ns);
  if (missing.length)
    throw new LabRunError(
      `lab ${lab.id} is not set up on this cluster (namespace(s) ${missing.join(', ')} missing or not labelled ${LAB_LABEL}=${lab.id}): run \`ambient-atlas lab up ${lab.id} ${deps.target}\` first`,
    );
  // The simulator speaks for the Istio line the cluster runs (SEMANTICS §10), read by the same preflight.
  const p = await preflight(deps.ops);
  if (p.istio) deps.out(`cluster: Istio ${p.istio}; the simulator answers for that line`);
  return checkWith(loaded, deps.kube, deps, { ...opts, ...(p.istio ? { versions: { istio: p.istio } } : {}) });
}

/** `lab down LAB --kubeconfig FILE [--dry-run]`: delete what carries the lab's label, namespaces last. */
export async function existingDown(
  loaded: LoadedLab,
  deps: Pick<ExistingDeps, 'ops' | 'out'>,
  dryRun: boolean,
): Promise<number> {
  const { lab } = loaded;
  const found = await deps.ops.listLabelled(labObjects(loaded).kinds, `${LAB_LABEL}=${lab.id}`);
  // Namespaced objects first, so nothing of the lab outlives its namespace's deletion by surprise.
  const ordered = [...found.filter((o) => o.kind !== 'Namespace'), ...found.filter((o) => o.kind === 'Namespace')];
  if (ordered.length === 0) {
    deps.out(`no object labelled ${LAB_LABEL}=${lab.id} on the cluster at ${deps.ops.server}`);
    return 0;
  }
  let removed = 0;
  for (const o of ordered) {
    if (dryRun) {
      deps.out(`would delete ${ref(o)}`);
      continue;
    }
    if (await deps.ops.remove(o)) removed++;
    deps.out(`deleted ${ref(o)}`);
  }
  if (!dryRun) deps.out(`removed ${removed} object(s) labelled ${LAB_LABEL}=${lab.id}`);
  return removed;
}
