/**
 * Layout of the "how the pieces fit" diagram, computed from the catalog at build time. Pure data (boxes in SVG
 * user units, links, labels) so it can be unit-tested without a DOM; Diagram.astro only draws it.
 *
 * Picture: istiod on top watching the resource groups; one box per catalog entry, grouped by catalog group and
 * linking to its page; the enforcement points at the bottom, fed by istiod. Each entry box carries one colour
 * swatch per "programmed at" value (the same colour as the enforcement point's box) plus the names as text.
 */
import { CATALOG, CATALOG_GROUPS, GROUP_TITLES, PROGRAMMED_AT } from '../../lib/catalog/index.ts';
import type { CatalogEntry, CatalogGroup, ProgrammedAt } from '../../lib/catalog/index.ts';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface EntryBox extends Rect {
  readonly slug: string;
  readonly href: string;
  /** Title lines (long titles wrap at " · "). */
  readonly lines: readonly string[];
  readonly programmedAt: readonly ProgrammedAt[];
  /** "programmed at …" as text, so colour is never the only cue. */
  readonly where: string;
  /** Accessible name of the link: the visible text, title then where. */
  readonly label: string;
}

export interface GroupBox extends Rect {
  readonly group: CatalogGroup;
  readonly title: string;
  readonly entries: readonly EntryBox[];
}

export interface TargetBox extends Rect {
  readonly at: ProgrammedAt;
  readonly title: string;
  readonly subtitle: string;
  /** Catalog entries programmed here (slugs), for the text alternative. */
  readonly slugs: readonly string[];
}

export interface DiagramLayout {
  readonly width: number;
  readonly height: number;
  readonly istiod: Rect;
  readonly groups: readonly GroupBox[];
  readonly targets: readonly TargetBox[];
  /** y of the horizontal "xDS" bus above the targets, and the x of the vertical bus from istiod. */
  readonly bus: { readonly x: number; readonly y: number; readonly topY: number };
}

/**
 * The enforcement points drawn at the bottom; istiod is the box on top, `n/a in ambient` gets no box.
 * istio-cni gets no xDS: its node agent watches enrolled namespaces and pods itself and configures redirection,
 * also for pods that were already running (istio/istio cni/README.md, "ambient watch server").
 */
export const TARGETS: readonly { at: ProgrammedAt; title: string; subtitle: string }[] = [
  { at: 'istio-cni', title: 'istio-cni', subtitle: 'reads the labels (no xDS)' },
  { at: 'ztunnel', title: 'ztunnel', subtitle: 'DaemonSet: L4, mTLS (HBONE)' },
  { at: 'waypoint', title: 'waypoint', subtitle: 'Envoy: L7 for bound services' },
  { at: 'ingress', title: 'ingress gateway', subtitle: 'Envoy: north-south' },
];

const LINE = 15;
const PAD = 8;

function titleLines(e: CatalogEntry, max: number): string[] {
  const t = e.type === 'label' ? e.key : e.title;
  if (t.length <= max) return [t];
  const parts = t.split(' · ');
  if (parts.length > 1) {
    const lines: string[] = [];
    let cur = '';
    for (const p of parts) {
      const next = cur ? `${cur} · ${p}` : p;
      if (next.length > max && cur) {
        lines.push(cur + ' ·');
        cur = p;
      } else cur = next;
    }
    lines.push(cur);
    return lines;
  }
  // Label keys: break after the slash.
  const slash = t.indexOf('/');
  return slash > 0 ? [t.slice(0, slash + 1), t.slice(slash + 1)] : [t];
}

export function whereText(at: readonly ProgrammedAt[]): string {
  return at.includes('n/a in ambient') ? 'not used in ambient' : `at ${at.join(', ')}`;
}

export interface LayoutOptions {
  /** 5 = one column per group (wide screens); 1 = groups stacked (phones). */
  readonly columns: 1 | 5;
  readonly entries?: readonly CatalogEntry[];
}

export function layoutDiagram(opts: LayoutOptions): DiagramLayout {
  const entries = opts.entries ?? CATALOG;
  const wide = opts.columns === 5;
  const margin = wide ? 44 : 36;
  const gap = 12;
  const colWidth = wide ? 180 : 300;
  const width = wide ? margin + 5 * colWidth + 4 * gap + 16 : margin + colWidth + 16;
  const maxChars = wide ? 20 : 40;

  const istiod: Rect = { x: margin, y: 12, width: width - margin - 16, height: wide ? 64 : 76 };
  const y0 = istiod.y + istiod.height + 40;

  const groups: GroupBox[] = [];
  let stackY = y0;
  let tallest = 0;
  CATALOG_GROUPS.forEach((group, gi) => {
    const members = entries.filter((e) => e.group === group);
    const x = wide ? margin + gi * (colWidth + gap) : margin;
    let y = (wide ? y0 : stackY) + 30;
    const boxes: EntryBox[] = members.map((e) => {
      const lines = titleLines(e, maxChars);
      const height = PAD + lines.length * LINE + LINE + PAD;
      const where = whereText(e.programmedAt);
      const box: EntryBox = {
        slug: e.slug,
        href: e.docs,
        lines,
        programmedAt: e.programmedAt,
        where,
        label: `${e.type === 'label' ? e.key : e.title} ${where}`,
        x: x + 8,
        y,
        width: colWidth - 16,
        height,
      };
      y += height + 8;
      return box;
    });
    const top = wide ? y0 : stackY;
    const g: GroupBox = {
      group,
      title: GROUP_TITLES[group],
      entries: boxes,
      x,
      y: top,
      width: colWidth,
      height: y - top,
    };
    groups.push(g);
    tallest = Math.max(tallest, g.height);
    stackY = y + 14;
  });
  const middleBottom = wide ? y0 + tallest : stackY - 14;

  const busY = middleBottom + 34;
  const targetsY = busY + 26;
  const tCount = TARGETS.length;
  const tWidth = wide ? (width - margin - 16 - (tCount - 1) * gap) / tCount : width - margin - 16;
  const tHeight = 56;
  const targets: TargetBox[] = TARGETS.map((t, i) => ({
    ...t,
    slugs: entries.filter((e) => e.programmedAt.includes(t.at)).map((e) => e.slug),
    x: wide ? margin + i * (tWidth + gap) : margin,
    y: wide ? targetsY : targetsY + i * (tHeight + 12),
    width: tWidth,
    height: tHeight,
  }));
  const last = targets[targets.length - 1]!;
  return {
    width,
    height: last.y + last.height + 12,
    istiod,
    groups,
    targets,
    bus: { x: margin / 2, y: busY, topY: istiod.y + istiod.height / 2 },
  };
}

export { PROGRAMMED_AT };
