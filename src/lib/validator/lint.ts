import { meshConfigInManifests } from '../ambient/meshconfig.ts';
import type { MeshConfig } from '../ambient/meshconfig.ts';
import { buildMesh } from '../model/mesh.ts';
import type { Mesh } from '../model/mesh.ts';
import { parseManifests } from '../model/parse.ts';
import type { ParseResult, SourceInput } from '../model/types.ts';
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
 * The rules over an already parsed input (what lint() does after parsing). Exposed for callers that parse once
 * and lint several times (the editor) and for the benchmark. `onRule` receives each rule's time in ms.
 */
export function lintParsed(
  parsed: ParseResult,
  options: LintOptions & { onRule?: (id: string, ms: number) => void } = {},
  firstFile = parsed.resources[0]?.file ?? '-',
): LintResult {
  const { resources, issues } = parsed;
  const meshConfig = options.meshConfig ?? meshConfigInManifests(resources);
  const rootNamespace = options.rootNamespace ?? meshConfig?.rootNamespace ?? 'istio-system';
  // Istio 1.31 / its Gateway API line unless asked otherwise (DESIGN §4.5a); rules read the rows' switches.
  const versions = versionRows(options);
  const findings: Finding[] = [];
  let mesh: Mesh | undefined;
  let meshError: unknown;
  try {
    mesh = buildMesh(resources, { rootNamespace, ...(meshConfig ? { trustDomain: meshConfig.trustDomain } : {}) });
  } catch (err) {
    meshError = err;
  }
  const wanted = options.rules ? new Set(options.rules) : undefined;
  for (const rule of RULES) {
    if (wanted && !wanted.has(rule.meta.id)) continue;
    if (options.ruleLevels?.[rule.meta.id] === 'off') continue; // registry ids: never a prototype name
    // Rules other than the two input-level ones need the mesh; if it failed they are skipped (one finding below).
    if (!mesh && rule.meta.id !== 'yaml-syntax' && rule.meta.id !== 'schema') continue;
    if (mesh && !readsAny(rule, mesh)) continue;
    const before = findings.length;
    const t0 = options.onRule ? performance.now() : 0;
    try {
      rule.check(contextFor(rule, resources, issues, mesh as Mesh, rootNamespace, versions, meshConfig, findings));
    } catch (err) {
      findings.length = before; // partial output of a crashed rule is not trustworthy
      findings.push(internal(rule.meta.id, err, firstFile));
    }
    if (options.onRule) options.onRule(rule.meta.id, performance.now() - t0);
  }
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
  out: Finding[],
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
      const path = o.path ?? [];
      const range = o.resource.locate(path, o.part ?? 'key');
      out.push({
        rule: id,
        severity: o.severity ?? rule.meta.severity,
        message: o.message,
        ...(o.fix ? { fix: o.fix } : {}),
        file: o.resource.file,
        line: range.line,
        column: range.column,
        endLine: range.endLine,
        endColumn: range.endColumn,
        path: formatPath(path),
        resource: findingResource(o.resource),
        docs,
      });
    },
    reportRaw(o) {
      out.push({
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
