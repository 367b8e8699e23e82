// The CI side of `lint` (DESIGN §4.5b): output formats, --fail-on, config file, versions, ignore globs. Kept out of
// commands/lint.ts, which reads the input.
import { basename, relative } from 'node:path';
import type { SourceInput } from '../lib/model/types.ts';
import type { AtlasConfig } from '../lib/validator/config.ts';
import { resourceLabel } from '../lib/validator/finding.ts';
import { formatGithub } from '../lib/validator/format-github.ts';
import { formatJunit } from '../lib/validator/format-junit.ts';
import { formatSarif, formatText } from '../lib/validator/format.ts';
import { compileGlob } from '../lib/validator/glob.ts';
import type { LintResult, RuleLevel } from '../lib/validator/suppress.ts';
import { FAIL_ON, failingFindings, isFailOn } from '../lib/validator/threshold.ts';
import type { FailOn } from '../lib/validator/threshold.ts';
import { resolveVersions } from '../lib/versions.ts';
import type { GatewayApiVersion, IstioVersion } from '../lib/versions.ts';
import { CONFIG_FILE, loadConfig } from './config.ts';
import { UsageError } from './io.ts';

export const FORMATS = ['text', 'json', 'sarif', 'junit', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** The flags `lint` adds for CI, for commands/lint.ts's parseArgs. */
export const CI_FLAGS = {
  'fail-on': { type: 'string' },
  config: { type: 'string' },
  istio: { type: 'string' },
  'gateway-api': { type: 'string' },
  'show-suppressed': { type: 'boolean' },
} as const;

export interface CiSettings {
  readonly format: Format;
  readonly failOn: FailOn;
  readonly istio: IstioVersion;
  readonly gatewayApi: GatewayApiVersion;
  readonly showSuppressed: boolean;
  readonly ruleLevels?: Readonly<Record<string, RuleLevel>>;
  /** Whether an input file (absolute path) is left out by the config's `ignore` globs. */
  readonly ignored: (absPath: string) => boolean;
}

/** Validate the CI flags and load the config. Throws UsageError (exit 2) with a message naming what is wrong. */
export async function ciSettings(
  values: {
    readonly format?: string | boolean | undefined;
    readonly 'fail-on'?: string | boolean | undefined;
    readonly config?: string | boolean | undefined;
    readonly istio?: string | boolean | undefined;
    readonly 'gateway-api'?: string | boolean | undefined;
    readonly 'show-suppressed'?: string | boolean | undefined;
  },
  cwd: string,
): Promise<CiSettings> {
  const format = values.format ?? 'text';
  if (typeof format !== 'string' || !(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${String(format)}`);
  const failOn = values['fail-on'] ?? 'error';
  if (!isFailOn(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not ${String(failOn)}`);
  // Flag versions are checked before the config is read, so `--istio 9` says what is wrong with the flag.
  const flagIstio = typeof values.istio === 'string' ? values.istio : undefined;
  const flagGateway = typeof values['gateway-api'] === 'string' ? values['gateway-api'] : undefined;
  const flagCheck = resolveVersions(flagIstio, flagGateway);
  if ('error' in flagCheck)
    throw new UsageError(
      `${'error' in resolveVersions(flagIstio, undefined) ? '--istio' : '--gateway-api'}: ${flagCheck.error}`,
    );
  const loaded = await loadConfig(cwd, typeof values.config === 'string' ? values.config : undefined);
  const config: AtlasConfig | undefined = loaded?.config;
  // Each flag overrides its own key of the config; the Gateway API line otherwise follows the Istio line.
  const versions = resolveVersions(flagIstio ?? config?.istio, flagGateway ?? config?.gatewayApi);
  if ('error' in versions) throw new UsageError(versions.error);
  const globs = (config?.ignore ?? []).map(compileGlob);
  const base = loaded?.dir;
  return {
    format: format as Format,
    failOn,
    istio: versions.istio,
    gatewayApi: versions.gatewayApi,
    showSuppressed: values['show-suppressed'] === true,
    ...(config && Object.keys(config.rules).length ? { ruleLevels: config.rules } : {}),
    ignored: (absPath) => {
      // The config file is settings, not a manifest, even when a directory walk meets it.
      if (basename(absPath) === CONFIG_FILE) return true;
      if (!globs.length || base === undefined) return false;
      const rel = relative(base, absPath).split('\\').join('/');
      if (!rel || rel.startsWith('../') || rel === '..') return false;
      return globs.some((g) => g.matches(rel));
    },
  };
}

/** The JSON contract (§4.2) with the §4.5a versions and, when asked, the suppressed findings. */
function jsonReport(report: LintResult, s: CiSettings): string {
  const out = {
    version: report.version,
    istio: s.istio,
    gatewayApi: s.gatewayApi,
    resources: report.resources,
    summary: report.summary,
    findings: report.findings,
    ...(s.showSuppressed ? { suppressed: report.suppressed ?? [] } : {}),
  };
  // formatJson's layout, with the keys in contract order.
  return `${JSON.stringify(out, null, 2)}\n`;
}

function suppressedText(report: LintResult, s: CiSettings): string {
  const n = report.summary.suppressed;
  if (!n) return '';
  if (!s.showSuppressed) return `${n} suppressed by annotation (--show-suppressed lists them).\n`;
  const lines = ['', `Suppressed (${n}):`];
  for (const f of report.suppressed ?? []) {
    lines.push(
      `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule}${f.resource ? ` ${resourceLabel(f.resource)}` : ''}`,
    );
    lines.push(`  ${f.message}`);
    lines.push(`  reason: ${f.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

interface SarifLog {
  runs: { results: { suppressions?: unknown[] }[]; properties?: Record<string, unknown> }[];
}

/**
 * SARIF with the versions as run properties (§4.5a), and with --show-suppressed the suppressed findings as results
 * carrying SARIF's own `suppressions` (kind inSource, the annotation's reason), which code scanning shows as
 * dismissed rather than open.
 */
function sarifReport(report: LintResult, s: CiSettings): string {
  const log = JSON.parse(formatSarif(report)) as SarifLog;
  const run = log.runs[0]!;
  run.properties = { ...run.properties, istio: s.istio, gatewayApi: s.gatewayApi };
  const hidden = s.showSuppressed ? (report.suppressed ?? []) : [];
  if (hidden.length) {
    const extra = JSON.parse(formatSarif({ ...report, findings: hidden })) as SarifLog;
    extra.runs[0]!.results.forEach((r, i) => {
      r.suppressions = [{ kind: 'inSource', justification: hidden[i]!.reason }];
      run.results.push(r);
    });
  }
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** The output in the chosen format, and the exit code --fail-on gives it. */
export function render(
  report: LintResult,
  s: CiSettings,
  inputs: readonly SourceInput[],
  color: boolean,
): { text: string; failed: boolean } {
  let text: string;
  switch (s.format) {
    case 'json':
      text = jsonReport(report, s);
      break;
    case 'sarif':
      text = sarifReport(report, s);
      break;
    case 'junit':
      text = formatJunit(report, { failOn: s.failOn, files: inputs.map((i) => i.file) });
      break;
    case 'github':
      text = formatGithub(report);
      break;
    default:
      text = formatText(report, { color }) + suppressedText(report, s);
  }
  return { text, failed: failingFindings(report.findings, s.failOn) > 0 };
}
