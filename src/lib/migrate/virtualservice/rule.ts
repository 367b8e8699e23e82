// One `spec.http[i]` entry → one converted rule, as a table of per-field converters. Each converter reads its
// field of the entry and adds to the rule being drafted; the table's order is the order of the resulting
// HTTPRoute filters (redirect, rewrite, header changes, mirrors, CORS) and of the reported problems.
import { scalarText } from '../../model/access.ts';
import type { JsonObject, JsonValue, ObjectPath } from '../../model/types.ts';
import { gatewayDuration, isObject, parseDurationMs } from '../util.ts';
import { backendOf } from './backends.ts';
import { convertCors, headerModifier } from './filters.ts';
import { convertMatch } from './match.ts';
import type { Backend, ConvMatch, ConvRule, VsEnv } from './types.ts';

/** The rule being converted, filled in field by field. */
interface RuleDraft {
  readonly entry: JsonObject;
  readonly index: number;
  readonly base: ObjectPath;
  matches?: ConvMatch[];
  /** Path match types of the rule's matches ('prefix' for a VirtualService prefix, 'none' for no uri match). */
  rewriteKinds: Set<string>;
  readonly filters: JsonObject[];
  readonly backends: Backend[];
  timeouts?: JsonObject;
  splitMatches: boolean;
}

interface FieldConverter {
  /** The `spec.http[i]` fields the converter reads. */
  readonly fields: readonly string[];
  /** `'drop'`: the entry takes no part in mesh routing at all (it is reported, not converted). */
  readonly convert: (d: RuleDraft, env: VsEnv) => void | 'drop';
}

const HEADER_SIDES = [
  ['request', 'RequestHeaderModifier', 'requestHeaderModifier'],
  ['response', 'ResponseHeaderModifier', 'responseHeaderModifier'],
] as const;

function unsupported(env: VsEnv, d: RuleDraft, field: string, why: string): void {
  env.problems.err('migrate-unsupported-vs-feature', why, [...d.base, field]);
}

function headerFilters(env: VsEnv, d: RuleDraft, headers: JsonObject, path: ObjectPath): void {
  for (const [side, type, field] of HEADER_SIDES) {
    const h = headers[side];
    if (!isObject(h)) continue;
    const mod = headerModifier(h, [...path, side], env.problems);
    if (mod) d.filters.push({ type, [field]: mod });
  }
}

const noEquivalent: FieldConverter[] = [
  {
    fields: ['delegate'],
    convert: (d, env) => {
      if (d.entry.delegate !== undefined)
        unsupported(
          env,
          d,
          'delegate',
          'Delegation (delegate) has no Gateway API equivalent; merge the delegate VirtualService by hand first.',
        );
    },
  },
  {
    fields: ['directResponse'],
    convert: (d, env) => {
      if (d.entry.directResponse !== undefined)
        unsupported(
          env,
          d,
          'directResponse',
          'directResponse has no Gateway API equivalent (there is no direct-response filter in HTTPRoute).',
        );
    },
  },
];

const matchConverter: FieldConverter = {
  fields: ['match'],
  convert: (d, env) => {
    const list = d.entry.match;
    if (!Array.isArray(list) || !list.length) {
      d.rewriteKinds = new Set(['none']);
      return undefined;
    }
    const matches: ConvMatch[] = [];
    let skipped = 0;
    list.forEach((m, j) => {
      const mp: ObjectPath = [...d.base, 'match', j];
      if (!isObject(m)) return;
      const conv = convertMatch(m, mp, env.problems);
      if (conv === 'skip') {
        skipped++;
        return;
      }
      if (!conv) return;
      matches.push({ ...conv, rule: d.index, path: mp });
      const pt = isObject(conv.match.path) ? scalarText(conv.match.path.type) : 'none';
      d.rewriteKinds.add(isObject(m.uri) && typeof m.uri.prefix === 'string' && pt === 'PathPrefix' ? 'prefix' : pt);
    });
    d.matches = matches;
    if (!matches.length && skipped === list.length) {
      env.ctx.add(
        'migrate-vs-unreachable-rule',
        'info',
        `spec.http[${d.index}] only matches gateway traffic, not mesh traffic; it is not part of the mesh HTTPRoute.`,
        env.vs,
        [...d.base, 'match'],
      );
      return 'drop';
    }
    return undefined;
  },
};

