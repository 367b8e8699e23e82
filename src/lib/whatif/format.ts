/**
 * Output of `matrix` and `diff` (DESIGN §4.5c): JSON (streamed in chunks: a 1,000 × 1,000 matrix is a million
 * cells), a compact text grid, a self-contained HTML report and Markdown for a pull-request comment. Every name in
 * them comes from manifests: text output shows control characters visibly, HTML and Markdown escape.
 */
import { isClusterScoped } from '../ambient/index.ts';
import { escapeControl } from '../vshell/escape.ts';
import type { DecidedBy } from '../simulator/index.ts';
import type { ChangedCell, DiffResult, ResourceChange, SideJson } from './diff.ts';
import { cellsOf } from './matrix.ts';
import type { Matrix, MatrixDestination, Outcome } from './matrix.ts';
import { requestJson, requestLabel } from './requests.ts';

export interface Versions {
  readonly istio: string;
  readonly gatewayApi: string;
}

/** The matrix JSON document in chunks of about `chunk` cells (join them for the whole text). */
export function* matrixJson(m: Matrix, v: Versions, chunk = 2000): Generator<string> {
  yield `{"version":1,"istio":${JSON.stringify(v.istio)},"gatewayApi":${JSON.stringify(v.gatewayApi)},`;
  yield `"clients":${JSON.stringify(m.clients.map((c) => c.key))},`;
  yield `"destinations":${JSON.stringify(m.destinations.map((d) => d.key))},`;
  yield `"truncatedRequests":${JSON.stringify(m.destinations.filter((d) => d.truncated).map((d) => d.key))},"cells":[`;
  let buf: string[] = [];
  let first = true;
  for (const c of cellsOf(m)) {
    const o = c.outcome;
    buf.push(
      JSON.stringify({
        from: c.client.key,
        to: c.destination.key,
        request: requestJson(c.request),
        verdict: o.verdict,
        status: o.status,
        deniedAt: o.deniedAt,
        decidedBy: o.decidedBy,
        waypoint: o.waypoint,
        backends: o.backends,
      }),
    );
    if (buf.length >= chunk) {
      yield (first ? '' : ',') + buf.join(',');
      first = false;
      buf = [];
    }
  }
  if (buf.length) yield (first ? '' : ',') + buf.join(',');
  yield ']}\n';
}

type Summary = 'allowed' | 'denied' | 'mixed' | 'error';

/** One destination column for one client: all requests allowed, none, some, or none that answered. */
function summarize(m: Matrix, ci: number, d: MatrixDestination): { summary: Summary; outcomes: Outcome[] } {
  const outcomes: Outcome[] = [];
  let allowed = 0;
  let errors = 0;
  for (let ri = 0; ri < d.requests.length; ri++) {
    const o = m.outcomes[m.cells[ci * m.columns + d.offset + ri]!]!;
    outcomes.push(o);
    if (o.verdict === 'allowed') allowed++;
    else if (o.verdict === 'error') errors++;
  }
  const summary: Summary =
    allowed === outcomes.length ? 'allowed' : allowed > 0 ? 'mixed' : errors === outcomes.length ? 'error' : 'denied';
  return { summary, outcomes };
}

const SYMBOL: Record<Summary, string> = { allowed: '✓', denied: '✗', mixed: '◐', error: '!' };

const by = (d: DecidedBy | null) => (d ? `${d.kind} ${d.namespace}/${d.name}` : '');

function outcomeText(o: Pick<Outcome, 'verdict' | 'status' | 'deniedAt' | 'decidedBy'>): string {
  const status = o.status === null ? '' : ` ${o.status}`;
  const where = o.deniedAt ? ` at ${o.deniedAt}` : '';
  const who = o.decidedBy ? ` by ${by(o.decidedBy)}` : '';
  return `${o.verdict}${status}${where}${who}`;
}

/**
 * The compact grid: one row per client, one column per destination (numbered, listed above), ✓ every request
 * allowed, ✗ none, ◐ some, ! the trace could not run; then the rows that are not all one verdict, request by request.
 */
