// Shared golden cases for the migrate tests (inputs under tests/golden/migrate/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrateSources } from '../../src/lib/migrate/index.ts';
import type { MigrateOptions, MigrationResult } from '../../src/lib/migrate/index.ts';

export const DIR = join(import.meta.dirname, '..', 'golden', 'migrate');

export interface GoldenCase {
  readonly input: string;
  readonly variant?: string;
  readonly options?: MigrateOptions;
}

export const CASES: readonly GoldenCase[] = [
  { input: 'procedure' },
  {
    input: 'procedure',
    variant: 'option2',
    options: { keepSidecarPrincipals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'] },
  },
  { input: 'procedure', variant: 'gateway', options: { target: 'gateway', waypointName: 'reviews-waypoint' } },
  { input: 'vs-features' },
  { input: 'vs-unsupported' },
  { input: 'policies' },
  { input: 'kubectl-list' },
  { input: 'malformed' },
];

export function runCase(c: GoldenCase): MigrationResult {
  const file = `${c.input}.in.yaml`;
  return migrateSources({ file, text: readFileSync(join(DIR, file)) }, c.options ?? {});
}