const redirectConverter: FieldConverter = {
  fields: ['redirect'],
  convert: (d, env) => {
    const redirect = d.entry.redirect;
    if (!isObject(redirect)) return;
    const rr: JsonObject = {};
    if (typeof redirect.scheme === 'string') rr.scheme = redirect.scheme;
    if (typeof redirect.authority === 'string') rr.hostname = redirect.authority;
    if (typeof redirect.port === 'number') rr.port = redirect.port;
    if (typeof redirect.uri === 'string') rr.path = { type: 'ReplaceFullPath', replaceFullPath: redirect.uri };
    const code = typeof redirect.redirectCode === 'number' ? redirect.redirectCode : 301;
    if (![301, 302, 303, 307, 308].includes(code))
      unsupported(env, d, 'redirect', `Redirect code ${code} is not one Gateway API allows (301, 302, 303, 307, 308).`);
    rr.statusCode = code;
    if (redirect.derivePort !== undefined)
      env.problems.warn(
        'migrate-vs-feature-approximated',
        "redirect.derivePort has no Gateway API field; without a port the redirect uses the scheme's well-known port (or the request port when no scheme is set).",
        [...d.base, 'redirect', 'derivePort'],
      );
    d.filters.push({ type: 'RequestRedirect', requestRedirect: rr });
  },
};

/**
 * `rewrite.uri` on a rule without a uri condition: Envoy replaced the implicit "/" prefix. The rule gets an
 * explicit `PathPrefix /` on every match and a prefix replacement; Gateway API keeps a segment boundary, so "/a"
 * becomes "<uri>/a" where Envoy gave "<uri>a" (reported).
 */
function rewriteWholePath(d: RuleDraft, env: VsEnv, rewrite: JsonObject): void {
  env.problems.warn(
    'migrate-vs-feature-approximated',
    'rewrite.uri without a uri match: Gateway API keeps the "/" between the new prefix and the rest of the path, which Envoy\'s prefix rewrite did not add.',
    [...d.base, 'rewrite', 'uri'],
  );
  const matches = (d.matches ?? [{ match: {}, rule: d.index, path: d.base }]).map((m) => ({
    ...m,
    match: { ...m.match, path: { type: 'PathPrefix', value: '/' } },
  }));
  d.matches = matches;
  const path = { type: 'ReplacePrefixMatch', replacePrefixMatch: scalarText(rewrite.uri) };
  d.filters.push({
    type: 'URLRewrite',
    urlRewrite: typeof rewrite.authority === 'string' ? { hostname: rewrite.authority, path } : { path },
  });
  d.splitMatches = matches.length > 1;
}

const rewriteConverter: FieldConverter = {
  fields: ['rewrite'],
  convert: (d, env) => {
    const rewrite = d.entry.rewrite;
    if (!isObject(rewrite)) return;
    const ur: JsonObject = {};
    if (typeof rewrite.authority === 'string') ur.hostname = rewrite.authority;
    if (rewrite.uriRegexRewrite !== undefined)
      unsupported(
        env,
        d,
        'rewrite',
        'rewrite.uriRegexRewrite has no Gateway API equivalent (URLRewrite replaces a full path or a prefix only).',
      );
    if (typeof rewrite.uri === 'string') {
      const kinds = [...d.rewriteKinds];
      const only = kinds.length === 1 ? kinds[0] : undefined;
      if (only === 'prefix') {
        ur.path = { type: 'ReplacePrefixMatch', replacePrefixMatch: rewrite.uri };
        d.splitMatches = (d.matches?.length ?? 0) > 1;
      } else if (only === 'Exact') ur.path = { type: 'ReplaceFullPath', replaceFullPath: rewrite.uri };
      else if (only === 'none') return rewriteWholePath(d, env, rewrite);
      else
        unsupported(
          env,
          d,
          'rewrite',
          'rewrite.uri on a rule whose matches are regex, case-insensitive or of mixed types cannot be expressed with URLRewrite.',
        );
    }
    if (Object.keys(ur).length) d.filters.push({ type: 'URLRewrite', urlRewrite: ur });
  },
};

