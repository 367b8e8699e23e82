import { ROWS } from './entries.ts';
import { DEFAULT_ISTIO, ISTIO_VERSIONS, versionRows } from '../versions.ts';
import type { IstioVersion } from '../versions.ts';
import { servedOn } from './served.ts';
import type { CatalogEntry, CatalogRow, CrdEntry, LabelEntry } from './types.ts';

export * from './types.ts';

/** A row as it holds on one Istio line (with that line's own Gateway API line): served versions and ambient note. */
function onLine(row: CatalogRow, istio: IstioVersion): CatalogEntry {
  if (row.type !== 'crd') return row;
  const { on, ...rest } = row;
  return {
    ...rest,
    ...(on ? { on } : {}),
    served: servedOn(row, versionRows({ istio })),
    ambient: on?.[istio]?.ambient ?? row.ambient,
  };
}

/**
 * The rows of the reference table as they hold on the default line (`DEFAULT_ISTIO`): what pages show without a
 * choice, what `ambient-atlas catalog` prints. `entryOn` gives any other line.
 */
export const CATALOG: readonly CatalogEntry[] = ROWS.map((r) => onLine(r, DEFAULT_ISTIO));

// Per line and slug, the row on that line; the default line's own object where nothing differs, so callers can
// tell "same on every line" by identity.
const BY_LINE = new Map<IstioVersion, Map<string, CatalogEntry>>(
  ISTIO_VERSIONS.map((line) => [
    line,
    new Map(
      ROWS.map((r, i) => {
        const base = CATALOG[i]!;
        const e = onLine(r, line);
        return [r.slug, JSON.stringify(e) === JSON.stringify(base) ? base : e];
      }),
    ),
  ]),
);

const byKind = new Map<string, CrdEntry>();
for (const entry of CATALOG) if (entry.type === 'crd') for (const kind of entry.kinds) byKind.set(kind, entry);

/** The catalog row for a resource kind (e.g. `HTTPRoute`), or undefined for kinds we do not document. */
export function entryForKind(kind: string): CrdEntry | undefined {
  return byKind.get(kind);
}

export function labelEntry(key: string): LabelEntry | undefined {
  return CATALOG.find((e): e is LabelEntry => e.type === 'label' && e.key === key);
}

/** The row as it holds on one Istio line: that line's served API versions and ambient note. */
export function entryOn<E extends CatalogEntry>(entry: E, istio: IstioVersion): E {
  return (BY_LINE.get(istio)?.get(entry.slug) as E | undefined) ?? entry;
}

/** Whether a row reads differently on some Istio line (pages then show one variant per line). */
export function differsByLine(entry: CatalogEntry): boolean {
  return ISTIO_VERSIONS.some((line) => entryOn(entry, line) !== entryOn(entry, DEFAULT_ISTIO));
}

/** The apiVersion our examples use for a kind on `istio` (default: the default line): its storage version. */
export function preferredApiVersion(kind: string, istio: IstioVersion = DEFAULT_ISTIO): string | undefined {
  const e = byKind.get(kind);
  return e && entryOn(e, istio).served[kind]?.find((s) => s.preferred)?.apiVersion;
}

/** The apiVersion(s) examples use for a row's kinds on its line (each kind's storage version, once each). */
export function apiVersionsOf(entry: CrdEntry): readonly string[] {
  return [...new Set(Object.values(entry.served).map((vs) => (vs.find((v) => v.preferred) ?? vs[0]).apiVersion))];
}

/** A plain JSON view (what `ambient-atlas catalog --format json` prints). */
export function catalogAsJson(): { version: 1; entries: readonly CatalogEntry[] } {
  return { version: 1, entries: CATALOG };
}

export { ISTIO_KINDS_IGNORED_BY_AGENTGATEWAY, WAYPOINT_FLAVOURS } from './flavours.ts';
export type { WaypointFlavour } from './flavours.ts';
