/**
 * Policy facts: what the rules filter Istio policies on, read once per mesh (SEMANTICS §3 for the L4 / L7 split;
 * src/lib/ambient/authz.ts holds the tables, from release-1.31 pilot/pkg/serviceregistry/kube/controller/ambient/
 * authorization.go).
 */
import { get, getObject, getString } from '../../model/access.ts';
import type { Mesh } from '../../model/mesh.ts';
import type { JsonObject, JsonValue, ObjectPath, Resource } from '../../model/types.ts';
import {
  actionOf,
  hasTargetRefs,
  isDryRun,
  isL4WhenKey,
  L7_OPERATION_FIELDS,
  L7_SOURCE_FIELDS,
  targetRefs,
  type Action,
  type TargetRef,
} from '../../ambient/index.ts';
import { perMeshItem } from './per-mesh.ts';
import { isGroup, isObject, strings } from './resources.ts';

export interface L7Use {
  readonly path: ObjectPath;
  readonly field: string;
}

const NO_L7: readonly L7Use[] = Object.freeze([]);

/**
 * Every L7-only attribute of `spec.rules[i]`, in document order (a shared empty array when there is none: the
 * common case, so it allocates nothing then).
 */
export function l7Uses(r: Resource, i: number): readonly L7Use[] {
  const rule = get(r.obj, ['spec', 'rules', i]);
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return NO_L7;
  let out: L7Use[] | undefined;
  const from = rule.from;
  if (Array.isArray(from))
    for (let j = 0; j < from.length; j++) {
      const src = getObject(from[j], ['source']);
      if (!src) continue;
      for (const k of L7_SOURCE_FIELDS)
        if (src[k] !== undefined) (out ??= []).push({ path: ['spec', 'rules', i, 'from', j, 'source', k], field: k });
    }
  const to = rule.to;
  if (Array.isArray(to))
    for (let j = 0; j < to.length; j++) {
      const op = getObject(to[j], ['operation']);
      if (!op) continue;
      for (const k of L7_OPERATION_FIELDS)
        if (op[k] !== undefined) (out ??= []).push({ path: ['spec', 'rules', i, 'to', j, 'operation', k], field: k });
    }
  const when = rule.when;
  if (Array.isArray(when))
    for (let j = 0; j < when.length; j++) {
      const key = getString(when[j], ['key']);
      if (key !== undefined && !isL4WhenKey(key))
        (out ??= []).push({ path: ['spec', 'rules', i, 'when', j, 'key'], field: `when ${key}` });
    }
  return out ?? NO_L7;
}

// ---------------------------------------------------------------- policy digests

/** Bits of PolicyDigest.uses. Each may be set when the exact check finds nothing; never unset when it would. */
export const USES_L7 = 1; // l7Uses() of some rule is not empty
export const USES_DROPPED_SOURCE = 2; // a from.source has trustDomains / notTrustDomains (ztunnel ignores them)
export const USES_PORT = 4; // a to.operation has ports / notPorts, or a when key is destination.port

/** Caller identities of a policy whose every rule names them (see PolicyDigest.callers). */
export interface Callers {
  readonly principals: readonly string[];
  readonly namespaces: readonly string[];
  readonly serviceAccounts: readonly string[];
}

/**
 * What the policy rules filter a policy on, read once per mesh. The rule-derived fields (action, dryRun, ruleCount,
 * uses, callers) read AuthorizationPolicy fields; other kinds have none of them, so they read as an ALLOW policy
 * without rules.
 */
export interface PolicyDigest {
  readonly resource: Resource;
  /** resource.namespace (a rule that reads only the digest does not touch the resource). */
  readonly namespace: string;
  /** apiVersion is in the kind's Istio group (security.istio.io/… for AuthorizationPolicy). */
  readonly istio: boolean;
  readonly action: Action;
  /**
   * `istio.io/dry-run` (ParseBool): never enforced — not sent to ztunnel unless istiod runs with
   * AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY (and then only logged), a shadow rule at a waypoint; it does not
   * count as an ALLOW policy either (release-1.31 A/authorization.go convertAuthorizationPolicy).
   */
  readonly dryRun: boolean;
  /** hasTargetRefs() */
  readonly targeted: boolean;
  /** targetRefs() */
  readonly targetRefs: readonly TargetRef[];
  /** spec.selector when it is an object. */
  readonly selector: JsonObject | undefined;
  /** Length of spec.rules (0 when it is not an array). */
  readonly ruleCount: number;
  /** USES_* bits. */
  readonly uses: number;
  /**
   * The strings of every from.source's principals, namespaces and serviceAccounts, when every rule has a `from`
   * whose every source names at least one of them; undefined when a rule matches callers without naming them
   * (no from, a source without identity strings) or there are no rules. A source admits a caller when one of
   * its strings matches, so the policy admits one exactly when one of these does.
   */
  readonly callers: Callers | undefined;
}

const NO_VALUES: readonly JsonValue[] = Object.freeze([]);
const NO_STRINGS: readonly string[] = Object.freeze([]);

/**
 * The Istio policy kinds that attach by selector or targetRefs, with their API group. Every one gets a digest:
 * rules read selectors and targetRefs of all of them alike.
 */
