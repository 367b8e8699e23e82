import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';

/**
 * What a playground link carries. Everything lives in the URL fragment, so nothing is ever sent to a server;
 * the version prefix lets the format change without breaking links already shared.
 */
export interface SharedState {
  readonly yaml: string;
  readonly request?: {
    readonly from?: string;
    readonly to?: string;
    readonly method?: string;
    readonly path?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly jwt?: string;
    readonly tcp?: boolean;
  };
}

const PREFIX = 'v1.';
/** Fragments beyond this are refused rather than inflated (a hostile link must not exhaust memory). */
const MAX_INFLATED = 2 * 1024 * 1024;

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

/** `v1.<base64url(deflate(JSON))>` — the text after `#` in a playground link. */
export function encodeShare(state: SharedState): string {
  return PREFIX + toBase64Url(deflateSync(strToU8(JSON.stringify(state)), { level: 9 }));
}

/** The state in a fragment, or an error message saying why it cannot be read (never throws). */
export function decodeShare(fragment: string): { state: SharedState } | { error: string } {
  const text = fragment.replace(/^#/, '');
  if (!text.startsWith(PREFIX))
    return { error: 'This link was not made by the Ambient Atlas playground (unknown format).' };
  try {
    const inflated = inflateSync(fromBase64Url(text.slice(PREFIX.length)));
    if (inflated.length > MAX_INFLATED) return { error: 'This link holds more than 2 MB of text; it was not loaded.' };
    const value: unknown = JSON.parse(strFromU8(inflated));
    if (!value || typeof value !== 'object' || typeof (value as { yaml?: unknown }).yaml !== 'string')
      return { error: 'This link is damaged: it has no YAML in it.' };
    return { state: value as SharedState };
  } catch {
    return { error: 'This link is damaged and could not be decoded (was it cut short when copied?).' };
  }
}

export function playgroundHref(state: SharedState): string {
  return `/playground/#${encodeShare(state)}`;
}
