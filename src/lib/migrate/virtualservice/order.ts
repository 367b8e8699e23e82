// Istio ranks the HTTPRoute matches of one Service (pilot/pkg/config/kube/gateway/conversion.go,
// sortHTTPRoutes/getURIRank): Exact > PathPrefix > RegularExpression, then the longer path, then a method match,
// then more header matches, then more query matches; ties keep rule order. A VirtualService takes the first
// matching entry instead, so a conversion is refused when the ranking would let a later rule win over an earlier
// one for some request.
import { scalarText } from '../../model/access.ts';
import type { JsonObject } from '../../model/types.ts';
import { compileRe2 } from '../../model/re2.ts';
import { isObject } from '../util.ts';
import type { ConvMatch, ConvRule, Problems } from './types.ts';

interface Ranked {
  readonly m: ConvMatch;
  readonly rank: number;
  readonly len: number;
}

function pathOf(m: JsonObject): { type: string; value: string } {
  return isObject(m.path)
    ? { type: scalarText(m.path.type), value: scalarText(m.path.value) }
    : { type: 'PathPrefix', value: '/' };
}

function rankOf(m: ConvMatch): Ranked {
  const p = pathOf(m.match);
  const rank = p.type === 'Exact' ? 3 : p.type === 'PathPrefix' ? 2 : 1;
  return { m, rank, len: p.value.length };
}

/** Negative when a is ordered before b by Istio's sort of Gateway API matches. */
function compare(a: Ranked, b: Ranked): number {
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (a.len !== b.len) return b.len - a.len;
  const am = a.m.match.method !== undefined;
  const bm = b.m.match.method !== undefined;
  if (am !== bm) return am ? -1 : 1;
  const ah = Array.isArray(a.m.match.headers) ? a.m.match.headers.length : 0;
  const bh = Array.isArray(b.m.match.headers) ? b.m.match.headers.length : 0;
  if (ah !== bh) return bh - ah;
  const aq = Array.isArray(a.m.match.queryParams) ? a.m.match.queryParams.length : 0;
  const bq = Array.isArray(b.m.match.queryParams) ? b.m.match.queryParams.length : 0;
  return bq - aq;
}

function segPrefix(prefix: string, path: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  return p === '' || path === p || path.startsWith(`${p}/`);
}

/** True only when the (RE2, full-match) regex surely rejects the literal path; unsure ⇒ false. */
function regexRejects(regex: string, path: string): boolean {
  const c = compileRe2(regex);
  return c.ok && !c.matcher.fullMatch(path);
}

/**
 * The fixed start of a path pattern as a list of allowed-character sets: literal and escaped characters and
 * two-letter case classes like `[dD]` (what {@link anyCase} writes), up to the first other regex construct.
 */
function fixedStart(type: string, value: string): string[][] {
  if (type !== 'RegularExpression') return [...value].map((c) => [c]);
  const out: string[][] = [];
  let i = value.startsWith('^') ? 1 : 0;
  while (i < value.length) {
    const c = value[i]!;
    const class2 = /^\[([^\]\\])([^\]\\])\]/.exec(value.slice(i));
    if (c === '\\' && i + 1 < value.length && !/[a-zA-Z0-9]/.test(value[i + 1]!)) {
      out.push([value[i + 1]!]);
      i += 2;
    } else if (class2) {
      out.push([class2[1]!, class2[2]!]);
      i += 4;
    } else if (/[.+*?()|[\]{}^$\\]/.test(c)) break;
    else {
      out.push([c]);
      i++;
    }
  }
  // A quantifier after the last token makes that token optional or repeated: drop it.
  if (i < value.length && /[*?{]/.test(value[i]!)) out.pop();
  return out;
}

/** Two path conditions whose fixed starts differ somewhere can never match the same path. */
function startsConflict(a: { type: string; value: string }, b: { type: string; value: string }): boolean {
  const fa = fixedStart(a.type, a.value);
  const fb = fixedStart(b.type, b.value);
  for (let i = 0; i < Math.min(fa.length, fb.length); i++) if (!fa[i]!.some((c) => fb[i]!.includes(c))) return true;
  return false;
}

/** True when no request can satisfy both matches (conservative: unsure ⇒ false). */
export function disjoint(a: JsonObject, b: JsonObject): boolean {
  const pa = pathOf(a);
  const pb = pathOf(b);
  if (pa.type !== 'RegularExpression' && pb.type !== 'RegularExpression') {
    if (pa.type === 'Exact' && pb.type === 'Exact' && pa.value !== pb.value) return true;
    if (pa.type === 'Exact' && pb.type === 'PathPrefix' && !segPrefix(pb.value, pa.value)) return true;
    if (pb.type === 'Exact' && pa.type === 'PathPrefix' && !segPrefix(pa.value, pb.value)) return true;
    if (
      pa.type === 'PathPrefix' &&
      pb.type === 'PathPrefix' &&
      !segPrefix(pa.value, pb.value) &&
      !segPrefix(pb.value, pa.value)
    )
      return true;
  }
  if (startsConflict(pa, pb)) return true;
  if (pa.type === 'Exact' && pb.type === 'RegularExpression' && regexRejects(pb.value, pa.value)) return true;
  if (pb.type === 'Exact' && pa.type === 'RegularExpression' && regexRejects(pa.value, pb.value)) return true;
  if (typeof a.method === 'string' && typeof b.method === 'string' && a.method !== b.method) return true;
  for (const [field, ci] of [
    ['headers', true],
    ['queryParams', false],
  ] as const) {
    const la = Array.isArray(a[field]) ? (a[field] as JsonObject[]) : [];
    const lb = Array.isArray(b[field]) ? (b[field] as JsonObject[]) : [];
    for (const x of la) {
      if (x.type !== undefined && x.type !== 'Exact') continue;
      for (const y of lb) {
        if (y.type !== undefined && y.type !== 'Exact') continue;
        const same = ci ? scalarText(x.name).toLowerCase() === scalarText(y.name).toLowerCase() : x.name === y.name;
        if (same && x.value !== y.value) return true;
      }
    }
  }
  return false;
}

export function checkOrder(rules: ConvRule[], problems: Problems): void {
  const all: Ranked[] = [];
  for (const r of rules) {
    const ms = r.matches ?? [{ match: {}, rule: r.index, path: ['spec', 'http', r.index] }];
    for (const m of ms) all.push(rankOf(m));
  }
  const reported = new Set<string>();
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i]!;
      const b = all[j]!;
      if (a.m.rule === b.m.rule) continue;
      if (a.m.port !== undefined && b.m.port !== undefined && a.m.port !== b.m.port) continue;
      if (compare(b, a) >= 0) continue; // Istio keeps a before b.
      if (disjoint(a.m.match, b.m.match)) continue;
      const key = `${a.m.rule}/${b.m.rule}`;
      if (reported.has(key)) continue;
      reported.add(key);
      problems.err(
        'migrate-match-order-changed',
        `spec.http[${b.m.rule}] would win over spec.http[${a.m.rule}] after conversion: Gateway API ranks matches by specificity (exact path, longest prefix, method, header count, query count) instead of list order, and the two can match the same request. Make the earlier rule at least as specific, or split the paths, before converting.`,
        b.m.path,
      );
    }
  }
}
