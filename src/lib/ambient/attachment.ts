/**
 * How a policy attaches (SEMANTICS §3, §6, §7): `targetRef(s)` reach waypoints and gateways only; a selector or a
 * namespace-wide policy reaches ztunnel (AuthorizationPolicy) or nothing in ambient; a selector-less policy in the
 * root namespace applies mesh-wide (release-1.31 A/authorization.go: Scope_GLOBAL), and a selector policy there
 * selects matching workloads of every namespace (A/workloads.go: a selector policy applies when its namespace is
 * the workload's or the root namespace).
 */
import { getObject } from '../model/access.ts';
import type { JsonObject, JsonValue, ObjectPath, Resource } from '../model/types.ts';

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

/**
 * The object `spec.targetRef` (index -1) or `spec.targetRefs[index]`, with its string fields (undefined when
 * absent or not a string), read once so callers need not go back to the policy's objects.
 */
export interface TargetRef {
  readonly index: number;
  readonly group: string | undefined;
  readonly kind: string | undefined;
  readonly name: string | undefined;
}

const NO_REFS: readonly TargetRef[] = Object.freeze([]);

const targetRef = (ref: JsonObject, index: number): TargetRef => ({
  index,
  group: typeof ref.group === 'string' ? ref.group : undefined,
  kind: typeof ref.kind === 'string' ? ref.kind : undefined,
  name: typeof ref.name === 'string' ? ref.name : undefined,
});

export const targetRefPath = (t: TargetRef): ObjectPath =>
  t.index < 0 ? ['spec', 'targetRef'] : ['spec', 'targetRefs', t.index];

export function hasTargetRefs(r: Resource): boolean {
  const s = r.obj.spec;
  if (!isObject(s)) return false;
  const many = s.targetRefs;
  return isObject(s.targetRef) || (Array.isArray(many) && many.length > 0);
}

/** `targetRef` and each `targetRefs[i]` (a shared empty array when there is none). */
export function targetRefs(r: Resource): readonly TargetRef[] {
  const s = r.obj.spec;
  if (!isObject(s)) return NO_REFS;
  const one = getObject(s, ['targetRef']);
  const many = s.targetRefs;
  if (!one && !(Array.isArray(many) && many.length)) return NO_REFS;
  // The usual policy has one targetRefs entry: a literal of that size.
  if (!one && Array.isArray(many) && many.length === 1 && isObject(many[0])) return [targetRef(many[0], 0)];
  const out: TargetRef[] = [];
  if (one) out.push(targetRef(one, -1));
  if (Array.isArray(many))
    for (let i = 0; i < many.length; i++) {
      const t = many[i];
      if (isObject(t)) out.push(targetRef(t, i));
    }
  return out;
}

/** The workload selector of a policy kind: `spec.selector` (security) or `spec.workloadSelector` (networking). */
export function policySelector(r: Resource): JsonObject | undefined {
  return getObject(r.obj, ['spec', 'selector']) ?? getObject(r.obj, ['spec', 'workloadSelector']);
}

export type Attachment =
  /** targetRef(s): waypoints and gateways only. */
  | 'targetRefs'
  /** A selector in an ordinary namespace: that namespace's matching workloads. */
  | 'selector'
  /** No selector in an ordinary namespace: every workload of the namespace. */
  | 'namespace'
  /** A selector in the root namespace: matching workloads of every namespace. */
  | 'root-selector'
  /** No selector in the root namespace: the whole mesh. */
  | 'mesh';

export function attachmentOf(r: Resource, rootNamespace: string): Attachment {
  if (hasTargetRefs(r)) return 'targetRefs';
  const root = r.namespace === rootNamespace;
  if (policySelector(r)) return root ? 'root-selector' : 'selector';
  return root ? 'mesh' : 'namespace';
}

export type Action = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

/** AuthorizationPolicy `spec.action` (ALLOW when absent or unknown). */
export function actionOf(r: Resource): Action {
  const s = r.obj.spec;
  const a = isObject(s) ? s.action : undefined;
  return a === 'DENY' || a === 'AUDIT' || a === 'CUSTOM' ? a : 'ALLOW';
}
