/**
 * One simulator trace as a diagram (issue #19): client → source ztunnel → waypoint → destination ztunnel → pod in
 * an SVG, the hop that decided marked, the verdict coloured, then the same trace as text (an ordered list of hops
 * with the identity each sees and its decisions), which is the diagram's text equivalent.
 *
 * Built once as a small element tree, then either serialised (Trace.astro, at build time, no client JavaScript) or
 * turned into DOM nodes (the playground and exercise islands, where user text is only ever set as textContent). So
 * the build-time page and the islands draw exactly the same thing.
 */
import { ENFORCEMENT_TOKENS, colorVar, tintVar } from '../../lib/catalog/enforcement-tokens.ts';
import type { ProgrammedAt } from '../../lib/catalog/types.ts';
import type { Hop, SimResult } from '../../lib/simulator/types.ts';
import { traceView } from './trace-view.ts';

export interface El {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string | undefined>>;
  readonly children: readonly (El | string)[];
}

const el = (
  tag: string,
  attrs: Record<string, string | undefined> = {},
  ...children: (El | string | null | false | undefined)[]
): El => ({
  tag,
  attrs,
  children: children.filter((c): c is El | string => c !== null && c !== false && c !== undefined),
});

type SlotKind = 'client' | 'source' | 'waypoint' | 'destination' | 'pod';
type SlotState = 'passed' | 'skipped' | 'not-reached';

interface Slot {
  readonly kind: SlotKind;
  readonly label: string;
  readonly sub: string;
  readonly token?: ProgrammedAt;
  readonly state: SlotState;
  /** This hop refused the request. */
  readonly denied: boolean;
  /** This hop's policy decided the outcome (allowed by, or denied by). */
  readonly decides: boolean;
}

function slotOf(h: Hop): Exclude<SlotKind, 'client'> {
  switch (h.at) {
    case 'ztunnel':
    case 'sidecar':
      return h.side === 'source' ? 'source' : 'destination';
    case 'waypoint':
      return 'waypoint';
    default:
      return 'pod';
  }
}

const ORDER: readonly Exclude<SlotKind, 'client'>[] = ['source', 'waypoint', 'destination', 'pod'];

function slots(r: SimResult): Slot[] {
  const at = new Map<SlotKind, { hop: Hop; index: number }>();
  r.hops.forEach((hop, index) => {
    const k = slotOf(hop);
    if (!at.has(k)) at.set(k, { hop, index });
  });
  const lastIndex = r.hops.length - 1;
  const lastSlot = lastIndex >= 0 ? ORDER.indexOf(slotOf(r.hops[lastIndex]!)) : -1;
  const decidedBy = r.decidedBy ? `${r.decidedBy.namespace}/${r.decidedBy.name}` : undefined;
  const out: Slot[] = [
    {
      kind: 'client',
      label: 'client',
      sub: r.client.name,
      state: 'passed',
      denied: false,
      decides: false,
    },
  ];
  ORDER.forEach((kind, i) => {
    const found = at.get(kind);
    const hop = found?.hop;
    const denied = r.verdict === 'denied' && found !== undefined && found.index === lastIndex;
    const decisions = hop && 'decisions' in hop ? hop.decisions : [];
    const decides =
      denied || (decidedBy !== undefined && decisions.some((d) => d.policy?.includes(decidedBy) === true));
    const token: ProgrammedAt | undefined =
      kind === 'source' || kind === 'destination'
        ? hop?.at === 'sidecar'
          ? undefined
          : 'ztunnel'
        : kind === 'waypoint'
          ? 'waypoint'
          : undefined;
    const label =
      kind === 'pod'
        ? hop?.at === 'external'
          ? 'external'
          : 'pod'
        : hop?.at === 'sidecar'
          ? 'sidecar'
          : kind === 'waypoint'
            ? 'waypoint'
            : 'ztunnel';
    const sub = hop
      ? kind === 'source'
        ? 'source'
        : kind === 'destination'
          ? 'destination'
          : 'name' in hop
            ? hop.name
            : ''
      : i > lastSlot
        ? 'not reached'
        : kind === 'waypoint'
          ? 'no waypoint'
          : kind === 'source'
            ? r.client.dataplane === 'none'
              ? 'not in mesh'
              : 'none'
            : 'none';
    out.push({
      kind,
      label,
      sub,
      ...(token ? { token } : {}),
      state: hop ? 'passed' : i > lastSlot ? 'not-reached' : 'skipped',
      denied,
      decides,
    });
  });
  return out;
}

