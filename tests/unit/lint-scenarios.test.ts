// Runs every tests/scenarios/<name>.lint-cases.ts against <name>.yaml: each case is one lint run on one version
// line (and MeshConfig) and lists every finding it must give, so lint's answers per line are pinned like the
// simulator's (simulator-scenarios.test.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseMeshConfig } from '../../src/lib/ambient/index.ts';
import { lint } from '../../src/lib/validator/index.ts';
import type { LintScenarioCase } from '../scenarios/types.ts';

const dir = fileURLToPath(new URL('../scenarios/', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.lint-cases.ts'))
  .map((f) => f.replace(/\.lint-cases\.ts$/, ''))
  .sort();

describe('lint scenarios', () => {
  it('has scenarios to run', () => expect(names.length).toBeGreaterThan(0));
  for (const name of names) {
    describe(name, async () => {
      const { cases } = (await import(`../scenarios/${name}.lint-cases.ts`)) as { cases: readonly LintScenarioCase[] };
      const input = { file: `${name}.yaml`, text: readFileSync(`${dir}${name}.yaml`, 'utf8') };
      for (const c of cases)
        it(`${c.name} (${c.source})`, () => {
          const parsed = c.meshConfig === undefined ? undefined : parseMeshConfig(c.meshConfig);
          if (parsed && (!parsed.config || parsed.errors.length)) throw new Error(`bad MeshConfig in "${c.name}"`);
          const { findings } = lint(input, {
            ...(c.istio ? { istio: c.istio } : {}),
            ...(c.gatewayApi ? { gatewayApi: c.gatewayApi } : {}),
            ...(parsed?.config ? { meshConfig: parsed.config } : {}),
          });
          expect(findings.map((f) => `${f.severity} ${f.rule} ${f.resource?.kind} ${f.resource?.name}`)).toEqual(
            c.findings,
          );
        });
    });
  }
});
