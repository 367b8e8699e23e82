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

function lex(
  text: string,
  env: Readonly<Record<string, string>>,
): { toks: Tok[] } | { incomplete: string } | ParseError {
  const toks: Tok[] = [];
  const pendingHeredocs: Extract<Tok, { t: 'heredoc' }>[] = [];
  let i = 0;
  let cur = '';
  let inWord = false;
  let quoted = false;
  const push = () => {
    if (inWord) toks.push({ t: 'word', v: cur, quoted });
    cur = '';
    inWord = false;
    quoted = false;
  };
  const expandVar = (): string => {
    // at text[i] === '$'
    if (text[i + 1] === '{') {
      const end = text.indexOf('}', i + 2);
      if (end < 0) return '$';
      const name = text.slice(i + 2, end);
      i = end;
      return env[name] ?? '';
    }
    if (text[i + 1] === '?') {
      i += 1;
      return env['?'] ?? '0';
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (!m) return '$';
    i += m[0].length;
    return env[m[0]] ?? '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      push();
      // Here-document bodies start on the line after the operator.
      if (pendingHeredocs.length) {
        let pos = i + 1;
        for (const h of pendingHeredocs) {
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
          if (h.expand) body = body.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, n: string) => env[n] ?? '');
          h.body = body;
        }
        pendingHeredocs.length = 0;
        toks.push({ t: 'op', v: ';' });
        i = pos;
        continue;
      }
      toks.push({ t: 'op', v: ';' });
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      push();
      i++;
      continue;
    }
    if (c === '#' && !inWord) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= text.length) return { incomplete: 'line continuation' };
      if (text[i + 1] === '\n') {
        i += 2;
        continue;
      }
      cur += text[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { incomplete: 'single quote' };
      cur += text.slice(i + 1, end);
      inWord = true;
      quoted = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      inWord = true;
      quoted = true;
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) {
          if (text[i + 1] !== '\n') cur += text[i + 1];
          i += 2;
          continue;
        }
        if (d === '$') {
          cur += expandVar();
          i++;
          continue;
        }
        cur += d;
        i++;
      }
      if (!closed) return { incomplete: 'double quote' };
      continue;
    }
    if (c === '$') {
      cur += expandVar();
      inWord = true;
      i++;
      continue;
    }
    if (c === '|' || c === '&' || c === ';' || c === '>' || c === '<') {
      // `2>` and `2>&1` only when the 2 stands alone.
      if (c === '>' && inWord && cur === '2' && !quoted) {
        cur = '';
        inWord = false;
        if (text.startsWith('>&1', i)) {
          toks.push({ t: 'op', v: '2>&1' });
          i += 3;
        } else {
          toks.push({ t: 'op', v: '2>' });
          i += 1;
        }
        continue;
      }
      push();
      if (text.startsWith('&&', i)) {
        toks.push({ t: 'op', v: '&&' });
        i += 2;
      } else if (text.startsWith('||', i)) {
        toks.push({ t: 'op', v: '||' });
        i += 2;
      } else if (text.startsWith('&>', i)) {
        toks.push({ t: 'op', v: '&>' });
        i += 2;
      } else if (c === '|' || c === ';') {
        toks.push({ t: 'op', v: c });
        i++;
      } else if (c === '>') {
        toks.push({ t: 'op', v: '>' });
        i += text[i + 1] === '>' ? 2 : 1;
      } else if (c === '<' && text[i + 1] === '<') {
        i += 2;
        const strip = text[i] === '-';
        if (strip) i++;
        while (text[i] === ' ') i++;
        const m = /^(?:'([^']*)'|"([^"]*)"|([A-Za-z0-9_.-]+))/.exec(text.slice(i));
        if (!m) return { error: 'syntax error: here-document needs a delimiter word after <<' };
        const delim = m[1] ?? m[2] ?? m[3]!;
        const h: Extract<Tok, { t: 'heredoc' }> = { t: 'heredoc', delim, strip, expand: m[3] !== undefined };
        toks.push(h);
        pendingHeredocs.push(h);
        i += m[0].length;
      } else if (c === '&') {
        return { error: 'background jobs (&) are not supported in the virtual shell' };
      } else {
        return { error: 'input redirection (<) is not supported; use a here-document (<<EOF) or `-f -`' };
      }
      continue;
    }
    if (c === '`') return { error: 'backquote substitution is not supported; use $(…)' };
    cur += c;
    inWord = true;
    i++;
  }
  push();
  if (pendingHeredocs.length) return { incomplete: `here-document delimited by ${pendingHeredocs[0]!.delim}` };
  return { toks };
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
