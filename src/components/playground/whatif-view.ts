/**
 * The playground's Reachability and Compare views (issue #20), loaded with `import()` the first time the view is
 * opened, so the playground's first load does not grow. The matrix is computed in a Web Worker (whatif-worker.ts);
 * this module draws it as a keyboard grid (roving tabindex: arrows, Home/End, Ctrl+Home/End; Enter or Space shows
 * the cell's trace with the trace component), keeps a baseline to compare with, and reports what the share link
 * needs. User text only ever goes through textContent.
 */
import type { SharedWhatIf } from '../../lib/share/index.ts';
import type { ReachView, TraceResult, ViewChange, ViewInput, ViewOutcome, ViewResult } from '../../lib/whatif/view.ts';
import { $, h } from './dom.ts';
import { renderResult } from './trace.ts';
import type { WorkerAsk, WorkerReply, WorkerRequest } from './whatif-worker.ts';

/** Typing pauses this long before the grid is recomputed. */
const REFRESH_DEBOUNCE_MS = 400;
/** A grid that takes longer than this is abandoned (the worker is replaced) with a message. */
const WATCHDOG_MS = 30_000;
/** Rows are added to the grid in slices of at most this many ms of work, so no task blocks the page for long. */
const SLICE_MS = 12;

export interface WhatIfHost {
  inputs(): Omit<ViewInput, 'baseline'>;
  /** The view's state changed (open, baseline, selected cell): the share link follows. */
  changed(): void;
}

export interface WhatIfController {
  state(): SharedWhatIf;
  /** Manifests, MeshConfig or version changed: recompute once typing pauses (when the view is open). */
  refresh(): void;
  /** Open (or close) the view as a link says, with its baseline and selected cell; resolves once drawn. */
  restore(s: SharedWhatIf): Promise<void>;
}

type Cell = { readonly from: string; readonly to: string; readonly request: string };

const SYMBOL: Record<ViewOutcome['verdict'], string> = { allowed: '✓', denied: '✗', 'no-route': '⊘', error: '!' };
const CHANGE_SYMBOL: Record<string, string> = { opened: '▲', closed: '▼' };

function outcomeWords(o: ViewOutcome, tcp: boolean): string {
  const status = o.status !== null ? ` ${o.status}` : o.verdict === 'denied' && !tcp ? ' (connection reset)' : '';
  const where = o.deniedAt ? ` at ${o.deniedAt}` : '';
  const by = o.decidedBy ? ` by ${o.decidedBy}` : '';
  return `${o.verdict}${status}${where}${by}`;
}

/** A worker that answers requests by id, replaced by a fresh one when it hangs. */
class Engine {
  private worker: Worker | undefined;
  private next = 1;
  private readonly waiting = new Map<number, (r: WorkerReply) => void>();