export const POLICY_KINDS: ReadonlyMap<string, string> = new Map([
  ['AuthorizationPolicy', 'security.istio.io'],
  ['PeerAuthentication', 'security.istio.io'],
  ['RequestAuthentication', 'security.istio.io'],
  ['Telemetry', 'telemetry.istio.io'],
  ['WasmPlugin', 'extensions.istio.io'],
]);
export type PolicyKind =
  'AuthorizationPolicy' | 'PeerAuthentication' | 'RequestAuthentication' | 'Telemetry' | 'WasmPlugin';

/**
 * Every policy of one kind in the mesh (in byKind order) with what the rules filter on. Eight rules walk all
 * AuthorizationPolicies; on a large mesh each walk was dominated by cache misses on the parsed objects, which lie
 * scattered over the heap (≈1 µs per policy and walk at 20,000 resources), so one pass per kind reads them and
 * the rules go back to a policy's objects only when it can yield a finding.
 */
export function policies(mesh: Mesh, kind: PolicyKind): readonly PolicyDigest[] {
  return digestsOf(mesh, kind);
}
const digestsOf = perMeshItem('policy digests', (mesh, kind: PolicyKind) => mesh.byKind(kind).map(digest));

function digest(r: Resource): PolicyDigest {
  const s = r.obj.spec;
  const spec = isObject(s) ? s : undefined;
  const rules = spec && Array.isArray(spec.rules) ? spec.rules : NO_VALUES;
  const selector = spec && isObject(spec.selector) ? spec.selector : undefined;
  let uses = 0;
  let named = rules.length > 0; // every rule names its callers so far
  let principals = NO_STRINGS;
  let namespaces = NO_STRINGS;
  let serviceAccounts = NO_STRINGS;
  // Indexed loops and named reads: this is the one pass over every policy's rules (see policies()).
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (!isObject(rule)) {
      named = false;
      continue;
    }
    const from = rule.from;
    if (!Array.isArray(from) || from.length === 0) named = false;
    else
      for (let j = 0; j < from.length; j++) {
        const f = from[j];
        const src = isObject(f) ? f.source : undefined;
        if (!isObject(src)) {
          named = false;
          continue;
        }
        // Named reads (L7_SOURCE_FIELDS, ZTUNNEL_IGNORED_SOURCE_FIELDS): a loop over key names made each a megamorphic keyed load.
        if (
          src.requestPrincipals !== undefined ||
          src.notRequestPrincipals !== undefined ||
          src.remoteIpBlocks !== undefined ||
          src.notRemoteIpBlocks !== undefined
        )
          uses |= USES_L7;
        if (src.trustDomains !== undefined || src.notTrustDomains !== undefined) uses |= USES_DROPPED_SOURCE;
        if (named) {
          const n = principals.length + namespaces.length + serviceAccounts.length;
          principals = withStrings(principals, src.principals);
          namespaces = withStrings(namespaces, src.namespaces);
          serviceAccounts = withStrings(serviceAccounts, src.serviceAccounts);
          if (principals.length + namespaces.length + serviceAccounts.length === n) named = false;
        }
      }
    const to = rule.to;
    if (Array.isArray(to))
      for (let j = 0; j < to.length; j++) {
        const t = to[j];
        const op = isObject(t) ? t.operation : undefined;
        if (!isObject(op)) continue;
        if (
          op.hosts !== undefined ||
          op.notHosts !== undefined ||
          op.methods !== undefined ||
          op.notMethods !== undefined ||
          op.paths !== undefined ||
          op.notPaths !== undefined
        )
          uses |= USES_L7; // L7_OPERATION_FIELDS
        if (Array.isArray(op.ports) || Array.isArray(op.notPorts)) uses |= USES_PORT;
      }
    const when = rule.when;
    if (Array.isArray(when))
      for (let j = 0; j < when.length; j++) {
        const w = when[j];
        const key = isObject(w) ? w.key : undefined;
        if (typeof key !== 'string') continue;
        if (!isL4WhenKey(key)) uses |= USES_L7;
        else if (key === 'destination.port') uses |= USES_PORT;
      }
  }
  return {
    resource: r,
    namespace: r.namespace,
    istio: isGroup(r, POLICY_KINDS.get(r.kind) ?? ''),
    action: actionOf(r),
    dryRun: isDryRun(r.annotations),
    targeted: hasTargetRefs(r),
    targetRefs: targetRefs(r),
    selector,
    ruleCount: rules.length,
    uses,
    callers: named ? { principals, namespaces, serviceAccounts } : undefined,
  };
}

/**
 * `acc` followed by the strings of `v`. The usual field is one all-string list: that list itself is returned,
 * not a copy (the digest keeps these for the whole run; it only reads them).
 */
function withStrings(acc: readonly string[], v: JsonValue | undefined): readonly string[] {
  if (!Array.isArray(v) || v.length === 0) return acc;
  const own = allStrings(v) ? (v as string[]) : strings(v);
  return acc.length === 0 ? own : own.length === 0 ? acc : [...acc, ...own];
}

/** Every index holds a string (an indexed loop: every() would skip holes). */
function allStrings(v: readonly JsonValue[]): boolean {
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}
