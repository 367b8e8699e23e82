// GitHub Actions workflow commands: one annotation per finding, shown on the pull request's diff and in the run's
// summary. Escaping follows @actions/core (toolkit command.ts): data escapes %, CR and LF; properties also : and ,
// so a message can neither end its line early nor inject a second command.
import type { Finding, LintReport, Severity } from './finding.ts';
import { resourceLabel } from './finding.ts';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
};

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(f: Finding): string {
  const props: string[] = [];
  // stdin has no file in the repository: the annotation then belongs to the run, not to a line.
  if (f.file !== '-') {
    props.push(`file=${escapeProperty(f.file)}`, `line=${Math.max(1, f.line)}`);
    if (f.endLine > f.line) props.push(`endLine=${f.endLine}`);
    props.push(`col=${Math.max(1, f.column)}`);
    // GitHub accepts an end column only on a one-line annotation.
    if (f.endLine === f.line && f.endColumn > f.column) props.push(`endColumn=${f.endColumn}`);
  }
  props.push(`title=${escapeProperty(f.rule)}`);
  const lines = [f.resource ? `${resourceLabel(f.resource)}: ${f.message}` : f.message];
  if (f.fix) lines.push(`Fix: ${f.fix}`);
  lines.push(`Docs: ${f.docs}`);
  return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(lines.join('\n'))}`;
}

/** Annotations, then one plain log line with the totals. */
export function formatGithub(report: LintReport & { summary: { suppressed?: number } }): string {
  // GitHub shows 10 error and 10 warning annotations per step and drops the rest from the diff view (they stay
  // in the log): errors come first so that the ones failing the build are the ones shown.
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  const out = [...report.findings].sort((a, b) => rank[a.severity] - rank[b.severity]).map(annotation);
  const s = report.summary;
  out.push(
    `ambient-atlas: ${s.error} error(s), ${s.warning} warning(s), ${s.info} info in ${report.resources} resource(s)` +
      (s.suppressed ? `, ${s.suppressed} suppressed` : '') +
      '.',
  );
  return `${out.join('\n')}\n`;
}
