// Shapes the schema checks share, in a module of their own so that index.ts, the checks and the generated tables
// import them without an import cycle.
import type { ObjectPath } from '../../model/types.ts';

/** One schema problem inside a resource. */
export interface SchemaProblem {
  readonly path: ObjectPath;
  readonly message: string;
  /** `key` points at the key and its value, `value` at the value only. */
  readonly part?: 'key' | 'value';
  /** `webhook`: enforced by istiod's validating webhook rather than the CRD schema (see schema/cel.ts). */
  readonly origin?: 'webhook';
}

/** A node of the generated known-field tree: its properties (name → node), its map-value node and its item node. */
export type KnownNode = readonly [props: Readonly<Record<string, number>> | 0, mapValue: number, item: number];
