// src/lib/versions.gen.ts: the API versions each line's upstream CRDs serve, per kind — Istio's per Istio line,
// Gateway API's per line and channel (a `served: false` version is left out: the API server answers "no matches
// for kind" for it). The schema layer reads it through versions.ts servedVersions().
import { GATEWAY_API_VERSIONS, ISTIO_VERSIONS } from '../../src/lib/versions.ts';
import { banner, gatewayApiCrds, istioCrds } from './crds.ts';
import type { CrdVersion } from './crds.ts';

export const OUTPUT = 'src/lib/versions.gen.ts';

function served(list: readonly CrdVersion[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of list) if (c.served) (out[`${c.group}|${c.kind}`] ??= []).push(c.version);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function generate(dir?: string): string {
  const istio = Object.fromEntries(ISTIO_VERSIONS.map((v) => [v, served(istioCrds(v, dir))]));
  const gateway = Object.fromEntries(
    GATEWAY_API_VERSIONS.map((v) => [
      v,
      {
        standard: served(gatewayApiCrds(v, 'standard', dir)),
        experimental: served(gatewayApiCrds(v, 'experimental', dir)),
      },
    ]),
  );
  return `${banner('scripts/gen/served.ts', 'from the upstream CRDs of each line in ../shared/crds')}
import type { GatewayApiChannel, GatewayApiVersion, IstioVersion } from './versions.ts';

type Served = Readonly<Record<string, readonly string[]>>;

/** Per Istio line: \`group|Kind\` → served API versions, in the CRD's order. */
export const SERVED_ISTIO: Readonly<Record<IstioVersion, Served>> = ${JSON.stringify(istio)};

/** Per Gateway API line and channel: \`group|Kind\` → served API versions, in the CRD's order. */
export const SERVED_GATEWAY_API: Readonly<Record<GatewayApiVersion, Readonly<Record<GatewayApiChannel, Served>>>> = ${JSON.stringify(gateway)};
`;
}
