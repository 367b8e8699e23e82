/**
 * AuthorizationPolicy as ztunnel and a waypoint apply it (SEMANTICS §3).
 *
 * ztunnel: istiod converts each policy for ztunnel (istio/istio pilot/pkg/serviceregistry/ambient/authorization.go)
 * and ztunnel evaluates it (istio/ztunnel src/rbac.rs). Only L4 attributes survive; an ALLOW rule that needs L7 is
 * dropped whole, a DENY rule loses its L7 parts (and a match left empty never matches); `trustDomains` is neither
 * converted nor reported, so ztunnel ignores it and the rule matches more than written.
 * waypoint: Envoy RBAC over the full request, for policies attached with targetRefs.
 * The attribute tables and matchers are the semantics layer's (src/lib/ambient/authz.ts).
 */
import { getArray, getObject, getString } from '../model/access.ts';
import type { JsonObject, JsonValue, Resource } from '../model/types.ts';
import { re2FullMatch, re2Quote } from '../model/re2.ts';
import {
  anyPrincipalMatches,
  IP_WHEN_KEYS,
  ipMatch,
  isL4WhenKey,
  L7_OPERATION_FIELDS,
  L7_SOURCE_FIELDS,
  serviceAccountMatches,
  stringMatch,
  ZTUNNEL_IGNORED_SOURCE_FIELDS,
} from '../ambient/index.ts';
import { hasExtensionProvider } from '../ambient/meshconfig.ts';
import type { MeshConfig } from '../ambient/meshconfig.ts';
import { EMPTY_OBJECT, policyOf } from './policies.ts';
import type { AppliedPolicy } from './policies.ts';
import type { DecidedBy, Decision } from './types.ts';

// Policy selection lives in policies.ts; these names stay importable from here for existing callers.
export { inNamespaces, policiesForWaypoint, policiesForWorkload, targetsByName } from './policies.ts';
export type { AppliedPolicy } from './policies.ts';

export interface Peer {
  /** Without `spiffe://`; undefined for plaintext (no identity). */
  readonly principal?: string;
  readonly namespace?: string;
  readonly ip?: string;
}

export interface JwtAuth {
  /** `<iss>/<sub>` */
  readonly principal: string;
  readonly claims: JsonObject;
  readonly audiences: readonly string[];
  readonly presenter?: string;
}

export interface AuthzRequest {
  readonly layer: 'l4' | 'l7';
  readonly source: Peer;
  /** The port as the enforcement point sees it (pod target port at ztunnel). */
  readonly destPort: number;
  readonly destIp?: string;
  readonly method?: string;
  /** Path without the query string. */
  readonly path?: string;
  readonly host?: string;
  /** Lower-cased names. A Map: a header named like an Object.prototype member must find nothing. */
  readonly headers?: ReadonlyMap<string, string>;
  /** Original client address seen by the waypoint (remoteIpBlocks / remote.ip). */
  readonly remoteIp?: string;
  readonly auth?: JwtAuth;
}

export interface AuthzOutcome {
  readonly allowed: boolean;
  readonly decisions: Decision[];
  readonly decidedBy: DecidedBy | null;
  readonly notes: string[];
}

/** Deepest `request.auth.claims[a][b]…` path followed: claims are attacker-supplied JSON. */
const MAX_CLAIM_DEPTH = 64;

