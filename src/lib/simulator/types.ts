import type { Versions } from '../versions.ts';
import type { MeshConfig } from '../ambient/meshconfig.ts';
import type { Resource } from '../model/types.ts';

/** What the caller asks: one request from one client to one destination (DESIGN §4.3). */
export interface SimRequest {
  /** `NAMESPACE/NAME` of a workload in the manifests, or `external` (outside the mesh: plaintext, no identity). */
  readonly from: string;
  /** `HOST[:PORT]` (Service short/long name or ServiceEntry host) or `pod/NAMESPACE/NAME[:PORT]`. */
  readonly to: string;
  readonly method?: string;
  /** May include `?query`. */
  readonly path?: string;
  /** Header name → value; names are compared case-insensitively. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A compact JWS; sent as `Authorization: Bearer …` unless an `authorization` header is given. */
  readonly jwt?: string;
  /** Plain TCP: only L4 decisions apply, and there is no HTTP status. */
  readonly tcp?: boolean;
}

export interface SimOptions extends Partial<Versions> {
  /** Mesh root namespace; default the MeshConfig's `rootNamespace`, else `istio-system`. */
  readonly rootNamespace?: string;
  /**
   * istiod's MeshConfig (`--mesh-config`, parsed by ambient/meshconfig.ts): trust domain, root namespace and, on
   * lines with the switch, `serviceEntryVisibility`. Used when simulate() builds the mesh itself; a Mesh passed in
   * already carries its root namespace and trust domain.
   */
  readonly meshConfig?: MeshConfig;
  /** Clock for JWT `exp`/`nbf`, in seconds since the epoch; defaults to now. */
  readonly nowSeconds?: number;
}

export type Verdict = 'allowed' | 'denied' | 'no-route' | 'error';

export interface Decision {
  /** `enrolment`, `waypoint`, `peer-authentication`, `jwt`, `authz`, `route`, `backend`. */
  readonly step: string;
  /** `namespace/name` of the resource that made this decision, when one did. */
  readonly policy?: string;
  readonly action?: string;
  readonly matched?: boolean;
  /** Index of the matching rule inside the resource. */
  readonly rule?: number;
  readonly note?: string;
}

export interface ZtunnelHop {
  readonly at: 'ztunnel';
  readonly side: 'source' | 'destination';
  readonly node?: string;
  readonly decisions: Decision[];
  readonly notes: string[];
}

export interface WaypointHop {
  readonly at: 'waypoint';
  /** `namespace/name` of the waypoint Gateway. */
  readonly name: string;
  readonly decisions: Decision[];
  readonly notes: string[];
}

export interface SidecarHop {
  readonly at: 'sidecar';
  readonly side: 'source' | 'destination';
  readonly name: string;
  readonly decisions: Decision[];
  readonly notes: string[];
}

/** An ingress gateway (a Gateway of a non-waypoint class) as the client. */
export interface GatewayHop {
  readonly at: 'gateway';
  /** `namespace/name` of the Gateway. */
  readonly name: string;
  readonly decisions: Decision[];
  readonly notes: string[];
}

export interface PodHop {
  readonly at: 'pod';
  readonly name: string;
  readonly port: number;
  readonly notes: string[];
}

export interface ExternalHop {
  readonly at: 'external';
  readonly name: string;
  readonly notes: string[];
}

export type Hop = ZtunnelHop | WaypointHop | SidecarHop | GatewayHop | PodHop | ExternalHop;

export interface Backend {
  readonly namespace: string;
  readonly service: string;
  readonly port: number;
  readonly probability: number;
  /** DestinationRule subset, when a VirtualService route names one (additive to the contract). */
  readonly subset?: string;
}

export interface WaypointChoice {
  readonly namespace: string;
  readonly name: string;
  readonly role: 'primary' | 'canary';
  readonly probability: number;
}

export interface DecidedBy {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly rule?: number;
}

/** The `simulate --format json` document (DESIGN §4.3). */
export interface SimResult {
  readonly version: 1;
  readonly verdict: Verdict;
  readonly deniedAt: 'ztunnel' | 'waypoint' | null;
  readonly status: number | null;
  readonly waypoint: { readonly namespace: string; readonly name: string } | null;
  /**
   * Additive to the contract: the waypoint choice when a 1.31 canary waypoint splits new connections (ingress:
   * requests), each with its probability (weight 0 omitted), primary first. `waypoint` is the one this trace follows
   * (the likelier; the primary on a tie). Absent when there is no split.
   */
  readonly waypoints?: readonly WaypointChoice[];
  readonly backends: Backend[];
  readonly hops: Hop[];
  readonly decidedBy: DecidedBy | null;
  /** Who sent the request (additive to the contract): `namespace/pod` or `external`, its dataplane and SPIFFE id. */
  readonly client: {
    readonly name: string;
    readonly dataplane: 'ambient' | 'sidecar' | 'gateway' | 'none';
    readonly identity: string | null;
  };
  /** Things the trace depends on that the manifests cannot tell (assumptions, ignored resources). */
  readonly notes: string[];
}

/** An unknown client or destination (the message names what exists): the CLI turns this into exit 2. */
export class SimulationInputError extends Error {
  override name = 'SimulationInputError';
}

export type { Resource };
