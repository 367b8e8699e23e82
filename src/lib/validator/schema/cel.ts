/**
 * Our own implementation of the CRD validation rules (CEL `x-kubernetes-validations`) that the API server
 * enforces and the @kubernetes-models validators do not. Written from the rule texts in the upstream CRDs
 * (istio/istio manifests/charts/base/files/crd-all.gen.yaml at 1.30.3, kubernetes-sigs/gateway-api
 * config/crd at v1.5.1); tests/differential/ re-checks our verdicts with a real CEL engine on those files.
 * Each problem is reported at the field the rule is attached to.
 */
import { get, getArray, getObject, getString } from '../../model/access.ts';
import type { JsonObject, JsonValue, ObjectPath, Resource } from '../../model/types.ts';
import type { SchemaProblem } from './index.ts';

type Out = SchemaProblem[];
type Path = (string | number)[];

const has = (o: JsonValue | undefined, key: string): boolean =>
  o !== null &&
  typeof o === 'object' &&
  !Array.isArray(o) &&
  (o as JsonObject)[key] !== undefined &&
  (o as JsonObject)[key] !== null;

const isObj = (v: JsonValue | undefined): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Appends the CEL rule violations of r to out; `group` is r's API group. */
export function celChecks(r: Resource, group: string, out: Out): void {
  const spec = r.obj.spec;
  if (!isObj(spec)) return;
  if (group === 'security.istio.io') {
    if (r.kind === 'AuthorizationPolicy') authorizationPolicy(spec, out);
    else if (r.kind === 'PeerAuthentication') peerAuthentication(spec, out);
    else if (r.kind === 'RequestAuthentication') requestAuthentication(spec, out);
  } else if (group === 'networking.istio.io') {
    if (r.kind === 'ServiceEntry') serviceEntry(spec, out);
  } else if (group === 'extensions.istio.io') {
    if (r.kind === 'WasmPlugin') wasmPlugin(spec, out);
  } else if (group === 'telemetry.istio.io') {
    if (r.kind === 'Telemetry') telemetry(spec, out);
  } else if (group === 'gateway.networking.k8s.io') {
    if (r.kind === 'Gateway') gateway(spec, out);
    else if (r.kind === 'HTTPRoute') httpRoute(spec, out);
    else if (r.kind === 'GRPCRoute') grpcRoute(spec, out);
  }
}

// ---------------------------------------------------------------- Istio policy attachment

/** "only one of targetRefs or selector can be set"; "cross namespace referencing is not currently supported". */
function attachment(spec: JsonObject, out: Out, withTargetRef = true): void {
  // Runs for every policy: the list of set fields is only built when there is a conflict to report.
  const count =
    (has(spec, 'selector') ? 1 : 0) +
    (withTargetRef && has(spec, 'targetRef') ? 1 : 0) +
    (has(spec, 'targetRefs') ? 1 : 0);
  if (count > 1) {
    const set = ['selector', ...(withTargetRef ? ['targetRef'] : []), 'targetRefs'].filter((k) => has(spec, k));
    out.push({
      path: ['spec', set[1]!],
      message: `Set only one of selector, targetRef and targetRefs (this object sets ${set.join(' and ')}); the API server rejects the combination.`,
    });
  }
  const one = getString(spec.targetRef, ['namespace']);
  if (one !== undefined && one !== '') out.push({ path: ['spec', 'targetRef', 'namespace'], message: CROSS_NS });
  const refs = getArray(spec, ['targetRefs']);
  for (let i = 0; i < refs.length; i++) {
    const ns = getString(refs[i], ['namespace']);
    if (ns !== undefined && ns !== '') out.push({ path: ['spec', 'targetRefs', i, 'namespace'], message: CROSS_NS });
  }
  const selector = getObject(spec, ['selector', 'matchLabels']);
  if (selector) labelMatch(selector, ['spec', 'selector', 'matchLabels'], out);
}

const CROSS_NS =
  'targetRef namespace must be empty: cross-namespace references are not supported; the policy must live in the target’s namespace.';