const strings = (v: JsonValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' || typeof x === 'number').map(String) : [];
const nonEmpty = (o: JsonObject | undefined, k: string) =>
  o !== undefined && Object.prototype.hasOwnProperty.call(o, k) && Array.isArray(o[k]) && o[k].length > 0;

const NONE: readonly string[] = Object.freeze([]);

/**
 * A `source`, `operation` or `when` entry read once: each field's strings and the fields that are set. Parsed
 * manifests are never mutated, so the compiled form is kept per object for as long as the object lives; a trace
 * then only compares strings.
 */
interface CompiledMatch {
  readonly fields: ReadonlyMap<string, readonly string[]>;
  /** Keys holding a non-empty list. */
  readonly present: readonly string[];
}
const compiledMatches = new WeakMap<JsonObject, CompiledMatch>();
function compiled(o: JsonObject): CompiledMatch {
  let c = compiledMatches.get(o);
  if (!c) {
    const fields = new Map<string, readonly string[]>();
    for (const k of Object.keys(o)) fields.set(k, strings(o[k]));
    c = { fields, present: presentKeys(o) };
    compiledMatches.set(o, c);
  }
  return c;
}

/**
 * Path match at the waypoint: exact, `*`, `x*`, `*x`, and the `{*}` (one segment) / `{**}` (rest) templates
 * (istio/istio pilot/pkg/security/authz/matcher: path templates).
 */
export function pathMatch(pattern: string, path: string): boolean {
  if (pattern.includes('{*}') || pattern.includes('{**}')) {
    // An RE2 full match (model/re2.ts), not a JavaScript RegExp: each `{**}` becomes `.*`, and several of them
    // backtrack polynomially in JavaScript; RE2 stays linear. Literal segments are quoted.
    const src = pattern
      .split('/')
      .map((seg) => (seg === '{*}' ? '[^/]+' : seg === '{**}' ? '.*' : re2Quote(seg)))
      .join('/');
    return re2FullMatch(src, path);
  }
  return stringMatch(pattern, path);
}

function headerValue(req: AuthzRequest, name: string): string | undefined {
  return req.headers?.get(name.toLowerCase());
}

/**
 * The values a claim path names, walked through own properties only (a claim called `constructor` is absent, not
 * Object's constructor). Envoy matches `request.auth.claims[…]` against a string, or each string of a list; other
 * values (numbers, objects) match nothing.
 */
function claimValue(claims: JsonObject, path: readonly string[]): string[] {
  if (path.length > MAX_CLAIM_DEPTH) return [];
  let cur: JsonValue = claims;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return [];
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return [];
    cur = cur[seg]!;
  }
  if (typeof cur === 'string') return [cur];
  return Array.isArray(cur) ? cur.filter((x): x is string => typeof x === 'string') : [];
}

/** Values the request carries for a `when` key; undefined = attribute unknown to this simulator. */
function whenValues(key: string, req: AuthzRequest): string[] | undefined {
  switch (key) {
    case 'source.ip':
      return req.source.ip !== undefined ? [req.source.ip] : [];
    case 'source.namespace':
      return req.source.namespace !== undefined ? [req.source.namespace] : [];
    case 'source.principal':
      return req.source.principal !== undefined ? [req.source.principal] : [];
    case 'destination.ip':
      return req.destIp !== undefined ? [req.destIp] : [];
    case 'destination.port':
      return [String(req.destPort)];
    case 'remote.ip':
      return req.remoteIp !== undefined ? [req.remoteIp] : [];
    case 'request.auth.principal':
      return req.auth ? [req.auth.principal] : [];
    case 'request.auth.audiences':
      return req.auth ? [...req.auth.audiences] : [];
    case 'request.auth.presenter':
      return req.auth?.presenter !== undefined ? [req.auth.presenter] : [];
    case 'connection.sni':
      return [];
  }
  const header = /^request\.headers\[(.+)\]$/.exec(key);
  if (header) {
    const v = headerValue(req, header[1]!);
    return v !== undefined ? [v] : [];
  }
  const claim = /^request\.auth\.claims((?:\[[^\]]+\])+)$/.exec(key);
  if (claim) {
    const path = [...claim[1]!.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
    return req.auth ? claimValue(req.auth.claims, path) : [];
  }
  return undefined;
}

function whenMatches(cond: JsonObject, req: AuthzRequest): boolean {
  const key = getString(cond, ['key']) ?? '';
  const have = whenValues(key, req);
  if (have === undefined) return false;
  const c = compiled(cond);
  const values = c.fields.get('values') ?? NONE;
  const notValues = c.fields.get('notValues') ?? NONE;
  const isIp = IP_WHEN_KEYS.has(key);
  const one = (p: string, v: string) => (isIp ? ipMatch(p, v) : stringMatch(p, v));
  if (values.length && !have.some((v) => values.some((p) => one(p, v)))) return false;
  if (notValues.length && have.some((v) => notValues.some((p) => one(p, v)))) return false;
  return true;
}