/**
 * Two drawings of the same slots: a row (the picture people expect, five nodes left to right) and a column for
 * phone-width containers, where five nodes in a row shrink their names to a few pixels. trace.css shows one
 * through a container query, so the playground's result panel and a page column decide alike.
 */
interface Geometry {
  readonly vertical: boolean;
  readonly width: number;
  readonly height: number;
  /** Glyph scale (16-unit icons) and the decided ring's radius. */
  readonly scale: number;
  readonly ring: number;
  readonly at: (i: number) => { readonly x: number; readonly y: number };
  /** Longest node name drawn (the hop list has them in full). */
  readonly nameChars: number;
}

const ROW: Geometry = {
  vertical: false,
  width: 560,
  height: 132,
  scale: 2.5,
  ring: 31,
  at: (i) => ({ x: 56 + i * 112, y: 52 }),
  nameChars: 15,
};
const COLUMN: Geometry = {
  vertical: true,
  width: 300,
  height: 292,
  scale: 1.75,
  ring: 22,
  at: (i) => ({ x: 26, y: 26 + i * 60 }),
  nameChars: 30,
};

/** A name cut to fit: first without its namespace (stated in the request line), then with an ellipsis. */
function fit(s: string, n: number): string {
  const name = s.length > n && s.includes('/') ? s.slice(s.indexOf('/') + 1) : s;
  return name.length > n ? `${name.slice(0, n - 1)}…` : name;
}

/** Neutral glyph for the client and the pod: a rounded box. */
const BOX = 'M3 2.5h10a1.5 1.5 0 0 1 1.5 1.5v8a1.5 1.5 0 0 1-1.5 1.5H3A1.5 1.5 0 0 1 1.5 12V4A1.5 1.5 0 0 1 3 2.5Z';

function glyph(g: Geometry, s: Slot, i: number): El {
  const token = s.token ? ENFORCEMENT_TOKENS[s.token] : undefined;
  // The token module's custom properties, with fallbacks for a page that does not define the tints.
  const stroke = s.token ? colorVar(s.token) : 'var(--sl-color-gray-2)';
  const fill = s.token ? tintVar(s.token).replace(/\)$/, ', var(--sl-color-gray-6))') : 'var(--sl-color-gray-6)';
  const { x, y } = g.at(i);
  const half = 8 * g.scale;
  // Only the row drawing carries data-slot: it is the one with the accessible name, and tests and islands find
  // the nodes by it. The column is the same picture again, hidden from assistive technology.
  const cls = g.vertical ? 'atlas-trace-vnode' : 'atlas-trace-node';
  const label = g.vertical ? { x: x + 34, y: y - 1, subY: y + 16 } : { x, y: y + 48, subY: y + 66 };
  return el(
    'g',
    { class: `${cls} ${cls}--${s.state}`, ...(g.vertical ? {} : { 'data-slot': s.kind }) },
    s.decides
      ? el('circle', {
          cx: String(x),
          cy: String(y),
          r: String(g.ring),
          class: s.denied ? 'atlas-trace-ring atlas-trace-ring--denied' : 'atlas-trace-ring',
        })
      : null,
    el('path', {
      d: token?.icon ?? BOX,
      transform: `translate(${x - half} ${y - half}) scale(${g.scale})`,
      fill,
      stroke,
      'stroke-width': String(2 / g.scale),
      'fill-rule': 'evenodd',
      'stroke-dasharray': s.state === 'passed' ? undefined : '1.2 1',
    }),
    el('text', { x: String(label.x), y: String(label.y), class: 'atlas-trace-label' }, s.label),
    el('text', { x: String(label.x), y: String(label.subY), class: 'atlas-trace-sub' }, fit(s.sub, g.nameChars)),
    s.decides
      ? el(
          'text',
          {
            x: String(g.vertical ? g.width - 4 : x),
            y: String(g.vertical ? label.y : y - 38),
            class: s.denied ? 'atlas-trace-mark atlas-trace-mark--denied' : 'atlas-trace-mark',
          },
          s.denied ? '✕ denied here' : '✓ decided here',
        )
      : null,
  );
}

