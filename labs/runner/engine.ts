// The two questions the labs ask of the shared library: "is this YAML clean?" (the validator's lint()) and "what
// does this request do?" (the simulator). Behind one small interface so the runner and its unit tests do not depend
// on how those modules are laid out, and loaded lazily so `lab list` and `lab down` stay fast.
import type { Resource, SourceInput } from '../../src/lib/model/index.ts';
import type { Finding } from '../../src/lib/validator/finding.ts';
import type { RequestCheck } from '../schema.ts';
import { requestOf } from '../../src/lib/expect/compare.ts';
import type { Outcome } from '../../src/lib/expect/compare.ts';
import type { Versions } from '../../src/lib/versions.ts';

export interface LintOutcome {
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
}

export interface LabEngine {
  lint(inputs: readonly SourceInput[]): LintOutcome;
  /** The simulator's answer for one request check against these resources (Istio 1.31 unless `versions` says). */
  predict(resources: readonly Resource[], check: RequestCheck, versions?: Partial<Versions>): Promise<Outcome>;
  /** How the mesh index sees a workload: enrolled in ambient, sidecar, or none; undefined when it does not exist. */
  enrolment(
    resources: readonly Resource[],
    namespace: string,
    name: string,
  ): 'ambient' | 'sidecar' | 'none' | undefined;
  /** Whether the manifests hold this object (the simulator's view of a cluster-state check). */
  hasResource(
    resources: readonly Resource[],
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): boolean;
  /** For a Gateway: whether the mesh index treats it as a waypoint. */
  isWaypoint(resources: readonly Resource[], namespace: string, name: string): boolean;
}

let cached: Promise<LabEngine> | undefined;

/** The real engine over src/lib (validator, simulator, mesh index). */
export function loadEngine(): Promise<LabEngine> {
  cached ??= (async () => {
    const [validator, simulator, model] = await Promise.all([
      import('../../src/lib/validator/index.ts'),
      import('../../src/lib/simulator/index.ts'),
      import('../../src/lib/model/mesh.ts'),
    ]);
    const meshes = new WeakMap<readonly Resource[], ReturnType<typeof model.buildMesh>>();
    const meshOf = (resources: readonly Resource[]) => {
      let m = meshes.get(resources);
      if (!m) {
        m = model.buildMesh(resources);
        meshes.set(resources, m);
      }
      return m;
    };
    const engine: LabEngine = {
      lint(inputs) {
        const report = validator.lint(inputs);
        return {
          errors: report.findings.filter((f) => f.severity === 'error'),
          warnings: report.findings.filter((f) => f.severity === 'warning'),
        };
      },
      async predict(resources, check, versions) {
        const r = await simulator.simulate(resources, requestOf(check), { ...versions });
        return {
          verdict: r.verdict,
          deniedAt: r.deniedAt,
          status: r.status,
          waypoint: r.waypoint,
          backends: r.backends,
          decidedBy: r.decidedBy,
          client: r.client,
        };
      },
      enrolment(resources, namespace, name) {
        const mesh = meshOf(resources);
        const w = mesh.workload(namespace, name);
        return w ? mesh.enrolment(w).mode : undefined;
      },
      hasResource(resources, apiVersion, kind, namespace, name) {
        return resources.some(
          (r) => r.apiVersion === apiVersion && r.kind === kind && r.namespace === namespace && r.name === name,
        );
      },
      isWaypoint(resources, namespace, name) {
        return meshOf(resources).waypoint(namespace, name) !== undefined;
      },
    };
    return engine;
  })();
  return cached;
}