function sourceMatches(src: JsonObject, req: AuthzRequest, policyNs: string, skip: ReadonlySet<string>): boolean {
  const fields = compiled(src).fields;
  const f = (k: string): readonly string[] => (skip.has(k) ? NONE : (fields.get(k) ?? NONE));
  const principal = req.source.principal;
  const ns = req.source.namespace;
  if (f('principals').length && !anyPrincipalMatches(f('principals'), principal)) return false;
  if (f('notPrincipals').length && anyPrincipalMatches(f('notPrincipals'), principal)) return false;
  if (
    f('namespaces').length &&
    !(ns !== undefined && principal !== undefined && f('namespaces').some((p) => stringMatch(p, ns)))
  )
    return false;
  if (
    f('notNamespaces').length &&
    ns !== undefined &&
    principal !== undefined &&
    f('notNamespaces').some((p) => stringMatch(p, ns))
  )
    return false;
  if (f('serviceAccounts').length && !serviceAccountMatches(f('serviceAccounts'), principal, policyNs)) return false;
  if (f('notServiceAccounts').length && serviceAccountMatches(f('notServiceAccounts'), principal, policyNs))
    return false;
  const td = principal?.split('/')[0];
  if (f('trustDomains').length && !(td !== undefined && f('trustDomains').some((p) => stringMatch(p, td))))
    return false;
  if (f('notTrustDomains').length && td !== undefined && f('notTrustDomains').some((p) => stringMatch(p, td)))
    return false;
  if (f('ipBlocks').length && !f('ipBlocks').some((b) => ipMatch(b, req.source.ip))) return false;
  if (f('notIpBlocks').length && f('notIpBlocks').some((b) => ipMatch(b, req.source.ip))) return false;
  const remote = req.remoteIp ?? req.source.ip;
  if (f('remoteIpBlocks').length && !f('remoteIpBlocks').some((b) => ipMatch(b, remote))) return false;
  if (f('notRemoteIpBlocks').length && f('notRemoteIpBlocks').some((b) => ipMatch(b, remote))) return false;
  const rp = req.auth?.principal;
  if (f('requestPrincipals').length && !(rp !== undefined && f('requestPrincipals').some((p) => stringMatch(p, rp))))
    return false;
  if (f('notRequestPrincipals').length && rp !== undefined && f('notRequestPrincipals').some((p) => stringMatch(p, rp)))
    return false;
  return true;
}

function operationMatches(op: JsonObject, req: AuthzRequest, skip: ReadonlySet<string>): boolean {
  const fields = compiled(op).fields;
  const f = (k: string): readonly string[] => (skip.has(k) ? NONE : (fields.get(k) ?? NONE));
  const port = String(req.destPort);
  if (f('ports').length && !f('ports').includes(port)) return false;
  if (f('notPorts').length && f('notPorts').includes(port)) return false;
  const method = req.method ?? '';
  if (f('methods').length && !f('methods').some((m) => stringMatch(m, method))) return false;
  if (f('notMethods').length && f('notMethods').some((m) => stringMatch(m, method))) return false;
  const path = req.path ?? '';
  if (f('paths').length && !f('paths').some((p) => pathMatch(p, path))) return false;
  if (f('notPaths').length && f('notPaths').some((p) => pathMatch(p, path))) return false;
  if (!f('hosts').length && !f('notHosts').length) return true;
  // Host matching ignores case and a `:port` suffix on the Host header.
  const host = (req.host ?? '').toLowerCase();
  const hostNoPort = host.replace(/:\d+$/, '');
  const hostOk = (p: string) => stringMatch(p, host, true) || stringMatch(p, hostNoPort, true);
  if (f('hosts').length && !f('hosts').some(hostOk)) return false;
  if (f('notHosts').length && f('notHosts').some(hostOk)) return false;
  return true;
}

/** How ztunnel sees one rule. */
type L4View =
  | { kind: 'kept'; stripped: string[]; ignored?: string[] }
  | { kind: 'dropped'; why: string }
  | { kind: 'noop'; why: string };

type EnforcementPoint = 'ztunnel' | 'waypoint' | 'sidecar';

function l7FieldsOf(rule: JsonObject): string[] {
  const found = new Set<string>();
  for (const e of getArray(rule, ['from']))
    for (const k of L7_SOURCE_FIELDS) if (nonEmpty(getObject(e, ['source']), k)) found.add(`source.${k}`);
  for (const e of getArray(rule, ['to']))
    for (const k of L7_OPERATION_FIELDS) if (nonEmpty(getObject(e, ['operation']), k)) found.add(`operation.${k}`);
  for (const w of getArray(rule, ['when'])) {
    const key = getString(w, ['key']) ?? '';
    if (!isL4WhenKey(key)) found.add(`when ${key}`);
  }
  return [...found];
}

/** Source fields ztunnel drops without a word (trustDomains): set in this rule. */
function ignoredFieldsOf(rule: JsonObject): string[] {
  const found = new Set<string>();
  for (const e of getArray(rule, ['from']))
    for (const k of ZTUNNEL_IGNORED_SOURCE_FIELDS) if (nonEmpty(getObject(e, ['source']), k)) found.add(`source.${k}`);
  return [...found];
}

