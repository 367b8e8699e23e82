/**
 * The editor's look in both Starlight themes. Colours are CSS custom properties switched by `data-theme` on
 * <html>, so a theme change restyles every open editor at once without touching CodeMirror's state. Syntax colours
 * meet WCAG AA (4.5:1) on the editor background of their theme; the font is Starlight's monospace, since YAML's
 * meaning depends on indentation.
 */
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';

const LIGHT = {
  bg: '#ffffff',
  fg: '#1f2328',
  gutter: '#f6f7f9',
  gutterFg: '#57606a',
  active: '#f1f5fd',
  selection: '#c8dcff',
  key: '#0550ae', // 7.6:1 on white
  string: '#116329', // 7.4:1
  number: '#953800', // 7.0:1
  keyword: '#6639ba', // 7.3:1
  comment: '#57606a', // 6.2:1
  meta: '#8250df', // 4.9:1
  match: '#fff1a8',
};
const DARK = {
  bg: '#17181c',
  fg: '#e6edf3',
  gutter: '#202228',
  gutterFg: '#9ba3ad',
  active: '#22252d',
  selection: '#2f4a78',
  key: '#79c0ff', // 9.2:1 on #17181c
  string: '#7ee787', // 12:1
  number: '#ffa657', // 9.4:1
  keyword: '#d2a8ff', // 9.0:1
  comment: '#9ba3ad', // 7.1:1
  meta: '#c297ff', // 7.4:1
  match: '#5a4a00',
};

const v = (name: keyof typeof LIGHT) => `var(--atlas-cm-${name})`;
const vars = (c: typeof LIGHT) =>
  Object.fromEntries(Object.entries(c).map(([k, value]) => [`--atlas-cm-${k}`, value])) as Record<string, string>;

const theme = EditorView.theme({
  '&': {
    ...vars(LIGHT),
    backgroundColor: v('bg'),
    color: v('fg'),
    colorScheme: 'light',
  },
  // Starlight sets data-theme on <html> and changes it live from its theme picker.
  ':root[data-theme="dark"] &': { ...vars(DARK), colorScheme: 'dark' },
  '.cm-scroller': {
    fontFamily: 'var(--sl-font-system-mono, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)',
  },
  '.cm-content': { caretColor: v('fg') },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: v('fg') },
  '.cm-gutters': { backgroundColor: v('gutter'), color: v('gutterFg'), borderInlineEnd: `1px solid ${v('gutter')}` },
  '.cm-activeLine': { backgroundColor: v('active') },
  '.cm-activeLineGutter': { backgroundColor: v('active'), color: v('fg') },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: `${v('selection')} !important`,
  },
  '.cm-searchMatch': { backgroundColor: v('match'), outline: `1px solid ${v('number')}` },
  '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: v('selection') },
  '.cm-matchingBracket': { backgroundColor: v('selection'), outline: `1px solid ${v('key')}` },
  '.cm-panels': { backgroundColor: v('gutter'), color: v('fg') },
  '.cm-panels input, .cm-panels button': { color: v('fg'), backgroundColor: v('bg'), font: 'inherit' },
  '.cm-panels label': { color: v('fg') },
  '.cm-tooltip': {
    backgroundColor: 'var(--sl-color-bg, #fff)',
    color: 'var(--sl-color-text, #1f2328)',
    border: '1px solid var(--sl-color-gray-5, #ccc)',
  },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: v('selection'), color: v('fg') },
  '.cm-completionDetail': { color: v('comment'), fontStyle: 'normal', marginInlineStart: '0.6em' },
  '.atlas-quickfix': {
    font: 'inherit',
    padding: '0.15rem 0.6rem',
    border: '1px solid var(--sl-color-accent, #0550ae)',
    backgroundColor: 'var(--sl-color-accent-low, #e4eefc)',
    color: 'var(--sl-color-text, #1f2328)',
    borderRadius: '0.25rem',
    cursor: 'pointer',
  },
  '.cm-diagnosticAction': {
    backgroundColor: 'var(--sl-color-accent, #0550ae)',
    color: 'var(--sl-color-black, #fff)',
    borderRadius: '3px',
    padding: '0.1em 0.5em',
  },
});

const highlight = HighlightStyle.define([
  { tag: [t.propertyName, t.definition(t.propertyName)], color: v('key') },
  { tag: [t.string, t.special(t.string), t.content], color: v('string') },
  { tag: [t.number, t.bool, t.null, t.atom], color: v('number') },
  { tag: [t.keyword, t.typeName, t.labelName], color: v('keyword') },
  { tag: [t.comment, t.lineComment, t.blockComment], color: v('comment'), fontStyle: 'italic' },
  { tag: [t.meta, t.documentMeta, t.processingInstruction], color: v('meta') },
  { tag: t.invalid, color: v('fg'), textDecoration: 'underline wavy' },
]);

export function editorTheme(): Extension {
  return [theme, syntaxHighlighting(highlight)];
}
