/**
 * Where a lab's virtual cluster starts (issue #21): at the lab's setup (step 1), or, for a learner who jumps to a
 * later step, with the reference solutions of the earlier steps already applied. The choice is kept per lab so the
 * terminal's `reset` and a reload start from the same place. Tiny on purpose: LabTerminal.astro's page-load script
 * imports it.
 */

/** One lab step as the terminal needs it: what its reference solution applies and deletes (repository paths). */
export interface TerminalStep {
  readonly title: string;
  readonly apply: readonly string[];
  readonly remove: readonly string[];
}

export function startKey(lab: string): string {
  return `ambient-atlas:vshell-start:v1:${lab}`;
}

/** The saved start step (1-based), or 1 when none is saved or it is not a step of this lab. */
export function readStart(storage: Pick<Storage, 'getItem'> | undefined, lab: string, steps: number): number {
  let raw: string | null;
  try {
    raw = storage?.getItem(startKey(lab)) ?? null;
  } catch {
    return 1;
  }
  const n = raw !== null && /^[1-9][0-9]?$/.test(raw) ? Number(raw) : 1;
  return n <= steps ? n : 1;
}

export function writeStart(storage: Pick<Storage, 'setItem'> | undefined, lab: string, step: number): void {
  try {
    storage?.setItem(startKey(lab), String(step));
  } catch {
    // storage disabled: the choice holds for this page only
  }
}

/**
 * Files applied (in order) and then deleted to build the cluster at the start of `step`. Deleting after every apply
 * matches labs/runner/state.ts as long as no step re-applies an object an earlier step removed (no lab does today).
 */
export function clusterAt(
  setup: readonly string[],
  steps: readonly TerminalStep[],
  step: number,
): { setup: string[]; remove: string[] } {
  const done = steps.slice(0, Math.max(0, step - 1));
  return { setup: [...setup, ...done.flatMap((s) => s.apply)], remove: done.flatMap((s) => s.remove) };
}
