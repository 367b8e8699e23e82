// The Istio and Gateway API lines a run models (DESIGN §4.5a, SEMANTICS §10), as data: one row per Istio line and
// one per Gateway API line. Rules, the schema layer and the simulator read the switches of the chosen row; none of
// them compares version strings. The rows live in version-lines.ts (re-exported here; the header's picker imports
// that file alone, so pages do not ship the served tables). Adding Istio 1.32 = one more row there (its Gateway API line too, if new) plus
// `npm run gen` for the served versions and field tables generated from that line's upstream CRDs
// (scripts/gen/, output in versions.gen.ts and validator/schema/*.gen.ts).

import { SERVED_GATEWAY_API, SERVED_ISTIO, STORAGE_GATEWAY_API, STORAGE_ISTIO } from './versions.gen.ts';
import type { GatewayApiVersion, IstioVersion, VersionRows } from './version-lines.ts';

export * from './version-lines.ts';

export type GatewayApiChannel = 'standard' | 'experimental';

/**
 * API versions served for `group|Kind`: by the Istio line's CRDs for Istio groups, by the Gateway API line's
 * CRDs of `channel` for Gateway API groups. Undefined when the kind is not one of theirs.
 */
export function servedVersions(
  rows: VersionRows,
  group: string,
  kind: string,
  channel: GatewayApiChannel = 'experimental',
): readonly string[] | undefined {
  const key = `${group}|${kind}`;
  const istio = SERVED_ISTIO[rows.istio.version as IstioVersion];
  if (Object.prototype.hasOwnProperty.call(istio, key)) return istio[key];
  const ga = SERVED_GATEWAY_API[rows.gatewayApi.version as GatewayApiVersion][channel];
  return Object.prototype.hasOwnProperty.call(ga, key) ? ga[key] : undefined;
}

/** The version the rows' CRDs store `group|Kind` in (what examples write), or undefined when not theirs. */
export function storageVersion(rows: VersionRows, group: string, kind: string): string | undefined {
  const key = `${group}|${kind}`;
  const istio = STORAGE_ISTIO[rows.istio.version as IstioVersion];
  if (Object.prototype.hasOwnProperty.call(istio, key)) return istio[key];
  const ga = STORAGE_GATEWAY_API[rows.gatewayApi.version as GatewayApiVersion];
  return Object.prototype.hasOwnProperty.call(ga, key) ? ga[key] : undefined;
}

/** Every `group|Kind` the rows' CRDs serve in some version (Gateway API: the experimental channel, a superset). */
export function servedKinds(rows: VersionRows, channel: GatewayApiChannel = 'experimental'): readonly string[] {
  return [
    ...Object.keys(SERVED_ISTIO[rows.istio.version as IstioVersion]),
    ...Object.keys(SERVED_GATEWAY_API[rows.gatewayApi.version as GatewayApiVersion][channel]),
  ];
}
