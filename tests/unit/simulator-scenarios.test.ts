// Runs every tests/scenarios/<name>.yaml against the request table in <name>.cases.ts, each case parsed and compared
// by src/lib/expect (the same schema and comparison as labs, example claims and exercises).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  compare,
  describe as describeExpectation,
  ExpectationError,
  expectationIssues,
  expectationSchema,
  requestOf,
} from '../../src/lib/expect/index.ts';
import { parseManifests } from '../../src/lib/model/index.ts';
import { simulate } from '../../src/lib/simulator/index.ts';
import type { ScenarioCase } from '../scenarios/types.ts';
import { parseMeshConfig } from '../../src/lib/ambient/index.ts';
import type { MeshConfig } from '../../src/lib/ambient/index.ts';

function meshConfigOf(yaml: string): MeshConfig {
  const { config, errors } = parseMeshConfig(yaml);
  if (!config || errors.length) throw new Error(`bad scenario MeshConfig: ${errors.map((e) => e.message).join('; ')}`);
  return config;
}

const dir = fileURLToPath(new URL('../scenarios/', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.cases.ts'))
  .map((f) => f.replace(/\.cases\.ts$/, ''))
  .sort();

describe('simulator scenarios', () => {
  it('has scenarios to run', () => expect(names.length).toBeGreaterThan(0));
  for (const name of names) {
    describe(name, async () => {
      const { cases } = (await import(`../scenarios/${name}.cases.ts`)) as { cases: readonly ScenarioCase[] };
      const { resources, issues } = parseManifests({
        file: `${name}.yaml`,
        text: readFileSync(`${dir}${name}.yaml`, 'utf8'),
      });
      it('parses cleanly', () => expect(issues.filter((i) => i.severity === 'error')).toEqual([]));
      for (const c of cases) {
        const parsed = expectationSchema.safeParse({ ...c.request, expect: c.expect });
        if (!parsed.success) {
          it(`${c.name} (${c.source}) is a valid expectation`, () => {
            throw new ExpectationError(`${name}.cases.ts "${c.name}"`, expectationIssues(parsed.error));
          });
          continue;
        }
        const e = parsed.data;
        it(`${c.name} (${c.source}): ${describeExpectation(e)}`, async () => {
          const r = await simulate(resources, requestOf(e), {
            nowSeconds: 1_800_000_000,
            ...(c.istio ? { istio: c.istio } : {}),
            ...(c.gatewayApi ? { gatewayApi: c.gatewayApi } : {}),
            ...(c.meshConfig ? { meshConfig: meshConfigOf(c.meshConfig) } : {}),
          });
          expect(compare(e.expect, r)).toEqual([]);
        });
      }
    });
  }
});
