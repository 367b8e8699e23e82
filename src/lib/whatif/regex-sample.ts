/**
 * One string a manifest regex matches, so the what-if matrix can send a request that takes a RegularExpression
 * route match (issue #20). Not a general inverter: a small subset of RE2 syntax is walked once, left to right —
 * literals, escaped punctuation, `.`, character classes and ranges (negated too), `\d \w \s`, groups (capturing,
 * `(?:…)`, named, flag groups), alternation (the first branch), `? * + {n} {n,} {n,m}` (the minimum count, one for
 * `+`) and the anchors `^ $ \A \z`. Anything else gives no sample, and so no request, as before this existed.
 * Every candidate is confirmed with the same RE2 full match the simulator uses for route paths and headers
 * (model/re2.ts; Envoy's safe_regex is a full match), so a guess the walk gets wrong (a lookalike, a `$` in the
 * middle) is dropped rather than sent as a request that claims to match and does not.
 */
import { re2FullMatch } from '../model/re2.ts';

/** Longest pattern walked: sampling is a convenience, a long regex simply gets no request. */
export const SAMPLE_MAX_PATTERN = 512;
/** Longest sample built: `a{1000}` and nested counted repeats stop here instead of growing. */
export const SAMPLE_MAX_OUTPUT = 256;
/** Deepest group nesting followed (the walk recurses once per group). */
const MAX_DEPTH = 32;

/** Characters tried, in order, for `.` and for a negated class: plain ones first, so a sample reads well. */
const CANDIDATES = 'xa0-_.~/ZQ9';

class Unsupported extends Error {}

/** A set of characters a class names, as inclusive code-unit ranges. */
type Ranges = [number, number][];

const SHORTHAND: Readonly<Record<string, { sample: string; ranges: Ranges }>> = {
  d: { sample: '0', ranges: [[48, 57]] },
  w: {
    sample: 'a',
    ranges: [
      [48, 57],
      [65, 90],
      [95, 95],
      [97, 122],
    ],
  },
  s: {
    sample: ' ',
    ranges: [
      [9, 10],
      [12, 13],
      [32, 32],
    ],
  },
};

const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);

class Walker {
  private i = 0;
  private readonly p: string;

  constructor(pattern: string) {
    this.p = pattern;
  }

  run(): string {
    const out = this.alternation(0);
    if (this.i !== this.p.length) throw new Unsupported(); // a stray `)`
    return out;
  }

  /** Branches up to `)` or the end; the first one's sample, the others walked only to find the end. */
  private alternation(depth: number): string {
    if (depth > MAX_DEPTH) throw new Unsupported();
    const first = this.sequence(depth);
    while (this.p[this.i] === '|') {
      this.i++;
      this.sequence(depth);
    }
    return first;
  }

  private sequence(depth: number): string {
    let out = '';
    while (this.i < this.p.length && this.p[this.i] !== '|' && this.p[this.i] !== ')') {
      const atom = this.atom(depth);
      const min = this.quantifier();
      if (atom.length * min + out.length > SAMPLE_MAX_OUTPUT) throw new Unsupported();
      out += atom.repeat(min);
    }
    return out;
  }

  /** The minimum count of a quantifier after an atom (1 when there is none); a lazy `?` suffix changes nothing. */
  private quantifier(): number {
    const c = this.p[this.i];
    let min = 1;
    if (c === '?' || c === '*') {
      min = 0;
      this.i++;
    } else if (c === '+') {
      this.i++;
    } else if (c === '{') {
      // RE2 reads `{` that does not start `{n}`, `{n,}` or `{n,m}` as a literal: leave it for the next atom.
      const m = /^\{(\d{1,4})(,\d{0,4})?\}/.exec(this.p.slice(this.i, this.i + 12));
      if (!m) return 1;
      min = Number(m[1]);
      this.i += m[0].length;
    } else return 1;
    if (this.p[this.i] === '?') this.i++;
    // A repeated repeat (`a**`) is an RE2 error; the confirmation rejects it, but stop walking here.
    if ('*+?'.includes(this.p[this.i] ?? '_')) throw new Unsupported();
    return min;
  }

