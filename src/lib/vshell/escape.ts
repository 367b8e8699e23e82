/**
 * Terminal output escaping (issue #15). Everything the virtual shell prints is data: object names, labels and
 * annotations from applied YAML, file contents, request paths echoed by curl, history. A terminal would interpret any
 * control character in it (ESC starts CSI/OSC sequences: hidden text, OSC 8 links, title changes, cursor moves; the
 * C1 range U+0080–U+009F holds single-character CSI/OSC/DCS introducers), so the shell shows them visibly escaped
 * instead. Tab and newline stay as they are.
 *
 * There is one sink: `run()` in shell.ts passes its whole output through `escapeControl` before returning it. The
 * shell itself prints no escape sequences; the terminal's own formatting (prompt colour, banners, the `%` marker) is
 * written by the terminal island around that output, so it is never escaped — that is the "trusted" path.
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex -- as above
const HAS_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** One control character as the visible text shown for it, `\xHH` (ESC is `\x1b`). */
function visible(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** `text` with every C0 control except tab and newline, DEL, and every C1 control written visibly (`\x1b`, `\x9b`). */
export function escapeControl(text: string): string {
  return HAS_CONTROL.test(text) ? text.replace(CONTROL, visible) : text;
}

/** Whether `text` holds a character a terminal would interpret (for callers that would rather drop such text). */
export function hasControl(text: string): boolean {
  return HAS_CONTROL.test(text);
}