export function matrixText(m: Matrix, v: Versions, maxDetails = 200): string {
  const lines: string[] = [];
  const total = m.clients.length * m.columns;
  lines.push(
    `Istio ${v.istio}, Gateway API ${v.gatewayApi}: ${m.clients.length} clients × ${m.destinations.length} destination ports, ${total} cells (${m.columns} requests per client)`,
  );
  lines.push('');
  const width = String(m.destinations.length).length;
  m.destinations.forEach((d, i) =>
    lines.push(
      `  ${String(i + 1).padStart(width)}  ${escapeControl(d.key)}  (${d.requests.length} requests${d.truncated ? ', more conditions left out' : ''})`,
    ),
  );
  lines.push('');
  const nameWidth = Math.min(40, Math.max(6, ...m.clients.map((c) => c.key.length)));
  const header = m.destinations.map((_, i) => String((i + 1) % 10)).join(' ');
  lines.push(`${''.padEnd(nameWidth)}  ${header}`);
  const details: string[] = [];
  for (let ci = 0; ci < m.clients.length; ci++) {
    const row: string[] = [];
    for (const d of m.destinations) {
      const { summary, outcomes } = summarize(m, ci, d);
      row.push(SYMBOL[summary]);
      if (summary === 'mixed' && details.length < maxDetails)
        d.requests.forEach((r, ri) =>
          details.push(
            `  ${escapeControl(m.clients[ci]!.key)} → ${escapeControl(d.key)}  ${escapeControl(requestLabel(r))}: ${escapeControl(outcomeText(outcomes[ri]!))}`,
          ),
        );
    }
    const name = escapeControl(m.clients[ci]!.key);
    lines.push(
      `${(name.length > nameWidth ? name.slice(0, nameWidth - 1) + '…' : name).padEnd(nameWidth)}  ${row.join(' ')}`,
    );
  }
  lines.push('');
  lines.push('✓ every request allowed   ✗ none allowed   ◐ some allowed   ! the trace could not run');
  if (details.length) {
    lines.push('');
    lines.push('Mixed cells, request by request:');
    lines.push(...details);
    if (details.length >= maxDetails) lines.push(`  … (more left out; use --format json for every cell)`);
  }
  return lines.join('\n') + '\n';
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A self-contained HTML report: the grid with a colour per verdict; each cell's title lists its requests. */
export function matrixHtml(m: Matrix, v: Versions): string {
  const out: string[] = [];
  out.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ambient Atlas reachability matrix</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5rem;color:#111}
table{border-collapse:collapse}th,td{border:1px solid #bbb;padding:.2rem .4rem;text-align:center}
th.client{text-align:left}th.dest{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal}
td.allowed{background:#cdeccd}td.denied{background:#f5c6c6}td.mixed{background:#fbe7a6}td.error{background:#ddd}
details{margin:.2rem 0}
</style></head><body>`);
  out.push(
    `<h1>Reachability matrix</h1><p>Istio ${escapeHtml(v.istio)}, Gateway API ${escapeHtml(v.gatewayApi)}: ${m.clients.length} clients × ${m.destinations.length} destination ports, ${m.clients.length * m.columns} cells. ✓ every request allowed, ✗ none, ◐ some, ! the trace could not run; hover or focus a cell for its requests.</p>`,
  );
  out.push('<table><thead><tr><th scope="col">client \\ destination</th>');
  for (const d of m.destinations) out.push(`<th scope="col" class="dest">${escapeHtml(d.key)}</th>`);
  out.push('</tr></thead><tbody>');
  for (let ci = 0; ci < m.clients.length; ci++) {
    out.push(`<tr><th scope="row" class="client">${escapeHtml(m.clients[ci]!.key)}</th>`);
    for (const d of m.destinations) {
      const { summary, outcomes } = summarize(m, ci, d);
      const title = d.requests.map((r, ri) => `${requestLabel(r)}: ${outcomeText(outcomes[ri]!)}`).join('\n');
      out.push(
        `<td class="${summary}" tabindex="0" title="${escapeHtml(title)}" aria-label="${escapeHtml(`${m.clients[ci]!.key} to ${d.key}: ${summary}`)}">${SYMBOL[summary]}</td>`,
      );
    }
    out.push('</tr>');
  }
  out.push('</tbody></table></body></html>\n');
  return out.join('');
}

/** A changed resource in words: `Service shop/cart modified (istio.io/use-waypoint: (none) → waypoint)`. */
export function changeWords(c: ResourceChange): string {
  const what = `${c.kind} ${isClusterScoped(c.kind) ? c.name : `${c.namespace}/${c.name}`} ${c.type}`;
  return c.labels.length ? `${what} (${c.labels.join('; ')})` : what;
}

function sideText(s: SideJson | null): string {
  return s ? outcomeText(s) : '(no such cell)';
}

/** Cells grouped by cause, in the order of the changes; a cell with several causes is listed under each. */
function grouped(d: DiffResult): { title: string; cells: ChangedCell[] }[] {
  const groups = d.causes.map((c) => ({ title: changeWords(c.change), cells: [] as ChangedCell[] }));
  const none: ChangedCell[] = [];
  for (const c of d.changed) {
    if (!c.causes.length) none.push(c);
    for (const i of c.causes) groups[i]!.cells.push(c);
  }
  const out = groups.filter((g) => g.cells.length);
  if (none.length) out.push({ title: 'no single changed resource (a reordering of manifests?)', cells: none });
  return out;
}

function counts(d: DiffResult): string {
  const n = (k: string) => d.changed.filter((c) => c.change === k).length;
  return `${d.changed.length} cells changed (${n('opened')} opened, ${n('closed')} closed, ${n('changed')} otherwise changed, ${n('added')} added, ${n('removed')} removed), ${d.unchanged} unchanged; ${d.changes.length} resources changed; ${d.simulated} cells traced again, ${d.reused} reused`;
}

const cellLine = (c: ChangedCell) =>
  `${c.change.padEnd(7)} ${c.from} → ${c.to}  ${c.request ? `${c.request.method} ${c.request.path}${Object.keys(c.request.headers).length ? ' ' + JSON.stringify(c.request.headers) : ''}${c.request.jwt ? ` jwt ${c.request.jwt}` : ''}` : 'tcp'}: ${sideText(c.before)} → ${sideText(c.after)}`;

export function diffText(d: DiffResult, v: Versions, maxPerGroup = 100): string {
  const lines = [`Istio ${v.istio}, Gateway API ${v.gatewayApi}: ${counts(d)}`];
  for (const g of grouped(d)) {
    lines.push('', `Cause: ${escapeControl(g.title)} — ${g.cells.length} cells`);
    for (const c of g.cells.slice(0, maxPerGroup)) lines.push(`  ${escapeControl(cellLine(c))}`);
    if (g.cells.length > maxPerGroup) lines.push(`  … ${g.cells.length - maxPerGroup} more (--format json lists all)`);
  }
  return lines.join('\n') + '\n';
}

/** Markdown special characters escaped, and HTML too (GitHub renders inline HTML in comments). */
function md(s: string): string {
  return escapeHtml(s)
    .replace(/[\\`*_{}[\]()#+!|~-]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

export function diffMarkdown(d: DiffResult, v: Versions, maxPerGroup = 50): string {
  const lines = [
    `### Ambient Atlas: reachability diff`,
    '',
    md(`Istio ${v.istio}, Gateway API ${v.gatewayApi}: ${counts(d)}`),
  ];
  for (const g of grouped(d)) {
    lines.push(
      '',
      `#### ${md(g.title)} (${g.cells.length} cells)`,
      '',
      '| change | from | to | request | before | after |',
      '|---|---|---|---|---|---|',
    );
    for (const c of g.cells.slice(0, maxPerGroup)) {
      const req = c.request
        ? `${c.request.method} ${c.request.path}${c.request.jwt ? ` jwt ${c.request.jwt}` : ''}`
        : 'tcp';
      lines.push(
        `| ${md(c.change)} | ${md(c.from)} | ${md(c.to)} | ${md(req)} | ${md(sideText(c.before))} | ${md(sideText(c.after))} |`,
      );
    }
    if (g.cells.length > maxPerGroup) lines.push('', md(`… ${g.cells.length - maxPerGroup} more cells`));
  }
  if (!d.changed.length) lines.push('', 'No cell changed.');
  return lines.join('\n') + '\n';
}

/** The diff JSON document (DESIGN §4.5c), with `causes` (the changed resources) and each cell's cause indexes. */
export function diffJson(d: DiffResult, v: Versions): string {
  return (
    JSON.stringify(
      {
        version: 1,
        istio: v.istio,
        gatewayApi: v.gatewayApi,
        changed: d.changed,
        unchanged: d.unchanged,
        causes: d.causes.map((c) => ({
          kind: c.change.kind,
          namespace: c.change.namespace,
          name: c.change.name,
          change: c.change.type,
          labels: c.change.labels,
          cells: c.cells,
        })),
        recomputed: { simulated: d.simulated, reused: d.reused },
      },
      null,
      2,
    ) + '\n'
  );
}
