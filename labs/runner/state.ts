// What the cluster should hold after each step: the lab's setup manifests, then every step's `apply` in order
// (a later object replaces an earlier one with the same kind/namespace/name, like `kubectl apply`), minus `remove`.
// Pure: used by the dry-run, by `lab check` (expected state) and by the browser version of the labs.
import { objectKey } from '../../src/lib/ambient/identity.ts';
import { parseAllDocuments } from 'yaml';
import { parseManifests } from '../../src/lib/model/parse.ts';
import type { ModelIssue, Resource, SourceInput } from '../../src/lib/model/types.ts';
import type { Lab } from '../schema.ts';

export interface ManifestText {
  readonly ref: string;
  /** Repository-relative path, used as the `file` of findings. */
  readonly file: string;
  readonly text: string;
}

export interface StepState {
  /** 0 for the state right after `lab up` (setup only); n for after step n (1-based). */
  readonly step: number;
  /**
   * The applied files in order, with every document that a later file replaced (or a step removed) blanked out
   * line for line — so each object appears once and findings keep the line:column of the file the learner sees.
   */
  readonly inputs: readonly SourceInput[];
  /** The objects present, parsed from `inputs`. */
  readonly resources: readonly Resource[];
  readonly issues: readonly ModelIssue[];
}

interface Applied {
  readonly input: SourceInput;
  readonly resources: readonly Resource[];
}

/** States 0..steps.length. `manifest(ref)` returns the text of a manifest named in the lab. */
export function stepStates(lab: Lab, manifest: (ref: string) => ManifestText): StepState[] {
  const applied: Applied[] = [];
  const removed = new Set<string>();
  const apply = (refs: readonly string[]) => {
    for (const ref of refs) {
      const m = manifest(ref);
      const input = { file: m.file, text: m.text };
      const parsed = parseManifests(input);
      applied.push({ input, resources: parsed.resources });
      for (const r of parsed.resources) removed.delete(objectKey(r));
    }
  };
  const states: StepState[] = [];
  apply(lab.setup);
  states.push(snapshot(0, applied, removed));
  lab.steps.forEach((step, i) => {
    apply(step.apply);
    for (const ref of step.remove) {
      const m = manifest(ref);
      for (const r of parseManifests({ file: m.file, text: m.text }).resources) removed.add(objectKey(r));
    }
    states.push(snapshot(i + 1, applied, removed));
  });
  return states;
}

/**
 * Objects of several inputs applied in order, each once (the last application wins), with superseded documents
 * blanked line for line. The browser's "Check my answer" uses this to put the learner's YAML on top of the state
 * before the step.
 */
export function composeInputs(inputs: readonly SourceInput[]): Omit<StepState, 'step'> {
  const applied = inputs.map((input) => ({ input, resources: parseManifests(input).resources }));
  const { step: _step, ...rest } = snapshot(0, applied, new Set());
  return rest;
}

function snapshot(step: number, applied: readonly Applied[], removed: ReadonlySet<string>): StepState {
  // The last application of each key wins.
  const last = new Map<string, Resource>();
  for (const a of applied) for (const r of a.resources) last.set(objectKey(r), r);
  const inputs: SourceInput[] = [];
  for (const a of applied) {
    const drop = a.resources.filter((r) => removed.has(objectKey(r)) || last.get(objectKey(r)) !== r);
    inputs.push(drop.length === 0 ? a.input : { file: a.input.file, text: blank(String(a.input.text), drop) });
  }
  const parsed = parseManifests(inputs);
  return { step, inputs, resources: parsed.resources, issues: parsed.issues };
}

/** Replace the lines of each dropped object with comment lines, keeping every other line where it was. */
function blank(text: string, drop: readonly Resource[]): string {
  const keys = new Set(drop.map(objectKey));
  const lines = text.split('\n');
  const lineOf = lineIndex(text);
  for (const doc of parseAllDocuments(text)) {
    if (!('contents' in doc) || !doc.contents) continue;
    const js: unknown = doc.toJS({ maxAliasCount: 100 });
    if (!js || typeof js !== 'object' || Array.isArray(js)) continue;
    const o = js as Record<string, unknown>;
    const meta = (o.metadata ?? {}) as Record<string, unknown>;
    const key = objectKey({
      apiVersion: String(o.apiVersion ?? ''),
      kind: String(o.kind ?? ''),
      namespace: typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default',
      name: String(meta.name ?? ''),
    });
    if (!keys.has(key)) continue;
    const [start, , end] = doc.contents.range;
    const first = lineOf(start);
    const last = lineOf(Math.max(start, end - 1));
    for (let l = first; l <= last; l++) lines[l] = '#';
  }
  return lines.join('\n');
}

/** Offset → 0-based line number. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}
