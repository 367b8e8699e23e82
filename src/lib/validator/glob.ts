// Globs for `ignore:` in .ambient-atlas.yaml. Matched by stepping a set of pattern positions over the path (an NFA),
// so time is O(path × pattern) for any input: no regular expression is ever built from user text, and no pattern
// can make matching backtrack exponentially.

type Token =
  | { readonly t: 'char'; readonly c: string }
  /** `?`: one character other than `/`. */
  | { readonly t: 'one' }
  /** `*`: any run of characters other than `/`. */
  | { readonly t: 'star' }
  /** `**` not followed by `/`: any run of characters, `/` included. */
  | { readonly t: 'any' }
  /** `**` followed by `/`: zero or more whole directories. */
  | { readonly t: 'dirs' };

export interface Glob {
  readonly source: string;
  /** Whether a path (relative, forward slashes) or one of its parent directories matches. */
  matches(path: string): boolean;
}

function tokenize(text: string): Token[] {
  // Code points, as the path is read: a character outside the BMP is one `?`.
  const pattern = Array.from(text);
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) out.push({ t: 'char', c: pattern[++i]! });
    else if (c === '?') out.push({ t: 'one' });
    else if (c === '*') {
      let j = i;
      while (pattern[j + 1] === '*') j++;
      const double = j > i;
      const segmentStart = i === 0 || pattern[i - 1] === '/';
      if (double && segmentStart && pattern[j + 1] === '/') {
        out.push({ t: 'dirs' });
        j++; // the slash belongs to the token
      } else if (double) out.push({ t: 'any' });
      else out.push({ t: 'star' });
      i = j;
    } else out.push({ t: 'char', c });
  }
  return out;
}

/** Positions reachable from `from` without reading a character (every wildcard may match nothing). */
function close(tokens: readonly Token[], states: Uint8Array, from: number): void {
  for (let i = from; i < tokens.length && states[i]; i++) {
    const t = tokens[i]!.t;
    if (t === 'star' || t === 'any' || t === 'dirs') states[i + 1] = 1;
    else break;
  }
}

/**
 * Whether the pattern matches `text`, or with `prefixes` also any part of it that ends before a `/` (a parent
 * directory): one pass either way, so a deep path costs no more than a long one.
 */
function run(tokens: readonly Token[], text: string, prefixes = false): boolean {
  const n = tokens.length;
  let cur = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  cur[0] = 1;
  close(tokens, cur, 0);
  for (const ch of text) {
    if (prefixes && ch === '/' && cur[n]) return true;
    next.fill(0);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (!cur[i]) continue;
      const tok = tokens[i]!;
      switch (tok.t) {
        case 'char':
          if (tok.c === ch) next[i + 1] = 1;
          break;
        case 'one':
          if (ch !== '/') next[i + 1] = 1;
          break;
        case 'star':
          if (ch !== '/') next[i] = 1;
          break;
        case 'any':
          next[i] = 1;
          break;
        case 'dirs':
          next[i] = 1;
          if (ch === '/') next[i + 1] = 1;
          break;
      }
    }
    for (let i = 0; i <= n; i++) {
      if (next[i]) {
        any = true;
        close(tokens, next, i);
      }
    }
    if (!any) return false;
    [cur, next] = [next, cur];
  }
  return cur[n] === 1;
}

/**
 * `*` (within one path segment), `**` (across segments; `**` then `/` also matches no directory), `?` (one character),
 * `\` escapes the next character. A pattern without `/` matches a file or directory name at any depth (as in
 * .gitignore); one with `/` matches from the config file's directory (a leading `/` or `./` changes nothing). A
 * pattern that matches a directory covers everything below it.
 */
export function compileGlob(pattern: string): Glob {
  let p = pattern.trim();
  while (p.startsWith('./')) p = p.slice(2);
  const anchored = p.includes('/') && !(p.endsWith('/') && p.indexOf('/') === p.length - 1);
  if (p.startsWith('/')) p = p.slice(1);
  if (p.endsWith('/')) p = p.slice(0, -1);
  const tokens = tokenize(p);
  return {
    source: pattern,
    matches(path: string): boolean {
      const segments = path.split('/').filter((s) => s !== '' && s !== '.');
      if (!anchored) return segments.some((s) => run(tokens, s));
      return run(tokens, segments.join('/'), true);
    },
  };
}
