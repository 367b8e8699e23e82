// The real-world corpus (../shared/real-corpus: upstream manifests from Istio, istio.io, Gateway API conformance and
// Kiali, provenance in its MANIFEST.tsv) and what our validator says about each file linted on its own. Shared by
// the test (tests/unit/real-corpus.test.ts) and the script that refreshes the expectation file
// (scripts/corpus-expectations.ts). The corpus is read in place: it is never copied into the project.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { lint } from '../../src/lib/validator/lint.ts';
import type { Finding } from '../../src/lib/validator/finding.ts';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/real-corpus/', import.meta.url));
export const EXPECTATIONS_FILE = fileURLToPath(new URL('./real-corpus.expected.yaml', import.meta.url));

export interface CorpusFile {
  /** Path inside the corpus, as MANIFEST.tsv names it. */
  readonly file: string;
  readonly repo: string;
  readonly notes: string;
}

export function corpusPresent(): boolean {
  return existsSync(join(CORPUS_DIR, 'MANIFEST.tsv'));
}

export function corpusFiles(): CorpusFile[] {
  const rows = readFileSync(join(CORPUS_DIR, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1);
  const out: CorpusFile[] = [];
  for (const row of rows) {
    const [file, repo, , , notes] = row.split('\t');
    if (file && /\.ya?ml$/.test(file)) out.push({ file, repo: repo ?? '', notes: notes ?? '' });
  }
  return out;
}

/** One error or warning, as the expectation file identifies it (message and position may be reworded/moved). */
export interface KeptFinding {
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  /** `Kind namespace/name` or `Kind name`; absent for input-level findings. */
  readonly resource?: string;
  readonly path: string;
  /** One line of upstream evidence that real Istio / Gateway API behaves as the finding says. */
  readonly evidence: string;
}

export type Expectations = Record<string, KeptFinding[]>;

export function identity(f: Omit<KeptFinding, 'evidence'>): string {
  return `${f.severity} ${f.rule} ${f.resource ?? '-'} ${f.path}`;
}

function resourceName(f: Finding): string | undefined {
  const r = f.resource;
  if (!r) return undefined;
  return r.namespace === undefined ? `${r.kind} ${r.name}` : `${r.kind} ${r.namespace}/${r.name}`;
}

export interface FileVerdict {
  readonly findings: readonly Omit<KeptFinding, 'evidence'>[];
  readonly internalErrors: readonly Finding[];
}

/** Lint one corpus file alone, as `ambient-atlas lint <file>` does, and keep its errors and warnings. */
export function lintCorpusFile(file: string): FileVerdict {
  const text = readFileSync(join(CORPUS_DIR, file), 'utf8');
  const report = lint({ file, text });
  const seen = new Set<string>();
  const findings: Omit<KeptFinding, 'evidence'>[] = [];
  for (const f of report.findings) {
    if (f.severity === 'info' || f.rule === 'internal-error') continue;
    const kept = {
      rule: f.rule,
      severity: f.severity,
      path: f.path,
      ...(resourceName(f) ? { resource: resourceName(f)! } : {}),
    };
    const id = identity(kept);
    if (seen.has(id)) continue;
    seen.add(id);
    findings.push(kept);
  }
  return { findings, internalErrors: report.findings.filter((f) => f.rule === 'internal-error') };
}

export function readExpectations(): Expectations {
  if (!existsSync(EXPECTATIONS_FILE)) return {};
  const parsed = parse(readFileSync(EXPECTATIONS_FILE, 'utf8')) as Expectations | null;
  return parsed ?? {};
}

export function writeExpectations(e: Expectations): string {
  const sorted: Expectations = {};
  for (const k of Object.keys(e).sort()) if (e[k]!.length) sorted[k] = e[k]!;
  return (
    '# Errors and warnings the validator keeps on the real-world corpus (../shared/real-corpus), per file linted on\n' +
    '# its own. Each carries one line of upstream evidence that real Istio / Gateway API behaves as it says.\n' +
    '# Refresh with `node scripts/corpus-expectations.ts` (keeps evidence; new findings get an empty one, which the\n' +
    '# test rejects until someone writes it). Files with no error or warning are not listed.\n' +
    stringify(sorted, { lineWidth: 0 })
  );
}
