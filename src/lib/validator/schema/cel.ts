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
import type { JsonObject, Resource } from '../../model/types.ts';
import { arr, has, isObj, obj, set, str, text, type Out } from './cel-read.ts';
import { gateway, grpcRoute, httpRoute, parentRefs } from './cel-gateway-api.ts';

/** The CEL checks of one kind, given the resource's spec (an object). */
export type CelCheck = (spec: JsonObject, out: Out) => void;

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
