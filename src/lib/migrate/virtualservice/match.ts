// VirtualService HTTPMatchRequest → HTTPRoute match. A condition HTTPRoute cannot express is an error (dropping
// it would change which requests the rule catches); one it expresses more narrowly or more loosely is a warning.
import type { JsonObject, JsonValue, ObjectPath } from '../../model/types.ts';
import { escapeRegex, GATEWAY_METHODS, isHeaderName, isObject } from '../util.ts';
import type { Problems } from './types.ts';

export type StringMatch = { kind: 'exact' | 'prefix' | 'regex' | 'present'; value: string };

export function parseStringMatch(v: JsonValue | undefined): StringMatch | undefined {
  if (!isObject(v)) return undefined;
  if (typeof v.exact === 'string') return { kind: 'exact', value: v.exact };
  if (typeof v.prefix === 'string') return { kind: 'prefix', value: v.prefix };
  if (typeof v.regex === 'string') return { kind: 'regex', value: v.regex };
  if (Object.keys(v).length === 0) return { kind: 'present', value: '' };
  return undefined;
}

export function convertMatch(
  m: JsonObject,
  mp: ObjectPath,
  problems: Problems,
): { match: JsonObject; port?: number } | 'skip' | undefined {
  if (Array.isArray(m.gateways) && !m.gateways.map(String).includes('mesh')) return 'skip';
  const out: JsonObject = {};
  let ok = true;
  const no = (field: string, why: string) => {
    problems.err('migrate-unsupported-vs-feature', why, [...mp, field]);
    ok = false;
  };
  for (const f of ['sourceLabels', 'sourceNamespace', 'withoutHeaders', 'scheme', 'authority'] as const) {
    if (m[f] !== undefined)
      no(
        f,
        `Match condition "${f}" has no HTTPRoute equivalent; converting without it would change which requests this rule catches.`,
      );
  }
  const ci = m.ignoreUriCase === true;
  const uri = m.uri !== undefined ? parseStringMatch(m.uri) : undefined;
  if (m.uri !== undefined && !uri) no('uri', 'Unrecognised uri match.');
  if (uri) {
    if (uri.kind === 'exact')
      out.path = ci ? { type: 'RegularExpression', value: anyCase(uri.value) } : { type: 'Exact', value: uri.value };
    // ignoreUriCase leaves a regex case-sensitive: istiod sets RouteMatch.case_sensitive, which Envoy ignores for
    // safe_regex (route_components.proto: "Ignored for safe_regex matching"), so the regex converts as written.
    else if (uri.kind === 'regex') out.path = { type: 'RegularExpression', value: uri.value };
    else if (uri.kind === 'prefix') {
      if (ci) out.path = { type: 'RegularExpression', value: `${anyCase(uri.value)}.*` };
      else {
        out.path = { type: 'PathPrefix', value: uri.value || '/' };
        if (uri.value !== '/' && uri.value !== '') {
          problems.warn(
            'migrate-prefix-match-narrowed',
            uri.value.endsWith('/')
              ? `PathPrefix "${uri.value}" matches whole segments and ignores the trailing slash: "${uri.value.replace(/\/$/, '')}" itself now matches too. Use RegularExpression "${escapeRegex(uri.value)}.*" if that matters.`
              : `PathPrefix "${uri.value}" matches whole segments: "${uri.value}x" no longer matches (a VirtualService prefix is a plain string prefix). Use RegularExpression "${escapeRegex(uri.value)}.*" if such paths exist.`,
            [...mp, 'uri', 'prefix'],
          );
        }
      }
    } else no('uri', 'An empty uri match is not converted.');
  }
  if (m.method !== undefined) {
    const meth = parseStringMatch(m.method);
    if (meth?.kind === 'exact' && GATEWAY_METHODS.has(meth.value)) out.method = meth.value;
    else
      no(
        'method',
        'Only an exact match on a standard HTTP method converts to HTTPRoute (no prefix/regex method match).',
      );
  }
  if (isObject(m.headers)) {
    const hs: JsonValue[] = [];
    for (const [name, v] of Object.entries(m.headers)) {
      const sm = parseStringMatch(v);
      if (!isHeaderName(name))
        no(
          'headers',
          `Header "${name}" is not a name HTTPRoute can match (pseudo-headers such as :authority are not allowed).`,
        );
      else if (!sm) no('headers', `Unrecognised match for header "${name}".`);
      else hs.push(valueMatch(name, sm));
    }
    if (hs.length) out.headers = hs;
  }
  if (isObject(m.queryParams)) {
    const qs: JsonValue[] = [];
    for (const [name, v] of Object.entries(m.queryParams)) {
      const sm = parseStringMatch(v);
      if (!sm) no('queryParams', `Unrecognised match for query parameter "${name}".`);
      else qs.push(valueMatch(name, sm));
    }
    if (qs.length) out.queryParams = qs;
  }
  if (m.statPrefix !== undefined)
    problems.warn(
      'migrate-vs-feature-approximated',
      'statPrefix (per-route stats name) has no HTTPRoute equivalent and is dropped.',
      [...mp, 'statPrefix'],
    );
  if (!ok) return undefined;
  return typeof m.port === 'number' ? { match: out, port: m.port } : { match: out };
}

/**
 * A regex matching `s` in any letter case, written with character classes (`[dD][oO]…`) rather than RE2's
 * `(?i)` flag so that every regex engine (RE2 in Envoy, JavaScript in the browser tools) reads it the same.
 */
export function anyCase(s: string): string {
  return [...s]
    .map((ch) => (ch.toLowerCase() !== ch.toUpperCase() ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : escapeRegex(ch)))
    .join('');
}

export function valueMatch(name: string, sm: { kind: string; value: string }): JsonObject {
  switch (sm.kind) {
    case 'exact':
      return { name, value: sm.value };
    case 'regex':
      return { type: 'RegularExpression', name, value: sm.value };
    case 'prefix':
      return { type: 'RegularExpression', name, value: `${escapeRegex(sm.value)}.*` };
    default:
      // Presence: any value (Envoy's present_match; an absent header fails a regex match).
      return { type: 'RegularExpression', name, value: '.*' };
  }
}
