/**
 * Our own implementation of the CRD validation rules (CEL `x-kubernetes-validations`) that the API server
 * enforces and the @kubernetes-models validators do not. Written from the rule texts in the upstream CRDs
 * (istio/istio manifests/charts/base/files/crd-all.gen.yaml at 1.30.3, kubernetes-sigs/gateway-api
 * config/crd at v1.5.1); tests/differential/ re-checks our verdicts with a real CEL engine on those files.
 * Each problem is reported at the field the rule is attached to.
 *
 * These checks run for every policy and route of every lint and almost never find anything, so the
 * no-finding path reads fields in place (no path-literal arrays for model/access, no forEach closures) and
 * builds paths, lists and sets only when there is something to report or compare.
 */
import type { JsonObject, JsonValue, Resource } from '../../model/types.ts';
import type { SchemaProblem } from './types.ts';

type Out = SchemaProblem[];
type Path = (string | number)[];
/** The CEL checks of one kind, given the resource's spec (an object). */
export type CelCheck = (spec: JsonObject, out: Out) => void;

const isObj = (v: JsonValue | undefined): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/*
 * Fields are read by name (`obj(x)?.rules`): a helper taking the key would share one keyed load among all its
 * callers, which V8 can then only do megamorphically. The keyed helpers below are for computed keys.
 */
/** v when it is an object (not an array). */
const obj = (v: JsonValue | undefined): JsonObject | undefined => (isObj(v) ? v : undefined);
const NONE: readonly JsonValue[] = [];
/** v when it is an array, else an empty one. */
const arr = (v: JsonValue | undefined): readonly JsonValue[] => (Array.isArray(v) ? v : NONE);
const text = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
/** Set in the CEL sense: present and not null. */
const set = (v: JsonValue | undefined): boolean => v !== undefined && v !== null;

const has = (o: JsonValue | undefined, key: string): boolean => isObj(o) && set(o[key]);
const str = (o: JsonValue | undefined, key: string): string | undefined => (isObj(o) ? text(o[key]) : undefined);
const list = (o: JsonValue | undefined, key: string): readonly JsonValue[] => (isObj(o) ? arr(o[key]) : NONE);
const child = (o: JsonValue | undefined, key: string): JsonObject | undefined => (isObj(o) ? obj(o[key]) : undefined);

/** The checks for `group`/`kind`, or undefined when the kind has none (worked out once per kind, see index.ts). */
export function celCheckFor(group: string, kind: string): CelCheck | undefined {
  if (group === 'security.istio.io') {
    if (kind === 'AuthorizationPolicy') return authorizationPolicy;
    if (kind === 'PeerAuthentication') return peerAuthentication;
    if (kind === 'RequestAuthentication') return requestAuthentication;
  } else if (group === 'networking.istio.io') {
    if (kind === 'ServiceEntry') return serviceEntry;
  } else if (group === 'extensions.istio.io') {
    if (kind === 'WasmPlugin') return wasmPlugin;
  } else if (group === 'telemetry.istio.io') {
    if (kind === 'Telemetry') return telemetry;
  } else if (group === 'gateway.networking.k8s.io') {
    if (kind === 'Gateway') return gateway;
    if (kind === 'HTTPRoute') return httpRoute;
    if (kind === 'GRPCRoute') return grpcRoute;
    // The same parentRefs rule is on every route kind's CRD.
    if (kind === 'TCPRoute' || kind === 'TLSRoute' || kind === 'UDPRoute') return parentRefs;
  }
  return undefined;
}

/** Appends the CEL rule violations of r to out; `group` is r's API group. */
export function celChecks(r: Resource, group: string, out: Out): void {
  const check = celCheckFor(group, r.kind);
  const spec = r.obj.spec;
  if (check && isObj(spec)) check(spec, out);
}

// ---------------------------------------------------------------- Istio policy attachment

