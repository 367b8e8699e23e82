/**
 * The Istio line the reader chose in the header's version picker (issue #17), for every page, island and the
 * terminal. One module so that every consumer resolves the choice the same way:
 *
 *   1. `?istio=1.30` in the page URL (a link someone shared says which version it is about),
 *   2. else the last choice kept in localStorage,
 *   3. else the default line (`DEFAULT_ISTIO`, what pages show without JavaScript).
 *
 * Both sources are user input: anything that is not a known line is ignored, and storage that throws (disabled,
 * sandboxed iframe, quota) counts as empty. Nothing here throws.
 */
import { DEFAULT_ISTIO, GATEWAY_API_OF_ISTIO, ISTIO_VERSIONS, isIstioVersion } from '../../lib/version-lines.ts';
import type { GatewayApiVersion, IstioVersion } from '../../lib/version-lines.ts';

/** The query parameter that carries the choice. */
export const VERSION_PARAM = 'istio';
/** The localStorage key; namespaced so another app on the same origin cannot collide with it by accident. */
export const VERSION_STORAGE_KEY = 'ambient-atlas:istio';
/** The attribute on `<html>` that the page CSS keys version-specific blocks on. */
export const VERSION_ATTRIBUTE = 'data-istio';
/** Fired on `window` after the choice changed (detail: the new `ChosenVersion`). */
export const VERSION_EVENT = 'atlas:version';

export type VersionSource = 'url' | 'storage' | 'default';

export interface ChosenVersion {
  readonly istio: IstioVersion;
  /** The Gateway API line that Istio line builds on (the CLI's default for `--gateway-api`). */
  readonly gatewayApi: GatewayApiVersion;
  /** Where the choice came from: pages may say "from the link" vs "your last choice". */
  readonly source: VersionSource;
}

/** The part of `Storage` this module needs (tests pass a Map-backed fake or one that throws). */
export interface VersionStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * A version as written in a URL or storage: exactly a known line (`1.30`), or with a `v` prefix or patch level
 * (`v1.30`, `1.30.3`), which people paste from release pages. Anything longer than a version can be is refused
 * before it is looked at.
 */
export function parseIstioVersion(value: unknown): IstioVersion | undefined {
  if (typeof value !== 'string' || value.length > 16) return undefined;
  const m = /^v?(\d{1,3}\.\d{1,3})(?:\.\d{1,4})?$/.exec(value.trim());
  const v = m?.[1];
  return isIstioVersion(v) ? v : undefined;
}

function readStorage(storage: VersionStorage | undefined): string | null {
  try {
    return storage?.getItem(VERSION_STORAGE_KEY) ?? null;
  } catch {
    return null; // storage disabled or blocked: treated as nothing stored
  }
}

function searchParam(search: string): string | null {
  try {
    return new URLSearchParams(search).get(VERSION_PARAM);
  } catch {
    return null;
  }
}

/** The choice for a page with this `location.search` and this storage (URL first, then storage, then default). */
export function resolveChosenVersion(search: string, storage: VersionStorage | undefined): ChosenVersion {
  const fromUrl = parseIstioVersion(searchParam(search));
  if (fromUrl) return chosen(fromUrl, 'url');
  const fromStorage = parseIstioVersion(readStorage(storage));
  if (fromStorage) return chosen(fromStorage, 'storage');
  return chosen(DEFAULT_ISTIO, 'default');
}

function chosen(istio: IstioVersion, source: VersionSource): ChosenVersion {
  return { istio, gatewayApi: GATEWAY_API_OF_ISTIO[istio], source };
}

/** Keeps the choice for the next visit; false when storage refused it (the URL still carries it). */
export function rememberVersion(istio: IstioVersion, storage: VersionStorage | undefined): boolean {
  try {
    if (!storage) return false;
    storage.setItem(VERSION_STORAGE_KEY, istio);
    return true;
  } catch {
    return false;
  }
}

/**
 * `href` with `?istio=` set to `istio`, every other query parameter and the fragment kept (the playground's share
 * state lives in the fragment). Returns `href` unchanged if it cannot be parsed.
 */
export function withVersionParam(href: string, istio: IstioVersion): string {
  try {
    const url = new URL(href);
    url.searchParams.set(VERSION_PARAM, istio);
    return url.toString();
  } catch {
    return href;
  }
}

/** The lines the picker offers, oldest first, with the default marked. */
export function versionOptions(): readonly { readonly value: IstioVersion; readonly isDefault: boolean }[] {
  return ISTIO_VERSIONS.map((value) => ({ value, isDefault: value === DEFAULT_ISTIO }));
}

// ---- Browser side: the one place that reads and writes location, localStorage and <html data-istio>. ----

function browserStorage(): VersionStorage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined; // reading `localStorage` itself throws when storage is blocked
  }
}

/** The reader's choice on this page. Outside a browser (build, tests without a DOM): the default. */
export function currentVersion(): ChosenVersion {
  if (typeof location === 'undefined') return chosen(DEFAULT_ISTIO, 'default');
  return resolveChosenVersion(location.search, browserStorage());
}

function applyToDocument(istio: IstioVersion): void {
  if (typeof document !== 'undefined') document.documentElement.setAttribute(VERSION_ATTRIBUTE, istio);
}

function writeUrl(istio: IstioVersion): void {
  if (typeof location === 'undefined' || typeof history === 'undefined') return;
  const next = withVersionParam(location.href, istio);
  if (next !== location.href) history.replaceState(history.state, '', next);
}

/**
 * Makes `istio` the choice: kept in storage and in this page's URL (so reload and copied links keep it), shown by
 * the page's CSS, and announced to islands through `VERSION_EVENT`.
 */
export function chooseVersion(istio: IstioVersion): ChosenVersion {
  rememberVersion(istio, browserStorage());
  writeUrl(istio);
  applyToDocument(istio);
  const result = chosen(istio, 'url');
  if (typeof window !== 'undefined') window.dispatchEvent(new CustomEvent(VERSION_EVENT, { detail: result }));
  return result;
}

/**
 * Applies the resolved choice to the page once it loads: the `<html>` attribute, and the URL when the choice came
 * from storage (so the address bar says which version the page shows). A URL value that was not a known line is
 * replaced by the resolved one.
 */
export function initVersion(): ChosenVersion {
  const c = currentVersion();
  applyToDocument(c.istio);
  if (c.source === 'url') rememberVersion(c.istio, browserStorage());
  if (c.source === 'storage' || (typeof location !== 'undefined' && searchParam(location.search) !== null))
    writeUrl(c.istio);
  return c;
}

/** Calls `listener` after every change of the choice on this page; returns the function that stops it. */
export function onVersionChange(listener: (c: ChosenVersion) => void): () => void {
  if (typeof window === 'undefined') return () => {};
  const handler = (e: Event) => {
    const detail = (e as CustomEvent<unknown>).detail;
    if (detail && typeof detail === 'object' && isIstioVersion((detail as { istio?: unknown }).istio))
      listener(detail as ChosenVersion);
  };
  window.addEventListener(VERSION_EVENT, handler);
  return () => window.removeEventListener(VERSION_EVENT, handler);
}