/** "wildcard not allowed in label key/value match", "key must not be empty". */
function labelMatch(labels: JsonObject, path: ObjectPath, out: Out): void {
  for (const k in labels) {
    const v = labels[k];
    if (k.length === 0) out.push({ path, message: 'A selector label key must not be empty.' });
    else if (k.includes('*'))
      out.push({ path: [...path, k], message: 'Wildcards are not allowed in selector label keys.' });
    if (typeof v === 'string' && v.includes('*'))
      out.push({ path: [...path, k], part: 'value', message: 'Wildcards are not allowed in selector label values.' });
  }
}

const SA_EXCLUSIVE = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'];

function authorizationPolicy(spec: JsonObject, out: Out): void {
  attachment(spec, out);
  const rules = getArray(spec, ['rules']);
  for (let i = 0; i < rules.length; i++) {
    const froms = getArray(rules[i], ['from']);
    for (let j = 0; j < froms.length; j++) {
      const src = getObject(froms[j], ['source']);
      if (!src) continue;
      if (!(has(src, 'serviceAccounts') || has(src, 'notServiceAccounts'))) continue;
      const other = SA_EXCLUSIVE.filter((k) => has(src, k));
      if (other.length)
        out.push({
          path: ['spec', 'rules', i, 'from', j, 'source', other[0]!],
          message: `serviceAccounts cannot be combined with ${other.join(', ')} in one source: the API server rejects it.`,
        });
    }
  }
  // istiod's validating webhook (istio/istio pkg/config/validation/validation.go, ValidateAuthorizationPolicy)
  // adds rules the CRD schema does not carry: DENY and CUSTOM need `rules`, `provider` only with CUSTOM.
  const action = getString(spec, ['action']);
  const noRules =
    spec.rules === undefined || spec.rules === null || (Array.isArray(spec.rules) && spec.rules.length === 0);
  if ((action === 'DENY' || action === 'CUSTOM') && noRules)
    out.push({
      path: ['spec', 'action'],
      origin: 'webhook',
      message: `A ${action} policy without rules is rejected by istiod's validation (it would never trigger); add rules, or \`rules: [{}]\` to match every request.`,
    });
  if (has(spec, 'provider') && action !== 'CUSTOM')
    out.push({
      path: ['spec', 'provider'],
      origin: 'webhook',
      message: '`provider` is only allowed with action CUSTOM; istiod rejects it otherwise.',
    });
}

function peerAuthentication(spec: JsonObject, out: Out): void {
  if (has(spec, 'selector')) {
    const ml = getObject(spec, ['selector', 'matchLabels']);
    if (ml) labelMatch(ml, ['spec', 'selector', 'matchLabels'], out);
  }
  const plm = getObject(spec, ['portLevelMtls']);
  if (plm) {
    const ml = getObject(spec, ['selector', 'matchLabels']);
    if (!ml || Object.keys(ml).length === 0)
      out.push({
        path: ['spec', 'portLevelMtls'],
        message: 'portLevelMtls needs a workload selector with matchLabels; the API server rejects it otherwise.',
      });
    for (const key of Object.keys(plm)) {
      const n = Number(key);
      if (!/^\d+$/.test(key) || n < 1 || n > 65535)
        out.push({
          path: ['spec', 'portLevelMtls', key],
          message: `Port key "${key}" must be a number between 1 and 65535.`,
        });
    }
  }
}