function presentKeys(o: JsonObject | undefined): string[] {
  return o ? Object.keys(o).filter((k) => nonEmpty(o, k)) : [];
}

/**
 * Fields an L4-only check does not evaluate, per enforcement point (built once). ztunnel also skips the fields it
 * ignores (trustDomains); Envoy's TCP RBAC at a waypoint or sidecar still matches trust domains on the peer
 * certificate.
 */
const L4_SKIP: Readonly<Record<EnforcementPoint, ReadonlySet<string>>> = {
  ztunnel: new Set<string>([...L7_SOURCE_FIELDS, ...ZTUNNEL_IGNORED_SOURCE_FIELDS, ...L7_OPERATION_FIELDS]),
  waypoint: new Set<string>([...L7_SOURCE_FIELDS, ...L7_OPERATION_FIELDS]),
  sidecar: new Set<string>([...L7_SOURCE_FIELDS, ...L7_OPERATION_FIELDS]),
};
const SKIP_NOTHING: ReadonlySet<string> = new Set();
const NO_POLICIES: readonly AppliedPolicy[] = Object.freeze([]);

/** l4View of a rule object, computed once per rule, action and enforcement point. */
const l4Views = new WeakMap<JsonObject, Map<string, L4View>>();
function l4ViewOnce(rule: JsonObject, action: 'ALLOW' | 'DENY', at: EnforcementPoint): L4View {
  let byKey = l4Views.get(rule);
  if (!byKey) l4Views.set(rule, (byKey = new Map()));
  const key = `${action} ${at}`;
  let v = byKey.get(key);
  if (!v) byKey.set(key, (v = l4View(rule, action, at)));
  return v;
}

export function l4View(rule: JsonObject, action: 'ALLOW' | 'DENY', at: EnforcementPoint = 'ztunnel'): L4View {
  const l7 = l7FieldsOf(rule);
  // Only ztunnel ignores trustDomains (release-1.31 A/authorization.go handleRule builds its matches without them).
  const ignored = at === 'ztunnel' ? ignoredFieldsOf(rule) : [];
  const withIgnored = (v: { kind: 'kept'; stripped: string[] }): L4View => (ignored.length ? { ...v, ignored } : v);
  const who = at === 'ztunnel' ? 'ztunnel' : 'an L4 (TCP) check';
  if (action === 'ALLOW') {
    return l7.length
      ? {
          kind: 'dropped',
          why: `ALLOW rule uses ${l7.join(', ')}, which ${who} cannot evaluate: the whole rule is dropped`,
        }
      : withIgnored({ kind: 'kept', stripped: [] });
  }
  if (getArray(rule, ['when']).some((w) => !isL4WhenKey(getString(w, ['key']) ?? ''))) {
    return {
      kind: 'noop',
      why: `DENY rule has an L7 condition (${l7.filter((x) => x.startsWith('when')).join(', ')}): ${who} can never match it, the rule is a no-op`,
    };
  }
  const skip = L4_SKIP[at];
  // A match that had fields and is left with none after removing L7 (and ignored) fields never matches.
  const emptied = (o: JsonObject | undefined) => {
    const keys = presentKeys(o);
    return keys.length > 0 && keys.every((k) => skip.has(k));
  };
  const from = getArray(rule, ['from']);
  if (from.length && from.every((e) => emptied(getObject(e, ['source'])))) {
    return {
      kind: 'noop',
      why: `DENY rule: every \`from\` entry only has fields ${who} cannot evaluate${ignored.length ? ' or ignores' : ''}; an empty match never matches, so the rule is a no-op`,
    };
  }
  const to = getArray(rule, ['to']);
  if (to.length && to.every((e) => emptied(getObject(e, ['operation'])))) {
    return {
      kind: 'noop',
      why: `DENY rule: every \`to\` entry only has HTTP fields (hosts/methods/paths), which ${who} cannot evaluate; the rule is a no-op`,
    };
  }
  return withIgnored({ kind: 'kept', stripped: l7 });
}

