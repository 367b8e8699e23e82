/**
 * Hover documentation for field names (issue #19): the field's type and the start of its CRD description, on
 * mouse hover and, for the field at the cursor, on Mod-i ("info"; not VS Code's Ctrl+K Ctrl+I: Ctrl+K opens the
 * site search on every Starlight page, whatever has focus). The descriptions
 * (field-docs.gen.ts, ~30 KB gzipped) are loaded with a dynamic import on first use, so the editor's initial
 * JavaScript carries none of them.
 */
import { StateEffect, StateField } from '@codemirror/state';
import type { Extension } from '@codemirror/state';
import { EditorView, hoverTooltip, keymap, showTooltip } from '@codemirror/view';
import type { Command, Tooltip } from '@codemirror/view';
import { fieldAt } from './yaml-path.ts';
import type { FieldAt } from './yaml-path.ts';
import { h } from './dom.ts';

type Docs = typeof import('./field-docs.gen.ts');

export interface FieldDoc {
  readonly type: string;
  readonly description: string;
}

/** The type and description of the field at `path` of `kindKey`, from the loaded tables; undefined when unknown. */
export function describeField(docs: Docs, kindKey: string, path: string): FieldDoc | undefined {
  if (!Object.hasOwn(docs.FIELD_DOCS, kindKey)) return undefined;
  const table = docs.FIELD_TABLES[docs.FIELD_DOCS[kindKey]!];
  const row = table && Object.hasOwn(table, path) ? table[path] : undefined;
  return row ? { type: row[0], description: docs.FIELD_TEXTS[row[1]] ?? '' } : undefined;
}

let loading: Promise<Docs> | undefined;
/** The description tables, imported once; a failed load (offline, stale chunk) is retried on the next hover. */
async function loadDocs(): Promise<Docs | undefined> {
  loading ??= import('./field-docs.gen.ts');
  try {
    return await loading;
  } catch {
    loading = undefined;
    return undefined;
  }
}

async function tooltipFor(at: FieldAt): Promise<Tooltip | null> {
  const docs = await loadDocs();
  const doc = docs && describeField(docs, at.kindKey, at.path);
  if (!doc) return null;
  return {
    pos: at.from,
    end: at.to,
    above: true,
    create: () => ({
      dom: h(
        'div',
        { class: 'atlas-field-doc', role: 'status' },
        h('p', {}, h('code', {}, at.key), ' ', h('em', {}, doc.type)),
        doc.description ? h('p', {}, doc.description) : null,
      ),
    }),
  };
}

const setKeyTooltip = StateEffect.define<Tooltip | null>();

/** The tooltip opened from the keyboard: closed by any edit, cursor move or Escape. */
const keyTooltip = StateField.define<Tooltip | null>({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setKeyTooltip)) return e.value;
    return tr.docChanged || tr.selection ? null : value;
  },
  provide: (f) => showTooltip.from(f),
});

/** Show the documentation of the field at the cursor (asynchronously: the first use loads the tables). */
export const showFieldDoc: Command = (view) => {
  const { state } = view;
  const at = fieldAt(state.doc, state.selection.main.head);
  if (!at) return false;
  void tooltipFor(at).then((tip) => {
    // Only if nothing moved meanwhile: a stale tooltip would describe another place.
    if (view.state.doc === state.doc && view.state.selection.eq(state.selection))
      view.dispatch({ effects: setKeyTooltip.of(tip) });
  });
  return true;
};

const closeFieldDoc: Command = (view) => {
  if (!view.state.field(keyTooltip)) return false;
  view.dispatch({ effects: setKeyTooltip.of(null) });
  return true;
};

export function fieldDocs(): Extension {
  return [
    hoverTooltip((view, pos) => {
      const at = fieldAt(view.state.doc, pos);
      return at ? tooltipFor(at) : null;
    }),
    keyTooltip,
    keymap.of([
      { key: 'Mod-i', run: showFieldDoc, preventDefault: true },
      { key: 'Escape', run: closeFieldDoc },
    ]),
    EditorView.baseTheme({ '.atlas-field-doc': { maxWidth: '36em', padding: '0.25em 0.5em' } }),
  ];
}
