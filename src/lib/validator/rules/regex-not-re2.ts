import { getArray, getObject, getString } from '../../model/access.ts';
import type { JsonValue, ObjectPath, Resource } from '../../model/types.ts';
import { re2Error } from '../../model/re2.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { isGroup, regexRoutes } from '../facts/index.ts';

// Evidence: Envoy compiles route regexes with Google RE2 (envoy.type.matcher.v3.RegexMatcher, google_re2 engine);
// istiod checks VirtualService regexes with Go's regexp package (istio/istio pkg/config/validation, StringMatch
// regex), which follows the same RE2 syntax (github.com/google/re2/wiki/Syntax lists what is NOT SUPPORTED).
// Gateway API leaves the dialect implementation-specific (HTTPPathMatch RegularExpression: "Implementation-
// specific"); Istio passes the value to Envoy unchanged.

/**
 * Names the PCRE/Java/JavaScript-only construct in `re` that RE2 rejects, for a clearer message than the engine's
 * ("invalid named capture" for a lookbehind); undefined when it finds none. A scanner, not a parser: it tracks
 * escapes and character classes so that `[(?=]` is not mistaken for a lookahead. It never decides validity:
 * {@link re2Problem} asks the engine first and calls this only for a pattern RE2 rejects.
 */
export function nonRe2Construct(re: string): string | undefined {
  let inClass = false;
  // Whether the previous token was a quantifier (`*`, `+`, `?`, `{n,m}`), for possessive `*+` and friends.
  let afterQuantifier = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '\\') {
      const n = re[i + 1];
      if (n === undefined) return undefined;
      if (!inClass) {
        if (n >= '1' && n <= '9') {
          // RE2 reads `\1` followed by another octal digit as an octal escape; a lone digit is a backreference.
          const octal = n <= '7' && re[i + 2] !== undefined && re[i + 2]! >= '0' && re[i + 2]! <= '7';
          if (!octal) return `backreference \\${n}`;
        }
        if (n === 'k' && (re[i + 2] === '<' || re[i + 2] === '{' || re[i + 2] === "'"))
          return `named backreference \\k${re[i + 2]}`;
        if (n === 'Z') return '\\Z (use \\z or $)';
        if (n === 'G') return '\\G';
      }
      i++;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A `]` right after `[` or `[^` is a literal member of the class.
      if (re[i + 1] === '^') i++;
      if (re[i + 1] === ']') i++;
      afterQuantifier = false;
      continue;
    }
    if (c === '(' && re[i + 1] === '?') {
      const rest = re.slice(i + 2);
      if (rest.startsWith('=')) return 'lookahead (?=';
      if (rest.startsWith('!')) return 'negative lookahead (?!';
      if (rest.startsWith('<=')) return 'lookbehind (?<=';
      if (rest.startsWith('<!')) return 'negative lookbehind (?<!';
      if (rest.startsWith('>')) return 'atomic group (?>';
      if (rest.startsWith('P=') || rest.startsWith('P>') || rest.startsWith('&'))
        return `named backreference or subroutine (?${rest.slice(0, 2)}`;
      if (rest.startsWith('(')) return 'conditional group (?(';
      if (rest.startsWith('#')) return 'comment group (?#';
      if (rest.startsWith('|')) return 'branch-reset group (?|';
      if (/^[+-]?\d/.test(rest) || rest.startsWith('R')) return 'recursion (?R / (?1';
      afterQuantifier = false;
      continue;
    }
    if (c === '*' || c === '+' || c === '?') {
      if (afterQuantifier && c === '+') return `possessive quantifier ${re[i - 1]}+`;
      // `*?`, `+?`, `??` are lazy quantifiers (supported); the `?` ends the quantifier.
      afterQuantifier = !(afterQuantifier && c === '?');
      continue;
    }
    if (c === '{') {
      const m = /^\{\d+(,\d*)?\}/.exec(re.slice(i));
      if (m) {
        i += m[0].length - 1;
        afterQuantifier = true;
        continue;
      }
    }
    afterQuantifier = false;
  }
  return undefined;
}

