// The assistant page's pure parts: the line diff behind "before and after", and the sample it offers.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineDiff, MAX_DIFF_CELLS } from '../../src/components/migrate/diff.ts';
import { isMigrateFindingId, MIGRATE_FINDINGS, migrateFindingRows } from '../../src/lib/migrate/findings.ts';
import { migrateSources } from '../../src/lib/migrate/index.ts';

describe('lineDiff', () => {
  it('marks removed and added lines around common ones', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nx\nc\n')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
    ]);
  });
  it('rebuilds both sides exactly and keeps a longest common subsequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }),
        (a, b) => {
          const d = lineDiff(a.join('\n'), b.join('\n'))!;
          expect(d.filter((l) => l.op !== '+').map((l) => l.text)).toEqual(a.join('\n').split('\n'));
          expect(d.filter((l) => l.op !== '-').map((l) => l.text)).toEqual(b.join('\n').split('\n'));
          // No line is both removed and re-added unchanged next to itself.
          for (let i = 1; i < d.length; i++)
            expect(d[i - 1]!.op === '-' && d[i]!.op === '+' && d[i - 1]!.text === d[i]!.text).toBe(false);
        },
      ),
    );
  });
  it('gives up (undefined) instead of building a huge table', () => {
    const side = Math.ceil(Math.sqrt(MAX_DIFF_CELLS)) + 2;
    const a = Array.from({ length: side }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: side }, (_, i) => `b${i}`).join('\n');
    expect(lineDiff(a, b)).toBeUndefined();
  });
});

describe('assistant sample', () => {
  it('converts without blockers and exercises routing, L7 and L4 policy conversions', () => {
    const text = readFileSync(new URL('../../src/components/migrate/sample.yaml', import.meta.url), 'utf8');
    const r = migrateSources({ file: 'sample.yaml', text });
    expect(r.blockers).toBe(0);
    const rules = new Set(r.findings.map((f) => f.rule));
    for (const rule of [
      'migrate-virtualservice-converted',
      'migrate-l7-policy-retargeted',
      'migrate-l4-allow-behind-waypoint',
      'migrate-bypass-prevention',
    ])
      expect(rules).toContain(rule);
  });
});

describe('migrate finding registry', () => {
  // Ids are typed against the registry, so an unregistered id does not compile; this checks the other way:
  // every registered id is still reported somewhere, so the /migrate/ table documents no dead finding.
  it('every registered finding id is reported by the library', () => {
    const dir = new URL('../../src/lib/migrate/', import.meta.url);
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'findings.ts',
    );
    const src = files.map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n');
    const used = new Set([...src.matchAll(/'(migrate-[a-z0-9-]+)'/g)].map((m) => m[1]!));
    expect(Object.keys(MIGRATE_FINDINGS).filter((id) => !used.has(id))).toEqual([]);
    expect([...used].filter((id) => !isMigrateFindingId(id))).toEqual([]);
  });

  it('the /migrate/ page renders its findings table from the registry', () => {
    const page = readFileSync(new URL('../../src/content/docs/migrate/index.mdx', import.meta.url), 'utf8');
    expect(page).toContain('<MigrateFindingsTable />');
    const rows = migrateFindingRows();
    expect(rows.flatMap((r) => r.ids)).toEqual(Object.keys(MIGRATE_FINDINGS));
    for (const r of rows) expect(r.meaning.length).toBeGreaterThan(10);
  });
});
