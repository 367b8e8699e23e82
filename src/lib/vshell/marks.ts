/**
 * Enforcement-point marks (issue #19): the words in the shell's own hints that name where something is enforced
 * ("Enforced by the destination ztunnel", a `curl -v` hop "waypoint bookinfo/waypoint") travel beside the text as
 * ranges, never inside it. The shell's output stays plain text (what a pipe, a test or `grep` sees, and what
 * escape.ts keeps free of control characters); the terminal island paints the ranges with the enforcement point's
 * ANSI colour from the one token set (catalog/enforcement-tokens.ts) when it writes the output. Colour is only an
 * addition: the marked word is the label itself.
 *
 * Marks exist only for text the shell writes itself. Data (object names, file contents) is never marked, so a
 * resource called "ztunnel" is not painted, and nothing a user types can produce a mark.
 */
import { ansiColor } from '../catalog/enforcement-tokens.ts';
import type { ProgrammedAt } from '../catalog/types.ts';
import { escapeControl } from './escape.ts';

/** `text.slice(start, end)` names the enforcement point `at`. */
export interface OutputMark {
  readonly start: number;
  readonly end: number;
  readonly at: ProgrammedAt;
}

/** Text with its marks, as the shell's hint builders return it. */
export interface Marked {
  readonly text: string;
  readonly marks: readonly OutputMark[];
}

/** A piece of a hint: plain text, or a word naming an enforcement point. */
export type Part = string | { readonly at: ProgrammedAt; readonly text: string };

/** `text` (default: the point's own name) as a marked word. */
export function ep(at: ProgrammedAt, text: string = at): Part {
  return { at, text };
}

/** Concatenate parts, recording where each marked word lands. */
export function marked(...parts: readonly Part[]): Marked {
  let text = '';
  const marks: OutputMark[] = [];
  for (const p of parts) {
    if (typeof p === 'string') text += p;
    else {
      if (p.text) marks.push({ start: text.length, end: text.length + p.text.length, at: p.at });
      text += p.text;
    }
  }
  return { text, marks };
}

/** Join lines (plain or marked) with `sep`, shifting each line's marks to its place in the result. */
export function joinMarked(lines: readonly (string | Marked)[], sep = '\n'): Marked {
  let text = '';
  const marks: OutputMark[] = [];
  lines.forEach((l, i) => {
    if (i > 0) text += sep;
    if (typeof l !== 'string') for (const m of l.marks) marks.push(shift(m, text.length));
    text += typeof l === 'string' ? l : l.text;
  });
  return { text, marks };
}

function shift(m: OutputMark, by: number): OutputMark {
  return { start: m.start + by, end: m.end + by, at: m.at };
}

/**
 * `escapeControl` over marked text: each stretch between mark boundaries is escaped on its own, so the marks move
 * with the text they cover (an escaped control character is four characters long).
 */
export function escapeMarked(text: string, all: readonly OutputMark[]): Marked {
  const marks = all.filter((m) => m.start >= 0 && m.start < m.end && m.end <= text.length);
  if (!marks.length) return { text: escapeControl(text), marks };
  const cuts = [...new Set([0, text.length, ...marks.flatMap((m) => [m.start, m.end])])].sort((a, b) => a - b);
  const at = new Map<number, number>();
  let out = '';
  for (let i = 0; i < cuts.length; i++) {
    at.set(cuts[i]!, out.length);
    if (i + 1 < cuts.length) out += escapeControl(text.slice(cuts[i], cuts[i + 1]));
  }
  return { text: out, marks: marks.map((m) => ({ start: at.get(m.start)!, end: at.get(m.end)!, at: m.at })) };
}

/**
 * The output with each mark wrapped in its enforcement point's ANSI colour, for a terminal. Marks out of order,
 * overlapping or out of range are skipped rather than trusted: the text itself is never dropped.
 */
export function paintMarks(text: string, marks: readonly OutputMark[] | undefined): string {
  if (!marks?.length) return text;
  let out = '';
  let pos = 0;
  for (const m of [...marks].sort((a, b) => a.start - b.start)) {
    if (m.start < pos || m.end <= m.start || m.end > text.length) continue;
    out += text.slice(pos, m.start) + ansiColor(m.at, text.slice(m.start, m.end));
    pos = m.end;
  }
  return out + text.slice(pos);
}
