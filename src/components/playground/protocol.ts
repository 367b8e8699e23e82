/**
 * What the playground page and its worker (playground-worker.ts) say to each other (issues #19, #15). Plain data
 * only: everything here crosses postMessage by structured clone. Type-only imports, so the page bundles none of
 * the library code these types describe.
 */
import type { SharedState } from '../../lib/share/index.ts';
import type { SimRequest, SimResult } from '../../lib/simulator/types.ts';
import type { Finding } from '../../lib/validator/finding.ts';
import type { QuickFix } from '../../lib/validator/fixes/index.ts';
import type { GatewayApiVersion, IstioVersion } from '../../lib/versions.ts';

/**
 * One version of the inputs: the editor's text and everything lint depends on. The page numbers versions; the
 * worker keeps the parse of the latest one and answers every later question (lists, simulate, quick fix, link)
 * from it.
 */
export interface DocInput {
  readonly version: number;
  /** Absent: the same text as the version before (only the options changed). */
  readonly text?: string;
  readonly istio: IstioVersion;
  readonly gatewayApi: GatewayApiVersion;
  /** The MeshConfig input's text as typed ('' when empty). */
  readonly meshConfigText: string;
}

/** The MeshConfig input's state, for the lines beside it. */
export type MeshConfigStatus =
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'used';
      readonly rootNamespace: string;
      readonly trustDomain: string;
      readonly extensionProviders: number;
      readonly serviceEntryVisibility: boolean;
      readonly errors: readonly MeshConfigProblem[];
    }
  | { readonly kind: 'refused'; readonly errors: readonly MeshConfigProblem[] };

export interface MeshConfigProblem {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly warning: boolean;
}

/** Findings sent with a lint's reply at most (in order): the editor marks these; the panel asks for the rest. */
export const FINDINGS_SENT = 1000;

export interface LintDone {
  readonly type: 'lint';
  readonly version: number;
  /** The first FINDINGS_SENT findings, in order (a document with thousands costs the page no more than this). */
  readonly findings: readonly Finding[];
  /** How many findings there are in all, and of each severity. */
  readonly total: number;
  readonly counts: { readonly error: number; readonly warning: number; readonly info: number };
  /** Rules among the findings that have a quick fix (whether one applies is asked per finding). */
  readonly fixable: readonly string[];
  readonly meshConfig: MeshConfigStatus;
  /** Worker time for this version: parse (when the text changed) and lint. */
  readonly ms: number;
}

/** One entry of the request panel's Client or Destination list. */
export type Choice = readonly [value: string, label: string];

export interface ListsDone {
  readonly type: 'lists';
  readonly version: number;
  /** Undefined when the manifests could not be indexed (the lists are left as they are). */
  readonly lists?: { readonly clients: readonly Choice[]; readonly destinations: readonly Choice[] };
}

export type SimOutcome =
  | { readonly kind: 'result'; readonly result: SimResult }
  /** A usage problem (unknown client or destination): its message names what exists. */
  | { readonly kind: 'input'; readonly message: string }
  /** The manifests could not be read, or the simulator failed: a message, never a stack trace. */
  | { readonly kind: 'failed'; readonly message: string };

export type DecodeOutcome = { readonly state: SharedState } | { readonly error: string };

/** What the page asks. Each request carries an id its reply repeats. */
export type Ask =
  | { readonly type: 'lint'; readonly doc: DocInput }
  | { readonly type: 'lists'; readonly version: number }
  /** More of a version's findings, for the panel's "Show more": `count` from index `from`. */
  | { readonly type: 'findings'; readonly version: number; readonly from: number; readonly count: number }
  | { readonly type: 'simulate'; readonly version: number; readonly request: SimRequest }
  | { readonly type: 'fix'; readonly version: number; readonly finding: Finding }
  | { readonly type: 'decode'; readonly fragment: string }
  /** The share link of a version: its text plus `rest` (request, Istio line, MeshConfig, what-if state). */
  | { readonly type: 'encode'; readonly version: number; readonly rest: Omit<SharedState, 'yaml'> };
export type Request = Ask & { readonly id: number };

export type Answer =
  | LintDone
  | ListsDone
  | {
      readonly type: 'findings';
      readonly version: number;
      readonly from: number;
      readonly findings: readonly Finding[];
    }
  | { readonly type: 'simulate'; readonly version: number; readonly outcome: SimOutcome }
  | { readonly type: 'fix'; readonly version: number; readonly fix?: QuickFix }
  | { readonly type: 'decode'; readonly outcome: DecodeOutcome }
  | { readonly type: 'encode'; readonly version: number; readonly fragment: string }
  /** The question was about a version the worker no longer holds (a newer one came in): ask again. */
  | { readonly type: 'stale'; readonly version: number }
  /** The worker could not answer (a bug, or the input defeated it): a message for the status line. */
  | { readonly type: 'failed'; readonly message: string };
export type Reply = Answer & { readonly id: number };