function arrows(g: Geometry, list: readonly Slot[], outcome: 'allowed' | 'denied' | 'other', head: string): El[] {
  const out: El[] = [];
  // Ends stop short of a node's glyph, or of its ring when it decided, so no arrow runs into a ring.
  const gap = (s: Slot, headEnd: boolean) => (s.decides ? g.ring + 3 : 8 * g.scale + 4) + (headEnd ? 2 : 0);
  // An arrow from each reached node to the next reached one (a skipped waypoint is jumped over).
  const reached = list.map((s, i) => ({ s, i })).filter(({ s }) => s.state === 'passed');
  for (let k = 0; k + 1 < reached.length; k++) {
    const a = reached[k]!;
    const b = reached[k + 1]!;
    const from = g.at(a.i);
    const to = g.at(b.i);
    const [x1, y1, x2, y2] = g.vertical
      ? [from.x, from.y + gap(a.s, false), to.x, to.y - gap(b.s, true)]
      : [from.x + gap(a.s, false), from.y, to.x - gap(b.s, true), to.y];
    out.push(
      el('line', {
        x1: String(x1),
        y1: String(y1),
        x2: String(x2),
        y2: String(y2),
        class: `atlas-trace-arrow atlas-trace-arrow--${outcome}`,
        'marker-end': `url(#${head})`,
      }),
    );
  }
  return out;
}

function marker(id: string, outcome: 'allowed' | 'denied' | 'other'): El {
  return el(
    'defs',
    {},
    el(
      'marker',
      {
        id,
        viewBox: '0 0 10 10',
        refX: '9',
        refY: '5',
        markerWidth: '4',
        markerHeight: '4',
        orient: 'auto-start-reverse',
      },
      // The head takes the line's colour: a dark head on a green or red line read as a second, unrelated mark.
      el('path', { d: 'M0 0 10 5 0 10Z', class: `atlas-trace-head atlas-trace-head--${outcome}` }),
    ),
  );
}

export interface TraceDiagramOptions {
  /** Unique within the page: ids of the SVG title/description derive from it. */
  readonly id: string;
  /** Short description of the request ("GET reviews.bookinfo:9080/"), shown above the diagram. */
  readonly request?: string;
  /** Accessible name of the hop list (default "Hops"). */
  readonly listLabel?: string;
}

