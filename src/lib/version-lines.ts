// The Istio and Gateway API lines as data (see versions.ts): the part of it the header's version picker needs on
// every page, kept apart from the generated served-version tables so a reference page does not ship them.

/** What one Gateway API release line serves, per channel (generated from its CRDs: versions.gen.ts). */
export interface GatewayApiLine {
  readonly version: string;
  /** The release whose CRDs the generated data comes from (`../shared/crds/SOURCES.md`). */
  readonly bundle: string;
  /** Folder under `../shared/crds/` holding `standard/` and `experimental/` (read by `npm run gen` only). */
  readonly crdDir: string;
}

/**
 * Behaviour that differs between Istio lines. Each switch names the upstream change it stands for; code reads the
 * switch, so a new line states its behaviour here instead of in `if (version === …)` branches.
 */
export interface IstioBehaviour {
  /**
   * Status an HTTPRoute rule without `backendRefs` (and without a redirect) answers. 1.30: 404; 1.31: 500, as the
   * Gateway API spec asks (istio/istio#60787, `pilot/pkg/config/kube/gateway/conversion.go` convertHTTPRoute;
   * golden `testdata/empty-backend-refs.yaml.golden`; conformance test HTTPRouteNoBackendRefs no longer skipped).
   */
  readonly backendlessRuleStatus: 404 | 500;
  /**
   * The experimental `istio-agentgateway-waypoint` class exists (behind PILOT_ENABLE_AGENTGATEWAY), configured
   * only through Gateway API routes (istio/istio#60551; istio.io docs/ambient/usage/agentgateway; SEMANTICS §2).
   */
  readonly agentgatewayWaypointClass: boolean;
  /** `istio.io/use-waypoint-canary*` labels and weight annotation (alpha; istio/api#3735, istio/istio#60805). */
  readonly canaryWaypoints: boolean;
  /** `meshConfig.serviceEntryVisibility` (NONE/NAMESPACE/PUBLIC) hides ServiceEntries (istio/api#3729). */
  readonly serviceEntryVisibility: boolean;
}

/** One Istio release line. */
export interface IstioLine {
  readonly version: string;
  /** The newest patch release of the line the project knows of (labs pin it). */
  readonly patch: string;
  /** The Gateway API line this Istio builds on (its go.mod): the default `--gateway-api`. */
  readonly gatewayApi: GatewayApiVersion;
  /** File under `../shared/crds/` with this line's Istio CRDs (read by `npm run gen` only). */
  readonly crdFile: string;
  /**
   * Minimum Gateway API CRD bundle-version per kind: istiod ignores the CRD (and every resource of it) below it;
   * istioctl analyze reports IST0176 GatewayAPICRDVersionBelowMinimum. From
   * `pkg/config/schema/gatewayapi/minimumversions.go` of the release branch (used by
   * `pkg/config/analysis/analyzers/k8sgateway/crdversion.go`).
   */
  readonly minimumCrdBundle: Readonly<Record<string, string>>;
  readonly behaviour: IstioBehaviour;
}

export const GATEWAY_API_LINES = {
  '1.5': { version: '1.5', bundle: 'v1.5.1', crdDir: 'gateway-api' },
  '1.6': { version: '1.6', bundle: 'v1.6.1', crdDir: 'gateway-api-v1.6.1' },
} as const satisfies Record<string, GatewayApiLine>;

export type GatewayApiVersion = keyof typeof GATEWAY_API_LINES;

export const ISTIO_LINES = {
  '1.30': {
    version: '1.30',
    patch: '1.30.3',
    gatewayApi: '1.5',
    crdFile: 'istio-crd-all.gen.yaml',
    minimumCrdBundle: { GRPCRoute: '1.1.0', BackendTLSPolicy: '1.4.0', TLSRoute: '1.5.0' },
    behaviour: {
      backendlessRuleStatus: 404,
      agentgatewayWaypointClass: false,
      canaryWaypoints: false,
      serviceEntryVisibility: false,
    },
  },
  '1.31': {
    version: '1.31',
    patch: '1.31.1',
    gatewayApi: '1.6',
    crdFile: 'istio-1.31/crd-all.gen.yaml',
    minimumCrdBundle: { GRPCRoute: '1.1.0', BackendTLSPolicy: '1.4.0', TLSRoute: '1.5.0', TCPRoute: '1.6.0' },
    behaviour: {
      backendlessRuleStatus: 500,
      agentgatewayWaypointClass: true,
      canaryWaypoints: true,
      serviceEntryVisibility: true,
    },
  },
} as const satisfies Record<string, IstioLine>;

export type IstioVersion = keyof typeof ISTIO_LINES;

/** Oldest first (the picker and `--help` list them in this order). */
export const ISTIO_VERSIONS = Object.keys(ISTIO_LINES) as readonly IstioVersion[];
export const GATEWAY_API_VERSIONS = Object.keys(GATEWAY_API_LINES) as readonly GatewayApiVersion[];

