/**
 * A small POSIX-like command-line parser for the virtual shell: quotes, backslash escapes, `$VAR`/`${VAR}`,
 * `$(…)` command substitution (resolved by the caller before parsing), pipes, `;`, `&&`, `||`, here-documents
 * (`<<EOF`, `<<'EOF'`, `<<-EOF`), output redirection to /dev/null, and line continuation with a trailing `\`.
 * It never throws: malformed input becomes a `ParseError` value.
 */

export interface SimpleCommand {
  readonly argv: string[];
  /** Text of a here-document attached to this command (its stdin). */
  readonly stdin?: string;
  /** `> /dev/null` (or any `>` target: the virtual shell has no files to write) discards stdout. */
  readonly discardStdout: boolean;
  readonly discardStderr: boolean;
  /** `2>&1`: stderr goes where stdout goes. */
  readonly stderrToStdout: boolean;
  /** `NAME=value` words before the command (with no command: shell variable assignments). */
  readonly assignments: [string, string][];
}

export interface Pipeline {
  readonly commands: SimpleCommand[];
}

/** A list of pipelines joined by `;`, `&&`, `||` (the operator before each pipeline; the first has none). */
export interface CommandList {
  readonly items: { readonly op: ';' | '&&' | '||' | null; readonly pipeline: Pipeline }[];
}

export interface ParseError {
  readonly error: string;
}

type Tok =
  | { t: 'word'; v: string; quoted: boolean }
  | { t: 'op'; v: '|' | '&&' | '||' | ';' | '>' | '2>' | '2>&1' | '&>' }
  | { t: 'heredoc'; delim: string; strip: boolean; expand: boolean; body?: string };

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * True when `text` cannot run yet and the terminal should ask for another line (`> ` prompt): an unterminated
 * here-document or quote, or a trailing backslash.
 */
export function needsMoreInput(text: string): boolean {
  const r = lex(text, {});
  return 'incomplete' in r;
}

/** Split `$( … )` substitutions out of a line (outside single quotes), so the caller can run them first. */
export function findSubstitutions(text: string): { start: number; end: number; inner: string }[] {
  const out: { start: number; end: number; inner: string }[] = [];
  let single = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && !single) {
      i++;
      continue;
    }
    if (c === "'") single = !single;
    if (!single && c === '$' && text[i + 1] === '(') {
      let depth = 1;
      let j = i + 2;
      let q: string | null = null;
      for (; j < text.length && depth > 0; j++) {
        const d = text[j];
        if (q) {
          if (d === q) q = null;
          continue;
        }
        if (d === "'" || d === '"') q = d;
        else if (d === '(') depth++;
        else if (d === ')') depth--;
      }
      if (depth === 0) {
        out.push({ start: i, end: j, inner: text.slice(i + 2, j - 1) });
        i = j - 1;
      }
    }
  }
  return out;
}

type HeredocTok = Extract<Tok, { t: 'heredoc' }>;
type LexResult = { toks: Tok[] } | { incomplete: string } | ParseError;

/** The lexer's cursor and the word being built; the helpers below advance it. */
interface Lexer {
  readonly text: string;
  readonly env: Readonly<Record<string, string>>;
  readonly toks: Tok[];
  readonly pending: HeredocTok[];
  i: number;
  cur: string;
  inWord: boolean;
  quoted: boolean;
}

function pushWord(L: Lexer): void {
  if (L.inWord) L.toks.push({ t: 'word', v: L.cur, quoted: L.quoted });
  L.cur = '';
  L.inWord = false;
  L.quoted = false;
}

/** The value of the variable at `L.text[L.i] === '$'`, leaving `L.i` on its last character. */
function expandVar(L: Lexer): string {
  const { text, env } = L;
  if (text[L.i + 1] === '{') {
    const end = text.indexOf('}', L.i + 2);
    if (end < 0) return '$';
    const name = text.slice(L.i + 2, end);
    L.i = end;
    return env[name] ?? '';
  }
  if (text[L.i + 1] === '?') {
    L.i += 1;
    return env['?'] ?? '0';
  }
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(L.i + 1));
  if (!m) return '$';
  L.i += m[0].length;
  return env[m[0]] ?? '';
}

