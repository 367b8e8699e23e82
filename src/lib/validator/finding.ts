import { isClusterScoped } from '../ambient/kinds.ts';
import type { ResourceRef, SourceRange } from '../model/types.ts';

export type Severity = 'error' | 'warning' | 'info';

/** One problem, in the shape of the `lint --format json` contract (DESIGN §4.2) plus an optional fix. */
export interface Finding extends SourceRange {
  /** Stable kebab-case id; never renamed once released. `schema` and `yaml-syntax` are built in. */
  readonly rule: string;
  readonly severity: Severity;
  /** What happens at runtime, in one or two sentences. */
  readonly message: string;
  /** How to fix it, when there is a clear fix. */
  readonly fix?: string;
  readonly file: string;
  /** Dotted path inside the resource, e.g. `spec.rules[0].to[0].operation.methods`; `` for the whole document. */
  readonly path: string;
  /** Absent only for findings about the input itself (syntax errors before any object was read). */
  readonly resource?: FindingResource;
  /** Site-relative docs URL, e.g. `/validator/rules/l7-policy-on-ztunnel/`. */
  readonly docs: string;
}

/**
 * The object a finding is about. `namespace` is the object's namespace (`default` when the manifest gives none,
 * DESIGN §4.2) for a namespaced kind, and absent for a cluster-scoped one: the API server drops a namespace
 * written on a cluster-scoped object, so naming one would point at something that does not exist.
 */
export interface FindingResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface LintReport {
  readonly version: 1;
  readonly resources: number;
  readonly summary: { readonly error: number; readonly warning: number; readonly info: number };
  readonly findings: readonly Finding[];
}

/** A finding's `resource` for an object (the model gives every object a namespace; see FindingResource). */
export function findingResource(ref: ResourceRef): FindingResource {
  return isClusterScoped(ref.kind)
    ? { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name }
    : { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name };
}

/** `Kind ns/name`, or `Kind name` for a cluster-scoped kind (the model gives every object a namespace). */
export function resourceLabel(ref: Pick<FindingResource, 'kind' | 'namespace' | 'name'>): string {
  return isClusterScoped(ref.kind) || ref.namespace === undefined
    ? `${ref.kind} ${ref.name}`
    : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

export function ruleDocsUrl(rule: string): string {
  return `/validator/rules/${rule}/`;
}
