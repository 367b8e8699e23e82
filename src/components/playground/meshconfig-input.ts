/**
 * The playground's optional MeshConfig input (issue #17): a MeshConfig YAML or the `istio` ConfigMap. Its text goes
 * to the playground's worker with the manifests, which parses it (src/lib/ambient/meshconfig.ts) for lint, the
 * simulator and the mesh index; what the worker made of it comes back here (`show`): problems are listed beside
 * the input with line:column, and choosing one puts the caret there. The Reachability view reads the text too.
 */
import { $, h } from './dom.ts';
import type { MeshConfigStatus } from './protocol.ts';

const PARSE_DEBOUNCE_MS = 300;

export interface MeshConfigInput {
  /** The text as typed (the share link and the worker get it). */
  text(): string;
  /** Put a link's text in place (opening the input when there is any); the caller re-lints. */
  set(text: string): void;
  /** Show what the worker made of the text. */
  show(status: MeshConfigStatus): void;
}

export function mountMeshConfigInput(root: HTMLElement, onChange: () => void): MeshConfigInput {
  const details = $<HTMLDetailsElement>(root, 'details[data-pg-meshconfig]');
  const area = $<HTMLTextAreaElement>(details, 'textarea');
  const list = $<HTMLOListElement>(details, '[data-pg-meshconfig-errors]');
  const summary = $(details, '[data-pg-meshconfig-summary]');
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The text the playground was last told about. */
  let notified = area.value;
  let shown = '';

  /** Move the caret to a line and column of the textarea (1-based), as the findings panel does in the editor. */
  function goTo(line: number, column: number) {
    const lines = area.value.split('\n');
    let at = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) at += lines[i]!.length + 1;
    at = Math.min(area.value.length, at + Math.max(0, column - 1));
    area.focus();
    area.setSelectionRange(at, at);
  }

  function notify() {
    clearTimeout(timer);
    if (area.value === notified) return;
    notified = area.value;
    onChange();
  }

  area.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(notify, PARSE_DEBOUNCE_MS);
  });
  // Leaving the input applies it at once (a Simulate click right after typing sees the new config).
  area.addEventListener('change', notify);

  return {
    text: () => area.value,
    set(text: string) {
      clearTimeout(timer);
      area.value = notified = text;
      if (text.trim()) details.open = true;
    },
    show(status) {
      const key = JSON.stringify(status);
      if (key === shown) return;
      shown = key;
      if (status.kind === 'empty') {
        list.replaceChildren();
        summary.textContent = "Empty: istiod's defaults (root namespace istio-system, trust domain cluster.local).";
        area.removeAttribute('aria-invalid');
        return;
      }
      area.setAttribute('aria-invalid', String(status.kind === 'refused'));
      summary.textContent =
        status.kind === 'used'
          ? `In use: root namespace ${status.rootNamespace}, trust domain ${status.trustDomain}, ${status.extensionProviders} extension providers${status.serviceEntryVisibility ? ', serviceEntryVisibility set' : ''}.`
          : "Not in use: istiod would refuse this MeshConfig (fix the problems below); istiod's defaults apply.";
      list.replaceChildren(
        ...status.errors.map((e) => {
          const b = h(
            'button',
            { type: 'button', class: `pg-finding pg-${e.warning ? 'warning' : 'error'}` },
            h('span', { class: 'pg-sev' }, e.warning ? 'warning' : 'error'),
            ' ',
            h('span', { class: 'pg-pos' }, `${e.line}:${e.column}`),
            ' ',
            h('span', { class: 'pg-msg' }, e.message),
          );
          b.addEventListener('click', () => goTo(e.line, e.column));
          return h('li', {}, b);
        }),
      );
    },
  };
}