export const DEFAULT_ISTIO: IstioVersion = '1.31';

/** The Gateway API line an Istio release is built on: the default when only `istio` is given. */
export const GATEWAY_API_OF_ISTIO: Readonly<Record<IstioVersion, GatewayApiVersion>> = Object.fromEntries(
  ISTIO_VERSIONS.map((v) => [v, ISTIO_LINES[v].gatewayApi]),
) as Record<IstioVersion, GatewayApiVersion>;

/** The versions a run speaks for. */
export interface Versions {
  readonly istio: IstioVersion;
  readonly gatewayApi: GatewayApiVersion;
}

export const DEFAULT_VERSIONS: Versions = { istio: DEFAULT_ISTIO, gatewayApi: GATEWAY_API_OF_ISTIO[DEFAULT_ISTIO] };

/** The rows of a run's versions: what rules, the schema layer and the simulator read. */
export interface VersionRows {
  readonly istio: IstioLine;
  readonly gatewayApi: GatewayApiLine;
}

/** The rows for `versions` (missing parts default like the CLI: Istio 1.31, its own Gateway API line). */
export function versionRows(versions: Partial<Versions> = {}): VersionRows {
  const istio = versions.istio ?? DEFAULT_ISTIO;
  return {
    istio: ISTIO_LINES[istio],
    gatewayApi: GATEWAY_API_LINES[versions.gatewayApi ?? GATEWAY_API_OF_ISTIO[istio]],
  };
}

/** `istio` and `gatewayApi` as JSON outputs echo them (DESIGN §4.5a). */
export function versionsOf(rows: VersionRows): Versions {
  return { istio: rows.istio.version as IstioVersion, gatewayApi: rows.gatewayApi.version as GatewayApiVersion };
}

/**
 * The minimum Gateway API bundle (`x.y.z`) the Istio line needs for `kind`, when the chosen Gateway API line's
 * bundle is older: istiod then ignores every resource of that kind (IST0176). Undefined when it is new enough.
 */
export function crdBundleTooOld(rows: VersionRows, kind: string): string | undefined {
  const min = (rows.istio.minimumCrdBundle as Readonly<Record<string, string>>)[kind];
  if (min === undefined || !Object.prototype.hasOwnProperty.call(rows.istio.minimumCrdBundle, kind)) return undefined;
  return compareSemver(rows.gatewayApi.bundle, min) < 0 ? min : undefined;
}

/**
 * Compares `v1.6.1`-style versions by major, minor, patch; a pre-release suffix is dropped first, as Istio's
 * analyzer does (`crdversion.go`: SetPrerelease("") before LessThan), so `v1.6.0-rc.1` counts as 1.6.0.
 * Unparsable parts count as 0.
 */
export function compareSemver(a: string, b: string): number {
  const parts = (s: string) =>
    s
      .trim()
      .replace(/^v/, '')
      .replace(/[-+].*$/, '')
      .split('.')
      .slice(0, 3)
      .map((x) => (/^\d{1,9}$/.test(x) ? Number(x) : 0));
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function isIstioVersion(v: unknown): v is IstioVersion {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(ISTIO_LINES, v);
}

export function isGatewayApiVersion(v: unknown): v is GatewayApiVersion {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(GATEWAY_API_LINES, v);
}

/**
 * A version as users write it: YAML reads `istio: 1.30` as the number 1.3, so numbers are taken by their shortest
 * spelling and a one-digit minor gets its zero back (1.3 → 1.30); `v1.6` and patch levels (`1.31.2`) are accepted.
 */
export function normalizeVersion(v: unknown, kind: 'istio' | 'gatewayApi'): string {
  let s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (s.startsWith('v')) s = s.slice(1);
  const parts = s.split('.');
  if (parts.length >= 2) s = `${parts[0]}.${parts[1]}`;
  if (kind === 'istio' && typeof v === 'number' && /^1\.\d$/.test(s)) s += '0';
  return s;
}

/** `--istio` / `--gateway-api` / config values resolved with their defaults, or a message naming the known ones. */
export function resolveVersions(istio: unknown, gatewayApi: unknown): Versions | { error: string } {
  const i = istio === undefined ? DEFAULT_ISTIO : normalizeVersion(istio, 'istio');
  if (!isIstioVersion(i))
    return { error: `unknown Istio version ${JSON.stringify(String(istio))}: known are ${ISTIO_VERSIONS.join(', ')}` };
  const g = gatewayApi === undefined ? GATEWAY_API_OF_ISTIO[i] : normalizeVersion(gatewayApi, 'gatewayApi');
  if (!isGatewayApiVersion(g))
    return {
      error: `unknown Gateway API version ${JSON.stringify(String(gatewayApi))}: known are ${GATEWAY_API_VERSIONS.join(', ')}`,
    };
  return { istio: i, gatewayApi: g };
}
