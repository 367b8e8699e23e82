import { CATALOG } from './entries.ts';
import type { IstioVersion } from '../versions.ts';
import type { CatalogEntry, CrdEntry, LabelEntry } from './types.ts';

export * from './types.ts';
export { CATALOG };

const byKind = new Map<string, CrdEntry>();
for (const entry of CATALOG) if (entry.type === 'crd') for (const kind of entry.kinds) byKind.set(kind, entry);

/** The catalog row for a resource kind (e.g. `HTTPRoute`), or undefined for kinds we do not document. */
export function entryForKind(kind: string): CrdEntry | undefined {
  return byKind.get(kind);
}

export function labelEntry(key: string): LabelEntry | undefined {
  return CATALOG.find((e): e is LabelEntry => e.type === 'label' && e.key === key);
}

/** The row as it holds on one Istio line: the base facts with that line's overrides (`on`) applied. */
export function entryOn<E extends CatalogEntry>(entry: E, istio: IstioVersion): E {
  if (entry.type !== 'crd') return entry;
  const o = entry.on?.[istio];
  if (!o) return entry;
  return { ...entry, served: { ...entry.served, ...o.served }, ambient: o.ambient ?? entry.ambient };
}

/** Whether a row reads differently on some Istio line (pages then show one variant per line). */
export function differsByLine(entry: CatalogEntry): boolean {
  return entry.type === 'crd' && !!entry.on && Object.keys(entry.on).length > 0;
}

/** The apiVersion our examples use for a kind. */
export function preferredApiVersion(kind: string): string | undefined {
  return byKind.get(kind)?.served[kind]?.find((s) => s.preferred)?.apiVersion;
}

/** A plain JSON view (what `ambient-atlas catalog --format json` prints). */
export function catalogAsJson(): { version: 1; entries: readonly CatalogEntry[] } {
  return { version: 1, entries: CATALOG };
}

export { ISTIO_KINDS_IGNORED_BY_AGENTGATEWAY, WAYPOINT_FLAVOURS } from './flavours.ts';
export type { WaypointFlavour } from './flavours.ts';
