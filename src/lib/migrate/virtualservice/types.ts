// The shapes one VirtualService conversion passes between its steps.
import type { JsonObject, ObjectPath, Resource } from '../../model/types.ts';
import type { MigrationContext, ServiceRef } from '../context.ts';
import type { MIGRATE_FINDINGS, MigrateFindingId } from '../findings.ts';

/** Finding ids reported at one severity. */
export type IdsAt<S extends string> = {
  [I in MigrateFindingId]: (typeof MIGRATE_FINDINGS)[I]['severity'] extends S ? I : never;
}[MigrateFindingId];

export type Problem = (
  | { readonly severity: 'error'; readonly rule: IdsAt<'error'> }
  | { readonly severity: 'warning'; readonly rule: IdsAt<'warning'> }
) & { readonly message: string; readonly path: ObjectPath };

/**
 * Problems of one VirtualService are collected before any is reported: an error anywhere keeps the whole
 * VirtualService unconverted, and a kept VirtualService still reports every problem found.
 */
export interface Problems {
  err(rule: IdsAt<'error'>, message: string, path: ObjectPath): void;
  warn(rule: IdsAt<'warning'>, message: string, path: ObjectPath): void;
}

export interface Backend {
  readonly ref: ServiceRef;
  /** Explicit destination port; otherwise the parent port (or the backend's only port). */
  readonly port?: number;
  readonly weight?: number;
}

export interface ConvMatch {
  readonly match: JsonObject;
  /** VirtualService `port` condition: the rule only applies to that Service port. */
  readonly port?: number;
  readonly rule: number;
  readonly path: ObjectPath;
}

export interface ConvRule {
  readonly index: number;
  readonly name?: string;
  /** Undefined = the entry has no match: it matches every request. */
  readonly matches?: ConvMatch[];
  readonly filters: JsonObject[];
  readonly backends: Backend[];
  readonly timeouts?: JsonObject;
  /** The rule needs one HTTPRoute rule per match (URL prefix rewrite wants exactly one PathPrefix match). */
  readonly splitMatches: boolean;
}

export interface SubsetPlan {
  readonly service: ServiceRef;
  readonly subset: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly dr: Resource;
  readonly drPath: ObjectPath;
  readonly trafficPolicy?: JsonObject;
}

/** State shared across every VirtualService of one run, so subset Services are generated once. */
export interface VsShared {
  readonly subsets: Map<string, SubsetPlan>;
  /** Services that got an HTTPRoute already (several VirtualServices for one host are reported). */
  readonly routedServices: Map<string, Resource>;
  /** Services routed by a VirtualService that stays unconverted (its DestinationRule subsets stay in use). */
  readonly keptServices: Set<string>;
  /** Subset plans found while converting the current VirtualService; committed only if it converts. */
  readonly pending: Map<string, SubsetPlan>;
}

/** What every step of one VirtualService's conversion reads. */
export interface VsEnv {
  readonly ctx: MigrationContext;
  readonly vs: Resource;
  readonly shared: VsShared;
  readonly problems: Problems;
}
