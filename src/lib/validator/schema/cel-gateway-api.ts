/**
 * The Gateway API CRDs' CEL rules (kubernetes-sigs/gateway-api config/crd at v1.5.1): Gateway, HTTPRoute, GRPCRoute
 * and the parentRefs rule every route kind carries. See cel.ts for how these checks are written.
 */
import type { JsonObject, JsonValue } from '../../model/types.ts';
import { arr, child, has, list, obj, set, text, type Out, type Path } from './cel-read.ts';

// ---------------------------------------------------------------- Gateway API Gateway

export function gateway(spec: JsonObject, out: Out): void {
  const listeners = arr(spec.listeners);
  // Uniqueness needs two listeners: the usual waypoint has one, and then no sets are built.
  const names = listeners.length > 1 ? new Set<string>() : undefined;
  const combos = listeners.length > 1 ? new Set<string>() : undefined;
  for (let i = 0; i < listeners.length; i++) {
    const l = obj(listeners[i]);
    const name = text(l?.name);
    if (name !== undefined && names) {
      if (names.has(name))
        out.push({
          path: ['spec', 'listeners', i, 'name'],
          part: 'value',
          message: `Listener name "${name}" is used twice; names must be unique.`,
        });
      names.add(name);
    }
    const protocol = text(l?.protocol) ?? '';
    if (combos) {
      const combo = `${String(l?.port)}|${protocol}|${text(l?.hostname) ?? ''}`;
      if (combos.has(combo))
        out.push({
          path: ['spec', 'listeners', i],
          message: 'Another listener has the same port, protocol and hostname; each combination must be unique.',
        });
      combos.add(combo);
    }
    const tls = obj(l?.tls);
    if ((protocol === 'HTTP' || protocol === 'TCP' || protocol === 'UDP') && tls)
      out.push({ path: ['spec', 'listeners', i, 'tls'], message: `tls must not be set for protocol ${protocol}.` });
    if ((protocol === 'TCP' || protocol === 'UDP') && set(l?.hostname))
      out.push({
        path: ['spec', 'listeners', i, 'hostname'],
        message: `hostname must not be set for protocol ${protocol}.`,
      });
    if (protocol === 'HTTPS' && tls && set(tls.mode) && tls.mode !== 'Terminate')
      out.push({
        path: ['spec', 'listeners', i, 'tls', 'mode'],
        part: 'value',
        message: 'tls mode must be Terminate for protocol HTTPS.',
      });
    if (protocol === 'TLS' && !(tls && set(tls.mode)))
      out.push({
        path: tls ? ['spec', 'listeners', i, 'tls'] : ['spec', 'listeners', i],
        message: 'protocol TLS needs tls.mode (Terminate or Passthrough).',
      });
    if (tls && (tls.mode ?? 'Terminate') === 'Terminate' && arr(tls.certificateRefs).length === 0 && !obj(tls.options))
      out.push({
        path: ['spec', 'listeners', i, 'tls'],
        message: 'tls in Terminate mode needs certificateRefs or options.',
      });
  }
}

// ---------------------------------------------------------------- Gateway API HTTPRoute

const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;

/** The reason a path match value is rejected, or undefined. Mirrors the HTTPPathMatch CEL rules. */
export function badPathValue(value: string): string | undefined {
  if (!value.startsWith('/')) return "must be an absolute path starting with '/'";
  if (value.includes('//')) return "must not contain '//'";
  if (value.includes('/./')) return "must not contain '/./'";
  if (value.includes('/../')) return "must not contain '/../'";
  if (/%2f/i.test(value)) return "must not contain '%2F'";
  if (value.includes('#')) return "must not contain '#'";
  if (value.endsWith('/..')) return "must not end with '/..'";
  if (value.endsWith('/.')) return "must not end with '/.'";
  if (!PATH_CHARS.test(value)) return 'contains characters that are not allowed in a path';
  return undefined;
}

const FILTER_FIELD: Readonly<Record<string, string>> = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
  CORS: 'cors',
  ExternalAuth: 'externalAuth',
};

