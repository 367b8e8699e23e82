import type { CellChange } from '../../../src/lib/whatif/index.ts';

/** One resource's predicted conditions, each with the upstream code (istio/istio release-1.31) that writes it. */
export interface StatusCase {
  /** `Kind namespace/name`. */
  readonly resource: string;
  /** Exactly these conditions, in this order; `[]` = istiod writes nothing on it. */
  readonly conditions: readonly {
    readonly type: string;
    readonly status: 'True' | 'False';
    readonly reason: string;
    readonly message: string;
    readonly parentRef?: string;
    /** Where upstream writes it (file and function), checked to be named in the prediction's own `source`. */
    readonly upstream: string;
  }[];
}

/** A matrix cell pinned down: `request` is `tcp` or `METHOD PATH`. */
export interface CellCase {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly request: string;
  readonly verdict: 'allowed' | 'denied' | 'no-route' | 'error';
  readonly status?: number | null;
  readonly decidedBy?: string | null;
}

/** A diff scenario: `<name>.before.yaml` → `<name>.after.yaml` and the changed cells expected, exactly. */
export interface DiffCase {
  readonly name: string;
  readonly source: string;
  /** Every changed cell: `from → to request: change`, with its causes (`Kind ns/name`). */
  readonly changed: readonly {
    readonly cell: string;
    readonly change: CellChange;
    readonly causes: readonly string[];
  }[];
}