/** RE2's largest repeat count, alone or multiplied through nesting (re2/parse.cc, maximum_repeat_count). */
const MAX_REPEAT = 1000;

/**
 * The construct an RE2 parse error is about, when it is one the user can fix by name: RE2's repeat limit
 * ("invalid repeat count" for a count above 1000, or for counts that multiply past it through nested groups:
 * `(a{100}){20}` counts 2000) and POSIX class names RE2 does not know ("invalid character class range: `[:x:]`").
 */
function constructOfError(error: string): string | undefined {
  const repeat = /^invalid repeat count: `(\{(\d+)(?:,(\d*))?\})`$/.exec(error);
  if (repeat) {
    const min = Number(repeat[2]);
    const max = repeat[3] === undefined ? min : repeat[3] === '' ? -1 : Number(repeat[3]);
    if (min > MAX_REPEAT || max > MAX_REPEAT)
      return `the repeat count ${repeat[1]}, above RE2's limit of ${MAX_REPEAT}`;
    if (max < 0 || min <= max)
      return `nested repeats whose counts multiply past RE2's limit of ${MAX_REPEAT} (at ${repeat[1]})`;
    return undefined; // `{2,1}`: malformed
  }
  const posix = /^invalid character class range: `\[:\^?(.*):\]`$/.exec(error);
  if (posix) return `the unknown POSIX class [:${posix[1]}:]`;
  return undefined;
}

/**
 * Why RE2 rejects `re`, or undefined when it compiles. The engine decides (re2js through model/re2.ts, the
 * engine the simulator and the migrate assistant match with, and the same parser as Go's `regexp` that istiod
 * validates with); `construct` names the unsupported feature when there is one, else the regex is malformed.
 */
export function re2Problem(re: string): { construct: string | undefined; error: string } | undefined {
  const error = re2Error(re);
  if (error === undefined) return undefined;
  return { construct: nonRe2Construct(re) ?? constructOfError(error), error };
}

/**
 * Why `re` is malformed for RE2 (unbalanced parentheses or brackets, a quantifier with nothing to repeat, an
 * out-of-order range), or undefined: a regex RE2 accepts, or one it rejects for a construct {@link re2Problem}
 * can name.
 */
export function malformedRegex(re: string): string | undefined {
  const p = re2Problem(re);
  return p && p.construct === undefined ? p.error : undefined;
}

/** The regex as quoted in a message: its first 120 characters, so a huge value does not make a huge message. */
const shown = (v: string): string => JSON.stringify(v.length > 120 ? `${v.slice(0, 120)}…` : v);

/** istiod's longest VirtualService regex (pkg/config/validation validateStringRegexp). */
const ISTIOD_MAX_REGEX = 1024;

interface RegexUse {
  readonly path: ObjectPath;
  readonly value: string;
}

const REGEX_LISTS = ['headers', 'queryParams'] as const;
const METHOD_FIELDS = ['service', 'method'] as const;

/** Regex values of an HTTPRoute/GRPCRoute's matches; paths are built only for a regex found. */
function gatewayApiRegexes(r: Resource, out: RegexUse[]): void {
  const rules = getArray(r.obj, ['spec', 'rules']);
  for (let i = 0; i < rules.length; i++) {
    const matches = getArray(rules[i], ['matches']);
    for (let j = 0; j < matches.length; j++) {
      const m = matches[j];
      const path = getObject(m, ['path']);
      if (path && getString(path, ['type']) === 'RegularExpression') {
        const v = getString(path, ['value']);
        if (v !== undefined) out.push({ path: ['spec', 'rules', i, 'matches', j, 'path', 'value'], value: v });
      }
      const method = getObject(m, ['method']);
      if (method && getString(method, ['type']) === 'RegularExpression')
        for (const k of METHOD_FIELDS) {
          const v = getString(method, [k]);
          if (v !== undefined) out.push({ path: ['spec', 'rules', i, 'matches', j, 'method', k], value: v });
        }
      for (const list of REGEX_LISTS) {
        const items = getArray(m, [list]);
        for (let k = 0; k < items.length; k++) {
          const h = items[k];
          if (getString(h, ['type']) !== 'RegularExpression') continue;
          const v = getString(h, ['value']);
          if (v !== undefined) out.push({ path: ['spec', 'rules', i, 'matches', j, list, k, 'value'], value: v });
        }
      }
    }
  }
}