/** Here-document bodies start on the line after the operator: read each pending one from `pos` on. */
function readHeredocBodies(L: Lexer, pos: number): number | { incomplete: string } {
  const { text } = L;
  for (const h of L.pending) {
    const lines: string[] = [];
    let found = false;
    while (pos <= text.length) {
      const nl = text.indexOf('\n', pos);
      const line = nl < 0 ? text.slice(pos) : text.slice(pos, nl);
      const check = h.strip ? line.replace(/^\t+/, '') : line;
      if (check === h.delim) {
        found = true;
        pos = nl < 0 ? text.length : nl + 1;
        break;
      }
      if (nl < 0) {
        pos = text.length + 1;
        break;
      }
      lines.push(h.strip ? line.replace(/^\t+/, '') : line);
      pos = nl + 1;
    }
    if (!found) return { incomplete: `here-document delimited by ${h.delim}` };
    let body = lines.join('\n') + (lines.length ? '\n' : '');
    if (h.expand) body = body.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, n: string) => L.env[n] ?? '');
    h.body = body;
  }
  L.pending.length = 0;
  return pos;
}

/** A double-quoted string starting at `L.i` (the opening quote); false when it never closes. */
function readDoubleQuoted(L: Lexer): boolean {
  const { text } = L;
  L.inWord = true;
  L.quoted = true;
  L.i++;
  while (L.i < text.length) {
    const d = text[L.i]!;
    if (d === '"') {
      L.i++;
      return true;
    }
    if (d === '\\' && L.i + 1 < text.length && '"\\$`\n'.includes(text[L.i + 1]!)) {
      if (text[L.i + 1] !== '\n') L.cur += text[L.i + 1];
      L.i += 2;
      continue;
    }
    if (d === '$') L.cur += expandVar(L);
    else L.cur += d;
    L.i++;
  }
  return false;
}

/** `<<DELIM`, `<<-DELIM`, `<<'DELIM'` at `L.i` (just after the `<<`). */
function readHeredocOperator(L: Lexer): ParseError | undefined {
  const { text } = L;
  const strip = text[L.i] === '-';
  if (strip) L.i++;
  while (text[L.i] === ' ') L.i++;
  const m = /^(?:'([^']*)'|"([^"]*)"|([A-Za-z0-9_.-]+))/.exec(text.slice(L.i));
  if (!m) return { error: 'syntax error: here-document needs a delimiter word after <<' };
  const h: HeredocTok = { t: 'heredoc', delim: m[1] ?? m[2] ?? m[3]!, strip, expand: m[3] !== undefined };
  L.toks.push(h);
  L.pending.push(h);
  L.i += m[0].length;
  return undefined;
}

/** One of `| & ; > <` at `L.i`: an operator token, a here-document, or an error for what the shell lacks. */
function readOperator(L: Lexer, c: string): ParseError | undefined {
  const { text, toks } = L;
  // `2>` and `2>&1` only when the 2 stands alone.
  if (c === '>' && L.inWord && L.cur === '2' && !L.quoted) {
    L.cur = '';
    L.inWord = false;
    const dup = text.startsWith('>&1', L.i);
    toks.push({ t: 'op', v: dup ? '2>&1' : '2>' });
    L.i += dup ? 3 : 1;
    return undefined;
  }
  pushWord(L);
  for (const op of ['&&', '||', '&>'] as const)
    if (text.startsWith(op, L.i)) {
      toks.push({ t: 'op', v: op });
      L.i += 2;
      return undefined;
    }
  if (c === '|' || c === ';') {
    toks.push({ t: 'op', v: c });
    L.i++;
  } else if (c === '>') {
    toks.push({ t: 'op', v: '>' });
    L.i += text[L.i + 1] === '>' ? 2 : 1;
  } else if (c === '<' && text[L.i + 1] === '<') {
    L.i += 2;
    return readHeredocOperator(L);
  } else if (c === '&') return { error: 'background jobs (&) are not supported in the virtual shell' };
  else return { error: 'input redirection (<) is not supported; use a here-document (<<EOF) or `-f -`' };
  return undefined;
}

/** A newline ends the command; pending here-documents take the lines after it. */
function readNewline(L: Lexer): { incomplete: string } | undefined {
  pushWord(L);
  L.toks.push({ t: 'op', v: ';' });
  if (!L.pending.length) {
    L.i++;
    return undefined;
  }
  const pos = readHeredocBodies(L, L.i + 1);
  if (typeof pos !== 'number') return pos;
  L.i = pos;
  return undefined;
}