const headersConverter: FieldConverter = {
  fields: ['headers'],
  convert: (d, env) => {
    if (isObject(d.entry.headers)) headerFilters(env, d, d.entry.headers, [...d.base, 'headers']);
  },
};

const routeConverter: FieldConverter = {
  fields: ['route'],
  convert: (d, env) => {
    const { entry } = d;
    const route = Array.isArray(entry.route) ? entry.route : [];
    if (
      !isObject(entry.redirect) &&
      !route.length &&
      entry.directResponse === undefined &&
      entry.delegate === undefined
    )
      unsupported(env, d, 'route', 'Rule has neither route nor redirect.');
    const perDestHeaders: JsonValue[] = [];
    route.forEach((dest, k) => {
      const dp: ObjectPath = [...d.base, 'route', k];
      if (!isObject(dest) || !isObject(dest.destination)) return;
      const b = backendOf(env, dest.destination, [...dp, 'destination']);
      if (!b) return;
      const weight = route.length > 1 ? (typeof dest.weight === 'number' ? dest.weight : 0) : undefined;
      d.backends.push(weight === undefined ? b : { ...b, weight });
      if (dest.headers !== undefined) perDestHeaders.push(dest.headers);
    });
    if (!perDestHeaders.length) return;
    const only = perDestHeaders[0];
    // One destination: its header changes are the rule's.
    if (route.length === 1 && isObject(only)) headerFilters(env, d, only, [...d.base, 'route', 0, 'headers']);
    else
      unsupported(
        env,
        d,
        'route',
        'Per-destination header changes with several weighted destinations are not converted (Istio does not support backendRef filters on HTTPRoute).',
      );
  },
};

function percentOf(v: JsonValue | undefined): number | undefined {
  return isObject(v) && typeof v.value === 'number' ? v.value : undefined;
}

const mirrorsConverter: FieldConverter = {
  fields: ['mirror', 'mirrorPercentage', 'mirrors'],
  convert: (d, env) => {
    const { entry } = d;
    const mirrors: { dest: JsonObject; pct?: number; path: ObjectPath }[] = [];
    const add = (dest: JsonObject, pct: number | undefined, path: ObjectPath) =>
      mirrors.push(pct === undefined ? { dest, path } : { dest, pct, path });
    if (isObject(entry.mirror)) add(entry.mirror, percentOf(entry.mirrorPercentage), [...d.base, 'mirror']);
    if (Array.isArray(entry.mirrors))
      entry.mirrors.forEach((m, k) => {
        if (isObject(m) && isObject(m.destination))
          add(m.destination, percentOf(m.percentage), [...d.base, 'mirrors', k, 'destination']);
      });
    for (const m of mirrors) {
      const b = backendOf(env, m.dest, m.path);
      if (!b) continue;
      const f: JsonObject = {
        backendRef: { name: b.ref.name, namespace: b.ref.namespace, ...(b.port !== undefined ? { port: b.port } : {}) },
      };
      if (m.pct !== undefined && m.pct < 100) {
        if (Number.isInteger(m.pct)) f.percent = m.pct;
        else f.fraction = { numerator: Math.round(m.pct * 1000), denominator: 100000 };
      }
      d.filters.push({ type: 'RequestMirror', requestMirror: f });
    }
  },
};

const timeoutConverter: FieldConverter = {
  fields: ['timeout'],
  convert: (d, env) => {
    if (d.entry.timeout === undefined) return;
    const ms = parseDurationMs(d.entry.timeout);
    if (ms === undefined) unsupported(env, d, 'timeout', `timeout "${scalarText(d.entry.timeout)}" is not a duration.`);
    else d.timeouts = { request: gatewayDuration(ms) };
  },
};