export function httpRoute(spec: JsonObject, out: Out): void {
  const rules = arr(spec.rules);
  let totalMatches = 0;
  for (let i = 0; i < rules.length; i++) {
    const rule = obj(rules[i]);
    const matches = arr(rule?.matches);
    totalMatches += matches.length;
    for (let j = 0; j < matches.length; j++) {
      const path = obj(obj(matches[j])?.path);
      const type = text(path?.type) ?? 'PathPrefix';
      const value = text(path?.value);
      if (value !== undefined && (type === 'Exact' || type === 'PathPrefix')) {
        const why = badPathValue(value);
        if (why)
          out.push({
            path: ['spec', 'rules', i, 'matches', j, 'path', 'value'],
            part: 'value',
            message: `Path ${JSON.stringify(value)} ${why}.`,
          });
      }
    }
    const backendRefs = arr(rule?.backendRefs);
    const ruleFilters = arr(rule?.filters);
    if (ruleFilters.length) filters(ruleFilters, ['spec', 'rules', i], matches, out, true, backendRefs.length > 0);
    for (let k = 0; k < backendRefs.length; k++) {
      const b = obj(backendRefs[k]);
      const group = text(b?.group) ?? '';
      const kind = text(b?.kind) ?? 'Service';
      if (group === '' && kind === 'Service' && !set(b?.port))
        out.push({ path: ['spec', 'rules', i, 'backendRefs', k], message: 'A backendRef to a Service must set port.' });
      const fs = arr(b?.filters);
      if (fs.length) filters(fs, ['spec', 'rules', i, 'backendRefs', k], matches, out, false, false);
    }
    const timeouts = obj(rule?.timeouts);
    if (timeouts) {
      const req = duration(text(timeouts.request));
      const be = duration(text(timeouts.backendRequest));
      if (req !== undefined && be !== undefined && req !== 0 && be > req)
        out.push({
          path: ['spec', 'rules', i, 'timeouts', 'backendRequest'],
          part: 'value',
          message: 'backendRequest timeout cannot be longer than the request timeout.',
        });
    }
  }
  if (totalMatches > 128)
    out.push({
      path: ['spec', 'rules'],
      message: `The route has ${totalMatches} matches in total; the limit across all rules is 128.`,
    });
  parentRefs(spec, out);
}

/**
 * "sectionName or port must be specified / unique when parentRefs includes 2 or more references to the same
 * parent" (experimental channel, gateway.networking.k8s.io_httproutes.yaml v1.5.1): references to one parent must
 * all set sectionName or all leave it out, likewise port, and no two may name the same section and port. The
 * standard channel's rule looks at sectionName alone; we follow the experimental channel like the rest of this
 * layer, so GAMMA routes naming one Service twice with different ports (Istio's gateway testdata mesh.yaml) pass.
 */
export function parentRefs(spec: JsonObject, out: Out): void {
  const parents = arr(spec.parentRefs);
  if (parents.length < 2) return; // the checks below compare parentRefs with each other
  const byParent = new Map<string, number[]>();
  for (let i = 0; i < parents.length; i++) {
    const p = obj(parents[i]);
    // CEL compares after defaulting (group gateway.networking.k8s.io, kind Gateway); an absent and an empty
    // namespace are the same, a namespace naming the route's own namespace is not.
    const key = `${text(p?.group) ?? 'gateway.networking.k8s.io'}|${text(p?.kind) ?? 'Gateway'}|${text(p?.namespace) ?? ''}|${text(p?.name) ?? ''}`;
    const list = byParent.get(key);
    if (list) list.push(i);
    else byParent.set(key, [i]);
  }
  for (const list of byParent.values()) {
    if (list.length < 2) continue;
    const section = (i: number): string => text(obj(parents[i])?.sectionName) ?? '';
    const port = (i: number): number => {
      const v = obj(parents[i])?.port;
      return typeof v === 'number' ? v : 0;
    };
    const first = list[0]!;
    const shape = (i: number): number => (section(i) ? 1 : 0) + (port(i) ? 2 : 0);
    if (list.some((i) => shape(i) !== shape(first))) {
      // Point at the references that set neither when there are some: they are what the author forgot.
      const bare = list.filter((i) => shape(i) === 0);
      for (const i of bare.length ? bare : list.filter((i) => shape(i) !== shape(first)))
        out.push({
          path: ['spec', 'parentRefs', i],
          message: bare.length
            ? 'sectionName or port must be set on every reference when parentRefs names the same parent more than once (the other references set them).'
            : 'References to the same parent must all set sectionName or all leave it out, and likewise port.',
        });
      continue;
    }
    const seen = new Set<string>();
    for (const i of list) {
      const id = `${section(i)}|${port(i)}`;
      if (seen.has(id))
        out.push({
          path: ['spec', 'parentRefs', i, ...(section(i) ? ['sectionName'] : port(i) ? ['port'] : [])],
          message:
            section(i) || port(i)
              ? 'sectionName and port must be unique among references to the same parent.'
              : 'parentRefs names the same parent twice: set a distinct sectionName or port on each reference.',
        });
      else seen.add(id);
    }
  }
}

