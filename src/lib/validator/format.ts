import type { Finding, LintReport, Severity } from './finding.ts';
import { resourceLabel } from './finding.ts';
import { RULES } from './rules/index.ts';

const COLORS: Record<Severity | 'dim' | 'bold' | 'reset', string> = {
  error: '\u001b[31m',
  warning: '\u001b[33m',
  info: '\u001b[36m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  reset: '\u001b[0m',
};

/** The JSON contract of DESIGN §4.2, pretty-printed. */
export function formatJson(report: LintReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Human output: `file:line:col severity rule  Kind ns/name: message`, then fix and docs lines. */
export function formatText(report: LintReport, options: { color?: boolean } = {}): string {
  const c = (k: keyof typeof COLORS, s: string): string => (options.color ? `${COLORS[k]}${s}${COLORS.reset}` : s);
  const lines: string[] = [];
  for (const f of report.findings) {
    const where = `${f.file}:${f.line}:${f.column}`;
    const res = f.resource ? ` ${resourceLabel(f.resource)}` : '';
    lines.push(`${c('bold', where)} ${c(f.severity, f.severity)} ${c('dim', f.rule)}${res}`);
    lines.push(`  ${f.message}`);
    if (f.fix) lines.push(`  fix: ${f.fix}`);
    lines.push(`  ${c('dim', `docs: ${f.docs}`)}`);
  }
  const s = report.summary;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (lines.length) lines.push('');
  lines.push(
    `${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info in ${plural(report.resources, 'resource')}.`,
  );
  return `${lines.join('\n')}\n`;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/**
 * SARIF 2.1.0 in the subset GitHub code scanning reads: tool.driver.rules with ids, descriptions and help;
 * results with ruleId/ruleIndex, level, message and a physical location (artifact uri + region).
 */
export function formatSarif(report: LintReport, options: { docsBaseUrl?: string } = {}): string {
  const base = options.docsBaseUrl?.replace(/\/$/, '');
  const metas = RULES.map((r) => r.meta);
  const index = new Map(metas.map((m, i) => [m.id, i]));
  const rules = metas.map((m) => ({
    id: m.id,
    name: m.id
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: m.description },
    fullDescription: { text: m.docs.summary },
    ...(base ? { helpUri: `${base}/validator/rules/${m.id}/` } : {}),
    help: { text: `${m.docs.summary}\n\nFix: ${m.docs.fix}`, markdown: `${m.docs.summary}\n\n**Fix:** ${m.docs.fix}` },
    defaultConfiguration: { level: SARIF_LEVEL[m.severity] },
    properties: { tags: ['istio', 'ambient'] },
  }));
  const results = report.findings.map((f: Finding) => ({
    ruleId: f.rule,
    ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule)! } : {}),
    level: SARIF_LEVEL[f.severity],
    message: { text: f.fix ? `${f.message} Fix: ${f.fix}` : f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUri(f.file) },
          region: {
            startLine: Math.max(1, f.line),
            startColumn: Math.max(1, f.column),
            endLine: Math.max(f.line, f.endLine),
            endColumn: Math.max(1, f.endLine > f.line ? f.endColumn : Math.max(f.column, f.endColumn)),
          },
        },
        ...(f.resource
          ? {
              logicalLocations: [
                {
                  name: f.resource.name,
                  fullyQualifiedName: `${resourceLabel(f.resource).replace(' ', '/')}${f.path ? `:${f.path}` : ''}`,
                  kind: 'object',
                },
              ],
            }
          : {}),
      },
    ],
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ambient-atlas',
            semanticVersion: '0.1.0',
            rules,
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** SARIF wants a URI: forward slashes, percent-encoded; stdin has no file, so it gets a stable placeholder. */
function toUri(file: string): string {
  if (file === '-') return 'stdin';
  return file
    .replace(/\\/g, '/')
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