const retriesConverter: FieldConverter = {
  fields: ['retries'],
  convert: (d, env) => {
    const rt = d.entry.retries;
    if (!isObject(rt)) return;
    const per = parseDurationMs(rt.perTryTimeout);
    if (per !== undefined) {
      const req = d.timeouts?.request ? parseDurationMs(d.timeouts.request) : undefined;
      const capped = req !== undefined && req !== 0;
      if (capped && per > req)
        env.problems.warn(
          'migrate-vs-feature-approximated',
          'retries.perTryTimeout is longer than the request timeout; Gateway API requires backendRequest ≤ request, so it is capped.',
          [...d.base, 'retries', 'perTryTimeout'],
        );
      d.timeouts = { ...(d.timeouts ?? {}), backendRequest: gatewayDuration(capped ? Math.min(per, req) : per) };
    }
    // HTTPRoute `retry` is experimental in Gateway API v1.5.1 and v1.6.1 alike (absent from both standard CRDs).
    env.problems.warn(
      'migrate-vs-feature-approximated',
      `retries (attempts ${scalarText(rt.attempts ?? 'default')}${rt.retryOn ? `, retryOn ${scalarText(rt.retryOn)}` : ''}) are not carried over: HTTPRoute "retry" is experimental in Gateway API v1.5 and absent from the standard CRDs; Istio's default retry policy applies instead.`,
      [...d.base, 'retries'],
    );
  },
};

const faultConverter: FieldConverter = {
  fields: ['fault'],
  convert: (d, env) => {
    if (d.entry.fault !== undefined)
      env.problems.warn(
        'migrate-vs-feature-approximated',
        'Fault injection (fault) has no Gateway API equivalent and is dropped.',
        [...d.base, 'fault'],
      );
  },
};

const corsConverter: FieldConverter = {
  fields: ['corsPolicy'],
  convert: (d, env) => {
    if (d.entry.corsPolicy === undefined) return;
    const cors = convertCors(d.entry.corsPolicy, [...d.base, 'corsPolicy'], env.problems);
    if (cors) d.filters.push({ type: 'CORS', cors });
  },
};

const deprecatedMirrorPercent: FieldConverter = {
  fields: ['mirror_percent', 'mirrorPercent'],
  convert: (d, env) => {
    for (const f of ['mirror_percent', 'mirrorPercent'] as const)
      if (d.entry[f] !== undefined)
        env.problems.warn(
          'migrate-vs-feature-approximated',
          `${f} is deprecated and not converted; use mirrorPercentage.`,
          [...d.base, f],
        );
  },
};

/** In output order. Fields not read by any converter (name is read below) have no effect on mesh routing. */
const RULE_FIELDS: readonly FieldConverter[] = [
  ...noEquivalent,
  matchConverter,
  redirectConverter,
  rewriteConverter,
  headersConverter,
  routeConverter,
  mirrorsConverter,
  timeoutConverter,
  retriesConverter,
  faultConverter,
  corsConverter,
  deprecatedMirrorPercent,
];

/** The `spec.http[i]` fields this conversion understands (for docs and tests). */
export const CONVERTED_RULE_FIELDS: readonly string[] = ['name', ...RULE_FIELDS.flatMap((c) => c.fields)];

/** Converts `spec.http[index]`; undefined when the entry takes no part in mesh routing. */
export function convertRule(env: VsEnv, entry: JsonObject, index: number): ConvRule | undefined {
  const d: RuleDraft = {
    entry,
    index,
    base: ['spec', 'http', index],
    rewriteKinds: new Set(),
    filters: [],
    backends: [],
    splitMatches: false,
  };
  for (const c of RULE_FIELDS) if (c.convert(d, env) === 'drop') return undefined;
  const name =
    typeof entry.name === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(entry.name) && entry.name.length <= 253
      ? entry.name
      : undefined;
  return {
    index,
    filters: d.filters,
    backends: d.backends,
    splitMatches: d.splitMatches,
    ...(name ? { name } : {}),
    ...(d.matches ? { matches: d.matches } : {}),
    ...(d.timeouts ? { timeouts: d.timeouts } : {}),
  };
}
