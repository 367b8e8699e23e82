// What happens to findings after the rules ran: the config file's rule levels, then inline suppressions
// (DESIGN §4.5b). Separate from the rules so that the CLI and the playground honour the same annotation.
import type { Resource } from '../model/types.ts';
import { findingResource } from './finding.ts';
import type { Finding, FindingResource, LintReport, Severity } from './finding.ts';

/** `ambient-atlas.dev/ignore: "<rule-id>[,<rule-id>…] -- <reason>"` on the resource whose findings it hides. */
export const IGNORE_ANNOTATION = 'ambient-atlas.dev/ignore';

/** What the config file's `rules:` may say about a rule. */
export type RuleLevel = Severity | 'off';

export interface SuppressedFinding extends Finding {
  /** The reason written in the annotation that suppressed it. */
  readonly reason: string;
}

/** lint()'s result: the §4.2 report plus the suppression count, and the suppressed findings when asked for. */
export interface LintResult extends LintReport {
  readonly summary: LintReport['summary'] & { readonly suppressed: number };
  /** Present only with `showSuppressed`. */
  readonly suppressed?: readonly SuppressedFinding[];
}

export type IgnoreAnnotation =
  | { readonly ok: true; readonly rules: readonly string[]; readonly reason: string }
  | {
      readonly ok: false;
      /** Rule ids in the annotation that no rule has, each with its close matches. */
      readonly unknown: readonly { readonly id: string; readonly suggestions: readonly string[] }[];
      readonly missingReason: boolean;
      readonly missingRules: boolean;
    };

/**
 * Read an ignore annotation. It is valid only as a whole: a missing reason, no rule id or an unknown id makes it
 * suppress nothing (reported by `ignore-annotation-invalid`), so a typo never hides more or less than written.
 */
export function parseIgnoreAnnotation(
  value: string,
  isKnownRule: (id: string) => boolean,
  allIds: readonly string[],
): IgnoreAnnotation {
  const sep = value.indexOf('--');
  const head = sep < 0 ? value : value.slice(0, sep);
  const reason = sep < 0 ? '' : value.slice(sep + 2).trim();
  const rules = head
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  // Suggestions cost a distance per rule: only the first few unknown ids get them, so an annotation listing
  // thousands of made-up ids stays linear.
  const unknown = rules
    .filter((id) => !isKnownRule(id))
    .map((id, i) => ({ id, suggestions: i < 3 ? closeMatches(id, allIds) : [] }));
  if (reason && rules.length && !unknown.length) return { ok: true, rules, reason };
  return { ok: false, unknown, missingReason: !reason, missingRules: !rules.length };
}

/**
 * Up to three candidates close to `word` (edit distance within a third of its length, at least 2, or one
 * containing the other), nearest first. For "did you mean" in config and annotation errors.
 */
export function closeMatches(word: string, candidates: readonly string[]): string[] {
  // Long input cannot be a typo of a rule id, and the distance is quadratic: do not compute it.
  if (word.length > 80) return [];
  const w = word.toLowerCase();
  const limit = Math.max(2, Math.floor(w.length / 3));
  const scored: [number, string][] = [];
  for (const c of candidates) {
    const d = editDistance(w, c);
    if (d <= limit || (w.length >= 4 && (c.includes(w) || w.includes(c)))) scored.push([d, c]);
  }
  scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
  return scored.slice(0, 3).map(([, c]) => c);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function identity(file: string, r: FindingResource): string {
  return `${file}\u0000${r.apiVersion}\u0000${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;
}

/**
 * Apply rule levels and inline suppressions to the sorted, de-duplicated findings. Levels first: a rule set to
 * `off` is gone, not suppressed, and a suppressed finding keeps the level it would have had. Only findings about a
 * resource can be suppressed, by that resource's own annotation.
 */
export function applySuppressions(
  findings: readonly Finding[],
  resources: readonly Resource[],
  options: {
    readonly ruleLevels?: Readonly<Record<string, RuleLevel>>;
    readonly isKnownRule: (id: string) => boolean;
    readonly allIds: readonly string[];
  },
): { findings: Finding[]; suppressed: SuppressedFinding[] } {
  let list = findings as Finding[];
  const levels = options.ruleLevels;
  if (levels && Object.keys(levels).length) {
    list = [];
    for (const f of findings) {
      const level = Object.hasOwn(levels, f.rule) ? levels[f.rule] : undefined;
      if (level === 'off') continue;
      list.push(level && level !== f.severity ? { ...f, severity: level } : f);
    }
  }
  // Most inputs carry no annotation: then no identity is built at all.
  let annotated = false;
  for (const r of resources)
    if (Object.hasOwn(r.annotations, IGNORE_ANNOTATION)) {
      annotated = true;
      break;
    }
  if (!annotated) return { findings: list, suppressed: [] };
  // Several objects may share an identity (a duplicate in one file): each finding belongs to the last one that
  // starts at or before its line.
  const byIdentity = new Map<
    string,
    { resource: Resource; rules: ReadonlySet<string> | undefined; reason: string; start?: number }[]
  >();
  for (const r of resources) {
    const value = Object.hasOwn(r.annotations, IGNORE_ANNOTATION) ? r.annotations[IGNORE_ANNOTATION] : undefined;
    const parsed = value === undefined ? undefined : parseIgnoreAnnotation(value, options.isKnownRule, options.allIds);
    const key = identity(r.file, findingResource(r));
    let entries = byIdentity.get(key);
    if (!entries) byIdentity.set(key, (entries = []));
    entries.push({
      resource: r,
      rules: parsed?.ok ? new Set(parsed.rules) : undefined,
      reason: parsed?.ok ? parsed.reason : '',
    });
  }
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of list) {
    const entries = f.resource ? byIdentity.get(identity(f.file, f.resource)) : undefined;
    let owner = entries?.[0];
    // Positions are built on demand, so only duplicates pay for them.
    if (entries && entries.length > 1)
      for (const e of entries) if ((e.start ??= e.resource.locate([]).line) <= f.line) owner = e;
    if (owner?.rules?.has(f.rule)) suppressed.push({ ...f, reason: owner.reason });
    else kept.push(f);
  }
  return { findings: kept, suppressed };
}
