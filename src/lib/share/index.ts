import { deflateSync, Inflate, strFromU8, strToU8 } from 'fflate';
// zod/mini: no JIT (the full build probes `new Function`, which the site's CSP reports), and a few KB in the island.
import * as z from 'zod/mini';
import { DEFAULT_ISTIO, isIstioVersion } from '../versions.ts';
import type { IstioVersion } from '../versions.ts';

/**
 * What a playground link carries. Everything lives in the URL fragment, so nothing is ever sent to a server;
 * the version prefix lets the format change without breaking links already shared.
 */
export interface SharedState {
  readonly yaml: string;
  /**
   * The Istio line the link's author chose (issue #17). Optional, so links made before it still decode; they and
   * links naming a line this build does not know get the default (`sharedIstio`), never an error.
   */
  readonly istio?: IstioVersion;
  readonly request?: {
    readonly from?: string;
    readonly to?: string;
    readonly method?: string;
    readonly path?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly jwt?: string;
    readonly tcp?: boolean;
  };
  /**
   * The MeshConfig input's text (issue #17): a MeshConfig YAML or the `istio` ConfigMap. Optional like every key
   * added to the v1 shape, so older links decode unchanged.
   */
  readonly meshConfig?: string;
  /** The Reachability / Compare view (issue #20): open, the kept baseline YAML, and the cell whose trace is shown. */
  readonly whatif?: SharedWhatIf;
}

export interface SharedWhatIf {
  readonly open: boolean;
  readonly baseline?: string;
  /** A cell by client, destination (`host:port`) and request key, as the matrix names them. */
  readonly cell?: { readonly from: string; readonly to: string; readonly request: string };
}

const PREFIX = 'v1.';
/** Longest name the link may carry for a cell's client, destination or request: far past any Kubernetes name. */
const MAX_NAME = 1024;
/** Links whose text inflates beyond this are refused; inflating stops at this many bytes (a hostile link must not exhaust memory). */
export const MAX_INFLATED = 2 * 1024 * 1024;
/**
 * A fragment longer than this cannot be an honest link: deflate never grows its input by more than a few bytes per
 * 64 KB block, so 2 MB of text deflates to under 2.1 MB, which base64url writes in under 2.8 M characters.
 */
const MAX_FRAGMENT = 3 * 1024 * 1024;
/** Compressed bytes fed to the inflater at a time: one push can inflate to at most ~1032 × this (deflate's ratio). */
const INFLATE_STEP = 1024;

const TOO_BIG = 'This link holds more than 2 MB of text; it was not loaded.';
const DAMAGED = 'This link is damaged and could not be decoded (was it cut short when copied?).';
const NO_YAML = 'This link is damaged: it has no YAML in it.';

/**
 * The decoded JSON must be exactly this shape (unknown keys are dropped); anything else is a damaged link. Built on
 * first use, so modules that only encode links (reference pages, the migrate assistant) do not bundle zod.
 */
/** The JSON as it arrives: `istio` is any string until checked against the known lines. */
type WireState = Omit<SharedState, 'istio'> & { readonly istio?: string };
let stateSchema: z.ZodMiniType<WireState> | undefined;
function schema(): z.ZodMiniType<WireState> {
  stateSchema ??= z.object({
    yaml: z.string(),
    // Any string here: an unknown line is dropped below rather than making the whole link "damaged".
    istio: z.optional(z.string()),
    request: z.optional(
      z.object({
        from: z.optional(z.string()),
        to: z.optional(z.string()),
        method: z.optional(z.string()),
        path: z.optional(z.string()),
        headers: z.optional(z.record(z.string(), z.string())),
        jwt: z.optional(z.string()),
        tcp: z.optional(z.boolean()),
      }),
    ),
    meshConfig: z.optional(z.string()),
    whatif: z.optional(
      z.object({
        open: z.boolean(),
        baseline: z.optional(z.string()),
        cell: z.optional(
          z.object({
            from: z.string().check(z.maxLength(MAX_NAME)),
            to: z.string().check(z.maxLength(MAX_NAME)),
            request: z.string().check(z.maxLength(MAX_NAME)),
          }),
        ),
      }),
    ),
  });
  return stateSchema;
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

class TooLarge extends Error {}

/**
 * Raw DEFLATE data inflated with a running limit: the compressed bytes go in small steps and the output is counted as
 * it comes, so inflating stops as soon as it passes `limit` (never allocating much beyond it). Throws `TooLarge` past
 * the limit and fflate's error on damaged data.
 */
export function inflateBounded(data: Uint8Array, limit: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > limit) throw new TooLarge();
    if (chunk.length) parts.push(chunk);
    if (final) ended = true;
  });
  for (let i = 0; i < data.length; i += INFLATE_STEP) {
    const end = Math.min(data.length, i + INFLATE_STEP);
    inflater.push(data.subarray(i, end), end === data.length);
  }
  if (!data.length) inflater.push(data, true);
  if (!ended) throw new Error('truncated deflate stream');
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `v1.<base64url(deflate(JSON))>` — the text after `#` in a playground link. */
export function encodeShare(state: SharedState): string {
  return PREFIX + toBase64Url(deflateSync(strToU8(JSON.stringify(state)), { level: 9 }));
}

/** The state in a fragment, or an error message saying why it cannot be read (never throws). */
export function decodeShare(fragment: string): { state: SharedState } | { error: string } {
  try {
    if (typeof fragment !== 'string') return { error: DAMAGED };
    const text = fragment.replace(/^#/, '');
    if (!text.startsWith(PREFIX))
      return { error: 'This link was not made by the Ambient Atlas playground (unknown format).' };
    if (text.length > MAX_FRAGMENT) return { error: TOO_BIG };
    const inflated = inflateBounded(fromBase64Url(text.slice(PREFIX.length)), MAX_INFLATED);
    const value: unknown = JSON.parse(strFromU8(inflated));
    if (!value || typeof value !== 'object' || typeof (value as { yaml?: unknown }).yaml !== 'string')
      return { error: NO_YAML };
    const parsed = schema().safeParse(value);
    if (!parsed.success) return { error: DAMAGED };
    const { yaml, request, istio, meshConfig, whatif } = parsed.data;
    return {
      state: {
        yaml,
        ...(isIstioVersion(istio) ? { istio } : {}),
        ...(request ? { request } : {}),
        ...(meshConfig !== undefined ? { meshConfig } : {}),
        ...(whatif ? { whatif } : {}),
      },
    };
  } catch (err) {
    return { error: err instanceof TooLarge ? TOO_BIG : DAMAGED };
  }
}

/** The Istio line a decoded link speaks for: its own, or the default for links without one. */
export function sharedIstio(state: SharedState): IstioVersion {
  return state.istio ?? DEFAULT_ISTIO;
}

export function playgroundHref(state: SharedState): string {
  return `/playground/#${encodeShare(state)}`;
}