function stringMatchRegex(m: JsonValue | undefined, path: ObjectPath, out: RegexUse[]): void {
  const v = getString(m, ['regex']);
  if (v !== undefined) out.push({ path: [...path, 'regex'], value: v });
}

function virtualServiceRegexes(r: Resource): RegexUse[] {
  const out: RegexUse[] = [];
  getArray(r.obj, ['spec', 'http']).forEach((route, i) => {
    const rp: ObjectPath = ['spec', 'http', i];
    getArray(route, ['match']).forEach((m, j) => {
      const mp: ObjectPath = [...rp, 'match', j];
      for (const k of ['uri', 'scheme', 'method', 'authority']) stringMatchRegex(getObject(m, [k]), [...mp, k], out);
      for (const map of ['headers', 'queryParams', 'withoutHeaders']) {
        const o = getObject(m, [map]);
        if (o) for (const [name, v] of Object.entries(o)) stringMatchRegex(v, [...mp, map, name], out);
      }
    });
    getArray(route, ['corsPolicy', 'allowOrigins']).forEach((o, k) =>
      stringMatchRegex(o, [...rp, 'corsPolicy', 'allowOrigins', k], out),
    );
    const rewrite = getString(route, ['rewrite', 'uriRegexRewrite', 'match']);
    if (rewrite !== undefined) out.push({ path: [...rp, 'rewrite', 'uriRegexRewrite', 'match'], value: rewrite });
  });
  return out;
}

