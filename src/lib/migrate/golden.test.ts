// Golden tests for `migrate`: each input under tests/golden/migrate/ is converted and compared with the
// reviewed expected output (YAML) and findings (rule, severity, position, path — never message text).
// Regenerate after a deliberate change with UPDATE_GOLDEN=1 and review the diff.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toYaml } from './index.ts';
import type { MigrationResult } from './index.ts';
import { CASES, DIR, runCase } from '../../../tests/unit/migrate-cases.ts';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

function findingsText(r: MigrationResult): string {
  return (
    r.findings
      .map(
        (f) =>
          `${f.severity} ${f.rule} ${f.line ?? '-'}:${f.column ?? '-'} ${f.resource ? `${f.resource.kind}/${f.resource.namespace}/${f.resource.name}` : '-'} ${f.path ?? '-'}`,
      )
      .join('\n') + `\nblockers ${r.blockers}\n`
  );
}

function golden(path: string, actual: string): void {
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`missing golden file ${path}; run with UPDATE_GOLDEN=1 and review it`);
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('migrate golden files', () => {
  for (const c of CASES) {
    const base = c.variant ? `${c.input}.${c.variant}` : c.input;
    it(`${base}: converted manifests`, () => {
      golden(join(DIR, `${base}.out.yaml`), toYaml(runCase(c).manifests));
    });
    it(`${base}: findings`, () => {
      golden(join(DIR, `${base}.findings.txt`), findingsText(runCase(c)));
    });
  }
});
