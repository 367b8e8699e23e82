/**
 * The playground's findings panel: one row per finding (severity, rule, line:column, message, docs link, and a
 * "Quick fix" button for rules that have one). Rows whose finding did not change are kept as they are, so a
 * keystroke that leaves the findings alone costs no DOM work and keyboard focus stays put. A long list is drawn a
 * page at a time behind a "Show N more" button (rows past what the lint reply carried are asked of the worker), so
 * 10,000 findings cost the page the same as a few hundred until someone asks for them.
 * User text only ever goes through textContent.
 */
import type { Finding } from '../../lib/validator/finding.ts';
import { h } from './dom.ts';

/** Rows drawn at first, and added by each "Show more". */
export const FIRST_ROWS = 200;
export const MORE_ROWS = 500;

export interface FindingsActions {
  /** Move the editor's cursor to the finding. */
  goTo(f: Finding): void;
  /** Apply the finding's quick fix (the button is only shown for rules that have one). */
  fix(f: Finding): void;
  /** `count` more findings of the list shown, from index `from`; undefined when that list is gone. */
  more(from: number, count: number): Promise<readonly Finding[] | undefined>;
}

export interface FindingsList {
  /** The first findings, in order (the rest, up to `total`, are fetched with `more`). */
  readonly findings: readonly Finding[];
  readonly total: number;
  readonly counts: { readonly error: number; readonly warning: number; readonly info: number };
}

export interface FindingsPanel {
  /** Bring the panel in line with `list`; `fixable`: the rules that have a quick fix. */
  render(list: FindingsList, fixable: ReadonlySet<string>): void;
}

export function mountFindingsPanel(list: HTMLElement, summaryEl: HTMLElement, actions: FindingsActions): FindingsPanel {
  const rowKeys = new WeakMap<Element, string>();
  let summaryText = '';
  let limit = FIRST_ROWS;
  let current: { findings: readonly Finding[]; total: number; fixable: ReadonlySet<string> } = {
    findings: [],
    total: 0,
    fixable: new Set(),
  };
  /** Bumped by every render: rows fetched for an older list are dropped. */
  let generation = 0;
  const more = h('li', { class: 'pg-more' });
  const moreBtn = h('button', { type: 'button', class: 'pg-fix' });
  more.append(moreBtn);
  moreBtn.addEventListener('click', async () => {
    const first = limit;
    const want = Math.min(current.total, limit + MORE_ROWS);
    if (want > current.findings.length) {
      const gen = generation;
      const extra = await actions.more(current.findings.length, want - current.findings.length);
      if (gen !== generation || !extra) return;
      current = { ...current, findings: [...current.findings, ...extra] };
    }
    limit = first + MORE_ROWS;
    draw();
    // Keyboard users go on from the first row that just came in.
    list.children[first]?.querySelector('button')?.focus();
  });

  /** Everything a row shows; rows whose key is unchanged are kept as they are. */
  const keyOf = (f: Finding, fixable: boolean) =>
    JSON.stringify([f.severity, f.rule, f.line, f.column, f.message, f.docs, fixable]);

  function row(f: Finding, key: string, fixable: boolean): HTMLLIElement {
    const btn = h(
      'button',
      { type: 'button', class: `pg-finding pg-${f.severity}`, 'data-rule': f.rule },
      h('span', { class: 'pg-sev' }, f.severity),
      ' ',
      h('code', { class: 'pg-rule' }, f.rule),
      ' ',
      h('span', { class: 'pg-pos' }, `${f.line}:${f.column}`),
      ' ',
      h('span', { class: 'pg-msg' }, f.message),
    );
    btn.addEventListener('click', () => actions.goTo(f));
    let fixBtn: HTMLButtonElement | null = null;
    if (fixable) {
      fixBtn = h(
        'button',
        { type: 'button', class: 'pg-fix' },
        'Quick fix',
        h('span', { class: 'sr-only' }, ` for ${f.rule}`),
      );
      fixBtn.addEventListener('click', () => actions.fix(f));
    }
    const li = h(
      'li',
      {},
      btn,
      ' ',
      h('a', { href: f.docs, class: 'pg-doc' }, h('span', { class: 'sr-only' }, `Rule ${f.rule}: `), 'docs'),
      ...(fixBtn ? [' ', fixBtn] : []),
    );
    rowKeys.set(li, key);
    return li;
  }

  function draw() {
    const { findings, total, fixable } = current;
    const shown = findings.slice(0, limit);
    const keys = shown.map((f) => keyOf(f, fixable.has(f.rule)));
    const old = [...list.children].filter((li) => li !== more);
    const rest = total - shown.length;
    const unchanged = old.length === keys.length && old.every((li, i) => rowKeys.get(li) === keys[i]);
    if (!unchanged) {
      // Keep keyboard focus on the same row (or the same place in the list) when rows move under it.
      const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      const focusedIndex = focused ? old.findIndex((li) => li.contains(focused)) : -1;
      const spare = new Map<string, Element[]>();
      for (const li of old) {
        const k = rowKeys.get(li) ?? '';
        const same = spare.get(k);
        if (same) same.push(li);
        else spare.set(k, [li]);
      }
      more.remove();
      shown.forEach((f, i) => {
        const r = spare.get(keys[i]!)?.shift() ?? row(f, keys[i]!, fixable.has(f.rule));
        const at = list.children[i];
        if (at !== r) list.insertBefore(r, at ?? null);
      });
      while (list.children.length > shown.length) list.lastElementChild!.remove();
      if (focusedIndex >= 0 && focused && document.activeElement !== focused) {
        if (focused.isConnected) focused.focus();
        else {
          const buttons = list.querySelectorAll('button');
          (buttons[Math.min(focusedIndex, buttons.length - 1)] ?? summaryEl).focus();
        }
      }
    }
    if (rest > 0) {
      const label = `Show ${Math.min(rest, MORE_ROWS)} more (${rest.toLocaleString('en-US')} not shown)`;
      if (moreBtn.textContent !== label) moreBtn.textContent = label;
      if (list.lastElementChild !== more) list.append(more);
    } else if (more.isConnected) {
      const hadFocus = more.contains(document.activeElement);
      more.remove();
      if (hadFocus) summaryEl.focus();
    }
  }

  return {
    render({ findings, total, counts }, fixable) {
      generation++;
      const summary = total
        ? `${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info${total > findings.length ? `; the editor marks the first ${findings.length.toLocaleString('en-US')}` : ''}`
        : 'No findings.';
      if (summary !== summaryText) summaryEl.textContent = summaryText = summary;
      // A list no longer than the first page goes back to showing the first page only.
      if (total <= FIRST_ROWS) limit = FIRST_ROWS;
      current = { findings, total, fixable };
      draw();
    },
  };
}
