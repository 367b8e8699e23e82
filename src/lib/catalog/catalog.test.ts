import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CATALOG, CATALOG_GROUPS, PROGRAMMED_AT, entryForKind, preferredApiVersion, entryOn } from './index.ts';
import { GATEWAY_API_LINES, GATEWAY_API_OF_ISTIO, ISTIO_LINES, ISTIO_VERSIONS } from '../versions.ts';

describe('catalog', () => {
  it('has the 19 reference-table rows, with unique slugs and docs URLs that follow the URL scheme', () => {
    expect(CATALOG).toHaveLength(19);
    expect(new Set(CATALOG.map((e) => e.slug)).size).toBe(CATALOG.length);
    for (const e of CATALOG) {
      expect(CATALOG_GROUPS).toContain(e.group);
      expect(e.docs).toBe(`/${e.group}/${e.slug}/`);
      for (const w of e.programmedAt) expect(PROGRAMMED_AT).toContain(w);
      expect(e.purpose.length).toBeGreaterThan(10);
      expect(e.ambient.note.length).toBeGreaterThan(10);
    }
  });

  it('covers both labels and every kind the reference table names', () => {
    const kinds = CATALOG.flatMap((e) => (e.type === 'crd' ? e.kinds : [e.type === 'label' ? e.key : '']));
    for (const k of [
      'PeerAuthentication',
      'RequestAuthentication',
      'AuthorizationPolicy',
      'Gateway',
      'HTTPRoute',
      'TCPRoute',
      'TLSRoute',
      'GRPCRoute',
      'ReferenceGrant',
      'VirtualService',
      'DestinationRule',
      'ServiceEntry',
      'Sidecar',
      'WorkloadEntry',
      'WorkloadGroup',
      'Telemetry',
      'WasmPlugin',
      'EnvoyFilter',
      'ProxyConfig',
      'istio.io/dataplane-mode',
      'istio.io/use-waypoint',
    ])
      expect(kinds).toContain(k);
  });

  it('has exactly one preferred version per kind', () => {
    for (const e of CATALOG)
      if (e.type === 'crd')
        for (const [kind, versions] of Object.entries(e.served)) {
          expect(
            versions.filter((v) => v.preferred),
            kind,
          ).toHaveLength(1);
          expect(entryForKind(kind)).toBe(e);
          expect(preferredApiVersion(kind)).toMatch(new RegExp(`^${e.apiGroup.replace(/\./g, '\\.')}/v`));
        }
  });
});

// Differential check against the upstream CRDs that ../shared provides, per Istio line with its own Gateway API
// line (read here independently of scripts/gen, from which the catalog's served versions are generated).
const crdRoot = new URL('../../../../shared/crds/', import.meta.url).pathname;
const haveCrds = existsSync(crdRoot);
describe.skipIf(!haveCrds)('catalog versions match the upstream CRDs', () => {
  for (const line of ISTIO_VERSIONS) {
    const gaDir = `${crdRoot}${GATEWAY_API_LINES[GATEWAY_API_OF_ISTIO[line]].crdDir}`;
    const served = new Map<string, { versions: Set<string>; standard: Set<string>; storage: string }>();
    const files = [
      ...[`${crdRoot}${ISTIO_LINES[line].crdFile}`].map((f) => ({ f, standard: true })),
      ...readdirSync(`${gaDir}/standard`).map((f) => ({ f: `${gaDir}/standard/${f}`, standard: true })),
      ...readdirSync(`${gaDir}/experimental`).map((f) => ({ f: `${gaDir}/experimental/${f}`, standard: false })),
    ];
    for (const { f, standard } of files)
      for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
        const crd = doc.toJS({ maxAliasCount: -1 }) as {
          kind?: string;
          spec?: {
            group: string;
            names: { kind: string };
            versions: { name: string; served: boolean; storage: boolean }[];
          };
        };
        if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
        const key = `${crd.spec.group}/${crd.spec.names.kind}`;
        const entry = served.get(key) ?? { versions: new Set<string>(), standard: new Set<string>(), storage: '' };
        for (const v of crd.spec.versions) {
          if (v.served) entry.versions.add(`${crd.spec.group}/${v.name}`);
          if (v.served && standard) entry.standard.add(`${crd.spec.group}/${v.name}`);
          if (v.storage) entry.storage = `${crd.spec.group}/${v.name}`;
        }
        served.set(key, entry);
      }
    for (const base of CATALOG) {
      if (base.type !== 'crd') continue;
      const e = entryOn(base, line);
      for (const kind of e.kinds) {
        it(`Istio ${line}: ${kind} lists exactly the served versions, marks the experimental-only ones and prefers the storage version`, () => {
          const up = served.get(`${e.apiGroup}/${kind}`);
          expect(up, `${e.apiGroup}/${kind} missing upstream`).toBeDefined();
          const versions = e.served[kind] ?? [];
          expect(new Set(versions.map((v) => v.apiVersion))).toEqual(up!.versions);
          for (const v of versions) expect(!!v.experimentalOnly, v.apiVersion).toBe(!up!.standard.has(v.apiVersion));
          expect(versions.find((v) => v.preferred)!.apiVersion).toBe(up!.storage);
        });
      }
    }
  }
});
if (!haveCrds)
  console.log(`catalog differential test skipped: ${crdRoot} not found (clone ../shared beside the project)`);
