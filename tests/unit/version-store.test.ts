import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  VERSION_STORAGE_KEY,
  parseIstioVersion,
  rememberVersion,
  resolveChosenVersion,
  versionOptions,
  withVersionParam,
} from '../../src/components/version/store.ts';
import type { VersionStorage } from '../../src/components/version/store.ts';
import { DEFAULT_ISTIO, GATEWAY_API_OF_ISTIO, ISTIO_VERSIONS } from '../../src/lib/versions.ts';

function memoryStorage(initial?: string): VersionStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  if (initial !== undefined) map.set(VERSION_STORAGE_KEY, initial);
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

const throwing: VersionStorage = {
  getItem() {
    throw new DOMException('blocked', 'SecurityError');
  },
  setItem() {
    throw new DOMException('full', 'QuotaExceededError');
  },
};

// The test needs two distinct lines; the project keeps at least 1.30 and 1.31 selectable.
const OTHER = ISTIO_VERSIONS.find((v) => v !== DEFAULT_ISTIO)!;

describe('version store: which Istio line a page shows', () => {
  it('defaults to the default line with nothing in URL or storage', () => {
    expect(resolveChosenVersion('', memoryStorage())).toEqual({
      istio: DEFAULT_ISTIO,
      gatewayApi: GATEWAY_API_OF_ISTIO[DEFAULT_ISTIO],
      source: 'default',
    });
    expect(resolveChosenVersion('', undefined).source).toBe('default');
  });

  it('takes the URL over storage, and storage over the default', () => {
    expect(resolveChosenVersion(`?istio=${OTHER}`, memoryStorage(DEFAULT_ISTIO))).toMatchObject({
      istio: OTHER,
      source: 'url',
    });
    expect(resolveChosenVersion(`?istio=${DEFAULT_ISTIO}`, memoryStorage(OTHER))).toMatchObject({
      istio: DEFAULT_ISTIO,
      source: 'url',
    });
    expect(resolveChosenVersion('?group=security', memoryStorage(OTHER))).toMatchObject({
      istio: OTHER,
      source: 'storage',
    });
  });

  it('pairs each Istio line with the Gateway API line it builds on', () => {
    for (const v of ISTIO_VERSIONS)
      expect(resolveChosenVersion(`?istio=${v}`, undefined).gatewayApi).toBe(GATEWAY_API_OF_ISTIO[v]);
  });

  it('ignores an unknown URL value and falls back to storage, then the default', () => {
    for (const bad of [
      '9.99',
      '',
      '1.3',
      '1.300',
      'latest',
      '__proto__',
      'constructor',
      '1.30 OR 1=1',
      'x'.repeat(5000),
    ]) {
      const q = `?istio=${encodeURIComponent(bad)}`;
      expect(resolveChosenVersion(q, memoryStorage(OTHER))).toMatchObject({ istio: OTHER, source: 'storage' });
      expect(resolveChosenVersion(q, memoryStorage())).toMatchObject({ istio: DEFAULT_ISTIO, source: 'default' });
    }
  });

  it('treats corrupt or hostile storage as empty', () => {
    for (const bad of ['{"istio":"1.30"}', 'null', '1.29', 'toString', '\u0000', 'v'.repeat(1e5)])
      expect(resolveChosenVersion('', memoryStorage(bad))).toMatchObject({ istio: DEFAULT_ISTIO, source: 'default' });
    expect(resolveChosenVersion('', throwing)).toMatchObject({ istio: DEFAULT_ISTIO, source: 'default' });
    expect(resolveChosenVersion(`?istio=${OTHER}`, throwing)).toMatchObject({ istio: OTHER, source: 'url' });
  });

  it('never throws and always answers a known line, whatever the URL and storage hold', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string(), { nil: undefined }), (search, stored) => {
        const c = resolveChosenVersion(search, memoryStorage(stored));
        expect(ISTIO_VERSIONS).toContain(c.istio);
      }),
    );
  });

  it('accepts the spellings people paste: v prefix and patch levels', () => {
    expect(parseIstioVersion('v1.30')).toBe('1.30');
    expect(parseIstioVersion('1.30.3')).toBe('1.30');
    expect(parseIstioVersion(' 1.31 ')).toBe('1.31');
    expect(parseIstioVersion(1.31)).toBeUndefined();
    expect(parseIstioVersion('1.31.1.1')).toBeUndefined();
  });

  it('remembers a choice, and reports storage that refuses it instead of throwing', () => {
    const s = memoryStorage();
    expect(rememberVersion(OTHER, s)).toBe(true);
    expect(s.map.get(VERSION_STORAGE_KEY)).toBe(OTHER);
    expect(resolveChosenVersion('', s)).toMatchObject({ istio: OTHER, source: 'storage' });
    expect(rememberVersion(OTHER, throwing)).toBe(false);
    expect(rememberVersion(OTHER, undefined)).toBe(false);
  });

  it('sets the URL parameter and keeps the other parameters and the fragment', () => {
    expect(withVersionParam('https://a.test/reference/?group=security#top', OTHER)).toBe(
      `https://a.test/reference/?group=security&istio=${OTHER}#top`,
    );
    expect(withVersionParam(`https://a.test/playground/?istio=${DEFAULT_ISTIO}#v1.abc`, OTHER)).toBe(
      `https://a.test/playground/?istio=${OTHER}#v1.abc`,
    );
    expect(withVersionParam('not a url', OTHER)).toBe('not a url');
  });

  it('offers every known line once, with exactly one default', () => {
    const options = versionOptions();
    expect(options.map((o) => o.value)).toEqual([...ISTIO_VERSIONS]);
    expect(options.filter((o) => o.isDefault).map((o) => o.value)).toEqual([DEFAULT_ISTIO]);
  });
});
