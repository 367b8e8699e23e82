import type { SimRequest, Verdict } from '../../src/lib/simulator/types.ts';

/** One request against a scenario's manifests and the parts of the result it pins down (absent = not checked). */
export interface ScenarioCase {
  readonly name: string;
  /** The SEMANTICS.md section or upstream test this case comes from. */
  readonly source: string;
  readonly request: SimRequest;
  readonly expect: {
    readonly verdict?: Verdict;
    readonly deniedAt?: 'ztunnel' | 'waypoint' | null;
    readonly status?: number | null;
    /** `namespace/name` of the waypoint, or null for none. */
    readonly waypoint?: string | null;
    /** `namespace/service` of each backend, in order, with `@probability` when not 1. */
    readonly backends?: readonly string[];
    /** `Kind namespace/name` of the deciding resource, or null. */
    readonly decidedBy?: string | null;
    /** The client's dataplane as the simulator saw it. */
    readonly clientDataplane?: 'ambient' | 'sidecar' | 'gateway' | 'none';
  };
}
