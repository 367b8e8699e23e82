// src/lib/versions.gen.ts: the API versions each line's upstream CRDs serve, per kind — Istio's per Istio line,
// Gateway API's per line and channel (a `served: false` version is left out: the API server answers "no matches
// for kind" for it) — and each kind's storage version. The schema layer reads it through versions.ts
// servedVersions(); the catalog (reference table, page headers, diagram) through catalog/served.ts.
import { GATEWAY_API_VERSIONS, ISTIO_VERSIONS } from '../../src/lib/versions.ts';
import { banner, gatewayApiCrds, istioCrds } from './crds.ts';
import type { CrdVersion } from './crds.ts';
import type { GatewayApiVersion } from '../../src/lib/versions.ts';

export const OUTPUT = 'src/lib/versions.gen.ts';

function served(list: readonly CrdVersion[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of list) if (c.served) (out[`${c.group}|${c.kind}`] ??= []).push(c.version);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function storage(list: readonly CrdVersion[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of list) if (c.storage) out[`${c.group}|${c.kind}`] = c.version;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Gateway API storage versions of a line: the experimental channel's, after checking that the standard channel
 * stores every kind it also serves in the same version (a CRD upgraded from one channel to the other keeps its
 * objects readable only then; a release that broke it should stop the generator, not be papered over).
 */
function gatewayStorage(v: GatewayApiVersion, dir?: string): Record<string, string> {
  const experimental = storage(gatewayApiCrds(v, 'experimental', dir));
  for (const [key, version] of Object.entries(storage(gatewayApiCrds(v, 'standard', dir))))
    if (experimental[key] !== version)
      throw new Error(
        `Gateway API ${v}: ${key} stored as ${version} (standard) but ${experimental[key]} (experimental)`,
      );
  return experimental;
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
  const istioStorage = Object.fromEntries(ISTIO_VERSIONS.map((v) => [v, storage(istioCrds(v, dir))]));
  const gatewayStorages = Object.fromEntries(GATEWAY_API_VERSIONS.map((v) => [v, gatewayStorage(v, dir)]));
  return `${banner('scripts/gen/served.ts', 'from the upstream CRDs of each line in ../shared/crds')}
import type { GatewayApiChannel, GatewayApiVersion, IstioVersion } from './versions.ts';

type Served = Readonly<Record<string, readonly string[]>>;

/** Per Istio line: \`group|Kind\` → served API versions, in the CRD's order. */
export const SERVED_ISTIO: Readonly<Record<IstioVersion, Served>> = ${JSON.stringify(istio)};

/** Per Gateway API line and channel: \`group|Kind\` → served API versions, in the CRD's order. */
export const SERVED_GATEWAY_API: Readonly<Record<GatewayApiVersion, Readonly<Record<GatewayApiChannel, Served>>>> = ${JSON.stringify(gateway)};

/** Per Istio line: \`group|Kind\` → the storage version. */
export const STORAGE_ISTIO: Readonly<Record<IstioVersion, Readonly<Record<string, string>>>> = ${JSON.stringify(istioStorage)};

/** Per Gateway API line (both channels agree where both serve a kind): \`group|Kind\` → the storage version. */
export const STORAGE_GATEWAY_API: Readonly<Record<GatewayApiVersion, Readonly<Record<string, string>>>> = ${JSON.stringify(gatewayStorages)};
`;
}
