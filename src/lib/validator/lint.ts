import { meshConfigInManifests } from '../ambient/meshconfig.ts';
import type { MeshConfig } from '../ambient/meshconfig.ts';
import { buildMesh } from '../model/mesh.ts';
import type { Mesh } from '../model/mesh.ts';
import { parseManifests } from '../model/parse.ts';
import type { ObjectPath, ParseResult, Resource, SourceInput } from '../model/types.ts';
import { findingResource, ruleDocsUrl } from './finding.ts';
import { formatPath } from '../model/path.ts';
import type { Finding, Severity } from './finding.ts';
import type { Rule, RuleContext } from './rule.ts';
import { RULES, ruleById } from './rules/index.ts';
import { versionRows } from '../versions.ts';
import type { VersionRows, Versions } from '../versions.ts';
import { applySuppressions } from './suppress.ts';
import type { LintResult, RuleLevel } from './suppress.ts';

export interface LintOptions extends Partial<Versions> {
  /** Istio's root namespace (mesh-wide policies); default: the MeshConfig's, else `istio-system`. */
  readonly rootNamespace?: string;
  /**
   * istiod's MeshConfig (`--mesh-config`, parsed by ambient/meshconfig.ts); without it, the `istio` ConfigMap among
   * the inputs, if there is exactly one.
   */
  readonly meshConfig?: MeshConfig;
  /** Run only these rules (ids); default all. `yaml-syntax` and `schema` are rules like any other. */
  readonly rules?: readonly string[];
  /** Per-rule levels from a config file (`off` skips the rule); see suppress.ts. */
  readonly ruleLevels?: Readonly<Record<string, RuleLevel>>;
  /** Keep the findings suppressed by annotations in the result's `suppressed` list. */
  readonly showSuppressed?: boolean;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Lint manifests: YAML model → one mesh index → every rule. Never throws for any input: a crashing rule
 * becomes an `internal-error` finding and the other rules still run.
 */
export function lint(inputs: SourceInput | readonly SourceInput[], options: LintOptions = {}): LintResult {
  const list = Array.isArray(inputs) ? (inputs as readonly SourceInput[]) : [inputs as SourceInput];
  return lintParsed(parseManifests(list), options, list[0]?.file ?? '-');
}

/**
 * The rules that read one document at a time: the model's issues and each object alone, never the mesh or
 * another object. The CLI runs them on each document as it is read and keeps of the document only what the other
 * rules need (issue #18); `lintParsed` runs them first, over everything.
 */
export const DOCUMENT_RULES: ReadonlySet<string> = new Set(['yaml-syntax', 'schema']);

type RunOptions = LintOptions & { onRule?: (id: string, ms: number) => void };

/**
 * The rules over an already parsed input (what lint() does after parsing). Exposed for callers that parse once
 * and lint several times (the editor) and for the benchmark. `onRule` receives each rule's time in ms.
 */
export function lintParsed(
  parsed: ParseResult,
  options: RunOptions = {},
  firstFile = parsed.resources[0]?.file ?? '-',
): LintResult {
  return finishLint(parsed, options, firstFile, lintDocuments(parsed, options, firstFile));
}

/**
 * DOCUMENT_RULES over `parsed` (one document or many): their findings, not yet sorted, deduplicated or
 * suppressed; `finishLint` does that with everything else.
 */
export function lintDocuments(parsed: ParseResult, options: RunOptions = {}, firstFile = '-'): Finding[] {
  const findings = new Collected();
  const versions = versionRows(options);
  const rootNamespace = options.rootNamespace ?? options.meshConfig?.rootNamespace ?? 'istio-system';
  for (const rule of selected(options)) {
    if (!DOCUMENT_RULES.has(rule.meta.id)) continue;
    runRule(rule, options, findings, firstFile, (out) =>
      contextFor(rule, parsed.resources, parsed.issues, NO_MESH, rootNamespace, versions, options.meshConfig, out),
    );
  }
  findings.place(firstFile);
  return findings.list;
}

/**
 * Every rule but DOCUMENT_RULES over `parsed`, then `documentFindings` (what those gave, per document or at once)
 * with theirs: sorted, deduplicated, suppressed and counted.
 */
export function finishLint(
  parsed: ParseResult,
  options: RunOptions,
  firstFile: string,
  documentFindings: readonly Finding[],
): LintResult {
  const { resources, issues } = parsed;
  const meshConfig = options.meshConfig ?? meshConfigInManifests(resources);
  const rootNamespace = options.rootNamespace ?? meshConfig?.rootNamespace ?? 'istio-system';
  // Istio 1.31 / its Gateway API line unless asked otherwise (DESIGN §4.5a); rules read the rows' switches.
  const versions = versionRows(options);
  const collected = new Collected();
  let mesh: Mesh | undefined;
  let meshError: unknown;
  try {
    mesh = buildMesh(resources, { rootNamespace, ...(meshConfig ? { trustDomain: meshConfig.trustDomain } : {}) });
  } catch (err) {
    meshError = err;
  }
  for (const rule of selected(options)) {
    if (DOCUMENT_RULES.has(rule.meta.id)) continue;
    // The other rules need the mesh; if it failed they are skipped (one finding below).
    if (!mesh) continue;
    if (!readsAny(rule, mesh)) continue;
    runRule(rule, options, collected, firstFile, (out) =>
      contextFor(rule, resources, issues, mesh, rootNamespace, versions, meshConfig, out),
    );
  }
  collected.place(firstFile);
  const findings = [...documentFindings, ...collected.list];
  if (!mesh) findings.push(internal('mesh index', meshError, firstFile));
  findings.sort(compareFindings);
  const { findings: kept, suppressed } = applySuppressions(dedupeSorted(findings), resources, {
    ...(options.ruleLevels ? { ruleLevels: options.ruleLevels } : {}),
    isKnownRule: (id) => ruleById(id) !== undefined,
    allIds: RULES.map((r) => r.meta.id),
  });
  // A changed level can change the order within one position.
  if (options.ruleLevels) kept.sort(compareFindings);
  const summary = { error: 0, warning: 0, info: 0, suppressed: suppressed.length };
  for (const f of kept) summary[f.severity]++;
  return {
    version: 1,
    resources: resources.length,
    summary,
    findings: kept,
    ...(options.showSuppressed ? { suppressed } : {}),
  };
}

/** The registered rules these options run, in registry order. */
function selected(options: LintOptions): Rule[] {
  const wanted = options.rules ? new Set(options.rules) : undefined;
  return RULES.filter(
    // registry ids: never a prototype name
    (rule) => (!wanted || wanted.has(rule.meta.id)) && options.ruleLevels?.[rule.meta.id] !== 'off',
  );
}

/** One rule into `findings`; a crash becomes one `internal-error` finding in place of its partial output. */
function runRule(
  rule: Rule,
  options: RunOptions,
  findings: Collected,
  firstFile: string,
  context: (out: Collected) => RuleContext,
): void {
  const before = findings.list.length;
  const t0 = options.onRule ? performance.now() : 0;
  try {
    rule.check(context(findings));
  } catch (err) {
    findings.truncate(before); // partial output of a crashed rule is not trustworthy
    findings.list.push(internal(rule.meta.id, err, firstFile));
  }
  if (options.onRule) options.onRule(rule.meta.id, performance.now() - t0);
}

/** A finding still without its position: where it is in `Collected.list`, and what to locate. */
interface Unplaced {
  readonly at: number;
  readonly resource: Resource;
  readonly path: ObjectPath;
  readonly part: 'key' | 'value';
}

/**
 * The findings of a run, placed (line and column found) only after every rule has run, in input order: a document
 * is then looked at once for all its findings, not once per rule, which matters when finding a position means
 * reading the document again (the CLI keeps no text, issue #18). A locate that throws fails its rule as a throw
 * inside the rule would: its findings go, one internal error stands in for them.
 */
class Collected {
  readonly list: Finding[] = [];
  readonly #unplaced: Unplaced[] = [];

