import type { Finding, Severity } from './finding.ts';

/** `--fail-on`: the least severe finding that makes `lint` exit 1 (DESIGN §4.5b); `never` keeps exit 0. */
export const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function isFailOn(v: unknown): v is FailOn {
  return typeof v === 'string' && (FAIL_ON as readonly string[]).includes(v);
}

/** Whether a finding of this severity fails the run under `failOn`. */
export function failsAt(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'never' && RANK[severity] <= RANK[failOn];
}

export function failingFindings(findings: readonly Finding[], failOn: FailOn): number {
  let n = 0;
  for (const f of findings) if (failsAt(f.severity, failOn)) n++;
  return n;
}
