// The what-if scenario files (tests/scenarios/whatif/): predicted status conditions with their upstream sources,
// pinned matrix cells, and diffs whose changed cells and causes are listed exactly. Each diff is also checked for
// soundness: the incremental "after" matrix equals one computed from scratch.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isClusterScoped } from '../../src/lib/ambient/index.ts';
import { parseManifests } from '../../src/lib/model/index.ts';
import { buildMesh } from '../../src/lib/model/mesh.ts';
import { predictStatus } from '../../src/lib/status/index.ts';
import { buildMatrix, cellsOf, diffMeshes, requestLabel } from '../../src/lib/whatif/index.ts';
import type { Matrix } from '../../src/lib/whatif/index.ts';
import { cases as diffCases } from '../scenarios/whatif/diff.cases.ts';
import { cases as matrixCases } from '../scenarios/whatif/matrix.cases.ts';
import { cases as statusCases } from '../scenarios/whatif/status.cases.ts';

const dir = fileURLToPath(new URL('../scenarios/whatif/', import.meta.url));
const NOW = 1_800_000_000;

function meshOf(file: string) {
  const { resources, issues } = parseManifests({ file, text: readFileSync(dir + file, 'utf8') });
  expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  return buildMesh(resources);
}

/** `from → to request` → `verdict status decidedBy` of every cell. */
function table(m: Matrix): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of cellsOf(m)) {
    const o = c.outcome;
    const by = o.decidedBy
      ? `${o.decidedBy.kind} ${o.decidedBy.namespace}/${o.decidedBy.name}#${o.decidedBy.rule ?? ''}`
      : '';
    const backends = o.backends.map((b) => `${b.namespace}/${b.service}:${b.port}@${b.probability}`).join(',');
    out.set(
      `${c.client.key} → ${c.destination.key} ${requestLabel(c.request)}`,
      `${o.verdict} ${o.status} ${o.deniedAt} ${by} ${backends}`,
    );
  }
  return out;
}

describe('predicted status (status.yaml)', () => {
  const mesh = meshOf('status.yaml');
  const predicted = predictStatus(mesh);
  const byName = new Map(predicted.map((r) => [`${r.kind} ${r.namespace}/${r.name}`, r]));
  for (const c of statusCases)
    it(`${c.resource}: ${c.conditions.map((x) => `${x.type}=${x.status} ${x.reason}`).join(', ') || 'nothing'}`, () => {
      const got = byName.get(c.resource)?.conditions ?? [];
      expect(got.map(({ source: _s, ...rest }) => rest)).toEqual(c.conditions.map(({ upstream: _u, ...rest }) => rest));
      c.conditions.forEach((x, i) => expect(got[i]!.source).toContain(x.upstream));
    });
  it('Istio 1.30 has no canary waypoints: the canary labels add nothing to WaypointBound', () => {
    const on130 = predictStatus(mesh, { istio: '1.30' }).find((r) => r.name === 'canary-same');
    expect(on130?.conditions.map((c) => c.message)).toEqual(['Successfully attached to waypoint shop/waypoint']);
  });
  it('writes conditions on no resource the cases leave out', () => {
    const listed = new Set(statusCases.map((c) => c.resource));
    expect([...byName.keys()].filter((k) => !listed.has(k))).toEqual([]);
  });
});

describe('matrix cells (matrix.yaml)', async () => {
  const m = await buildMatrix(meshOf('matrix.yaml'), { nowSeconds: NOW });
  const cells = new Map(
    [...cellsOf(m)].map((c) => [
      `${c.client.key} → ${c.destination.key} ${requestLabel(c.request).replace(' · jwt ', ' jwt ')}`,
      c.outcome,
    ]),
  );
  for (const c of matrixCases)
    it(c.name, () => {
      const o = cells.get(`${c.from} → ${c.to} ${c.request}`);
      expect(o, `no cell ${c.from} → ${c.to} ${c.request}; cells: ${[...cells.keys()].join('; ')}`).toBeDefined();
      expect(o!.verdict).toBe(c.verdict);
      if (c.status !== undefined) expect(o!.status).toBe(c.status);
      if (c.decidedBy !== undefined)
        expect(o!.decidedBy ? `${o!.decidedBy.kind} ${o!.decidedBy.namespace}/${o!.decidedBy.name}` : null).toBe(
          c.decidedBy,
        );
    });
});

describe('diff scenarios', () => {
  for (const c of diffCases)
    it(`${c.name} (${c.source})`, async () => {
      const before = meshOf(`${c.name}.before.yaml`);
      const after = meshOf(`${c.name}.after.yaml`);
      const d = await diffMeshes(before, after, { nowSeconds: NOW });
      const name = (i: number) => {
        const r = d.causes[i]!.change;
        return `${r.kind} ${isClusterScoped(r.kind) ? r.name : `${r.namespace}/${r.name}`}`;
      };
      const got = d.changed.map((x) => ({
        cell: `${x.from} → ${x.to} ${x.request ? `${x.request.method} ${x.request.path}` : 'tcp'}`,
        change: x.change,
        causes: x.causes.map(name),
      }));
      expect(got).toEqual(c.changed);
      // Sound: the cells copied from "before" are what a full recomputation gives.
      expect(table(d.after)).toEqual(table(await buildMatrix(after, { nowSeconds: NOW })));
    });
});