function requestAuthentication(spec: JsonObject, out: Out): void {
  attachment(spec, out);
  getArray(spec, ['jwtRules']).forEach((rule, i) => {
    if (!isObj(rule)) return;
    const sources = ['jwksUri', 'jwks_uri', 'jwks'].filter((k) => has(rule, k));
    if (sources.length > 1)
      out.push({
        path: ['spec', 'jwtRules', i, sources[1]!],
        message: `Set only one key source per JWT rule (this one sets ${sources.join(' and ')}).`,
      });
    for (const k of ['jwksUri', 'jwks_uri']) {
      const uri = getString(rule, [k]);
      if (uri !== undefined && !/^https?:\/\//i.test(uri))
        out.push({
          path: ['spec', 'jwtRules', i, k],
          part: 'value',
          message: `${k} must be an http:// or https:// URL.`,
        });
    }
  });
}

// ---------------------------------------------------------------- ServiceEntry

function serviceEntry(spec: JsonObject, out: Out): void {
  getArray(spec, ['hosts']).forEach((h, i) => {
    if (h === '*')
      out.push({
        path: ['spec', 'hosts', i],
        part: 'value',
        message: 'A ServiceEntry host cannot be the bare wildcard "*".',
      });
  });
  if (has(spec, 'workloadSelector') && has(spec, 'endpoints'))
    out.push({ path: ['spec', 'endpoints'], message: 'Set only one of workloadSelector and endpoints.' });
  const resolution = getString(spec, ['resolution']);
  const addresses = getArray(spec, ['addresses']);
  const cidr = addresses.findIndex((a) => typeof a === 'string' && a.includes('/'));
  if (cidr >= 0 && !['STATIC', 'NONE'].includes(resolution ?? 'NONE'))
    out.push({
      path: ['spec', 'addresses', cidr],
      part: 'value',
      message: 'CIDR addresses are only allowed with resolution NONE or STATIC.',
    });
  if ((resolution ?? 'NONE') === 'NONE' && has(spec, 'endpoints'))
    out.push({
      path: ['spec', 'endpoints'],
      message: 'resolution NONE (the default) cannot have endpoints; use STATIC or DNS.',
    });
  if (resolution === 'DNS_ROUND_ROBIN' && getArray(spec, ['endpoints']).length > 1)
    out.push({ path: ['spec', 'endpoints'], message: 'resolution DNS_ROUND_ROBIN allows at most one endpoint.' });
  const seen = new Map<number, number>();
  getArray(spec, ['ports']).forEach((p, i) => {
    const n = get(p, ['number']);
    if (typeof n !== 'number') return;
    if (seen.has(n))
      out.push({
        path: ['spec', 'ports', i, 'number'],
        part: 'value',
        message: `Port number ${n} is listed twice; port numbers must be unique.`,
      });
    else seen.set(n, i);
  });
}

// ---------------------------------------------------------------- WasmPlugin / Telemetry

function wasmPlugin(spec: JsonObject, out: Out): void {
  attachment(spec, out, false);
  const url = getString(spec, ['url']);
  if (url !== undefined) {
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url);
    const scheme = m ? m[1]!.toLowerCase() : '';
    if (!['', 'http', 'https', 'file', 'oci'].includes(scheme))
      out.push({
        path: ['spec', 'url'],
        part: 'value',
        message: `url scheme "${scheme}" is not allowed; use oci://, http://, https:// or file://.`,
      });
  }
}

function telemetry(spec: JsonObject, out: Out): void {
  attachment(spec, out);
  getArray(spec, ['metrics']).forEach((m, i) => {
    getArray(m, ['overrides']).forEach((o, j) => {
      const tags = getObject(o, ['tagOverrides']);
      if (!tags) return;
      for (const [name, t] of Object.entries(tags)) {
        const op = getString(t, ['operation']);
        const path: Path = ['spec', 'metrics', i, 'overrides', j, 'tagOverrides', name];
        if (op === 'UPSERT' && (getString(t, ['value']) ?? '') === '')
          out.push({ path, message: `Tag override "${name}" uses UPSERT and needs a value.` });
        if (op === 'REMOVE' && has(t, 'value'))
          out.push({
            path: [...path, 'value'],
            message: `Tag override "${name}" uses REMOVE and must not set a value.`,
          });
      }
    });
  });
}

// ---------------------------------------------------------------- Gateway API Gateway

