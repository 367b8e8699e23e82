/**
 * The playground's optional MeshConfig input (issue #17): a MeshConfig YAML or the `istio` ConfigMap, parsed with
 * src/lib/ambient/meshconfig.ts (already part of the validator, so it adds nothing to the island). Its problems
 * are listed beside it with line:column, and choosing one puts the caret there; the config itself goes to lint,
 * the simulator and the Reachability view through `onChange`.
 */
import { parseMeshConfig } from '../../lib/ambient/meshconfig.ts';
import type { MeshConfig } from '../../lib/ambient/meshconfig.ts';
import { $, h } from './dom.ts';

const PARSE_DEBOUNCE_MS = 300;

export interface MeshConfigInput {
  /** The text as typed (the share link carries it). */
  text(): string;
  /** The usable config, or undefined (empty input, or one istiod would refuse). */
  config(): MeshConfig | undefined;
  /** Put a link's text in place (opening the input when there is any) and parse it at once. */
  set(text: string): void;
}

export function mountMeshConfigInput(root: HTMLElement, onChange: () => void): MeshConfigInput {
  const details = $<HTMLDetailsElement>(root, 'details[data-pg-meshconfig]');
  const area = $<HTMLTextAreaElement>(details, 'textarea');
  const list = $<HTMLOListElement>(details, '[data-pg-meshconfig-errors]');
  const summary = $(details, '[data-pg-meshconfig-summary]');
  let current: MeshConfig | undefined;
  let parsedText = '';
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Move the caret to a line and column of the textarea (1-based), as the findings panel does in the editor. */
  function goTo(line: number, column: number) {
    const lines = area.value.split('\n');
    let at = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) at += lines[i]!.length + 1;
    at = Math.min(area.value.length, at + Math.max(0, column - 1));
    area.focus();
    area.setSelectionRange(at, at);
  }

  /** Parse the input if it changed; `notify` tells the playground (not when the playground itself is asking). */
  function parseNow(notify = true) {
    clearTimeout(timer);
    const text = area.value;
    if (text === parsedText) return;
    parsedText = text;
    if (!text.trim()) {
      current = undefined;
      list.replaceChildren();
      summary.textContent = "Empty: istiod's defaults (root namespace istio-system, trust domain cluster.local).";
      area.removeAttribute('aria-invalid');
      if (notify) onChange();
      return;
    }
    const { config, errors } = parseMeshConfig(text);
    const fatal = errors.filter((e) => !e.warning);
    current = fatal.length ? undefined : config;
    area.setAttribute('aria-invalid', String(fatal.length > 0));
    summary.textContent = current
      ? `In use: root namespace ${current.rootNamespace}, trust domain ${current.trustDomain}, ${current.extensionProviders.length} extension providers${current.serviceEntryVisibility ? ', serviceEntryVisibility set' : ''}.`
      : "Not in use: istiod would refuse this MeshConfig (fix the problems below); istiod's defaults apply.";
    list.replaceChildren(
      ...errors.map((e) => {
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
    if (notify) onChange();
  }

  area.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => parseNow(), PARSE_DEBOUNCE_MS);
  });
  // Leaving the input applies it at once (a Simulate click right after typing sees the new config).
  area.addEventListener('change', () => parseNow());

  return {
    text: () => area.value,
    config: () => {
      // Asked during a lint (possibly inside an editor update): parse, but do not start another lint.
      if (area.value !== parsedText) parseNow(false);
      return current;
    },
    set(text: string) {
      area.value = text;
      if (text.trim()) details.open = true;
      parsedText = '\u0000'; // never equal to a text: parse even an unchanged one
      parseNow();
    },
  };
}
