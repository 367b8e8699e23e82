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

const W = 560;
const STEP = 112;
const CY = 52;
const cx = (i: number) => 56 + i * STEP;
/** Names under the nodes are cut to fit the node spacing (the hop list has them in full). */
const short = (s: string, n = 15) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Neutral glyph for the client and the pod: a rounded box. */
const BOX = 'M3 2.5h10a1.5 1.5 0 0 1 1.5 1.5v8a1.5 1.5 0 0 1-1.5 1.5H3A1.5 1.5 0 0 1 1.5 12V4A1.5 1.5 0 0 1 3 2.5Z';

function glyph(s: Slot, i: number): El {
  const token = s.token ? ENFORCEMENT_TOKENS[s.token] : undefined;
  // The token module's custom properties, with fallbacks for a page that does not define the tints.
  const stroke = s.token ? colorVar(s.token) : 'var(--sl-color-gray-2)';
  const fill = s.token ? tintVar(s.token).replace(/\)$/, ', var(--sl-color-gray-6))') : 'var(--sl-color-gray-6)';
  const x = cx(i);
  return el(
    'g',
    { class: `atlas-trace-node atlas-trace-node--${s.state}`, 'data-slot': s.kind },
    s.decides
      ? el('circle', {
          cx: String(x),
          cy: String(CY),
          r: '31',
          class: s.denied ? 'atlas-trace-ring atlas-trace-ring--denied' : 'atlas-trace-ring',
        })
      : null,
    el('path', {
      d: token?.icon ?? BOX,
      transform: `translate(${x - 20} ${CY - 20}) scale(2.5)`,
      fill,
      stroke,
      'stroke-width': '0.8',
      'fill-rule': 'evenodd',
      'stroke-dasharray': s.state === 'passed' ? undefined : '1.2 1',
    }),
    el('text', { x: String(x), y: String(CY + 48), class: 'atlas-trace-label' }, s.label),
    el('text', { x: String(x), y: String(CY + 66), class: 'atlas-trace-sub' }, short(s.sub)),
    s.decides
      ? el(
          'text',
          {
            x: String(x),
            y: String(CY - 38),
            class: s.denied ? 'atlas-trace-mark atlas-trace-mark--denied' : 'atlas-trace-mark',
          },
          s.denied ? '✕ denied here' : '✓ decided here',
        )
      : null,
  );
}

function arrows(list: readonly Slot[], outcome: 'allowed' | 'denied' | 'other', head: string): El[] {
  const out: El[] = [];
  // An arrow from each reached node to the next reached one (a skipped waypoint is jumped over).
  const reached = list.map((s, i) => ({ s, i })).filter(({ s }) => s.state === 'passed');
  for (let k = 0; k + 1 < reached.length; k++) {
    const a = reached[k]!.i;
    const b = reached[k + 1]!.i;
    out.push(
      el('line', {
        x1: String(cx(a) + 26),
        y1: String(CY),
        x2: String(cx(b) - 28),
        y2: String(CY),
        class: `atlas-trace-arrow atlas-trace-arrow--${outcome}`,
        'marker-end': `url(#${head})`,
      }),
    );
  }
  return out;
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
      class: 'atlas-trace-svg',
      viewBox: `0 0 ${W} 132`,
      role: 'img',
      // The name is short and says the outcome; the path is the description. (Neither may reuse the request form's
      // field labels — Client, Destination, Path — or those fields stop having a unique accessible name.)
      'aria-labelledby': titleId,
      'aria-describedby': descId,
      xmlns: 'http://www.w3.org/2000/svg',
    },
    el('title', { id: titleId }, `Trace diagram: ${v.verdict}`),
    el('desc', { id: descId }, `${reachedNames.join(' → ')}; ${v.status}. The hop list below has every decision.`),
    el(
      'defs',
      {},
      el(
        'marker',
        {
          id: `${opts.id}-head`,
          viewBox: '0 0 10 10',
          refX: '9',
          refY: '5',
          markerWidth: '7',
          markerHeight: '7',
          orient: 'auto-start-reverse',
        },
        el('path', { d: 'M0 0 10 5 0 10Z', class: 'atlas-trace-head' }),
      ),
    ),
    ...arrows(list, v.outcome, `${opts.id}-head`),
    ...list.map(glyph),
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