export const rule: Rule = {
  meta: {
    id: 'regex-not-re2',
    severity: 'error',
    inputs: ['HTTPRoute', 'GRPCRoute', 'VirtualService'],
    description:
      'A route regex uses syntax RE2 does not support (lookaround, backreference, possessive) or is malformed.',
    docs: {
      summary:
        'Envoy matches route regexes with RE2, which has no lookahead, lookbehind, backreferences, atomic groups or possessive quantifiers. A regex written for PCRE, Java or JavaScript that uses them cannot be compiled: the route does not work as written.',
      details: [
        'RE2 guarantees linear-time matching by leaving out the features that need backtracking. Not supported:',
        '',
        '- lookaround: `(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`;',
        '- backreferences: `\\1`…`\\9`, `\\k<name>`, `(?P=name)`;',
        '- atomic groups `(?>…)` and possessive quantifiers `*+`, `++`, `?+`, `{n}+`;',
        '- conditionals, recursion, `\\Z` and `\\G`.',
        '',
        'RE2 also limits counted repeats: no count above 1000 (`a{1001}`), and nested counts may not multiply past 1000 (`(a{100}){20}` counts 2000). Inside a character class it knows only the POSIX classes `[:alnum:]`, `[:alpha:]`, `[:ascii:]`, `[:blank:]`, `[:cntrl:]`, `[:digit:]`, `[:graph:]`, `[:lower:]`, `[:print:]`, `[:punct:]`, `[:space:]`, `[:upper:]`, `[:word:]` and `[:xdigit:]` (and their `[:^name:]` negations).',
        '',
        "Where it matters: a VirtualService is rejected by istiod's validation when applied (Go's `regexp` has the same syntax). Gateway API leaves the regex dialect to the implementation, so the API server accepts an HTTPRoute or GRPCRoute with any string; Istio hands it to Envoy, which only understands RE2.",
        '',
        'The rule checks HTTPRoute path/header/query `RegularExpression` matches, GRPCRoute method/header regexes, and VirtualService `regex` matches, CORS origins and `uriRegexRewrite`. It also reports regexes RE2 cannot parse at all (unbalanced parentheses or brackets, a quantifier with nothing to repeat). Validity is decided by an RE2 engine (re2js, the one the simulator matches requests with), so what this rule accepts is what Envoy and istiod accept. istiod also rejects a VirtualService regex longer than 1024 characters.',
      ].join('\n'),
      fix: 'Rewrite the expression without the unsupported construct: split a lookahead into two matches (all matches in one `matches` entry must hold), replace a negative lookahead by a more specific positive rule placed first, and drop possessive `+` (RE2 never backtracks anyway).',
    },
    examples: {
      valid: [
        {
          title: 'Version paths with an RE2 regex',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: api',
            '  namespace: shop',
            'spec:',
            '  parentRefs:',
            '  - {group: "", kind: Service, name: api, port: 8080}',
            '  rules:',
            '  - matches:',
            '    - path:',
            '        type: RegularExpression',
            '        value: "/v[0-9]+/items(/.*)?"',
            '    backendRefs:',
            '    - {name: api, port: 8080}',
          ),
        },
      ],
      invalid: [
        {
          title: 'A negative lookahead (PCRE syntax)',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: api',
            '  namespace: shop',
            'spec:',
            '  parentRefs:',
            '  - {group: "", kind: Service, name: api, port: 8080}',
            '  rules:',
            '  - matches:',
            '    - path:',
            '        type: RegularExpression',
            '        value: "/v[0-9]+/(?!internal).*"',
            '    backendRefs:',
            '    - {name: api, port: 8080}',
          ),
          line: 13,
        },
      ],
    },
  },
  check(ctx) {
    const uses: { r: Resource; u: RegexUse }[] = [];
    const found: RegexUse[] = [];
    // Only the routes the shared route pass saw a RegularExpression match in (most routes have none).
    for (const r of regexRoutes(ctx.mesh)) {
      gatewayApiRegexes(r, found);
      for (let k = 0; k < found.length; k++) uses.push({ r, u: found[k]! });
      if (found.length) found.length = 0;
    }
    for (const r of ctx.mesh.byKind('VirtualService'))
      if (isGroup(r, 'networking.istio.io')) for (const u of virtualServiceRegexes(r)) uses.push({ r, u });
    for (const { r, u } of uses) {
      if (r.kind === 'VirtualService' && u.value.length > ISTIOD_MAX_REGEX) {
        // istiod checks the length before compiling (pkg/config/validation validateStringRegexp: "regex is too
        // large, max length allowed is 1024"), for every VirtualService regex this rule reads.
        ctx.report({
          resource: r,
          path: u.path,
          part: 'value',
          message: `Regex of ${u.value.length} characters is longer than istiod's limit of ${ISTIOD_MAX_REGEX}: istiod's validation rejects this VirtualService.`,
          fix: `Shorten the expression to at most ${ISTIOD_MAX_REGEX} characters (split it across several matches if needed).`,
        });
        continue;
      }
      const problem = re2Problem(u.value);
      if (problem === undefined) continue;
      const { construct, error: broken } = problem;
      const consequence =
        r.kind === 'VirtualService'
          ? "istiod's validation rejects this VirtualService"
          : 'Envoy cannot compile it, so this match does not work as written';
      ctx.report({
        resource: r,
        path: u.path,
        part: 'value',
        message: construct
          ? `Regex ${shown(u.value)} uses ${construct}, which RE2 (Envoy's regex engine) does not support: ${consequence}.`
          : `Regex ${shown(u.value)} is malformed (${broken}): ${consequence}.`,
        fix: !construct
          ? 'Fix the expression.'
          : construct.includes('repeat')
            ? 'Use smaller counts (at most 1000, multiplied through nesting), or an open-ended `+` / `{n,}` where the exact bound does not matter.'
            : construct.includes('POSIX')
              ? 'Use one of the POSIX classes RE2 knows, or spell the characters out.'
              : 'Rewrite it in RE2 syntax (no lookaround, backreferences or possessive quantifiers).',
      });
    }
  },
};
