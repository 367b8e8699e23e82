import type { ExpectedOutcomeInput } from '../../src/lib/expect/schema.ts';
import type { SimRequest } from '../../src/lib/simulator/types.ts';
import type { GatewayApiVersion, IstioVersion } from '../../src/lib/versions.ts';

/**
 * One request against a scenario's manifests and the parts of the result it pins down (absent = not checked), in
 * src/lib/expect's shape: `verdict`, `deniedAt`, `status`, `waypoint` (`namespace/name` or null), `backends`
 * (`namespace/service`, with `@probability` when not 1), `decidedBy` (`Kind namespace/name` or null) and
 * `clientDataplane`. tests/unit/simulator-scenarios.test.ts parses each case with that module's schema.
 */
export interface ScenarioCase {
  readonly name: string;
  /** The SEMANTICS.md section or upstream test this case comes from. */
  readonly source: string;
  /** The Istio line the case is answered for (default 1.31, DESIGN §4.5a). */
  readonly istio?: IstioVersion;
  readonly gatewayApi?: GatewayApiVersion;
  /** MeshConfig YAML (as `--mesh-config` reads it) the case runs with; none by default. */
  readonly meshConfig?: string;
  readonly request: SimRequest;
  readonly expect: ExpectedOutcomeInput;
}

/**
 * One lint run over a scenario's manifests (`<name>.yaml` beside `<name>.lint-cases.ts`) and every finding it must
 * give, as `severity rule Kind name` — the whole list, so a finding that appears or vanishes on a line fails.
 * tests/unit/lint-scenarios.test.ts runs them.
 */
export interface LintScenarioCase {
  readonly name: string;
  /** The SEMANTICS.md section or upstream code the answer comes from. */
  readonly source: string;
  readonly istio?: IstioVersion;
  readonly gatewayApi?: GatewayApiVersion;
  /** MeshConfig YAML (as `--mesh-config` reads it). */
  readonly meshConfig?: string;
  readonly findings: readonly string[];
}