function lex(text: string, env: Readonly<Record<string, string>>): LexResult {
  const L: Lexer = { text, env, toks: [], pending: [], i: 0, cur: '', inWord: false, quoted: false };
  while (L.i < text.length) {
    const c = text[L.i]!;
    if (c === '\n') {
      const r = readNewline(L);
      if (r) return r;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      pushWord(L);
      L.i++;
    } else if (c === '#' && !L.inWord) {
      const nl = text.indexOf('\n', L.i);
      L.i = nl < 0 ? text.length : nl;
    } else if (c === '\\') {
      if (L.i + 1 >= text.length) return { incomplete: 'line continuation' };
      if (text[L.i + 1] !== '\n') {
        L.cur += text[L.i + 1];
        L.inWord = true;
      }
      L.i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", L.i + 1);
      if (end < 0) return { incomplete: 'single quote' };
      L.cur += text.slice(L.i + 1, end);
      L.inWord = true;
      L.quoted = true;
      L.i = end + 1;
    } else if (c === '"') {
      if (!readDoubleQuoted(L)) return { incomplete: 'double quote' };
    } else if (c === '$') {
      L.cur += expandVar(L);
      L.inWord = true;
      L.i++;
    } else if (c === '|' || c === '&' || c === ';' || c === '>' || c === '<') {
      const e = readOperator(L, c);
      if (e) return e;
    } else if (c === '`') return { error: 'backquote substitution is not supported; use $(…)' };
    else {
      L.cur += c;
      L.inWord = true;
      L.i++;
    }
  }
  pushWord(L);
  if (L.pending.length) return { incomplete: `here-document delimited by ${L.pending[0]!.delim}` };
  return { toks: L.toks };
}

/** Parse a whole input (possibly several lines: here-document bodies). */
export function parseCommandLine(text: string, env: Readonly<Record<string, string>> = {}): CommandList | ParseError {
  const r = lex(text, env);
  if ('error' in r) return r;
  if ('incomplete' in r) return { error: `unexpected end of input: unterminated ${r.incomplete}` };
  const items: { op: ';' | '&&' | '||' | null; pipeline: Pipeline }[] = [];
  let op: ';' | '&&' | '||' | null = null;
  let commands: SimpleCommand[] = [];
  let cmd = newCommand();
  let expectTarget: '>' | '2>' | '&>' | null = null;
  const endCommand = (): ParseError | undefined => {
    if (expectTarget) return { error: `syntax error: missing file name after ${expectTarget}` };
    if (cmd.argv.length || cmd.assignments.length || cmd.stdin !== undefined) commands.push(freeze(cmd));
    else if (commands.length) return { error: 'syntax error near unexpected token `|`' };
    cmd = newCommand();
    return undefined;
  };
  const endPipeline = (next: ';' | '&&' | '||'): ParseError | undefined => {
    const e = endCommand();
    if (e) return e;
    if (commands.length) items.push({ op, pipeline: { commands } });
    else if (next !== ';') return { error: `syntax error near unexpected token \`${next}\`` };
    commands = [];
    op = next;
    return undefined;
  };
  for (const tok of r.toks) {
    if (tok.t === 'word') {
      if (expectTarget) {
        if (expectTarget === '>' || expectTarget === '&>') cmd.discardStdout = true;
        if (expectTarget === '2>' || expectTarget === '&>') cmd.discardStderr = true;
        expectTarget = null;
        continue;
      }
      const eq = tok.v.indexOf('=');
      if (!cmd.argv.length && eq > 0 && NAME_RE.test(tok.v.slice(0, eq))) {
        cmd.assignments.push([tok.v.slice(0, eq), tok.v.slice(eq + 1)]);
        continue;
      }
      cmd.argv.push(tok.v);
    } else if (tok.t === 'heredoc') {
      cmd.stdin = tok.body ?? '';
    } else if (tok.v === '|') {
      const e = endCommand();
      if (e) return e;
      if (!commands.length) return { error: 'syntax error near unexpected token `|`' };
    } else if (tok.v === '>' || tok.v === '2>' || tok.v === '&>') {
      expectTarget = tok.v;
    } else if (tok.v === '2>&1') {
      cmd.stderrToStdout = true;
    } else {
      const e = endPipeline(tok.v);
      if (e) return e;
    }
  }
  const e = endPipeline(';');
  if (e) return e;
  return { items };
}

interface MutableCommand {
  argv: string[];
  stdin?: string;
  discardStdout: boolean;
  discardStderr: boolean;
  stderrToStdout: boolean;
  assignments: [string, string][];
}

function newCommand(): MutableCommand {
  return { argv: [], discardStdout: false, discardStderr: false, stderrToStdout: false, assignments: [] };
}

function freeze(c: MutableCommand): SimpleCommand {
  return { ...c };
}

/** Split a line into words for tab completion: the words before the cursor and the partial word being typed. */
export function wordsForCompletion(line: string): { words: string[]; partial: string } {
  const words: string[] = [];
  let cur = '';
  let q: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === q) q = null;
      else cur += c;
    } else if (c === "'" || c === '"') q = c;
    else if (c === ' ' || c === '\t') {
      if (cur) words.push(cur);
      cur = '';
    } else if (c === '|' || c === ';' || c === '&') {
      if (cur) words.push(cur);
      cur = '';
      words.length = 0; // a new command starts
    } else cur += c;
  }
  return { words, partial: cur };
}