function gateway(spec: JsonObject, out: Out): void {
  const listeners = getArray(spec, ['listeners']);
  const names = new Set<string>();
  const combos = new Set<string>();
  listeners.forEach((l, i) => {
    const name = getString(l, ['name']);
    const path: Path = ['spec', 'listeners', i];
    if (name !== undefined) {
      if (names.has(name))
        out.push({
          path: [...path, 'name'],
          part: 'value',
          message: `Listener name "${name}" is used twice; names must be unique.`,
        });
      names.add(name);
    }
    const protocol = getString(l, ['protocol']) ?? '';
    const combo = `${String(get(l, ['port']))}|${protocol}|${getString(l, ['hostname']) ?? ''}`;
    if (combos.has(combo))
      out.push({
        path,
        message: 'Another listener has the same port, protocol and hostname; each combination must be unique.',
      });
    combos.add(combo);
    const tls = getObject(l, ['tls']);
    if (['HTTP', 'TCP', 'UDP'].includes(protocol) && tls)
      out.push({ path: [...path, 'tls'], message: `tls must not be set for protocol ${protocol}.` });
    if (['TCP', 'UDP'].includes(protocol) && has(l, 'hostname'))
      out.push({ path: [...path, 'hostname'], message: `hostname must not be set for protocol ${protocol}.` });
    if (protocol === 'HTTPS' && tls && has(tls, 'mode') && tls.mode !== 'Terminate')
      out.push({
        path: [...path, 'tls', 'mode'],
        part: 'value',
        message: 'tls mode must be Terminate for protocol HTTPS.',
      });
    if (protocol === 'TLS' && !(tls && has(tls, 'mode')))
      out.push({
        path: tls ? [...path, 'tls'] : path,
        message: 'protocol TLS needs tls.mode (Terminate or Passthrough).',
      });
    if (
      tls &&
      (tls.mode ?? 'Terminate') === 'Terminate' &&
      getArray(tls, ['certificateRefs']).length === 0 &&
      !getObject(tls, ['options'])
    )
      out.push({ path: [...path, 'tls'], message: 'tls in Terminate mode needs certificateRefs or options.' });
  });
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

function httpRoute(spec: JsonObject, out: Out): void {
  const rules = getArray(spec, ['rules']);
  let totalMatches = 0;
  rules.forEach((rule, i) => {
    const rp: Path = ['spec', 'rules', i];
    const matches = getArray(rule, ['matches']);
    totalMatches += matches.length;
    matches.forEach((m, j) => {
      const type = getString(m, ['path', 'type']) ?? 'PathPrefix';
      const value = getString(m, ['path', 'value']);
      if (value !== undefined && (type === 'Exact' || type === 'PathPrefix')) {
        const why = badPathValue(value);
        if (why)
          out.push({
            path: [...rp, 'matches', j, 'path', 'value'],
            part: 'value',
            message: `Path ${JSON.stringify(value)} ${why}.`,
          });
      }
    });
    filters(
      getArray(rule, ['filters']),
      rp,
      matches,
      out,
      true,
      has(rule, 'backendRefs') && getArray(rule, ['backendRefs']).length > 0,
    );
    getArray(rule, ['backendRefs']).forEach((b, k) => {
      const group = getString(b, ['group']) ?? '';
      const kind = getString(b, ['kind']) ?? 'Service';
      if (group === '' && kind === 'Service' && !has(b, 'port'))
        out.push({ path: [...rp, 'backendRefs', k], message: 'A backendRef to a Service must set port.' });
      const fs = getArray(b, ['filters']);
      if (fs.length) filters(fs, [...rp, 'backendRefs', k], matches, out, false, false);
    });
    const timeouts = getObject(rule, ['timeouts']);
    if (timeouts) {
      const req = duration(getString(timeouts, ['request']));
      const be = duration(getString(timeouts, ['backendRequest']));
      if (req !== undefined && be !== undefined && req !== 0 && be > req)
        out.push({
          path: [...rp, 'timeouts', 'backendRequest'],
          part: 'value',
          message: 'backendRequest timeout cannot be longer than the request timeout.',
        });
    }
  });
  if (totalMatches > 128)
    out.push({
      path: ['spec', 'rules'],
      message: `The route has ${totalMatches} matches in total; the limit across all rules is 128.`,
    });
  // parentRefs: two refs to the same parent need distinct sectionNames.
  const parents = getArray(spec, ['parentRefs']);
  if (parents.length < 2) return; // the checks below compare parentRefs with each other
  const byParent = new Map<string, number[]>();
  parents.forEach((p, i) => {
    const key = `${getString(p, ['group']) ?? 'gateway.networking.k8s.io'}|${getString(p, ['kind']) ?? 'Gateway'}|${getString(p, ['namespace']) ?? ''}|${getString(p, ['name']) ?? ''}`;
    const list = byParent.get(key) ?? [];
    list.push(i);
    byParent.set(key, list);
  });
  for (const list of byParent.values()) {
    if (list.length < 2) continue;
    const sections = new Set<string>();
    for (const i of list) {
      const s = getString(parents[i], ['sectionName']);
      if (!s)
        out.push({
          path: ['spec', 'parentRefs', i],
          message: 'sectionName must be set when parentRefs names the same parent twice.',
        });
      else if (sections.has(s))
        out.push({
          path: ['spec', 'parentRefs', i, 'sectionName'],
          message: 'sectionName must be unique among references to the same parent.',
        });
      else sections.add(s);
    }
  }
}

function filters(
  list: JsonValue[],
  base: Path,
  matches: JsonValue[],
  out: Out,
  ruleLevel: boolean,
  hasBackends: boolean,
): void {
  if (list.length === 0) return; // the usual case: nothing below can fire without a filter
  const counts = new Map<string, number>();
  list.forEach((f, i) => {
    const fp: Path = [...base, 'filters', i];
    const type = getString(f, ['type']);
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
      const pathMod = getObject(f, [field, 'path']);
      if (!pathMod) continue;
      const pt = getString(pathMod, ['type']);
      if (pt === 'ReplacePrefixMatch' && !has(pathMod, 'replacePrefixMatch'))
        out.push({
          path: [...fp, field, 'path'],
          message: 'replacePrefixMatch must be set when type is ReplacePrefixMatch.',
        });
      if (pt === 'ReplaceFullPath' && !has(pathMod, 'replaceFullPath'))
        out.push({
          path: [...fp, field, 'path'],
          message: 'replaceFullPath must be set when type is ReplaceFullPath.',
        });
      if (has(pathMod, 'replacePrefixMatch') && pt !== 'ReplacePrefixMatch')
        out.push({
          path: [...fp, field, 'path', 'type'],
          message: "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set.",
        });
      if (has(pathMod, 'replaceFullPath') && pt !== 'ReplaceFullPath')
        out.push({
          path: [...fp, field, 'path', 'type'],
          message: "type must be 'ReplaceFullPath' when replaceFullPath is set.",
        });
      if (pt === 'ReplacePrefixMatch') {
        const ok =
          matches.length === 1 &&
          (getString(matches[0], ['path', 'type']) ?? 'PathPrefix') === 'PathPrefix' &&
          getObject(matches[0], ['path']) !== undefined;
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
      const i = list.findLastIndex((f) => getString(f, ['type']) === type);
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
  const cors = getObject(f, ['cors']);
  if (cors)
    for (const [field, what] of [
      ['allowOrigins', 'origins'],
      ['allowMethods', 'methods'],
      ['allowHeaders', 'headers'],
    ] as const) {
      const list = getArray(cors, [field]);
      if (list.length > 1 && list.includes('*'))
        out.push({
          path: [...fp, 'cors', field],
          message: `cors.${field} cannot contain "*" alongside other ${what}: "*" already allows every one.`,
        });
    }
  const mirror = getObject(f, ['requestMirror']);
  if (!mirror) return;
  const mp: Path = [...fp, 'requestMirror'];
  if (has(mirror, 'percent') && has(mirror, 'fraction'))
    out.push({
      path: [...mp, 'fraction'],
      message: 'Set only one of requestMirror.percent and requestMirror.fraction.',
    });
  const fraction = getObject(mirror, ['fraction']);
  if (fraction) {
    const numerator = get(fraction, ['numerator']);
    const denominator = get(fraction, ['denominator']) ?? 100;
    if (typeof numerator === 'number' && typeof denominator === 'number' && numerator > denominator)
      out.push({
        path: [...mp, 'fraction', 'numerator'],
        part: 'value',
        message: `Mirror fraction ${numerator}/${denominator} is more than 1: the numerator must be less than or equal to the denominator${has(fraction, 'denominator') ? '' : ' (100 when not set)'}.`,
      });
  }
  const ref = getObject(mirror, ['backendRef']);
  if (
    ref &&
    (getString(ref, ['group']) ?? '') === '' &&
    (getString(ref, ['kind']) ?? 'Service') === 'Service' &&
    !has(ref, 'port')
  )
    out.push({ path: [...mp, 'backendRef'], message: 'A requestMirror backendRef to a Service must set port.' });
}

// ---------------------------------------------------------------- Gateway API GRPCRoute

function grpcRoute(spec: JsonObject, out: Out): void {
  getArray(spec, ['rules']).forEach((rule, i) => {
    const rp: Path = ['spec', 'rules', i];
    getArray(rule, ['filters']).forEach((f, k) => filterFields(f, [...rp, 'filters', k], out));
    getArray(rule, ['backendRefs']).forEach((b, j) =>
      getArray(b, ['filters']).forEach((f, k) => filterFields(f, [...rp, 'backendRefs', j, 'filters', k], out)),
    );
  });
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
