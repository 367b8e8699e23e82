import type { IstioVersion } from '../versions.ts';

/**
 * Where istiod's output for a resource ends up being enforced. `n/a in ambient` means no ambient
 * component acts on it (it may still matter for sidecars or be silently ignored).
 */
export const PROGRAMMED_AT = ['istio-cni', 'ztunnel', 'waypoint', 'ingress', 'istiod', 'n/a in ambient'] as const;
export type ProgrammedAt = (typeof PROGRAMMED_AT)[number];

/** Sidebar / URL groups. The order is the order pages and tables list them in. */
export const CATALOG_GROUPS = ['labels', 'security', 'gateway-api', 'networking', 'workload-telemetry'] as const;
export type CatalogGroup = (typeof CATALOG_GROUPS)[number];

export const GROUP_TITLES: Record<CatalogGroup, string> = {
  labels: 'Opt-in labels',
  security: 'Security',
  'gateway-api': 'Gateway API',
  networking: 'Networking',
  'workload-telemetry': 'Workload & Telemetry',
};

/** How well ambient mode supports the resource, independent of where it is enforced. */
export type AmbientSupport = 'stable' | 'beta' | 'alpha' | 'unsupported' | 'no-op';

export interface ServedVersion {
  /** e.g. `security.istio.io/v1` */
  readonly apiVersion: string;
  /** The storage version; the one our examples use. */
  readonly preferred: boolean;
}

interface EntryBase {
  /** URL slug under the group: `/security/authorizationpolicy/`. Lower-case kind for CRDs. */
  readonly slug: string;
  readonly title: string;
  readonly group: CatalogGroup;
  /** One line: what the resource is for. */
  readonly purpose: string;
  /** Enforcement points, most important first. */
  readonly programmedAt: readonly [ProgrammedAt, ...ProgrammedAt[]];
  readonly ambient: { readonly support: AmbientSupport; readonly note: string };
  /** Where our docs explain it (DESIGN §2 URL scheme). */
  readonly docs: string;
}

/**
 * What differs for a row on one Istio line (with its Gateway API line) from the base row. Only the parts given
 * replace the base: `served` per kind, `ambient` as a whole. Read rows through `entryOn()` (index.ts).
 */
export interface LineOverride {
  readonly served?: Readonly<Record<string, readonly [ServedVersion, ...ServedVersion[]]>>;
  readonly ambient?: { readonly support: AmbientSupport; readonly note: string };
}

export interface CrdEntry extends EntryBase {
  readonly type: 'crd';
  /** The API group, e.g. `security.istio.io`. */
  readonly apiGroup: string;
  /** One row may cover several kinds (TCPRoute · TLSRoute · GRPCRoute). */
  readonly kinds: readonly [string, ...string[]];
  /** Versions served by Istio 1.30.3 / Gateway API v1.5.1 (see ../shared/crds/SOURCES.md), per kind; `on` holds later lines' differences. */
  readonly served: Readonly<Record<string, readonly [ServedVersion, ...ServedVersion[]]>>;
  /** Gateway API channel the kind ships in, where that matters. */
  readonly channel?: 'standard' | 'experimental';
  /** Per Istio line, what differs from the base facts above (issue #17). */
  readonly on?: { readonly [V in IstioVersion]?: LineOverride };
}

export interface LabelEntry extends EntryBase {
  readonly type: 'label';
  /** The label key, e.g. `istio.io/dataplane-mode`. */
  readonly key: string;
  /** Kinds whose metadata.labels carry it. */
  readonly appliesTo: readonly [string, ...string[]];
  /** Values with meaning; anything else is treated as noted. */
  readonly values: readonly { readonly value: string; readonly meaning: string }[];
}

export type CatalogEntry = CrdEntry | LabelEntry;
