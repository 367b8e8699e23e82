/**
 * The CodeMirror 6 YAML editor shared by the playground and the exercises, with validator findings as inline
 * diagnostics (underline, gutter marker, hover tooltip with message, fix and a link to the rule page).
 */
// The setup is assembled here from @codemirror/view, state, language, search and autocomplete, with a small keymap
// and undo history of our own (./keys.ts), rather than taking a basic setup with more than the editor needs.
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { bracketMatching, indentOnInput } from '@codemirror/language';
import { forEachDiagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import type { Diagnostic } from '@codemirror/lint';
import { search, searchKeymap } from '@codemirror/search';
import { Facet, Prec } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import type { EditorState, Text, Transaction, TransactionSpec } from '@codemirror/state';
import { editingKeys } from './keys.ts';
import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import type { Finding } from '../../lib/validator/finding.ts';
import type { QuickFix } from '../../lib/validator/fixes/index.ts';
import { h } from './dom.ts';
import { editorTheme } from './editor-theme.ts';
import { fieldDocs } from './hover.ts';
import { yamlStream } from './yaml-stream.ts';

/**
 * Computes the quick fix of a finding against the editor's current text (the host knows the parsed resources), at
 * once or later (the playground asks its worker).
 */
export type QuickFixSource = (text: string, finding: Finding) => QuickFix | undefined | Promise<QuickFix | undefined>;
interface QuickFixes {
  readonly source: QuickFixSource;
  /** Whether a finding may have a fix at all (cheap); without it every finding's tooltip asks the source. */
  readonly offered?: (finding: Finding) => boolean;
}
const quickFixes = Facet.define<QuickFixes, QuickFixes | undefined>({ combine: (v) => v[0] });

let completion: Promise<typeof import('./completion.ts')> | undefined;
/**
 * Completion from the known-field and enum tables, which load on the first completion (a failed load is retried
 * on the next), so the editor's first load carries none of them.
 */
async function lazyCompletion(ctx: CompletionContext): Promise<CompletionResult | null> {
  completion ??= import('./completion.ts');
  try {
    return (await completion).yamlCompletion(ctx);
  } catch {
    completion = undefined;
    return null;
  }
}

export interface YamlEditorOptions {
  readonly parent: HTMLElement;
  readonly doc: string;
  /** Accessible name of the editable area. */
  readonly label: string;
  /** Called after every document change (not debounced). */
  readonly onChange?: (view: EditorView) => void;
  /**
   * Called with the state a document change leads to, before the editor draws it. What it returns (e.g. the
   * diagnostics for the new text) joins the same view update, so the editor's DOM is updated once, not twice.
   */
  readonly beforeUpdate?: (state: EditorState) => TransactionSpec | null;
  /** Quick fixes for findings shown as diagnostics (a button in their tooltip). */
  readonly quickFix?: QuickFixSource;
  /** Which findings may have a quick fix (cheap); without it the tooltip of every finding asks `quickFix`. */
  readonly hasQuickFix?: (finding: Finding) => boolean;
}

export function createYamlEditor(opts: YamlEditorOptions): EditorView {
  const { beforeUpdate } = opts;
  return new EditorView({
    parent: opts.parent,
    doc: opts.doc,
    ...(beforeUpdate && {
      dispatchTransactions: (trs: readonly Transaction[], view: EditorView) => {
        const last = trs[trs.length - 1]!;
        const extra = trs.some((tr) => tr.docChanged) ? beforeUpdate(last.state) : null;
        view.update(extra ? [...trs, last.state.update(extra)] : trs);
      },
    }),
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      drawSelection(),
      indentOnInput(),
      editorTheme(),
      bracketMatching(),
      highlightActiveLine(),
      // Tab indents; Escape then Tab moves focus out (CodeMirror's tab-focus escape hatch), so focus is never trapped.
      editingKeys(),
      // Completion's Enter/arrows win over plain editing keys while its list is open; Mod-f opens search.
      Prec.high(keymap.of(completionKeymap)),
      autocompletion({ override: [lazyCompletion], icons: false }),
      // Field type and description on hover, or on Mod-i at the cursor; the descriptions load on first use.
      fieldDocs(),
      search({ top: true }),
      keymap.of(searchKeymap),
      ...(opts.quickFix
        ? [quickFixes.of({ source: opts.quickFix, ...(opts.hasQuickFix ? { offered: opts.hasQuickFix } : {}) })]
        : []),
      // Not lang-yaml's `yaml()`: the same language, re-parsing only the edited document per keystroke.
      yamlStream(),
      lintGutter(),
      // tabindex makes the editable area count as focusable for assistive checks of its scrolling container.
      EditorView.contentAttributes.of({ 'aria-label': opts.label, tabindex: '0' }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) opts.onChange?.(u.view);
      }),
    ],
  });
}