  private atom(depth: number): string {
    const c = this.p[this.i++]!;
    switch (c) {
      case '^':
      case '$':
        return '';
      case '.':
        return CANDIDATES[0]!;
      case '[':
        return this.charClass();
      case '(':
        return this.group(depth);
      case '\\':
        return this.escape(false).sample;
      case '*':
      case '+':
      case '?':
        throw new Unsupported(); // nothing to repeat
      default:
        return c;
    }
  }

  private group(depth: number): string {
    if (this.p[this.i] === '?') {
      const m = /^\?(?:P?<[A-Za-z_][A-Za-z0-9_]{0,63}>|[imsU-]*:|[imsU-]+\))/.exec(this.p.slice(this.i, this.i + 70));
      if (!m) throw new Unsupported(); // lookaround and the like: RE2 rejects them anyway
      this.i += m[0].length;
      // A bare flag group `(?i)` matches nothing itself; a case flag still lets a literal sample match.
      if (m[0].endsWith(')')) return '';
    }
    const out = this.alternation(depth + 1);
    if (this.p[this.i] !== ')') throw new Unsupported();
    this.i++;
    return out;
  }

  /** After a `\`: the shorthands, `\A`/`\z`, or escaped punctuation; other escapes (`\b`, `\x41`, `\pL`) are not in the subset. */
  private escape(inClass: boolean): { sample: string; ranges: Ranges } {
    const c = this.p[this.i++];
    if (c === undefined) throw new Unsupported();
    const sh = SHORTHAND[c];
    if (sh) return sh;
    if (!inClass && (c === 'A' || c === 'z')) return { sample: '', ranges: [] };
    if (isAlnum(c)) throw new Unsupported();
    return { sample: c, ranges: [[c.charCodeAt(0), c.charCodeAt(0)]] };
  }

  /** `[…]` / `[^…]`: a positive class gives its first member, a negated one the first candidate it leaves out. */
  private charClass(): string {
    const negated = this.p[this.i] === '^';
    if (negated) this.i++;
    const ranges: Ranges = [];
    let first: string | undefined;
    let start = true;
    while (this.i < this.p.length && (this.p[this.i] !== ']' || start)) {
      start = false;
      if (this.p.startsWith('[:', this.i)) throw new Unsupported(); // POSIX classes
      const lo = this.member();
      if (this.p[this.i] === '-' && this.p[this.i + 1] !== ']' && this.i + 1 < this.p.length) {
        this.i++;
        const hi = this.member();
        if (hi.ranges.length !== 1 || lo.ranges.length !== 1) throw new Unsupported();
        ranges.push([lo.ranges[0]![0], hi.ranges[0]![1]]);
      } else ranges.push(...lo.ranges);
      first ??= lo.sample;
    }
    if (this.p[this.i] !== ']') throw new Unsupported();
    this.i++;
    if (!negated) {
      if (first === undefined) throw new Unsupported();
      return first;
    }
    for (const cand of CANDIDATES) {
      const code = cand.charCodeAt(0);
      if (!ranges.some(([a, b]) => code >= a && code <= b)) return cand;
    }
    throw new Unsupported();
  }

  private member(): { sample: string; ranges: Ranges } {
    const c = this.p[this.i++]!;
    if (c === '\\') return this.escape(true);
    return { sample: c, ranges: [[c.charCodeAt(0), c.charCodeAt(0)]] };
  }
}

/**
 * A string `pattern` fully matches (RE2 semantics), or undefined when the pattern is outside the subset, too long,
 * would give a sample over {@link SAMPLE_MAX_OUTPUT}, or the candidate is not confirmed by RE2.
 */
export function sampleRegex(pattern: string): string | undefined {
  if (pattern.length > SAMPLE_MAX_PATTERN) return undefined;
  let candidate: string;
  try {
    candidate = new Walker(pattern).run();
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  return re2FullMatch(pattern, candidate) ? candidate : undefined;
}
