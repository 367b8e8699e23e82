// JUnit XML for CI test reports (GitLab's "Tests" tab, Jenkins' JUnit plugin, Azure Pipelines). The layout follows
// ESLint's junit formatter, which those tools already render well: one <testsuite> per input file, one <testcase>
// per finding, and one passing testcase for a file with nothing to report, so a clean file still counts.
import type { Finding, LintReport, Severity } from './finding.ts';
import { resourceLabel } from './finding.ts';
import type { SuppressedFinding } from './suppress.ts';
import type { FailOn } from './threshold.ts';
import { failsAt } from './threshold.ts';

export interface JunitOptions {
  /** Findings at or above this level are <failure>s, matching the exit code; the others pass with a note. */
  readonly failOn?: FailOn;
  /** Every input file, so files without findings appear as passing suites. */
  readonly files?: readonly string[];
}

type Report = LintReport & { readonly suppressed?: readonly SuppressedFinding[] };

/**
 * Text for XML 1.0: markup characters escaped, and characters the spec forbids (most C0 controls, lone
 * surrogates, U+FFFE/U+FFFF) dropped, since no escape can express them. In attributes, tab and line breaks
 * become character references, which attribute-value normalisation would otherwise turn into spaces.
 */
export function xmlText(s: string, attribute = false): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += attribute ? '&quot;' : ch;
    else if (ch === "'") out += attribute ? '&apos;' : ch;
    else if (c === 0x9 || c === 0xa || c === 0xd) out += attribute ? `&#${c};` : ch;
    else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) continue;
    else out += ch;
  }
  return out;
}

const attr = (s: string): string => `"${xmlText(s, true)}"`;

function caseName(f: Finding): string {
  return `${f.rule}${f.resource ? ` ${resourceLabel(f.resource)}` : ''} (line ${f.line})`;
}

function body(f: Finding, severity: Severity): string {
  const lines = [
    `${f.file}:${f.line}:${f.column} ${severity} ${f.rule}${f.resource ? ` ${resourceLabel(f.resource)}` : ''}`,
    f.message,
  ];
  if (f.path) lines.push(`path: ${f.path}`);
  if (f.fix) lines.push(`fix: ${f.fix}`);
  lines.push(`docs: ${f.docs}`);
  return lines.join('\n');
}

export function formatJunit(report: Report, options: JunitOptions = {}): string {
  const failOn = options.failOn ?? 'error';
  const suites = new Map<string, { cases: string[]; tests: number; failures: number; skipped: number }>();
  const suite = (file: string) => {
    let entry = suites.get(file);
    if (!entry) suites.set(file, (entry = { cases: [], tests: 0, failures: 0, skipped: 0 }));
    return entry;
  };
  for (const file of options.files ?? []) suite(file);
  for (const f of report.findings) {
    const c = suite(f.file);
    c.tests++;
    const open = `    <testcase name=${attr(caseName(f))} classname=${attr(f.file)} time="0">`;
    if (failsAt(f.severity, failOn)) {
      c.failures++;
      c.cases.push(
        `${open}\n      <failure message=${attr(f.message)} type=${attr(f.severity)}>${xmlText(body(f, f.severity))}</failure>\n    </testcase>`,
      );
    } else c.cases.push(`${open}\n      <system-out>${xmlText(body(f, f.severity))}</system-out>\n    </testcase>`);
  }
  for (const f of report.suppressed ?? []) {
    const c = suite(f.file);
    c.tests++;
    c.skipped++;
    c.cases.push(
      `    <testcase name=${attr(caseName(f))} classname=${attr(f.file)} time="0">\n      <skipped message=${attr(`suppressed: ${f.reason}`)}/>\n    </testcase>`,
    );
  }
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const parts: string[] = [];
  for (const [file, c] of suites) {
    if (!c.cases.length) {
      c.tests++;
      c.cases.push(`    <testcase name="no findings" classname=${attr(file)} time="0"/>`);
    }
    tests += c.tests;
    failures += c.failures;
    skipped += c.skipped;
    parts.push(
      `  <testsuite name=${attr(file === '-' ? 'stdin' : file)} tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}" time="0">\n${c.cases.join('\n')}\n  </testsuite>`,
    );
  }
  // An empty <testsuites> is read as "no report" by some tools: a run with no input still shows one passing case.
  if (!parts.length) {
    tests = 1;
    parts.push(
      `  <testsuite name="ambient-atlas" tests="1" failures="0" errors="0" skipped="0" time="0">\n    <testcase name="no findings" classname="ambient-atlas" time="0"/>\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ambient-atlas" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">\n${parts.join('\n')}\n</testsuites>\n`;
}