function ruleMatches(
  rule: JsonObject,
  req: AuthzRequest,
  policyNs: string,
  skip: ReadonlySet<string>,
  /** `any`: a match with no field left never matches (ztunnel); `stripped`: only when stripping emptied it. */
  emptyNeverMatches: 'any' | 'stripped' | 'no',
): boolean {
  const never = (o: JsonObject) => {
    const keys = compiled(o).present;
    let left = 0;
    for (const k of keys) if (!skip.has(k)) left++;
    return emptyNeverMatches === 'any' ? left === 0 : emptyNeverMatches === 'stripped' && keys.length > 0 && left === 0;
  };
  const { sources, operations, when } = partsOf(rule);
  if (sources.length) {
    let ok = false;
    for (const src of sources)
      if (!never(src) && sourceMatches(src, req, policyNs, skip)) {
        ok = true;
        break;
      }
    if (!ok) return false;
  }
  if (operations.length) {
    let ok = false;
    for (const op of operations)
      if (!never(op) && operationMatches(op, req, skip)) {
        ok = true;
        break;
      }
    if (!ok) return false;
  }
  for (const w of when) if (!whenMatches(w, req)) return false;
  return true;
}

/** A rule's `from[].source`, `to[].operation` and `when[]` objects (absent ones as an empty object), read once. */
interface RuleParts {
  readonly sources: readonly JsonObject[];
  readonly operations: readonly JsonObject[];
  readonly when: readonly JsonObject[];
}
const ruleParts = new WeakMap<JsonObject, RuleParts>();
function partsOf(rule: JsonObject): RuleParts {
  let p = ruleParts.get(rule);
  if (!p) {
    p = {
      sources: getArray(rule, ['from']).map((e) => getObject(e, ['source']) ?? EMPTY_OBJECT),
      operations: getArray(rule, ['to']).map((e) => getObject(e, ['operation']) ?? EMPTY_OBJECT),
      when: getArray(rule, ['when']).map((w) => getObject(w, []) ?? EMPTY_OBJECT),
    };
    ruleParts.set(rule, p);
  }
  return p;
}

const id = (r: Resource) => `${r.namespace}/${r.name}`;
const providerName = (r: Resource): string => getString(r.obj, ['spec', 'provider', 'name']) ?? '';
const hasProvider = (r: Resource, mc: MeshConfig): boolean => hasExtensionProvider(mc, providerName(r));
const badCustomNote = (r: Resource): string =>
  `provider "${providerName(r)}" is not in meshConfig.extensionProviders: istiod replaces this CUSTOM policy with a DENY of the same rules`;
const decided = (r: Resource, rule?: number): DecidedBy => ({
  kind: r.kind,
  namespace: r.namespace,
  name: r.name,
  ...(rule !== undefined ? { rule } : {}),
});

/**
 * Evaluate policies the way the enforcement point does: any matching DENY denies; no ALLOW policies allows; a
 * matching ALLOW allows; otherwise deny (SEMANTICS §3 "Order"). At ztunnel the rules are first reduced to L4.
 */