/** "only one of targetRefs or selector can be set"; "cross namespace referencing is not currently supported". */
function attachment(spec: JsonObject, out: Out, withTargetRef = true): void {
  const count =
    (set(spec.selector) ? 1 : 0) + (withTargetRef && set(spec.targetRef) ? 1 : 0) + (set(spec.targetRefs) ? 1 : 0);
  if (count > 1) {
    const both = ['selector', ...(withTargetRef ? ['targetRef'] : []), 'targetRefs'].filter((k) => has(spec, k));
    out.push({
      path: ['spec', both[1]!],
      message: `Set only one of selector, targetRef and targetRefs (this object sets ${both.join(' and ')}); the API server rejects the combination.`,
    });
  }
  const one = text(obj(spec.targetRef)?.namespace);
  if (one !== undefined && one !== '') out.push({ path: ['spec', 'targetRef', 'namespace'], message: CROSS_NS });
  const refs = arr(spec.targetRefs);
  for (let i = 0; i < refs.length; i++) {
    const ns = text(obj(refs[i])?.namespace);
    if (ns !== undefined && ns !== '') out.push({ path: ['spec', 'targetRefs', i, 'namespace'], message: CROSS_NS });
  }
  const selector = obj(obj(spec.selector)?.matchLabels);
  if (selector) selectorLabels(selector, out);
}

const CROSS_NS =
  'targetRef namespace must be empty: cross-namespace references are not supported; the policy must live in the target’s namespace.';

/** "wildcard not allowed in label key/value match", "key must not be empty" (for spec.selector.matchLabels). */
function selectorLabels(labels: JsonObject, out: Out): void {
  for (const k in labels) {
    const v = labels[k];
    if (k.length === 0)
      out.push({ path: ['spec', 'selector', 'matchLabels'], message: 'A selector label key must not be empty.' });
    else if (k.includes('*'))
      out.push({
        path: ['spec', 'selector', 'matchLabels', k],
        message: 'Wildcards are not allowed in selector label keys.',
      });
    if (typeof v === 'string' && v.includes('*'))
      out.push({
        path: ['spec', 'selector', 'matchLabels', k],
        part: 'value',
        message: 'Wildcards are not allowed in selector label values.',
      });
  }
}

const SA_EXCLUSIVE = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'];

