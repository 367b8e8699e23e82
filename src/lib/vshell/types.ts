import type { StoredObject } from './cluster.ts';
import type { OutputMark } from './marks.ts';
import type { Versions } from '../versions.ts';
import type { TrafficRecord } from './traffic.ts';

export type { TrafficRecord } from './traffic.ts';

/** Everything the virtual terminal remembers: serialisable as JSON (see persist.ts). */
export interface ShellState {
  readonly version: 1;
  /** Which lab (or `playground`) this cluster belongs to. */
  readonly lab: string;
  /** Stored objects in creation order. */
  readonly objects: readonly StoredObject[];
  /** Input history, oldest first (capped). */
  readonly history: readonly string[];
  /** Shell variables (`export TOKEN=…`). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Requests made in this session, oldest first (capped, traffic.ts): what `kubectl logs` on ztunnel or a waypoint
   * and `istioctl ztunnel-config connections` print. Absent in states saved before it existed.
   */
  readonly traffic?: readonly TrafficRecord[];
}

/** What the shell may read: manifest files for `kubectl apply -f`, the lab's setup, a clock and a dice. */
export interface ShellContext {
  /** Path → YAML text. Keys are what users type after `-f` (e.g. `labs/l4-authorization/manifests/x.yaml`). */
  readonly files: Readonly<Record<string, string>>;
  /** Aliases: other names accepted for a file (example names like `security/authz-l4-reviews`). */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Files applied, in order, to build a fresh cluster. */
  readonly setup: readonly string[];
  readonly lab: string;
  /** Milliseconds since the epoch; defaults to Date.now. */
  readonly now?: () => number;
  /** [0, 1); defaults to Math.random. Picks a backend when a request may go to several. */
  readonly random?: () => number;
  /**
   * The Istio and Gateway API lines `kubectl apply` admission, `curl` and `istioctl version` answer for; read on
   * every command, so the site header's version picker takes effect at once. Default: Istio 1.31.
   */
  readonly versions?: () => Partial<Versions>;
  /** Variables every new shell starts with (e.g. TOKEN for the JWT lab). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunResult {
  /** Text for the terminal (stdout and stderr in order), `\n` line ends. */
  readonly output: string;
  readonly exitCode: number;
  readonly state: ShellState;
  /** The user asked to clear the screen. */
  readonly clear?: boolean;
  /**
   * Ranges of `output` that name an enforcement point in the shell's own hints, for the terminal to colour
   * (`paintMarks`); absent when there are none. Never covers data a user supplied.
   */
  readonly marks?: readonly OutputMark[];
}

export interface Completion {
  /** Text that replaces the partial word. */
  readonly candidates: string[];
  /** The partial word being completed. */
  readonly partial: string;
  /** Longest common prefix of the candidates (≥ partial). */
  readonly common: string;
}
