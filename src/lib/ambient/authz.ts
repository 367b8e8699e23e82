/**
 * AuthorizationPolicy attributes and matching, the one home for what ztunnel and a waypoint can evaluate
 * (SEMANTICS §3). Tables follow istio/istio release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go:
 * `handleRule` keeps the L4 source/operation fields, `httpOperations` / `httpSources` list the HTTP-only ones, and
 * `l4WhenAttributes` the `when` keys ztunnel understands. Everything not listed in any of them (`trustDomains`,
 * `notTrustDomains`) is neither converted nor reported: ztunnel silently ignores it.
 */

/** `from.source` fields ztunnel enforces. */
export const L4_SOURCE_FIELDS = [
  'principals',
  'notPrincipals',
  'namespaces',
  'notNamespaces',
  'ipBlocks',
  'notIpBlocks',
  'serviceAccounts',
  'notServiceAccounts',
] as const;
/** `from.source` fields only an HTTP enforcement point (a waypoint) can evaluate (`httpSources`). */
export const L7_SOURCE_FIELDS = [
  'requestPrincipals',
  'notRequestPrincipals',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
] as const;
/**
 * `from.source` fields ztunnel neither converts nor reports: dropped without a word, so a rule that also names
 * something else matches more callers than written (SEMANTICS §3 [rev]).
 */
export const ZTUNNEL_IGNORED_SOURCE_FIELDS = ['trustDomains', 'notTrustDomains'] as const;
/** `to.operation` fields ztunnel enforces. */
export const L4_OPERATION_FIELDS = ['ports', 'notPorts'] as const;
/** `to.operation` fields only HTTP can evaluate (`httpOperations`). */
export const L7_OPERATION_FIELDS = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'] as const;
/** `when` keys ztunnel understands (`l4WhenAttributes`); every other key is L7. */
export const L4_WHEN_KEYS: ReadonlySet<string> = new Set([
  'source.ip',
  'source.namespace',
  'source.principal',
  'destination.ip',
  'destination.port',
]);
/** `when` keys whose values are IP addresses or CIDR blocks. */
export const IP_WHEN_KEYS: ReadonlySet<string> = new Set(['source.ip', 'destination.ip', 'remote.ip']);

export type SourceField =
  | (typeof L4_SOURCE_FIELDS)[number]
  | (typeof L7_SOURCE_FIELDS)[number]
  | (typeof ZTUNNEL_IGNORED_SOURCE_FIELDS)[number];
export type OperationField = (typeof L4_OPERATION_FIELDS)[number] | (typeof L7_OPERATION_FIELDS)[number];

export const isL4WhenKey = (key: string): boolean => L4_WHEN_KEYS.has(key);
const L7_SOURCE_SET: ReadonlySet<string> = new Set(L7_SOURCE_FIELDS);
const L7_OPERATION_SET: ReadonlySet<string> = new Set(L7_OPERATION_FIELDS);
const IGNORED_SET: ReadonlySet<string> = new Set(ZTUNNEL_IGNORED_SOURCE_FIELDS);
export const isL7SourceField = (field: string): boolean => L7_SOURCE_SET.has(field);
export const isL7OperationField = (field: string): boolean => L7_OPERATION_SET.has(field);
export const isZtunnelIgnoredSourceField = (field: string): boolean => IGNORED_SET.has(field);

export type StringMatchForm =
  { readonly kind: 'presence' } | { readonly kind: 'prefix' | 'suffix' | 'exact'; readonly value: string };

/**
 * What a policy string means: `*` anything, `*x` a suffix, `x*` a prefix, else exact, a leading `*` taking
 * precedence (istio/istio release-1.31 pilot/pkg/security/authz/matcher/string.go StringMatcherWithPrefix for
 * Envoy, and A/authorization.go stringToMatch for ztunnel, test in the same order).
 */
export function stringMatchForm(pattern: string): StringMatchForm {
  if (pattern === '*') return { kind: 'presence' };
  if (pattern.startsWith('*')) return { kind: 'suffix', value: pattern.slice(1) };
  if (pattern.endsWith('*')) return { kind: 'prefix', value: pattern.slice(0, -1) };
  return { kind: 'exact', value: pattern };
}

/** Istio's string match for policy values (stringMatchForm). */
export function stringMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const form = stringMatchForm(caseInsensitive ? pattern.toLowerCase() : pattern);
  const v = caseInsensitive ? value.toLowerCase() : value;
  if (form.kind === 'presence') return true;
  if (form.kind === 'prefix') return v.startsWith(form.value);
  if (form.kind === 'suffix') return v.endsWith(form.value);
  return form.value === v;
}

/** Principals are compared without the `spiffe://` scheme (istio/istio pilot/pkg/security/authz/model: spiffe.go). */
export function stripSpiffe(principal: string): string {
  return principal.startsWith('spiffe://') ? principal.slice('spiffe://'.length) : principal;
}

/** The SPIFFE principal (without scheme) of a service account. */
export function principalFor(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** One principal pattern against a concrete principal (no identity never matches). */
export function principalMatches(pattern: string, principal: string | undefined): boolean {
  return principal !== undefined && stringMatch(stripSpiffe(pattern), principal);
}

export function anyPrincipalMatches(patterns: readonly string[], principal: string | undefined): boolean {
  if (principal === undefined) return false;
  for (const p of patterns) if (stringMatch(stripSpiffe(p), principal)) return true;
  return false;
}

/** The namespace and service account a principal names (`<td>/ns/<ns>/sa/<sa>`), or undefined. */
export function principalParts(principal: string): { namespace: string; serviceAccount: string } | undefined {
  const m = /\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
  return m ? { namespace: m[1]!, serviceAccount: m[2]! } : undefined;
}

/**
 * `serviceAccounts` entries are `namespace/name`, or `name` in the policy's namespace (release-1.31
 * A/authorization.go stringToServiceAccountMatch); matched exactly.
 */
export function serviceAccountMatches(
  entries: readonly string[],
  principal: string | undefined,
  policyNs: string,
): boolean {
  if (principal === undefined) return false;
  const parts = principalParts(principal);
  if (!parts) return false;
  for (const e of entries) {
    const slash = e.indexOf('/');
    const ns = slash < 0 ? policyNs : e.slice(0, slash);
    const sa = slash < 0 ? e : e.slice(slash + 1);
    if (ns === parts.namespace && sa === parts.serviceAccount) return true;
  }
  return false;
}

function ipv4ToNumber(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = Number(m[i]);
    if (part > 255) return undefined;
    n = n * 256 + part;
  }
  return n;
}

/** IPv4 CIDR or address match; an unknown address never matches (callers say so in their notes). */
export function ipMatch(block: string, ip: string | undefined): boolean {
  if (ip === undefined) return false;
  const slash = block.indexOf('/');
  const base = slash < 0 ? block : block.slice(0, slash);
  const a = ipv4ToNumber(base);
  const b = ipv4ToNumber(ip);
  if (a === undefined || b === undefined) return block === ip;
  const bits = slash < 0 ? 32 : Number(block.slice(slash + 1));
  if (!(Number.isInteger(bits) && bits >= 0 && bits <= 32)) return false;
  if (bits === 0) return true;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}
