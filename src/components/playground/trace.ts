/**
 * Client-side rendering of a SimResult: verdict, status, backends, and the trace component (the request-path
 * diagram and its hop list, src/components/trace/trace-diagram.ts, the same one /request-path/ draws at build time).
 * Built with DOM nodes and textContent only.
 */
import type { SimRequest, SimResult } from '../../lib/simulator/types.ts';
import { toDom, traceDiagram } from '../trace/trace-diagram.ts';
import { h } from './dom.ts';

/** Each rendered trace gets its own ids (the SVG's title, description and arrowhead). */
let traces = 0;

const requestLine = (req: SimRequest) =>
  `${req.from} → ${req.tcp ? 'TCP' : (req.method ?? 'GET')} ${req.to}${req.tcp ? '' : (req.path ?? '/')}`;

export function renderResult(r: SimResult, req: SimRequest): HTMLElement {
  const verdictLabel =
    r.verdict === 'allowed'
      ? 'Allowed'
      : r.verdict === 'denied'
        ? `Denied${r.deniedAt ? ` at ${r.deniedAt}` : ''}`
        : r.verdict === 'no-route'
          ? 'No route'
          : 'Error';
  const summary = h(
    'dl',
    { class: 'pg-summary' },
    h('dt', {}, 'Verdict'),
    h('dd', { 'data-verdict': r.verdict }, verdictLabel),
    h('dt', {}, 'Status'),
    h('dd', {}, r.status === null ? (req.tcp ? 'none (TCP)' : 'none (connection reset)') : String(r.status)),
    h('dt', {}, 'Denied at'),
    h('dd', {}, r.deniedAt ?? '—'),
    h('dt', {}, 'Decided by'),
    h(
      'dd',
      {},
      r.decidedBy
        ? `${r.decidedBy.kind} ${r.decidedBy.namespace}/${r.decidedBy.name}${r.decidedBy.rule !== undefined ? ` rule ${r.decidedBy.rule}` : ''}`
        : '—',
    ),
    h('dt', {}, 'Waypoint'),
    h('dd', {}, r.waypoint ? `${r.waypoint.namespace}/${r.waypoint.name}` : 'none'),
  );
  const backends = r.backends.length
    ? h(
        'table',
        { class: 'pg-backends' },
        h('caption', {}, 'Backends'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Service'),
            h('th', { scope: 'col' }, 'Port'),
            h('th', { scope: 'col' }, 'Probability'),
          ),
        ),
        h(
          'tbody',
          {},
          ...r.backends.map((b) =>
            h(
              'tr',
              {},
              h('td', {}, `${b.namespace}/${b.service}`),
              h('td', {}, String(b.port)),
              h('td', {}, `${Math.round(b.probability * 1000) / 10}%`),
            ),
          ),
        ),
      )
    : h('p', {}, 'Backends: none (no route matched).');
  return h(
    'div',
    { class: 'pg-result-body' },
    summary,
    backends,
    h('h3', {}, 'Hop-by-hop trace'),
    toDom(traceDiagram(r, { id: `pg-trace-${++traces}`, request: requestLine(req), listLabel: 'Hop-by-hop trace' })),
  );
}