function authorizationPolicy(spec: JsonObject, out: Out): void {
  attachment(spec, out);
  const rules = arr(spec.rules);
  for (let i = 0; i < rules.length; i++) {
    const froms = arr(obj(rules[i])?.from);
    for (let j = 0; j < froms.length; j++) {
      const src = obj(obj(froms[j])?.source);
      if (!src) continue;
      if (!(set(src.serviceAccounts) || set(src.notServiceAccounts))) continue;
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
  const action = text(spec.action);
  const noRules =
    spec.rules === undefined || spec.rules === null || (Array.isArray(spec.rules) && spec.rules.length === 0);
  if ((action === 'DENY' || action === 'CUSTOM') && noRules)
    out.push({
      path: ['spec', 'action'],
      origin: 'webhook',
      message: `A ${action} policy without rules is rejected by istiod's validation (it would never trigger); add rules, or \`rules: [{}]\` to match every request.`,
    });
  if (set(spec.provider) && action !== 'CUSTOM')
    out.push({
      path: ['spec', 'provider'],
      origin: 'webhook',
      message: '`provider` is only allowed with action CUSTOM; istiod rejects it otherwise.',
    });
}

function peerAuthentication(spec: JsonObject, out: Out): void {
  const ml = obj(obj(spec.selector)?.matchLabels);
  if (ml) selectorLabels(ml, out);
  const plm = obj(spec.portLevelMtls);
  if (plm) {
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

const JWKS_SOURCES = ['jwksUri', 'jwks_uri', 'jwks'];
const JWKS_URIS = ['jwksUri', 'jwks_uri'];

function requestAuthentication(spec: JsonObject, out: Out): void {
  attachment(spec, out);
  const rules = arr(spec.jwtRules);
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (!isObj(rule)) continue;
    if (set(rule.jwks) || (set(rule.jwksUri) && set(rule.jwks_uri))) {
      const sources = JWKS_SOURCES.filter((k) => has(rule, k));
      if (sources.length > 1)
        out.push({
          path: ['spec', 'jwtRules', i, sources[1]!],
          message: `Set only one key source per JWT rule (this one sets ${sources.join(' and ')}).`,
        });
    }
    for (const k of JWKS_URIS) {
      const uri = str(rule, k);
      if (uri !== undefined && !/^https?:\/\//i.test(uri))
        out.push({
          path: ['spec', 'jwtRules', i, k],
          part: 'value',
          message: `${k} must be an http:// or https:// URL.`,
        });
    }
  }
}

// ---------------------------------------------------------------- ServiceEntry

function serviceEntry(spec: JsonObject, out: Out): void {
  const hosts = arr(spec.hosts);
  for (let i = 0; i < hosts.length; i++)
    if (hosts[i] === '*')
      out.push({
        path: ['spec', 'hosts', i],
        part: 'value',
        message: 'A ServiceEntry host cannot be the bare wildcard "*".',
      });
  if (set(spec.workloadSelector) && set(spec.endpoints))
    out.push({ path: ['spec', 'endpoints'], message: 'Set only one of workloadSelector and endpoints.' });
  const resolution = text(spec.resolution);
  const addresses = arr(spec.addresses);
  let cidr = -1;
  for (let i = 0; i < addresses.length && cidr < 0; i++) {
    const a = addresses[i];
    if (typeof a === 'string' && a.includes('/')) cidr = i;
  }
  if (cidr >= 0 && resolution !== undefined && resolution !== 'STATIC' && resolution !== 'NONE')
    out.push({
      path: ['spec', 'addresses', cidr],
      part: 'value',
      message: 'CIDR addresses are only allowed with resolution NONE or STATIC.',
    });
  if ((resolution ?? 'NONE') === 'NONE' && set(spec.endpoints))
    out.push({
      path: ['spec', 'endpoints'],
      message: 'resolution NONE (the default) cannot have endpoints; use STATIC or DNS.',
    });
  if (resolution === 'DNS_ROUND_ROBIN' && arr(spec.endpoints).length > 1)
    out.push({ path: ['spec', 'endpoints'], message: 'resolution DNS_ROUND_ROBIN allows at most one endpoint.' });
  const ports = arr(spec.ports);
  if (ports.length < 2) return; // the check below compares ports with each other
  const seen = new Set<number>();
  for (let i = 0; i < ports.length; i++) {
    const n = obj(ports[i])?.number;
    if (typeof n !== 'number') continue;
    if (seen.has(n))
      out.push({
        path: ['spec', 'ports', i, 'number'],
        part: 'value',
        message: `Port number ${n} is listed twice; port numbers must be unique.`,
      });
    else seen.add(n);
  }
}

// ---------------------------------------------------------------- WasmPlugin / Telemetry

const WASM_SCHEMES = ['', 'http', 'https', 'file', 'oci'];

function wasmPlugin(spec: JsonObject, out: Out): void {
  attachment(spec, out, false);
  const url = text(spec.url);
  if (url !== undefined) {
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url);
    const scheme = m ? m[1]!.toLowerCase() : '';
    if (!WASM_SCHEMES.includes(scheme))
      out.push({
        path: ['spec', 'url'],
        part: 'value',
        message: `url scheme "${scheme}" is not allowed; use oci://, http://, https:// or file://.`,
      });
  }
}

function telemetry(spec: JsonObject, out: Out): void {
  attachment(spec, out);
  const metrics = arr(spec.metrics);
  for (let i = 0; i < metrics.length; i++) {
    const overrides = arr(obj(metrics[i])?.overrides);
    for (let j = 0; j < overrides.length; j++) {
      const tags = obj(obj(overrides[j])?.tagOverrides);
      if (!tags) continue;
      for (const name of Object.keys(tags)) {
        const t = obj(tags[name]);
        const op = text(t?.operation);
        if (op === 'UPSERT' && (text(t?.value) ?? '') === '')
          out.push({
            path: ['spec', 'metrics', i, 'overrides', j, 'tagOverrides', name],
            message: `Tag override "${name}" uses UPSERT and needs a value.`,
          });
        if (op === 'REMOVE' && set(t?.value))
          out.push({
            path: ['spec', 'metrics', i, 'overrides', j, 'tagOverrides', name, 'value'],
            message: `Tag override "${name}" uses REMOVE and must not set a value.`,
          });
      }
    }
  }
}

// ---------------------------------------------------------------- Gateway API Gateway

function gateway(spec: JsonObject, out: Out): void {
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

function httpRoute(spec: JsonObject, out: Out): void {
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
function parentRefs(spec: JsonObject, out: Out): void {
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

function grpcRoute(spec: JsonObject, out: Out): void {
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
