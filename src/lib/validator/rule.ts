import type { MeshConfig } from '../ambient/meshconfig.ts';
import type { Mesh } from '../model/mesh.ts';
import type { ModelIssue, ObjectPath, Resource, SourceRange } from '../model/types.ts';
import type { VersionRows } from '../versions.ts';
import type { Severity } from './finding.ts';
import type { ExpectedOutcomeInput, ExpectedRequest } from '../expect/schema.ts';

export interface RuleExample {
  readonly title: string;
  /** A complete multi-document manifest, as a reader would paste it. */
  readonly yaml: string;
}

export interface InvalidRuleExample extends RuleExample {
  /** 1-based line of the finding this rule reports for the example (the first one, when several). */
  readonly line: number;
  /**
   * The traffic effect the rule's docs claim for this example, as a request and what the simulator must answer
   * (tests/unit/cross-engine.test.ts runs it). Optional: rules about status, observability or YAML have none.
   */
  readonly effect?: RuleEffect;
}

/** A request against an invalid example (plus `context`) and the outcome the rule's docs promise. */
export interface RuleEffect {
  /** Manifests added beside the example (namespaces, workloads, Services it only names); see effect-context.ts. */
  readonly context?: string;
  /**
   * The simulator's request and the outcome it must produce, in the one expectation shape (src/lib/expect: the same
   * schema and comparison as lab checks, example claims and scenarios; absent outcome fields are not checked).
   */
  readonly request: ExpectedRequest;
  readonly expect: ExpectedOutcomeInput;
  /** One sentence: the claim, as the docs make it. */
  readonly says: string;
}

export interface RuleDocs {
  /** One or two sentences: what goes wrong at runtime. */
  readonly summary: string;
  /** Markdown (plain: paragraphs, lists, inline code) explaining why, with the upstream behaviour. */
  readonly details: string;
  /** Markdown: how to fix it. */
  readonly fix: string;
}

export interface RuleMeta {
  /** Stable kebab-case id, never renamed once released. */
  readonly id: string;
  /** The usual severity; a rule may report some findings at another level (documented in `details`). */
  readonly severity: Severity;
  /**
   * The kinds the rule reads, as Istio's analyzers declare their input collections (istio/istio release-1.31
   * pkg/config/analysis/analyzer.go Metadata.Inputs): lint skips the rule when the input has none of them.
   * `all` for rules that read every resource or the model's issues. Every registered rule declares it
   * (src/lib/validator/rules-meta.test.ts); optional in the type only so that a rule being written still builds.
   * Derived kinds count: a rule asking the mesh for workloads, services or waypoint bindings lists the kinds they
   * come from (facts/resources.ts WORKLOAD_KINDS, SERVICE_KINDS, WAYPOINT_KINDS).
   */
  readonly inputs?: readonly string[] | 'all';
  /** One line, shown in rule lists. */
  readonly description: string;
  readonly docs: RuleDocs;
  readonly examples: {
    readonly valid: readonly RuleExample[];
    readonly invalid: readonly InvalidRuleExample[];
  };
}

export interface ReportOptions {
  readonly resource: Resource;
  /** Path inside the resource (relative to the object); `[]` points at the object's `kind` line. */
  readonly path?: ObjectPath;
  /** `key` (default) covers the key and its value, `value` only the value. */
  readonly part?: 'key' | 'value';
  readonly message: string;
  readonly fix?: string;
  /** Defaults to the rule's `meta.severity`. */
  readonly severity?: Severity;
}

/** A finding not tied to a resource path (used for model issues). */
export interface RawReport {
  readonly file: string;
  readonly range: SourceRange;
  readonly message: string;
  readonly severity?: Severity;
  readonly resource?: Resource;
  readonly path?: ObjectPath;
  readonly fix?: string;
}

export interface RuleContext {
  /** Every resource of this lint run, in input order. */
  readonly resources: readonly Resource[];
  /** Problems the YAML model found while reading the inputs. */
  readonly issues: readonly ModelIssue[];
  /** The one mesh index of this run (built once, shared by every rule). */
  readonly mesh: Mesh;
  readonly rootNamespace: string;
  /**
   * istiod's MeshConfig when known (`--mesh-config`, or the `istio` ConfigMap among the manifests); undefined when
   * not, and rules that need it (provider names, ServiceEntry visibility) then stay silent rather than guess.
   */
  readonly meshConfig: MeshConfig | undefined;
  /** The Istio and Gateway API lines this run speaks for: read their switches, never compare version strings. */
  readonly versions: VersionRows;
  report(options: ReportOptions): void;
  reportRaw(options: RawReport): void;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(ctx: RuleContext): void;
}