/** The whole trace component (diagram, verdict, text equivalent) as an element tree. */
export function traceDiagram(r: SimResult, opts: TraceDiagramOptions): El {
  const v = traceView(r);
  const list = slots(r);
  const titleId = `${opts.id}-title`;
  const descId = `${opts.id}-desc`;
  const reachedNames = list
    .filter((s) => s.state === 'passed')
    .map((s) => (s.kind === 'client' ? s.sub : `${s.kind === 'pod' ? '' : `${s.kind} `}${s.label}`));
  const svg = el(
    'svg',
    {
      class: 'atlas-trace-svg atlas-trace-svg--row',
      viewBox: `0 0 ${ROW.width} ${ROW.height}`,
      role: 'img',
      // The name is short and says the outcome; the path is the description. (Neither may reuse the request form's
      // field labels — Client, Destination, Path — or those fields stop having a unique accessible name.)
      'aria-labelledby': titleId,
      'aria-describedby': descId,
      xmlns: 'http://www.w3.org/2000/svg',
    },
    el('title', { id: titleId }, `Trace diagram: ${v.verdict}`),
    el('desc', { id: descId }, `${reachedNames.join(' → ')}; ${v.status}. The hop list below has every decision.`),
    marker(`${opts.id}-head`, v.outcome),
    ...arrows(ROW, list, v.outcome, `${opts.id}-head`),
    ...list.map((s, i) => glyph(ROW, s, i)),
  );
  // On phones the column is what people see and the row stays for assistive technology (trace.css hides it
  // visually, not with display: none), so the accessible picture is the same at every width.
  const column = el(
    'svg',
    {
      class: 'atlas-trace-svg atlas-trace-svg--column',
      viewBox: `0 0 ${COLUMN.width} ${COLUMN.height}`,
      'aria-hidden': 'true',
      focusable: 'false',
      xmlns: 'http://www.w3.org/2000/svg',
    },
    marker(`${opts.id}-vhead`, v.outcome),
    ...arrows(COLUMN, list, v.outcome, `${opts.id}-vhead`),
    ...list.map((s, i) => glyph(COLUMN, s, i)),
  );
  const hopSlots = r.hops.map(slotOf);
  return el(
    'div',
    { class: 'atlas-trace not-content', 'data-trace': '', 'data-outcome': v.outcome },
    el(
      'p',
      { class: 'atlas-trace-client' },
      opts.request ? el('code', {}, opts.request) : null,
      opts.request ? el('br') : null,
      `Client: ${v.client}`,
    ),
    svg,
    column,
    el(
      'p',
      { class: 'atlas-trace-verdict', 'data-verdict': r.verdict },
      el('strong', {}, v.verdict),
      `: ${v.status}`,
      v.backends.length ? el('br') : null,
      v.backends.length ? `Backends: ${v.backends.join(', ')}` : null,
    ),
    el(
      'ol',
      { class: 'atlas-trace-hops', 'aria-label': opts.listLabel ?? 'Hops' },
      ...v.steps.map((s, i) => {
        const slot = list.find((x) => x.kind === hopSlots[i]);
        const token = slot?.token;
        return el(
          'li',
          {
            class: `atlas-trace-hop${token ? ` atlas-ep--${ENFORCEMENT_TOKENS[token].key}` : ''}`,
            'data-hop': s.kind,
            'data-denied': s.denied ? 'true' : undefined,
            'data-decides': slot?.decides ? 'true' : undefined,
          },
          el('span', { class: 'atlas-trace-title' }, s.title),
          slot?.decides
            ? el('span', { class: 'atlas-trace-decided' }, s.denied ? 'Denied here' : 'Decided here')
            : null,
          s.identity ? el('span', { class: 'atlas-trace-identity' }, `Identity: ${s.identity}`) : null,
          s.decisions.length
            ? el(
                'ul',
                { class: 'atlas-trace-decisions', 'aria-label': 'Decisions' },
                ...s.decisions.map((d) => el('li', {}, d)),
              )
            : null,
          s.notes.length
            ? el('ul', { class: 'atlas-trace-notes', 'aria-label': 'Notes' }, ...s.notes.map((n) => el('li', {}, n)))
            : null,
        );
      }),
    ),
    v.notes.length
      ? el(
          'ul',
          { class: 'atlas-trace-notes atlas-trace-global', 'aria-label': 'Simulator notes' },
          ...v.notes.map((n) => el('li', {}, n)),
        )
      : null,
  );
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ESC[c]!);
const VOID = new Set(['br']);

/** Serialise (build time): every text and attribute value escaped. */
export function toMarkup(node: El | string): string {
  if (typeof node === 'string') return esc(node);
  const attrs = Object.entries(node.attrs)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => (v === '' ? ` ${k}` : ` ${k}="${esc(v)}"`))
    .join('');
  if (VOID.has(node.tag)) return `<${node.tag}${attrs}>`;
  return `<${node.tag}${attrs}>${node.children.map(toMarkup).join('')}</${node.tag}>`;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Build DOM nodes (islands): text only through text nodes. */
export function toDom(node: El | string, inSvg = false, doc: Document = document): Node {
  if (typeof node === 'string') return doc.createTextNode(node);
  const svg = inSvg || node.tag === 'svg';
  const e = svg ? doc.createElementNS(SVG_NS, node.tag) : doc.createElement(node.tag);
  for (const [k, v] of Object.entries(node.attrs)) if (v !== undefined && k !== 'xmlns') e.setAttribute(k, v);
  for (const c of node.children) e.appendChild(toDom(c, svg, doc));
  return e;
}
