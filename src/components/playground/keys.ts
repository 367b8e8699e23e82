/**
 * Minimal editing keys for the YAML editor: undo/redo history, Enter keeping the line's indentation, Tab /
 * Shift-Tab indenting by two spaces. (@codemirror/commands is not installed; see editor.ts.) Escape then Tab still
 * leaves the editor: that escape hatch is built into @codemirror/view.
 */
import { Annotation, ChangeSet, EditorSelection, StateField, Transaction } from '@codemirror/state';
import type { Extension, StateCommand } from '@codemirror/state';
import { keymap } from '@codemirror/view';

interface Entry {
  /** Applying this undoes the entry. */
  readonly inverse: ChangeSet;
  /** Applying this redoes it (the inverse of `inverse`). */
  readonly changes: ChangeSet;
  readonly selection: EditorSelection;
  readonly time: number;
}
interface History {
  readonly done: readonly Entry[];
  readonly undone: readonly Entry[];
}

const fromHistory = Annotation.define<'undo' | 'redo'>();
const GROUP_MS = 500;
const DEPTH = 200;

const history = StateField.define<History>({
  create: () => ({ done: [], undone: [] }),
  update(value, tr) {
    const kind = tr.annotation(fromHistory);
    if (kind === 'undo') {
      const e = value.done[value.done.length - 1];
      return e ? { done: value.done.slice(0, -1), undone: [...value.undone, e] } : value;
    }
    if (kind === 'redo') {
      const e = value.undone[value.undone.length - 1];
      return e ? { done: [...value.done, { ...e, time: 0 }], undone: value.undone.slice(0, -1) } : value;
    }
    if (!tr.docChanged) return value;
    const inverse = tr.changes.invert(tr.startState.doc);
    const last = value.done[value.done.length - 1];
    const now = Date.now();
    const userEvent = tr.annotation(Transaction.userEvent) ?? '';
    if (last && now - last.time < GROUP_MS && userEvent.startsWith('input')) {
      // Group quick typing: undoing the group applies the newest inverse first, then the older one.
      const grouped: Entry = {
        inverse: inverse.compose(last.inverse),
        changes: last.changes.compose(tr.changes),
        selection: last.selection,
        time: now,
      };
      return { done: [...value.done.slice(0, -1), grouped], undone: [] };
    }
    const entry: Entry = { inverse, changes: tr.changes, selection: tr.startState.selection, time: now };
    return { done: [...value.done, entry].slice(-DEPTH), undone: [] };
  },
});

const undo: StateCommand = ({ state, dispatch }) => {
  const h = state.field(history);
  const e = h.done[h.done.length - 1];
  if (!e) return false;
  dispatch(
    state.update({
      changes: e.inverse,
      selection: e.selection,
      annotations: [fromHistory.of('undo'), Transaction.userEvent.of('undo')],
      scrollIntoView: true,
    }),
  );
  return true;
};

const redo: StateCommand = ({ state, dispatch }) => {
  const h = state.field(history);
  const e = h.undone[h.undone.length - 1];
  if (!e) return false;
  dispatch(
    state.update({
      changes: e.changes,
      annotations: [fromHistory.of('redo'), Transaction.userEvent.of('redo')],
      scrollIntoView: true,
    }),
  );
  return true;
};

const newlineAndIndent: StateCommand = ({ state, dispatch }) => {
  const changes = state.changeByRange((range) => {
    const line = state.doc.lineAt(range.from);
    const indent = /^\s*/.exec(line.text)![0];
    // After a `key:` with nothing following, or a list dash, indent one more level.
    const before = line.text.slice(0, range.from - line.from);
    const extra = /:\s*$/.test(before) ? '  ' : '';
    const insert = '\n' + indent + extra;
    return {
      changes: { from: range.from, to: range.to, insert },
      range: EditorSelection.cursor(range.from + insert.length),
    };
  });
  dispatch(state.update(changes, { scrollIntoView: true, userEvent: 'input' }));
  return true;
};

const indentMore: StateCommand = ({ state, dispatch }) => {
  if (state.selection.ranges.every((r) => r.empty)) {
    dispatch(state.update(state.replaceSelection('  '), { userEvent: 'input' }));
    return true;
  }
  const changes: { from: number; insert: string }[] = [];
  for (const r of state.selection.ranges)
    for (let n = state.doc.lineAt(r.from).number; n <= state.doc.lineAt(r.to).number; n++)
      changes.push({ from: state.doc.line(n).from, insert: '  ' });
  dispatch(state.update({ changes, userEvent: 'input.indent' }));
  return true;
};

const indentLess: StateCommand = ({ state, dispatch }) => {
  const changes: { from: number; to: number }[] = [];
  const seen = new Set<number>();
  for (const r of state.selection.ranges)
    for (let n = state.doc.lineAt(r.from).number; n <= state.doc.lineAt(r.to).number; n++) {
      if (seen.has(n)) continue;
      seen.add(n);
      const line = state.doc.line(n);
      const spaces = /^ {0,2}/.exec(line.text)![0].length;
      if (spaces) changes.push({ from: line.from, to: line.from + spaces });
    }
  if (changes.length) dispatch(state.update({ changes, userEvent: 'delete.dedent' }));
  return true;
};

// Document-wide motion: the browser's own Ctrl+End only reaches the end of the lines CodeMirror has rendered.
const docStart: StateCommand = ({ state, dispatch }) => {
  dispatch(state.update({ selection: { anchor: 0 }, scrollIntoView: true, userEvent: 'select' }));
  return true;
};
const docEnd: StateCommand = ({ state, dispatch }) => {
  dispatch(state.update({ selection: { anchor: state.doc.length }, scrollIntoView: true, userEvent: 'select' }));
  return true;
};
const selectAll: StateCommand = ({ state, dispatch }) => {
  dispatch(state.update({ selection: { anchor: 0, head: state.doc.length }, userEvent: 'select' }));
  return true;
};

export function editingKeys(): Extension {
  return [
    history,
    keymap.of([
      { key: 'Mod-z', run: undo, preventDefault: true },
      { key: 'Mod-y', run: redo, preventDefault: true },
      { key: 'Mod-Shift-z', run: redo, preventDefault: true },
      { key: 'Enter', run: newlineAndIndent },
      { key: 'Mod-Home', run: docStart, preventDefault: true },
      { key: 'Mod-End', run: docEnd, preventDefault: true },
      { key: 'Mod-a', run: selectAll, preventDefault: true },
      { key: 'Tab', run: indentMore, shift: indentLess },
    ]),
  ];
}
