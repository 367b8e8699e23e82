/**
 * The single home for regexes that come from manifests (route matches, VirtualService StringMatch regexes,
 * AuthorizationPolicy path templates). Envoy compiles them with Google RE2 and istiod validates them with Go's
 * `regexp` (the same syntax), so we use `re2js`, a pure-JavaScript port of RE2 (via RE2/J and Go's
 * regexp/syntax) that runs in the browser too: the same syntax (no lookaround, backreferences, possessive
 * quantifiers; `(?i)`, `(?P<name>…)`, `\z`, POSIX classes and RE2's repeat limit of 1000), and matching in time
 * linear in the input, so a manifest's `(a+)+` cannot hang the simulator, the migrate assistant or the validator.
 *
 * Anchoring, as Envoy evaluates each use:
 * - route path `safe_regex`: "The entire path (without the query string) must match the regex. The rule will not
 *   match if only a subsequence of the :path header matches the regex." (envoy/config/route/v3/
 *   route_components.proto, RouteMatch.safe_regex);
 * - header, query parameter, method, authority and scheme matches: a StringMatcher `safe_regex`, evaluated with
 *   `RE2::FullMatch` (envoy/type/matcher/v3/string.proto: "The input string must match the regular expression";
 *   source/common/common/regex.h CompiledGoogleReMatcher::match).
 * istiod passes VirtualService and Gateway API regexes to those fields unchanged (istio/istio
 * pilot/pkg/networking/core/route/route.go TranslateRouteMatch: `RouteMatch_SafeRegex{Regex: m.Regex}`;
 * translateHeaderMatch / translateQueryParamMatch via util.ConvertToEnvoyMatch), so every route regex here is a
 * full match: {@link Re2Matcher.fullMatch}. {@link Re2Matcher.search} (RE2::PartialMatch) is for the rare use
 * that looks for a match anywhere.
 *
 * Known differences from C++ RE2 (the engine Envoy links): re2js rejects `\C` (any byte), which RE2 accepts, and
 * matches UTF-16 strings by code point where RE2 matches UTF-8 bytes by code point (the same for valid text).
 * Envoy's program-size limit is not applied: istiod raises it far above anything its 1024-character regex limit
 * lets through (pkg/config/validation: validateStringRegexp).
 */
import { RE2JS } from 're2js';

export interface Re2Matcher {
  /** The pattern as written in the manifest. */
  readonly pattern: string;
  /** The whole input matches (RE2::FullMatch; what Envoy does for every route regex). */
  fullMatch(input: string): boolean;
  /** Some part of the input matches (RE2::PartialMatch). */
  search(input: string): boolean;
}

export type Re2Compiled =
  { readonly ok: true; readonly matcher: Re2Matcher } | { readonly ok: false; readonly error: string };

export interface Re2Options {
  /**
   * Match letters in any case, like a leading `(?i)` (RE2's simple Unicode case folding). Envoy has no such switch
   * for route regexes (`case_sensitive` is "Ignored for safe_regex matching"); write `(?i)` in the pattern instead.
   */
  readonly caseInsensitive?: boolean;
}

/**
 * The longest pattern compiled; a longer one is an error. None can reach Envoy through Istio: Gateway API's CRDs
 * cap an HTTPRoute/GRPCRoute header value at 4096 characters and paths, query values and gRPC service and method
 * names at 1024; istiod caps a VirtualService regex at 1024 (pkg/config/validation validateStringRegexp). Matching
 * is linear whatever the pattern, but re2js compiles a 4096-character pattern of counted repeats
 * (`(?:\pL{1000}|a)…`) in over a second, so a hostile manifest of huge patterns is refused, not compiled.
 */
export const RE2_MAX_PATTERN = 4096;

/** Compiled patterns kept, oldest dropped first (patterns come from manifests the user edits). */
export const RE2_CACHE_SIZE = 1000;
const cache = new Map<string, Re2Compiled>();

function matcherOf(pattern: string, re: RE2JS): Re2Matcher {
  return {
    pattern,
    // testExact/test need no capture groups, so re2js runs its DFA (or the NFA/one-pass machine): linear time.
    fullMatch: (input) => re.testExact(input),
    search: (input) => re.test(input),
  };
}

/** The RE2 error without re2js's constant prefix, e.g. "invalid or unsupported Perl syntax: `(?=`". */
function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/^error parsing regexp: /, '');
}

/** Compiles `pattern` with RE2 syntax; cached, so a route's patterns compile once across requests. */
export function compileRe2(pattern: string, options: Re2Options = {}): Re2Compiled {
  if (pattern.length > RE2_MAX_PATTERN)
    return { ok: false, error: `longer than ${RE2_MAX_PATTERN} characters, the most Gateway API or istiod accepts` };
  const ci = options.caseInsensitive === true;
  const key = (ci ? 'i/' : '-/') + pattern;
  let compiled = cache.get(key);
  if (compiled === undefined) {
    try {
      compiled = { ok: true, matcher: matcherOf(pattern, RE2JS.compile(pattern, ci ? RE2JS.CASE_INSENSITIVE : 0)) };
    } catch (err) {
      compiled = { ok: false, error: errorText(err) };
    }
    if (cache.size >= RE2_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(key, compiled);
  }
  return compiled;
}

/** Why RE2 rejects `pattern`, or undefined when it compiles. */
export function re2Error(pattern: string): string | undefined {
  const c = compileRe2(pattern);
  return c.ok ? undefined : c.error;
}

/**
 * Whether `input` matches `pattern` as a whole, as Envoy matches a route regex; a pattern RE2 rejects matches
 * nothing (Envoy would not load the route; the validator reports it).
 */
export function re2FullMatch(pattern: string, input: string, options?: Re2Options): boolean {
  const c = compileRe2(pattern, options);
  return c.ok && c.matcher.fullMatch(input);
}

/** A pattern matching `literal` exactly (RE2 syntax), for regexes built from manifest text plus our own operators. */
export function re2Quote(literal: string): string {
  return RE2JS.quote(literal);
}