  private start(): Worker {
    const w = new Worker(new URL('./whatif-worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<WorkerReply>) => {
      const done = this.waiting.get(e.data.id);
      this.waiting.delete(e.data.id);
      done?.(e.data);
    };
    w.onerror = () => this.reset('The reachability engine failed to run in this browser.');
    return w;
  }

  /** Drop the worker and answer everything still waiting with `message`. */
  reset(message: string): void {
    this.worker?.terminate();
    this.worker = undefined;
    for (const [id, done] of this.waiting) done({ id, type: 'view', result: { kind: 'unreadable', message } });
    this.waiting.clear();
  }

  ask(req: WorkerAsk): Promise<WorkerReply> {
    this.worker ??= this.start();
    const id = this.next++;
    return new Promise((resolve) => {
      const watchdog = setTimeout(
        () => this.reset('Computing the matrix took over 30 seconds; it was stopped.'),
        WATCHDOG_MS,
      );
      this.waiting.set(id, (r) => {
        clearTimeout(watchdog);
        resolve(r);
      });
      const message: WorkerRequest = { ...req, id };
      this.worker!.postMessage(message);
    });
  }
}

const nextTask = () => new Promise<void>((r) => setTimeout(r, 0));

export function mountWhatIf(section: HTMLElement, host: WhatIfHost): WhatIfController {
  const toggle = $<HTMLButtonElement>(section, 'button[data-pg-reach-toggle]');
  const panel = $(section, '[data-pg-reach-panel]');
  const status = $(panel, '[data-pg-reach-status]');
  const keepBtn = $<HTMLButtonElement>(panel, 'button[data-pg-reach-keep]');
  const clearBtn = $<HTMLButtonElement>(panel, 'button[data-pg-reach-clear]');
  const compareHost = $(panel, '[data-pg-reach-compare]');
  const gridHost = $(panel, '[data-pg-reach-grid]');
  const cellHost = $(panel, '[data-pg-reach-cell]');
  const engine = new Engine();

  let open = false;
  let baseline: string | undefined;
  let selected: Cell | undefined;
  let view: ReachView | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let dirty = false;
  /** Bumped by every recompute: a trace asked for an older grid is not shown. */
  let generation = 0;

  const say = (text: string, kind: 'info' | 'error' = 'info') => {
    status.textContent = text;
    status.dataset.kind = kind;
  };

  function setOpen(o: boolean) {
    open = o;
    panel.hidden = !o;
    toggle.setAttribute('aria-expanded', String(o));
    toggle.textContent = o ? 'Hide reachability' : 'Show reachability';
  }

  function syncButtons() {
    clearBtn.disabled = baseline === undefined;
    keepBtn.textContent = baseline === undefined ? 'Keep as baseline' : 'Keep current as baseline';
  }

  /** Compute and draw; concurrent requests coalesce into one more run after the current one. */
  function recompute(): Promise<void> {
    clearTimeout(timer);
    if (running) {
      dirty = true;
      return running;
    }
    running = (async () => {
      do {
        dirty = false;
        const gen = ++generation;
        say('Computing the reachability matrix…');
        const input: ViewInput = { ...host.inputs(), ...(baseline !== undefined ? { baseline } : {}) };
        const reply = await engine.ask({ type: 'view', input });
        if (reply.type !== 'view' || dirty) continue;
        await draw(reply.result, gen);
      } while (dirty);
    })().finally(() => (running = undefined));
    return running;
  }

  async function draw(result: ViewResult, gen: number) {
    if (result.kind === 'too-large') {
      view = undefined;
      gridHost.replaceChildren();
      compareHost.replaceChildren();
      cellHost.replaceChildren();
      say(
        `The ${result.side === 'baseline' ? 'baseline' : 'mesh'} has ${result.clients} clients × ${result.ports} destination ports (${result.clients * result.ports} pairs); this view draws at most ${result.limit}. Run ambient-atlas matrix on the command line for the whole matrix.`,
        'error',
      );
      return;
    }
    if (result.kind === 'unreadable') {
      view = undefined;
      gridHost.replaceChildren();
      compareHost.replaceChildren();
      say(`The matrix could not be computed: ${result.message}`, 'error');
      return;
    }
    view = result;
    if (!result.columns) {
      gridHost.replaceChildren();
      compareHost.replaceChildren();
      cellHost.replaceChildren();
      say('No destinations to draw: these manifests have no Service or ServiceEntry port.');
      return;
    }
    const table = await buildGrid(result, gen);
    if (gen !== generation) return;
    gridHost.replaceChildren(table);
    compareHost.replaceChildren(...compareSummary(result));
    const cells = result.clients.length * result.columns;
    say(
      `${result.clients.length} clients × ${result.destinations.length} destination ports, ${cells} cells.${result.compare ? ` Compared with the baseline: ${result.compare.changed} changed (${result.compare.opened} opened, ${result.compare.closed} closed).` : ''}`,
    );
    // The selected cell (kept across edits, or from a link) shows its trace for the new grid.
    if (selected && !(await showCell(selected, false))) selected = undefined;
  }

  function changeOf(r: ReachView, index: number): ViewChange | undefined {
    return r.compare?.cells.find(([i]) => i === index)?.[1];
  }

  async function buildGrid(r: ReachView, gen: number): Promise<HTMLElement> {
    const changes = new Map(r.compare?.cells ?? []);
    const table = h('table', { class: 'pg-reach-grid', role: 'grid', 'aria-labelledby': 'pg-reach-h' });
    const top = h('tr', {}, h('td', { rowspan: '2' }));
    const second = h('tr', {});
    for (const d of r.destinations) {
      top.append(
        h(
          'th',
          { scope: 'colgroup', colspan: String(d.requests.length) },
          d.key,
          d.truncated ? ' (more conditions left out)' : '',
        ),
      );
      for (const q of d.requests) second.append(h('th', { scope: 'col' }, q.label));
    }
    table.append(h('thead', {}, top, second));
    const body = h('tbody', {});
    table.append(body);
    let t0 = performance.now();
    const first = selected ? indexOf(r, selected) : undefined;
    for (let ci = 0; ci < r.clients.length; ci++) {
      const row = h('tr', {}, h('th', { scope: 'row' }, r.clients[ci]!));
      let column = 0;
      for (const d of r.destinations)
        for (const q of d.requests) {
          const index = ci * r.columns + column++;
          const o = r.outcomes[r.cells[index]!]!;
          const change = changes.get(index);
          const tcp = q.key === 'tcp';
          const short = o.status !== null ? String(o.status) : o.verdict === 'denied' ? 'reset' : '';
          const td = h(
            'td',
            {
              role: 'gridcell',
              tabindex: index === (first ?? 0) ? '0' : '-1',
              class: `pg-cell pg-v-${o.verdict}${change ? ' pg-changed' : ''}`,
              'data-from': r.clients[ci]!,
              'data-to': d.key,
              'data-request': q.key,
              'data-verdict': o.verdict,
              ...(change ? { 'data-change': change.change } : {}),
            },
            h(
              'span',
              { 'aria-hidden': 'true' },
              `${change ? `${CHANGE_SYMBOL[change.change] ?? 'Δ'} ` : ''}${SYMBOL[o.verdict]} ${short}`,
            ),
            h(
              'span',
              { class: 'sr-only' },
              `${r.clients[ci]!} to ${d.key} ${q.label}: ${outcomeWords(o, tcp)}${change ? `; ${change.change} since the baseline` : ''}`,
            ),
          );
          row.append(td);
        }
      body.append(row);
      if (performance.now() - t0 > SLICE_MS) {
        await nextTask();
        if (gen !== generation) return table;
        t0 = performance.now();
      }
    }
    return table;
  }

  function indexOf(r: ReachView, c: Cell): number | undefined {
    const ci = r.clients.indexOf(c.from);
    let column = 0;
    for (const d of r.destinations) {
      if (d.key === c.to) {
        const ri = d.requests.findIndex((q) => q.key === c.request);
        return ci >= 0 && ri >= 0 ? ci * r.columns + column + ri : undefined;
      }
      column += d.requests.length;
    }
    return undefined;
  }

  function compareSummary(r: ReachView): Node[] {
    const c = r.compare;
    if (!c) return baseline === undefined ? [] : [h('p', {}, 'Comparing…')];
    const otherwise = c.changed - c.opened - c.closed;
    const out: Node[] = [
      h(
        'p',
        { 'data-pg-reach-counts': '' },
        `Compared with the baseline: ${c.opened} opened, ${c.closed} closed, ${otherwise} otherwise changed; ${c.unchanged} unchanged.`,
      ),
    ];
    if (c.causes.length)
      out.push(
        h('h4', {}, 'Causes'),
        h('ul', { class: 'pg-reach-causes' }, ...c.causes.map((x) => h('li', {}, `${x.title} — ${x.cells} cells`))),
      );
    if (c.removed.length)
      out.push(
        h('h4', {}, 'Cells only the baseline has'),
        h(
          'ul',
          {},
          ...c.removed
            .slice(0, 50)
            .map((x) =>
              h(
                'li',
                {},
                `${x.from} → ${x.to} ${x.label}: ${x.before ? outcomeWords(x.before, x.label === 'TCP') : ''}`,
              ),
            ),
        ),
      );
    return out;
  }

  /** Show a cell's trace (and its comparison); false when the grid has no such cell. */
  async function showCell(c: Cell, focus: boolean): Promise<boolean> {
    const r = view;
    const index = r ? indexOf(r, c) : undefined;
    if (!r || index === undefined) return false;
    selected = c;
    for (const td of gridHost.querySelectorAll('td[aria-selected]')) td.removeAttribute('aria-selected');
    const td = cellAt(index);
    if (td) {
      td.setAttribute('aria-selected', 'true');
      rove(td, false);
    }
    const gen = generation;
    const reply = await engine.ask({ type: 'trace', from: c.from, to: c.to, request: c.request });
    if (gen !== generation || reply.type !== 'trace') return true;
    cellHost.replaceChildren(...cellDetail(r, index, c, reply.result));
    if (focus) cellHost.focus();
    return true;
  }

  function cellDetail(r: ReachView, index: number, c: Cell, t: TraceResult): Node[] {
    const label = r.destinations.find((d) => d.key === c.to)?.requests.find((q) => q.key === c.request)?.label;
    const out: Node[] = [h('h3', {}, `Cell: ${c.from} → ${c.to} ${label ?? ''}`)];
    const change = changeOf(r, index);
    if (change) {
      const causes = change.causes.map((i) => r.compare!.causes[i]!.title);
      out.push(
        h(
          'p',
          { 'data-pg-reach-change': change.change },
          `${change.change[0]!.toUpperCase()}${change.change.slice(1)} since the baseline. Before: ${change.before ? outcomeWords(change.before, c.request === 'tcp') : 'no such cell'}. Caused by: ${causes.length ? causes.join('; ') : 'no single changed resource'}.`,
        ),
      );
    } else if (r.compare) out.push(h('p', {}, 'Unchanged since the baseline.'));
    if (t.kind === 'error') out.push(h('p', { class: 'pg-error', role: 'alert' }, t.message));
    else out.push(renderResult(t.result, t.request));
    return out;
  }

  const cells = () => [...gridHost.querySelectorAll<HTMLTableCellElement>('td[role=gridcell]')];
  function cellAt(index: number): HTMLTableCellElement | undefined {
    return cells()[index];
  }
  function rove(td: HTMLElement, focus = true) {
    for (const c of gridHost.querySelectorAll('td[tabindex="0"]')) c.setAttribute('tabindex', '-1');
    td.setAttribute('tabindex', '0');
    if (focus) td.focus();
  }
  const cellOfTd = (td: HTMLElement): Cell => ({
    from: td.dataset.from ?? '',
    to: td.dataset.to ?? '',
    request: td.dataset.request ?? '',
  });

  gridHost.addEventListener('keydown', (e) => {
    const td = (e.target as HTMLElement).closest<HTMLTableCellElement>('td[role=gridcell]');
    if (!td || !view) return;
    const all = cells();
    const at = all.indexOf(td);
    const cols = view.columns;
    const row = Math.floor(at / cols);
    const col = at % cols;
    let to: number | undefined;
    if (e.key === 'ArrowRight') to = col < cols - 1 ? at + 1 : at;
    else if (e.key === 'ArrowLeft') to = col > 0 ? at - 1 : at;
    else if (e.key === 'ArrowDown') to = at + cols < all.length ? at + cols : at;
    else if (e.key === 'ArrowUp') to = at - cols >= 0 ? at - cols : at;
    else if (e.key === 'Home') to = e.ctrlKey ? 0 : row * cols;
    else if (e.key === 'End') to = e.ctrlKey ? all.length - 1 : row * cols + cols - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      void showCell(cellOfTd(td), true).then(host.changed);
      return;
    } else return;
    e.preventDefault();
    rove(all[to]!);
  });
  gridHost.addEventListener('click', (e) => {
    const td = (e.target as HTMLElement).closest<HTMLTableCellElement>('td[role=gridcell]');
    if (!td) return;
    rove(td, false);
    void showCell(cellOfTd(td), true).then(host.changed);
  });

  toggle.addEventListener('click', () => {
    setOpen(!open);
    if (open) void recompute();
    host.changed();
  });
  keepBtn.addEventListener('click', () => {
    baseline = host.inputs().yaml;
    syncButtons();
    host.changed();
    void recompute().then(() =>
      say(`Baseline kept. Edit the manifests: changed cells are marked ▲ opened, ▼ closed, Δ otherwise changed.`),
    );
  });
  clearBtn.addEventListener('click', () => {
    baseline = undefined;
    syncButtons();
    host.changed();
    void recompute();
    keepBtn.focus();
  });

  return {
    state: () => ({
      open,
      ...(baseline !== undefined ? { baseline } : {}),
      ...(selected ? { cell: selected } : {}),
    }),
    refresh() {
      if (!open) return;
      clearTimeout(timer);
      timer = setTimeout(() => void recompute(), REFRESH_DEBOUNCE_MS);
    },
    async restore(s) {
      baseline = s.baseline;
      selected = s.cell;
      syncButtons();
      setOpen(s.open);
      if (s.open) await recompute();
    },
  };
}
