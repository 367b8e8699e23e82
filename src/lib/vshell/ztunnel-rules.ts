/**
 * An AuthorizationPolicy rule in the form ztunnel holds it (`istioctl ztunnel-config policies -o json`): the clauses
 * istiod's handleRule builds (release-1.31 pilot/pkg/serviceregistry/ambient/authorization.go): one clause of `to`
 * matches, one of `from` matches, then one per `when` condition; matches carry only the L4 attributes. An ALLOW rule
 * that uses an L7 attribute becomes no rule at all. Field names and the StringMatch encoding follow istio/ztunnel
 * src/rbac.rs (RbacMatch, serde's externally tagged `{"Exact": "…"}`, empty lists left out).
 */
import { getArray, getObject, getString } from '../model/access.ts';
import type { JsonObject, JsonValue } from '../model/types.ts';
import { stringMatchForm } from '../ambient/authz.ts';
import { l4View } from '../simulator/authz.ts';

/** A policy string in ztunnel's StringMatch encoding; what it means is authz.ts's stringMatchForm. */
function encodedMatch(v: string): JsonObject {
  const form = stringMatchForm(v);
  if (form.kind === 'presence') return { Presence: [] };
  if (form.kind === 'suffix') return { Suffix: form.value };
  if (form.kind === 'prefix') return { Prefix: form.value };
  return { Exact: form.value };
}

function strings(o: JsonObject | undefined, key: string): string[] {
  return getArray(o, [key]).filter((x): x is string => typeof x === 'string');
}

function ports(values: readonly string[]): number[] {
  return values.filter((p) => /^\d+$/.test(p) && Number(p) <= 65535).map(Number);
}

/** A match with its empty lists left out (serde skip_serializing_if = "Vec::is_empty"). */
function match(fields: Record<string, JsonValue[]>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(fields)) if (v.length) out[k] = v;
  return out;
}

const WHEN_FIELDS: Record<string, [string, string, 'string' | 'ip' | 'port']> = {
  'source.namespace': ['namespaces', 'notNamespaces', 'string'],
  'source.principal': ['principals', 'notPrincipals', 'string'],
  'source.ip': ['sourceIps', 'notSourceIps', 'ip'],
  'destination.ip': ['destinationIps', 'notDestinationIps', 'ip'],
  'destination.port': ['destinationPorts', 'notDestinationPorts', 'port'],
};

function whenMatch(w: JsonValue): JsonObject {
  const key = getString(w, ['key']) ?? '';
  const spec = Object.hasOwn(WHEN_FIELDS, key) ? WHEN_FIELDS[key] : undefined;
  if (!spec) return {};
  const [pos, neg, type] = spec;
  const conv = (vals: string[]): JsonValue[] =>
    type === 'string' ? vals.map(encodedMatch) : type === 'port' ? ports(vals) : vals;
  const obj = getObject(w, []);
  return match({ [pos]: conv(strings(obj, 'values')), [neg]: conv(strings(obj, 'notValues')) });
}

/** The clauses ztunnel evaluates for one rule, or undefined when istiod drops the rule (ALLOW with L7 fields). */
export function ztunnelRule(rule: JsonObject, action: 'ALLOW' | 'DENY', namespace: string): JsonValue[] | undefined {
  if (action === 'ALLOW' && l4View(rule, action).kind === 'dropped') return undefined;
  const clauses: JsonValue[] = [];
  const to = getArray(rule, ['to']).map((t) => {
    const op = getObject(t, ['operation']);
    return match({
      destinationPorts: ports(strings(op, 'ports')),
      notDestinationPorts: ports(strings(op, 'notPorts')),
    });
  });
  if (to.length) clauses.push(to);
  const sa = (vals: string[]) =>
    vals.map((v) => {
      const i = v.indexOf('/');
      return i < 0 ? { namespace, serviceAccount: v } : { namespace: v.slice(0, i), serviceAccount: v.slice(i + 1) };
    });
  const from = getArray(rule, ['from']).map((f) => {
    const src = getObject(f, ['source']);
    return match({
      sourceIps: strings(src, 'ipBlocks'),
      notSourceIps: strings(src, 'notIpBlocks'),
      namespaces: strings(src, 'namespaces').map(encodedMatch),
      notNamespaces: strings(src, 'notNamespaces').map(encodedMatch),
      serviceAccounts: sa(strings(src, 'serviceAccounts')),
      notServiceAccounts: sa(strings(src, 'notServiceAccounts')),
      principals: strings(src, 'principals').map(encodedMatch),
      notPrincipals: strings(src, 'notPrincipals').map(encodedMatch),
    });
  });
  if (from.length) clauses.push(from);
  for (const w of getArray(rule, ['when'])) clauses.push([whenMatch(w)]);
  return clauses;
}