/** Checks of a non-empty filters list at `base` (a rule, or one of its backendRefs). */
function filters(
  list: readonly JsonValue[],
  base: Path,
  matches: readonly JsonValue[],
  out: Out,
  ruleLevel: boolean,
  hasBackends: boolean,
): void {
  const counts = new Map<string, number>();
  list.forEach((f, i) => {
    const fp: Path = [...base, 'filters', i];
    const type = text(obj(f)?.type);
    filterFields(f, fp, out);
    if (!type) return;
    counts.set(type, (counts.get(type) ?? 0) + 1);
    for (const [t, field] of Object.entries(FILTER_FIELD)) {
      if (t === type && !has(f, field))
        out.push({ path: fp, message: `filter.${field} must be set for type ${type}.` });
      if (t !== type && has(f, field))
        out.push({ path: [...fp, field], message: `filter.${field} must not be set when type is ${type}.` });
    }
    for (const field of ['requestRedirect', 'urlRewrite']) {
      const pathMod = obj(child(f, field)?.path);
      if (!pathMod) continue;
      const pt = text(pathMod.type);
      if (pt === 'ReplacePrefixMatch' && !set(pathMod.replacePrefixMatch))
        out.push({
          path: [...fp, field, 'path'],
          message: 'replacePrefixMatch must be set when type is ReplacePrefixMatch.',
        });
      if (pt === 'ReplaceFullPath' && !set(pathMod.replaceFullPath))
        out.push({
          path: [...fp, field, 'path'],
          message: 'replaceFullPath must be set when type is ReplaceFullPath.',
        });
      if (set(pathMod.replacePrefixMatch) && pt !== 'ReplacePrefixMatch')
        out.push({
          path: [...fp, field, 'path', 'type'],
          message: "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set.",
        });
      if (set(pathMod.replaceFullPath) && pt !== 'ReplaceFullPath')
        out.push({
          path: [...fp, field, 'path', 'type'],
          message: "type must be 'ReplaceFullPath' when replaceFullPath is set.",
        });
      if (pt === 'ReplacePrefixMatch') {
        const only = obj(obj(matches[0])?.path);
        const ok = matches.length === 1 && (text(only?.type) ?? 'PathPrefix') === 'PathPrefix' && only !== undefined;
        if (!ok)
          out.push({
            path: [...fp, field, 'path'],
            message: 'ReplacePrefixMatch needs the rule to have exactly one match, of type PathPrefix.',
          });
      }
    }
  });
  const repeatable = new Set(['RequestMirror', 'ExtensionRef']);
  for (const [type, n] of counts) {
    if (n > 1 && !repeatable.has(type)) {
      const i = list.findLastIndex((f) => text(obj(f)?.type) === type);
      out.push({
        path: [...base, 'filters', i],
        message: `The ${type} filter cannot be repeated in one filters list.`,
      });
    }
  }
  if (ruleLevel && counts.has('RequestRedirect') && counts.has('URLRewrite'))
    out.push({ path: [...base, 'filters'], message: 'A rule cannot use both RequestRedirect and URLRewrite.' });
  if (ruleLevel && counts.has('RequestRedirect') && hasBackends)
    out.push({ path: [...base, 'filters'], message: 'A RequestRedirect filter cannot be combined with backendRefs.' });
}

