/**
 * Client-side rendering of a SimResult: verdict, status, backends, and the hop-by-hop trace as a diagram
 * (client → ztunnel → waypoint → ztunnel → pod), each hop with its decisions and the policy that made them.
 * Built with DOM nodes and textContent only.
 */
// Hop headings and decision lines are worded once, in the simulator's text formatter, for the CLI, the terminal
// and this island alike.
import { decisionLine, hopTitle } from '../../lib/simulator/format.ts';
import type { SimRequest, SimResult } from '../../lib/simulator/types.ts';
import { h } from './dom.ts';

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
  const hops: HTMLElement[] = [
    h(
      'li',
      { class: 'pg-hop pg-hop-client' },
      h('strong', {}, `client ${r.client.name}`),
      h('p', {}, `dataplane ${r.client.dataplane}; identity ${r.client.identity ?? 'none (plaintext)'}`),
    ),
    ...r.hops.map((hop) => {
      const decisions = 'decisions' in hop ? hop.decisions : [];
      return h(
        'li',
        { class: `pg-hop pg-hop-${hop.at}` },
        h('strong', {}, hopTitle(hop)),
        decisions.length
          ? h('ul', { class: 'pg-decisions' }, ...decisions.map((d) => h('li', {}, decisionLine(d))))
          : null,
        hop.notes.length ? h('ul', { class: 'pg-notes' }, ...hop.notes.map((n) => h('li', {}, n))) : null,
      );
    }),
  ];
  return h(
    'div',
    { class: 'pg-result-body' },
    summary,
    backends,
    h('h3', {}, 'Hop-by-hop trace'),
    h('ol', { class: 'pg-trace', 'aria-label': 'Hop-by-hop trace' }, ...hops),
    r.notes.length ? h('ul', { class: 'pg-notes' }, ...r.notes.map((n) => h('li', {}, n))) : null,
  );
}