/** 1-based line/column → document offset, clamped to the document. */
export function offsetOf(doc: Text, line: number, column: number): number {
  const l = doc.line(Math.min(Math.max(1, line || 1), doc.lines));
  return Math.min(l.from + Math.max(0, (column || 1) - 1), l.to);
}

/**
 * Apply the quick fix of `f` to the editor's current text; false when the manifests allow none, or when the text
 * changed while the fix was being worked out (it was made for the old text).
 */
export async function applyQuickFix(view: EditorView, f: Finding): Promise<boolean> {
  const doc = view.state.doc;
  let fix: QuickFix | undefined;
  try {
    fix = await view.state.facet(quickFixes)?.source(doc.toString(), f);
  } catch {
    fix = undefined;
  }
  if (!fix || view.state.doc !== doc) return false;
  const changes = fix.edits.map((e) => ({ from: e.from, to: e.to, insert: e.insert }));
  view.dispatch({
    changes,
    scrollIntoView: true,
    userEvent: 'input.quickfix',
  });
  view.focus();
  return true;
}

function tooltip(f: Finding, view: EditorView): Node {
  const about = h('p', {}, h('a', { href: f.docs }, `About ${f.rule}`));
  const box = h(
    'div',
    { class: 'atlas-diag' },
    h('p', {}, h('code', {}, f.rule), ' ', f.message),
    f.fix ? h('p', {}, h('strong', {}, 'Fix: '), f.fix) : null,
    about,
  );
  // The fix is worked out when the tooltip opens (never per keystroke), so its button can say what it will do. It
  // joins the tooltip when it is known, if the text is still the one it was made for.
  const fixes = view.state.facet(quickFixes);
  if (fixes && (fixes.offered?.(f) ?? true)) {
    const doc = view.state.doc;
    const show = (fix: QuickFix | undefined) => {
      if (!fix || view.state.doc !== doc) return;
      const button = h('button', { type: 'button', class: 'atlas-quickfix' }, `Quick fix: ${fix.title}`);
      button.addEventListener('click', () => void applyQuickFix(view, f));
      box.insertBefore(h('p', {}, button), about);
    };
    try {
      const fix = fixes.source(doc.toString(), f);
      if (fix instanceof Promise) fix.then(show, () => undefined);
      else show(fix);
    } catch {
      // No fix: the finding's prose fix stands.
    }
  }
  return box;
}

export function findingsToDiagnostics(doc: Text, findings: readonly Finding[]): Diagnostic[] {
  return findings.map((f) => {
    const from = offsetOf(doc, f.line, f.column);
    let to = offsetOf(doc, f.endLine ?? f.line, f.endColumn ?? f.column);
    if (to <= from) to = Math.min(doc.lineAt(from).to, from + 1);
    return {
      from,
      to: Math.max(to, from),
      severity: f.severity,
      source: f.rule,
      message: `${f.rule}: ${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}`,
      renderMessage: (view: EditorView) => tooltip(f, view),
    };
  });
}

const diagnosticKey = (d: Diagnostic, from: number, to: number) =>
  `${from}:${to}:${d.severity}:${d.source ?? ''}:${d.message}`;

/**
 * The update that makes the editor show `findings` as diagnostics, or null when it already shows exactly these (the
 * usual keystroke: the findings did not change, and the ones shown were mapped through the edit to the same
 * places), so an unchanged lint costs no editor update, decoration or gutter rebuild.
 */
export function diagnosticsUpdate(state: EditorState, findings: readonly Finding[]): TransactionSpec | null {
  const next = findingsToDiagnostics(state.doc, findings);
  const shown: string[] = [];
  forEachDiagnostic(state, (d, from, to) => shown.push(diagnosticKey(d, from, to)));
  if (shown.length === next.length) {
    const wanted = next.map((d) => diagnosticKey(d, d.from, d.to)).sort();
    shown.sort();
    if (wanted.every((k, i) => k === shown[i])) return null;
  }
  return setDiagnostics(state, next);
}

/** Show findings as editor diagnostics; false (nothing dispatched) when they are already shown. */
export function showFindings(view: EditorView, findings: readonly Finding[]): boolean {
  const update = diagnosticsUpdate(view.state, findings);
  if (update) view.dispatch(update);
  return update !== null;
}

/** Move the cursor to a finding and focus the editor. */
export function goTo(view: EditorView, line: number, column: number): void {
  const pos = offsetOf(view.state.doc, line, column);
  view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
  view.focus();
}

export function replaceDoc(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}
