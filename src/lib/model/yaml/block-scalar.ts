// Block scalars (`|`, `>`) for the fast reader (fast-yaml.ts).
import type { PosNode } from './syntax.ts';
import { DASH, GIVE_UP, restIsComment, spaces } from './syntax.ts';

/** The reader's state a block scalar reads (its lines) and moves on (`pos`, and `last` in position mode). */
export interface BlockReader {
  readonly text: string;
  readonly starts: Int32Array;
  /** One past the document's last line. */
  readonly to: number;
  readonly track: boolean;
  /** The line of the header; left on the first line after the scalar. */
  pos: number;
  last: PosNode | undefined;
}

/**
 * A block scalar (`|` or `>`, optional indentation and chomping indicators) whose header is at `h` on the current
 * line, in a collection at column `parent`; leaves `r.pos` on the first line after its content (and, in position mode, its PosNode in `r.last`). The semantics are
 * YAML 1.2 §8.1 as `yaml` implements them (node_modules/yaml/dist/compose/resolve-block-scalar.js and the
 * lexer's parseBlockScalar): the content indentation is the first non-empty line's unless given, lines are kept
 * (`|`) or folded (`>`), and trailing line breaks are clipped, stripped (`-`) or kept (`+`). Anything where the
 * two could part ways (empty content, more-indented blank lines before the first or after the last content line,
 * content at the very end of the input without a line break) gives up.
 */
export function blockScalar(r: BlockReader, parent: number, h: number, e: number): string {
  const text = r.text;
  const starts = r.starts;
  const folded = text.charCodeAt(h) === 62;
  let explicit = 0;
  let chomp = 0; // -1 strip, 0 clip, 1 keep
  let k = h + 1;
  for (; k < e; k++) {
    const ch = text.charCodeAt(k);
    if (ch >= 49 && ch <= 57 && explicit === 0) explicit = ch - 48;
    else if ((ch === 43 || ch === DASH) && chomp === 0) chomp = ch === 43 ? 1 : -1;
    else break;
  }
  restIsComment(text, k, e);
  const first = r.pos + 1;
  // Leading spaces and whether anything else is on each line, found as the lines are reached.
  let indent = explicit ? parent + explicit : -1;
  let i = first;
  for (; i < r.to; i++) {
    const [sp, blank] = spaces(text, starts[i]!, starts[i + 1]! - 1);
    if (indent < 0) {
      if (blank) continue;
      if (sp <= parent) throw GIVE_UP; // empty content
      indent = sp;
      for (let b = first; b < i; b++) if (spaces(text, starts[b]!, starts[b + 1]! - 1)[0] > indent) throw GIVE_UP;
    }
    if (!blank && sp < indent) break;
  }
  if (indent < 0) throw GIVE_UP;
  const stop = i; // first line after the block (or the end of the document)
  // The last line with content; blank lines after it are the trailing ones that chomping decides about.
  let last = stop - 1;
  while (last >= first && spaces(text, starts[last]!, starts[last + 1]! - 1)[1]) {
    if (spaces(text, starts[last]!, starts[last + 1]! - 1)[0] > indent) throw GIVE_UP;
    last--;
  }
  if (last < first) throw GIVE_UP;
  if (starts[last + 1]! > text.length) throw GIVE_UP; // no line break after the content
  let out = '';
  let sep = '';
  let prevMore = false;
  let leading = true;
  for (let j = first; j <= last; j++) {
    const s = starts[j]!;
    const end = starts[j + 1]! - 1;
    const [sp, blank] = spaces(text, s, end);
    const line = sp > indent || !blank ? text.slice(s + indent, end) : '';
    if (!folded) {
      out += (j === first ? '' : '\n') + line;
      continue;
    }
    if (leading) {
      if (blank && sp <= indent) {
        out += '\n';
        continue;
      }
      leading = false;
    }
    if (sp > indent) {
      // More-indented lines keep their line breaks, and so does the line before them.
      if (sep === ' ') sep = '\n';
      else if (!prevMore && sep === '\n') sep = '\n\n';
      out += sep + line;
      sep = '\n';
      prevMore = true;
    } else if (line === '') {
      if (sep === '\n') out += '\n';
      else sep = '\n';
    } else {
      out += sep + line;
      sep = ' ';
      prevMore = false;
    }
  }
  if (r.track) {
    // The scalar's source runs to the end of its last content line, or with `+` over the blank lines after it.
    const end = chomp === 1 ? Math.min(starts[stop]!, text.length) : Math.min(starts[last + 1]!, text.length);
    r.last = { s: h, e: end, e2: end };
  }
  if (chomp === 0) out += '\n';
  else if (chomp === 1) {
    // One line break per blank line after the content, and the content's own; the empty "line" after the
    // input's final line break is not a line.
    const phantom = stop === r.to && stop - 1 > last && starts[stop - 1] === text.length ? 1 : 0;
    out += '\n'.repeat(stop - last - phantom);
  }
  r.pos = last + 1;
  return out;
}