  add(f: Finding, resource: Resource, path: ObjectPath, part: 'key' | 'value'): void {
    this.#unplaced.push({ at: this.list.length, resource, path, part });
    this.list.push(f);
  }

  truncate(length: number): void {
    this.list.length = length;
    while (this.#unplaced.length && this.#unplaced[this.#unplaced.length - 1]!.at >= length) this.#unplaced.pop();
  }

  place(firstFile: string): void {
    const order = [...this.#unplaced].sort((a, b) => a.resource.seq - b.resource.seq || a.at - b.at);
    this.#unplaced.length = 0;
    const failed = new Map<string, unknown>();
    for (const u of order) {
      const f = this.list[u.at]!;
      if (failed.has(f.rule)) continue;
      try {
        const r = u.resource.locate(u.path, u.part);
        // The spread keeps the keys where they were (the JSON contract's order).
        this.list[u.at] = { ...f, line: r.line, column: r.column, endLine: r.endLine, endColumn: r.endColumn };
      } catch (err) {
        failed.set(f.rule, err);
      }
    }
    if (!failed.size) return;
    const kept = this.list.filter((f) => !failed.has(f.rule));
    this.list.length = 0;
    this.list.push(...kept);
    for (const [rule, err] of failed) this.list.push(internal(rule, err, firstFile));
  }
}

/**
 * The mesh of a per-document rule's context: DOCUMENT_RULES read none, and one that starts to is stopped with an
 * internal error rather than reading a mesh of one document. The cast: a Mesh with no member, every read throws.
 */
const NO_MESH = new Proxy(
  {},
  {
    get(): never {
      throw new Error('a per-document rule read the mesh');
    },
  },
) as Mesh;

/** Whether the input has some kind the rule reads (RuleMeta.inputs): a rule with none of them has nothing to say. */
function readsAny(rule: Rule, mesh: Mesh): boolean {
  const inputs = rule.meta.inputs;
  if (inputs === undefined || inputs === 'all') return true;
  for (const kind of inputs) if (mesh.byKind(kind).length) return true;
  return false;
}

/**
 * Sorted findings without repeats: a finding is reported once per rule, resource, path and message (two rules or
 * two routes to the same conclusion, such as two ajv keywords failing on one node, are not two problems). Of
 * repeats at different severities the most severe stays: the sort puts it first. Repeats share a position, so
 * only findings of one position are compared; the usual input (nothing repeated) is returned as it is.
 */
export function dedupeSorted(sorted: Finding[]): Finding[] {
  let out: Finding[] | undefined;
  let group = 0; // first finding at the current position
  for (let i = 0; i < sorted.length; i++) {
    const f = sorted[i]!;
    if (i > 0 && !samePosition(sorted[group]!, f)) group = i;
    let repeat = false;
    for (let j = group; j < i && !repeat; j++) repeat = sameFinding(sorted[j]!, f);
    if (repeat) out ??= sorted.slice(0, i);
    else if (out) out.push(f);
  }
  return out ?? sorted;
}

function samePosition(a: Finding, b: Finding): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column;
}

function sameFinding(a: Finding, b: Finding): boolean {
  const r = a.resource;
  const s = b.resource;
  return (
    a.rule === b.rule &&
    a.path === b.path &&
    a.message === b.message &&
    (r === s ||
      (r !== undefined &&
        s !== undefined &&
        r.apiVersion === s.apiVersion &&
        r.kind === s.kind &&
        r.namespace === s.namespace &&
        r.name === s.name))
  );
}

function internal(what: string, err: unknown, file: string): Finding {
  return {
    rule: 'internal-error',
    severity: 'warning',
    message: `Internal error in ${what}: ${err instanceof Error ? err.message : String(err)}. The other checks still ran; please report this input.`,
    file,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    path: '',
    docs: ruleDocsUrl('internal-error'),
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (
    a.line - b.line ||
    a.column - b.column ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

function contextFor(
  rule: Rule,
  resources: RuleContext['resources'],
  issues: RuleContext['issues'],
  mesh: Mesh,
  rootNamespace: string,
  versions: VersionRows,
  meshConfig: MeshConfig | undefined,
  out: Collected,
): RuleContext {
  const id = rule.meta.id;
  const docs = ruleDocsUrl(id);
  return {
    resources,
    issues,
    mesh,
    rootNamespace,
    versions,
    meshConfig,
    report(o) {
      // A copy: the position is found after the rule returns, and a rule may reuse its path array.
      const path = o.path ? [...o.path] : [];
      // Placed (line and column) once every rule has run: see Collected.
      out.add(
        {
          rule: id,
          severity: o.severity ?? rule.meta.severity,
          message: o.message,
          ...(o.fix ? { fix: o.fix } : {}),
          file: o.resource.file,
          line: 0,
          column: 0,
          endLine: 0,
          endColumn: 0,
          path: formatPath(path),
          resource: findingResource(o.resource),
          docs,
        },
        o.resource,
        path,
        o.part ?? 'key',
      );
    },
    reportRaw(o) {
      out.list.push({
        rule: id,
        severity: o.severity ?? rule.meta.severity,
        message: o.message,
        ...(o.fix ? { fix: o.fix } : {}),
        file: o.file,
        line: o.range.line,
        column: o.range.column,
        endLine: o.range.endLine,
        endColumn: o.range.endColumn,
        path: o.path ? formatPath(o.path) : '',
        ...(o.resource ? { resource: findingResource(o.resource) } : {}),
        docs,
      });
    },
  };
}