export function evaluate(
  policies: readonly AppliedPolicy[],
  req: AuthzRequest,
  at: 'ztunnel' | 'waypoint' | 'sidecar',
  /** The mesh's MeshConfig when known: a CUSTOM policy naming a provider it lacks then denies what it matches. */
  meshConfig?: MeshConfig,
): AuthzOutcome {
  const decisions: Decision[] = [];
  const notes: string[] = [];
  const l4only = at === 'ztunnel' || req.layer === 'l4';
  const denies: AppliedPolicy[] = [];
  const allows: AppliedPolicy[] = [];
  let dryRuns: AppliedPolicy[] | undefined;
  let badCustom: AppliedPolicy[] | undefined;
  for (const p of policies) {
    const { action, dryRun } = policyOf(p.resource);
    // istio.io/dry-run: never enforced and never counted as an ALLOW policy (SEMANTICS §3 [rev]).
    if (dryRun && (action === 'ALLOW' || action === 'DENY')) (dryRuns ??= []).push(p);
    else if (action === 'DENY') denies.push(p);
    else if (action === 'ALLOW') allows.push(p);
    else if (at === 'ztunnel') {
      decisions.push({
        step: 'authz',
        policy: id(p.resource),
        action,
        matched: false,
        note: `${action} policies are not enforced by ztunnel (dropped, reported in status)`,
      });
    } else if (action === 'CUSTOM' && meshConfig && !dryRun && !hasProvider(p.resource, meshConfig)) {
      (badCustom ??= []).push(p);
    } else {
      decisions.push({
        step: 'authz',
        policy: id(p.resource),
        action,
        matched: false,
        note: action === 'CUSTOM' ? 'CUSTOM (ext-authz) is not simulated: assumed to allow' : 'AUDIT only logs',
      });
    }
  }
  const check = (
    p: AppliedPolicy,
    action: 'ALLOW' | 'DENY',
    decisions: Decision[],
    notes: string[],
  ): { matched: boolean; rule?: number } => {
    const r = p.resource;
    const rules = policyOf(r).rules;
    if (action === 'DENY' && rules.length === 0) {
      decisions.push({
        step: 'authz',
        policy: id(r),
        action,
        matched: false,
        note: 'DENY without rules is rejected by validation and never matches',
      });
      return { matched: false };
    }
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      let skip = SKIP_NOTHING;
      if (l4only) {
        const view = l4ViewOnce(rule, action, at);
        if (view.kind !== 'kept') {
          decisions.push({ step: 'authz', policy: id(r), action, matched: false, rule: i, note: view.why });
          continue;
        }
        skip = L4_SKIP[at];
        if (view.stripped.length)
          notes.push(
            `${id(r)} rule ${i}: ztunnel removed ${view.stripped.join(', ')} and kept the L4 part, so this DENY is broader than written`,
          );
        if (view.ignored)
          notes.push(
            `${id(r)} rule ${i}: ztunnel ignores ${view.ignored.join(', ')} (istiod neither converts nor reports it), so this ${action} matches more callers than written`,
          );
      }
      // ztunnel skips an empty match (match-none, not match-all: authorization.go isMatchEmpty), whatever the action.
      const emptyNeverMatches = at === 'ztunnel' ? 'any' : l4only && action === 'DENY' ? 'stripped' : 'no';
      if (ruleMatches(rule, req, r.namespace, skip, emptyNeverMatches)) return { matched: true, rule: i };
    }
    if (action === 'ALLOW' && rules.length === 0)
      decisions.push({
        step: 'authz',
        policy: id(r),
        action,
        matched: false,
        note: 'ALLOW without rules matches nothing (deny all)',
      });
    return { matched: false };
  };
  /** Evaluate one policy and record the outcome as a decision. */
  const decide = (p: AppliedPolicy, action: 'ALLOW' | 'DENY', customNote?: string) => {
    const m = check(p, action, decisions, notes);
    decisions.push({
      step: 'authz',
      policy: id(p.resource),
      action: customNote ? 'CUSTOM' : action,
      matched: m.matched,
      ...(m.rule !== undefined ? { rule: m.rule } : {}),
      ...(customNote ? { note: customNote } : {}),
    });
    return m;
  };
  for (const p of dryRuns ?? NO_POLICIES) {
    const action = policyOf(p.resource).action as 'ALLOW' | 'DENY';
    if (at === 'ztunnel') {
      decisions.push({
        step: 'authz',
        policy: id(p.resource),
        action,
        matched: false,
        note: 'istio.io/dry-run: not sent to ztunnel unless istiod runs with AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY=true (status UnsupportedValue), and even then only logged: not enforced, and not counted as an ALLOW policy',
      });
      continue;
    }
    // Envoy keeps it as a shadow rule: evaluated and logged, never enforced.
    const m = check(p, action, [], []);
    decisions.push({
      step: 'authz',
      policy: id(p.resource),
      action,
      matched: false,
      note: `istio.io/dry-run: a shadow rule, logged but not enforced and not counted as an ALLOW policy (it would ${m.matched ? `match, rule ${m.rule ?? 0}` : 'not match'})`,
    });
  }
  // A CUSTOM policy whose provider is not in meshConfig.extensionProviders: istiod cannot build its ext_authz
  // filter and puts an RBAC DENY of the same rules in its place, ahead of the DENY policies (release-1.31
  // pilot/pkg/security/authz/builder/builder.go, "will generate deny configs" / getBadCustomDenyRules).
  for (const p of badCustom ?? NO_POLICIES) {
    const m = decide(p, 'DENY', badCustomNote(p.resource));
    if (m.matched) return { allowed: false, decisions, decidedBy: decided(p.resource, m.rule), notes };
  }
  for (const p of denies) {
    const m = decide(p, 'DENY');
    if (m.matched) return { allowed: false, decisions, decidedBy: decided(p.resource, m.rule), notes };
  }
  if (allows.length === 0) return { allowed: true, decisions, decidedBy: null, notes };
  for (const p of allows) {
    const m = decide(p, 'ALLOW');
    if (m.matched) return { allowed: true, decisions, decidedBy: decided(p.resource, m.rule), notes };
  }
  notes.push('ALLOW policies apply here but none matched: denied by default');
  // The deciding policy of a default deny is the first ALLOW in scope (what a reader must change).
  return { allowed: false, decisions, decidedBy: decided(allows[0]!.resource), notes };
}
