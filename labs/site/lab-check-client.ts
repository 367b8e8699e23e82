// Browser side of LabCheck.astro: runs a step's checks in the simulator, either against the cluster the learner built
// in the page's terminal (what they applied, patched, labelled and deleted there) or against pasted YAML on top of
// the state before the step. Type-checked with the rest of the project (the .astro file only mounts it).
import type { JsonObject, Resource, SourceInput } from '../../src/lib/model/types.ts';
import type { Versions } from '../../src/lib/versions.ts';
import type { LabCheck } from '../schema.ts';

export interface LabCheckPayload {
  /** Lab id and 1-based step: the terminal session to read and the progress to record. */
  readonly lab?: string;
  readonly step?: number;
  readonly before: SourceInput[];
  readonly checks: LabCheck[];
  readonly solution: string;
}

export const ANSWER_FILE = 'your-answer.yaml';
/** The `file` of the terminal's objects in findings and in the simulator's inputs. */
export const TERMINAL_FILE = 'terminal-cluster';

export interface CheckLine {
  readonly kind: 'error' | 'warning' | 'check';
  /** False for an error finding or a failed check; warnings do not fail the step. */
  readonly ok: boolean;
  readonly text: string;
}

/** An object the check saw, or one it expected from the steps so far and did not find. */
export interface SeenObject {
  /** `Kind namespace/name` (`Kind name` when cluster-scoped). */
  readonly ref: string;
  /**
   * `added`/`changed`: differs from the reference state before the step (the learner's work); `lab`: as the lab
   * left it; `cluster`: part of every virtual cluster (Istio's namespaces and GatewayClasses); `missing`: in the
   * reference state before the step but not in the terminal's cluster.
   */
  readonly how: 'added' | 'changed' | 'lab' | 'cluster' | 'missing';
}

async function engineParts() {
  // Loaded on demand: the validator and simulator only ship to readers who press a button.
  const [{ loadEngine }, { composeInputs }, { simulateCheck }, { describeCheck }] = await Promise.all([
    import('../runner/engine.ts'),
    import('../runner/state.ts'),
    import('../runner/dry-run.ts'),
    import('../runner/plan.ts'),
  ]);
  return { engine: await loadEngine(), composeInputs, simulateCheck, describeCheck };
}

type Parts = Awaited<ReturnType<typeof engineParts>>;

async function checkLines(
  parts: Parts,
  resources: readonly Resource[],
  checks: readonly LabCheck[],
  versions?: Partial<Versions>,
) {
  const out: CheckLine[] = [];
  for (const c of checks) {
    const r = await parts.simulateCheck(parts.engine, { resources }, c, versions);
    const why = r.error ?? r.mismatches.map((m) => `${m.field} is ${m.actual}, expected ${m.expected}`).join('; ');
    out.push({ kind: 'check', ok: r.ok, text: `${c.name}: ${parts.describeCheck(c)}${r.ok ? '' : ` — ${why}`}` });
  }
  return out;
}

/**
 * One line per validator finding (error or warning) in the answer, then one per check. `versions`: the Istio and
 * Gateway API lines the checks answer for (the site's version picker, as the terminal does); Istio 1.31 by default.
 */
export async function runChecks(
  payload: LabCheckPayload,
  answer: string,
  versions?: Partial<Versions>,
): Promise<CheckLine[]> {
  const parts = await engineParts();
  const state = parts.composeInputs([...payload.before, { file: ANSWER_FILE, text: answer }]);
  const out: CheckLine[] = [];
  const lint = parts.engine.lint(state.inputs);
  for (const f of lint.errors.filter((x) => x.file === ANSWER_FILE))
    out.push({ kind: 'error', ok: false, text: `line ${f.line}:${f.column} ${f.rule}: ${f.message}` });
  for (const f of lint.warnings.filter((x) => x.file === ANSWER_FILE))
    out.push({ kind: 'warning', ok: true, text: `line ${f.line}:${f.column} ${f.rule}: ${f.message}` });
  out.push(...(await checkLines(parts, state.resources, payload.checks, versions)));
  return out;
}

function refOf(r: Resource): string {
  return r.namespaceExplicit ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}

/** What the learner can change about an object, in a stable form (key order and server-set metadata ignored). */
function content(r: Resource): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  const { metadata: _m, status: _s, ...rest } = r.obj;
  return JSON.stringify(canon({ ...rest, labels: r.labels }));
}

/**
 * Runs the step's checks against the objects of the terminal's cluster (a vshell state's `objects`), and lists the
 * objects it saw against the reference state before the step. `baseline` holds the objects every virtual cluster
 * starts with (vshell's initialState without setup), so they are not taken for the learner's.
 */
export async function runChecksOnCluster(
  payload: LabCheckPayload,
  objects: readonly JsonObject[],
  baseline: readonly JsonObject[] = [],
  versions?: Partial<Versions>,
): Promise<{ lines: CheckLine[]; seen: SeenObject[] }> {
  const parts = await engineParts();
  const { objectKey } = await import('../../src/lib/ambient/identity.ts');
  // Every object is a JSON document, and JSON is YAML: the simulator reads the cluster as one multi-document input.
  const text = (os: readonly JsonObject[]) => os.map((o) => JSON.stringify(o)).join('\n---\n') + '\n';
  const state = parts.composeInputs([{ file: TERMINAL_FILE, text: text(objects) }]);
  const before = new Map(parts.composeInputs(payload.before).resources.map((r) => [objectKey(r), r]));
  const base = new Set(parts.composeInputs([{ file: 'baseline', text: text(baseline) }]).resources.map(objectKey));
  const seen: SeenObject[] = [];
  const present = new Set<string>();
  for (const r of state.resources) {
    const k = objectKey(r);
    present.add(k);
    const was = before.get(k);
    const how = was ? (content(was) === content(r) ? 'lab' : 'changed') : base.has(k) ? 'cluster' : 'added';
    seen.push({ ref: refOf(r), how });
  }
  for (const [k, r] of before) if (!present.has(k)) seen.push({ ref: refOf(r), how: 'missing' });
  return { lines: await checkLines(parts, state.resources, payload.checks, versions), seen };
}