/**
 * Field-level rules of one filter, shared by HTTPRoute and GRPCRoute (rules[].filters[] and
 * rules[].backendRefs[].filters[]): HTTPCORSFilter "cannot contain '*' alongside other" values; HTTPRequestMirrorFilter
 * "Only one of percent or fraction", fraction "numerator must be less than or equal to denominator" (denominator
 * defaults to 100), and its backendRef "Must have port for Service reference".
 */
function filterFields(f: JsonValue | undefined, fp: Path, out: Out): void {
  const cors = obj(obj(f)?.cors);
  if (cors)
    for (const [field, what] of [
      ['allowOrigins', 'origins'],
      ['allowMethods', 'methods'],
      ['allowHeaders', 'headers'],
    ] as const) {
      const values = list(cors, field);
      if (values.length > 1 && values.includes('*'))
        out.push({
          path: [...fp, 'cors', field],
          message: `cors.${field} cannot contain "*" alongside other ${what}: "*" already allows every one.`,
        });
    }
  const mirror = obj(obj(f)?.requestMirror);
  if (!mirror) return;
  const mp: Path = [...fp, 'requestMirror'];
  if (set(mirror.percent) && set(mirror.fraction))
    out.push({
      path: [...mp, 'fraction'],
      message: 'Set only one of requestMirror.percent and requestMirror.fraction.',
    });
  const fraction = obj(mirror.fraction);
  if (fraction) {
    const numerator = fraction.numerator;
    const denominator = fraction.denominator ?? 100;
    if (typeof numerator === 'number' && typeof denominator === 'number' && numerator > denominator)
      out.push({
        path: [...mp, 'fraction', 'numerator'],
        part: 'value',
        message: `Mirror fraction ${numerator}/${denominator} is more than 1: the numerator must be less than or equal to the denominator${set(fraction.denominator) ? '' : ' (100 when not set)'}.`,
      });
  }
  const ref = obj(mirror.backendRef);
  if (ref && (text(ref.group) ?? '') === '' && (text(ref.kind) ?? 'Service') === 'Service' && !set(ref.port))
    out.push({ path: [...mp, 'backendRef'], message: 'A requestMirror backendRef to a Service must set port.' });
}

/** Whether filterFields has anything to look at in f (so callers build its path only then). */
const hasFilterFields = (f: JsonValue | undefined): boolean =>
  obj(obj(f)?.cors) !== undefined || obj(obj(f)?.requestMirror) !== undefined;

// ---------------------------------------------------------------- Gateway API GRPCRoute

export function grpcRoute(spec: JsonObject, out: Out): void {
  parentRefs(spec, out);
  const rules = arr(spec.rules);
  for (let i = 0; i < rules.length; i++) {
    const fs = arr(obj(rules[i])?.filters);
    for (let k = 0; k < fs.length; k++)
      if (hasFilterFields(fs[k])) filterFields(fs[k], ['spec', 'rules', i, 'filters', k], out);
    const backendRefs = arr(obj(rules[i])?.backendRefs);
    for (let j = 0; j < backendRefs.length; j++) {
      const bfs = arr(obj(backendRefs[j])?.filters);
      for (let k = 0; k < bfs.length; k++)
        if (hasFilterFields(bfs[k])) filterFields(bfs[k], ['spec', 'rules', i, 'backendRefs', j, 'filters', k], out);
    }
  }
}

/** Gateway API duration (e.g. `1h2m3s`, `500ms`) in ms; undefined when absent or malformed. */
function duration(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const re = /(\d+)(ms|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n;
    consumed += m[0].length;
  }
  return consumed === s.length && s.length > 0 ? total : undefined;
}
