/**
 * A readline-like line editor over a terminal's input stream (no DOM: unit-testable). Handles typing, pasting
 * (including multi-line pastes and bracketed paste), ←/→/Home/End, ↑/↓ history, Tab completion, Ctrl+C/L/A/E/U/K/W,
 * continuation lines (`> `) for here-documents and trailing backslashes, and queues input while a command runs.
 */
import { escapeControl } from '../../lib/vshell/escape.ts';
import type { Completion } from '../../lib/vshell/index.ts';

export interface LineEditorHost {
  write(text: string): void;
  history(): readonly string[];
  needsMore(text: string): boolean;
  complete(line: string): Completion;
  execute(input: string): Promise<void>;
  prompt(): string;
  clear(): void;
  /** Terminal width, so long lines that wrap are redrawn and navigated correctly (default: no wrapping). */
  cols?(): number;
}

function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex -- strip SGR colour sequences from the prompt
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

const CONT = '> ';
/** Characters never put in the buffer (it is echoed as typed): C0 controls but newline, DEL, and the C1 range. */
// eslint-disable-next-line no-control-regex -- removing terminal control characters is the point
const UNPRINTABLE = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/g;
/** CSI (`ESC [ … letter|~`) or SS3 (`ESC O letter`) sequences, as xterm sends for arrows, Home/End, Delete. */
// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
const ESCAPE_SEQ = /^\x1b(\[(\d*(;\d+)?)?[A-Za-z~]|O[A-Za-z])/;

export class LineEditor {
  private buf = '';
  private cursor = 0;
  private pending: string[] = [];
  private histIndex = -1;
  private draft = '';
  private busy = false;
  private queue = '';
  /** Physical row of the cursor, counted from the first row of the prompt (0 = prompt row). */
  private cursorRow = 0;
  private readonly host: LineEditorHost;

  constructor(host: LineEditorHost) {
    this.host = host;
  }

  start(): void {
    this.host.write(this.promptText());
  }

  private promptText(): string {
    return this.pending.length ? CONT : this.host.prompt();
  }

  /** Current line being edited (for tests). */
  get line(): string {
    return this.buf;
  }

  feed(data: string): void {
    if (this.busy) {
      this.queue += data;
      return;
    }
    let i = 0;
    while (i < data.length) {
      if (this.busy) {
        this.queue += data.slice(i);
        return;
      }
      const c = data[i]!;
      if (c === '\x1b') {
        const m = ESCAPE_SEQ.exec(data.slice(i));
        if (m) {
          this.escape(m[0]);
          i += m[0].length;
          continue;
        }
        i++;
        continue;
      }
      i++;
      switch (c) {
        case '\r':
          if (data[i] === '\n') i++;
          this.enter();
          break;
        case '\n':
          this.enter();
          break;
        case '\x7f':
        case '\b':
          if (this.cursor > this.lineStart()) {
            this.buf = this.buf.slice(0, this.cursor - 1) + this.buf.slice(this.cursor);
            this.cursor--;
            this.render();
          }
          break;
        case '\t':
          this.tab();
          break;
        case '\x03':
          this.host.write('^C\r\n');
          this.reset();
          this.host.write(this.promptText());
          break;
        case '\x0c':
          this.host.clear();
          this.cursorRow = 0;
          this.host.write('\x1b[H\x1b[2J');
          this.renderFresh();
          break;
        case '\x01':
          this.cursor = this.lineStart();
          this.render();
          break;
        case '\x05':
          this.cursor = this.buf.length;
          this.render();
          break;
        case '\x15':
          this.buf = this.buf.slice(0, this.lineStart()) + this.buf.slice(this.cursor);
          this.cursor = this.lineStart();
          this.render();
          break;
        case '\x0b':
          this.buf = this.buf.slice(0, this.cursor);
          this.render();
          break;
        case '\x17': {
          const start = this.lineStart();
          const before = this.buf.slice(start, this.cursor).replace(/\S+\s*$/, '');
          this.buf = this.buf.slice(0, start) + before + this.buf.slice(this.cursor);
          this.cursor = start + before.length;
          this.render();
          break;
        }
        default:
          // C1 controls (U+0080–U+009F, e.g. U+009B = CSI) would be interpreted by the terminal when echoed.
          if (c >= ' ' && (c < '\x7f' || c > '\x9f')) this.insert(c);
      }
    }
  }

  private lineStart(): number {
    return this.buf.lastIndexOf('\n', this.cursor - 1) + 1;
  }

  private insert(raw: string): void {
    const text = raw.replace(UNPRINTABLE, '');
    if (!text) return;
    const atEnd = this.cursor === this.buf.length;
    this.buf = this.buf.slice(0, this.cursor) + text + this.buf.slice(this.cursor);
    this.cursor += text.length;
    if (atEnd && !text.includes('\n')) {
      this.host.write(text);
      this.cursorRow = this.layout().endRow;
    } else this.render();
  }

  private escape(seq: string): void {
    switch (seq) {
      case '\x1b[A':
      case '\x1bOA':
        this.historyMove(-1);
        break;
      case '\x1b[B':
      case '\x1bOB':
        this.historyMove(1);
        break;
      case '\x1b[C':
      case '\x1bOC':
        if (this.cursor < this.buf.length) {
          this.cursor++;
          this.render();
        }
        break;
      case '\x1b[D':
      case '\x1bOD':
        if (this.cursor > this.lineStart()) {
          this.cursor--;
          this.render();
        }
        break;
      case '\x1b[H':
      case '\x1bOH':
      case '\x1b[1~':
        this.cursor = this.lineStart();
        this.render();
        break;
      case '\x1b[F':
      case '\x1bOF':
      case '\x1b[4~':
        this.cursor = this.buf.length;
        this.render();
        break;
      case '\x1b[3~':
        if (this.cursor < this.buf.length) {
          this.buf = this.buf.slice(0, this.cursor) + this.buf.slice(this.cursor + 1);
          this.render();
        }
        break;
      default:
        break; // bracketed-paste markers, function keys: ignored
    }
  }

  private historyMove(dir: -1 | 1): void {
    if (this.pending.length) return;
    const h = this.host.history();
    if (!h.length) return;
    if (this.histIndex === -1) {
      if (dir === 1) return;
      this.draft = this.buf;
      this.histIndex = h.length - 1;
    } else {
      const next = this.histIndex + dir;
      if (next >= h.length) {
        this.histIndex = -1;
        this.buf = this.draft;
        this.cursor = this.buf.length;
        this.render();
        return;
      }
      this.histIndex = Math.max(0, next);
    }
    this.buf = h[this.histIndex]!.replace(UNPRINTABLE, '');
    this.cursor = this.buf.length;
    this.render();
  }

  /** Where the buffer's end and the cursor fall on screen, with lines wrapped at the terminal width. */
  private layout(): { endRow: number; row: number; col: number; atEnd: boolean } {
    const cols = Math.max(1, this.host.cols?.() ?? Number.MAX_SAFE_INTEGER);
    const lines = this.buf.split('\n');
    const prefix = (i: number) => visibleLength(i === 0 ? this.promptText() : CONT);
    let rowStart = 0;
    let endRow = 0;
    let row = 0;
    let col = 0;
    let seen = 0;
    for (let i = 0; i < lines.length; i++) {
      const width = prefix(i) + lines[i]!.length;
      const rows = Math.max(1, Math.ceil(width / cols));
      if (this.cursor >= seen && this.cursor <= seen + lines[i]!.length) {
        const p = prefix(i) + (this.cursor - seen);
        row = rowStart + Math.min(rows - 1, Math.floor(p / cols));
        col = p >= rows * cols ? cols - 1 : p % cols;
      }
      endRow = rowStart + rows - 1;
      rowStart += rows;
      seen += lines[i]!.length + 1;
    }
    return { endRow, row, col, atEnd: this.cursor === this.buf.length };
  }

  /** Redraw prompt and buffer (multi-line buffers show continuation prompts) and place the cursor. */
  private render(): void {
    if (this.cursorRow > 0) this.host.write(`\x1b[${this.cursorRow}A`);
    this.host.write('\r\x1b[J');
    this.renderFresh();
  }

  private renderFresh(): void {
    const shown = this.buf.replace(/\n/g, `\r\n${CONT}`);
    this.host.write(this.promptText() + shown);
    const l = this.layout();
    if (l.atEnd) {
      this.cursorRow = l.endRow;
      return;
    }
    if (l.endRow > l.row) this.host.write(`\x1b[${l.endRow - l.row}A`);
    this.host.write(`\x1b[${l.col + 1}G`);
    this.cursorRow = l.row;
  }

  private reset(): void {
    this.buf = '';
    this.cursor = 0;
    this.pending = [];
    this.histIndex = -1;
    this.cursorRow = 0;
  }

  private tab(): void {
    // Inside a here-document Tab indents (YAML takes spaces, never tabs) instead of completing commands.
    if (this.pending.length) {
      this.insert('  ');
      return;
    }
    if (this.cursor !== this.buf.length) return;
    const lineText = this.buf.slice(this.lineStart());
    let c: Completion;
    try {
      c = this.host.complete(lineText);
    } catch {
      return;
    }
    if (!c.candidates.length) return;
    if (c.candidates.length === 1) {
      const only = c.candidates[0]!;
      const add = only.slice(c.partial.length) + (/[/=]$/.test(only) ? '' : ' ');
      if (add) this.insert(add);
      return;
    }
    if (c.common.length > c.partial.length) {
      this.insert(c.common.slice(c.partial.length));
      return;
    }
    const listed = c.candidates.slice(0, 60).join('  ') + (c.candidates.length > 60 ? '  …' : '');
    this.host.write('\r\n' + escapeControl(listed) + '\r\n');
    this.cursorRow = 0;
    this.renderFresh();
  }

  private enter(): void {
    this.host.write('\r\n');
    const full = [...this.pending, this.buf].join('\n');
    this.cursorRow = 0;
    if (this.host.needsMore(full)) {
      this.pending = [...this.pending, this.buf];
      this.buf = '';
      this.cursor = 0;
      this.host.write(CONT);
      return;
    }
    this.reset();
    this.busy = true;
    void this.host
      .execute(full)
      .catch((err: unknown) =>
        this.host.write(`internal error: ${escapeControl(err instanceof Error ? err.message : String(err))}\r\n`),
      )
      .finally(() => {
        this.busy = false;
        this.host.write(this.promptText());
        const q = this.queue;
        this.queue = '';
        if (q) this.feed(q);
      });
  }
}
