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
  /** Served only by the Gateway API experimental-channel CRD (the standard channel answers "no matches for kind"). */
  readonly experimentalOnly?: true;
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
 * What a hand-written row says differently on one Istio line: the ambient support note. Served API versions are
 * never written by hand; they come from each line's CRDs (catalog/served.ts). Read rows through `entryOn()`.
 */
export interface LineOverride {
  readonly ambient?: { readonly support: AmbientSupport; readonly note: string };
}

/** A CRD row as written in entries.ts: the facts no CRD file states. */
export interface CrdRow extends EntryBase {
  readonly type: 'crd';
  /** The API group, e.g. `security.istio.io`. */
  readonly apiGroup: string;
  /** One row may cover several kinds (TCPRoute · TLSRoute · GRPCRoute). */
  readonly kinds: readonly [string, ...string[]];
  /** Gateway API channel the kind ships in, where that matters. */
  readonly channel?: 'standard' | 'experimental';
  /** Per Istio line, what differs from the base facts above (issue #17). */
  readonly on?: { readonly [V in IstioVersion]?: LineOverride };
}

/** A CRD row with the API versions one line's CRDs serve (`CATALOG`: the default line; `entryOn`: any line). */
export interface CrdEntry extends CrdRow {
  /**
   * Per kind, the versions the line's CRDs serve, storage version first (generated: versions.gen.ts). Gateway API
   * kinds list the standard channel's and mark those only the experimental channel adds.
   */
  readonly served: Readonly<Record<string, readonly [ServedVersion, ...ServedVersion[]]>>;
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

/** A row as written in entries.ts. */
export type CatalogRow = CrdRow | LabelEntry;
