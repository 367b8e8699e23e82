import { CATALOG } from './entries.ts';
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

/** The apiVersion our examples use for a kind. */
export function preferredApiVersion(kind: string): string | undefined {
  return byKind.get(kind)?.served[kind]?.find((s) => s.preferred)?.apiVersion;
}

/** A plain JSON view (what `ambient-atlas catalog --format json` prints). */
export function catalogAsJson(): { version: 1; entries: readonly CatalogEntry[] } {
  return { version: 1, entries: CATALOG };
}
