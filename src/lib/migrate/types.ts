import type { JsonObject, ResourceRef } from '../model/types.ts';

export type MigrateSeverity = 'error' | 'warning' | 'info';

export interface MigrateOptions {
  /** Name of the waypoint Gateway to create in each namespace that needs one. Default: an existing
   * `istio-waypoint` Gateway of that namespace, else `waypoint`. */
  readonly waypointName?: string;
  /** Where converted L7 policies attach: the destination Service (default, precise) or the waypoint Gateway. */
  readonly target?: 'service' | 'gateway';
  /** Principals of callers still in sidecar mode (bypass prevention "option 2"); empty = option 1. */
  readonly keepSidecarPrincipals?: readonly string[];
}

export interface MigrateFinding {
  /** Stable kebab-case id prefixed `migrate-`. */
  readonly rule: string;
  readonly severity: MigrateSeverity;
  readonly message: string;
  readonly resource?: ResourceRef;
  /** Dotted path inside the input resource, e.g. `spec.http[0].match[1].withoutHeaders`. */
  readonly path?: string;
  /** Source position of `path` in the input, when the finding is about an input resource. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export interface MigrationResult {
  /** The converted set, in apply order: Namespaces, waypoints, then the input (converted in place), then
   * bypass-prevention policies. Ready for `kubectl apply` once the findings are addressed. */
  readonly manifests: JsonObject[];
  readonly findings: MigrateFinding[];
  /** Number of error-severity findings: things that block a faithful migration. */
  readonly blockers: number;
}
