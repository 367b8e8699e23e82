// Runs every tests/scenarios/<name>.yaml against the request table in <name>.cases.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/lib/model/index.ts';
import { simulate } from '../../src/lib/simulator/index.ts';
import type { SimResult } from '../../src/lib/simulator/index.ts';
import type { ScenarioCase } from '../scenarios/types.ts';

const dir = fileURLToPath(new URL('../scenarios/', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.cases.ts'))
  .map((f) => f.replace(/\.cases\.ts$/, ''))
  .sort();

function observed(r: SimResult, want: ScenarioCase['expect']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ('verdict' in want) out.verdict = r.verdict;
  if ('deniedAt' in want) out.deniedAt = r.deniedAt;
  if ('status' in want) out.status = r.status;
  if ('waypoint' in want) out.waypoint = r.waypoint ? `${r.waypoint.namespace}/${r.waypoint.name}` : null;
  if ('backends' in want)
    out.backends = r.backends.map(
      (b) => `${b.namespace}/${b.service}${b.probability === 1 ? '' : `@${b.probability}`}`,
    );
  if ('decidedBy' in want)
    out.decidedBy = r.decidedBy ? `${r.decidedBy.kind} ${r.decidedBy.namespace}/${r.decidedBy.name}` : null;
  if ('clientDataplane' in want) out.clientDataplane = r.client.dataplane;
  return out;
}

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
        it(`${c.name} (${c.source})`, async () => {
          const r = await simulate(resources, c.request, { nowSeconds: 1_800_000_000 });
          expect(observed(r, c.expect)).toEqual({ ...c.expect });
        });
      }
    });
  }
});
