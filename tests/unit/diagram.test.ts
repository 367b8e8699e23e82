import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/lib/catalog/index.ts';
import { layoutDiagram, TARGETS } from '../../src/components/diagram/layout.ts';
import type { Rect } from '../../src/components/diagram/layout.ts';
import { traceView } from '../../src/components/trace/trace-view.ts';
import { parseManifests } from '../../src/lib/model/index.ts';
import { simulate } from '../../src/lib/simulator/index.ts';
import { EXAMPLES, exampleInputs } from '../../src/site/examples.ts';

const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (r: Rect, w: number, h: number) => r.x >= 0 && r.y >= 0 && r.x + r.width <= w && r.y + r.height <= h;

for (const columns of [5, 1] as const) {
  describe(`diagram layout (${columns} column${columns > 1 ? 's' : ''})`, () => {
    const l = layoutDiagram({ columns });
    const boxes = l.groups.flatMap((g) => g.entries);

    it('has exactly one linked box per catalog entry, pointing at its page', () => {
      expect(boxes.map((b) => b.slug).sort()).toEqual(CATALOG.map((e) => e.slug).sort());
      for (const e of CATALOG) expect(boxes.find((b) => b.slug === e.slug)!.href).toBe(e.docs);
    });

    it('puts each box in its catalog group', () => {
      for (const g of l.groups)
        for (const b of g.entries) expect(CATALOG.find((e) => e.slug === b.slug)!.group).toBe(g.group);
    });

    it('names where each resource is programmed in text, not only colour', () => {
      for (const b of boxes) {
        const e = CATALOG.find((x) => x.slug === b.slug)!;
        expect(b.programmedAt).toEqual(e.programmedAt);
        for (const at of e.programmedAt.filter((a) => a !== 'n/a in ambient')) {
          expect(b.where).toContain(at);
          expect(b.label).toContain(at);
        }
      }
    });

    it('draws every enforcement point the catalog uses, below the resources', () => {
      const used = new Set(CATALOG.flatMap((e) => e.programmedAt));
      for (const at of used)
        if (at !== 'istiod' && at !== 'n/a in ambient') expect(l.targets.map((t) => t.at)).toContain(at);
      const lowest = Math.max(...boxes.map((b) => b.y + b.height));
      for (const t of l.targets) expect(t.y).toBeGreaterThan(lowest);
      expect(l.istiod.y + l.istiod.height).toBeLessThan(Math.min(...boxes.map((b) => b.y)));
    });

    it('keeps every box inside the viewBox and apart from the others', () => {
      const all: Rect[] = [l.istiod, ...boxes, ...l.targets];
      for (const r of all) expect(inside(r, l.width, l.height)).toBe(true);
      for (let i = 0; i < all.length; i++)
        for (let j = i + 1; j < all.length; j++) expect(overlaps(all[i]!, all[j]!), `${i} vs ${j}`).toBe(false);
    });
  });
}

describe('diagram layout follows the catalog', () => {
  it('a catalog without an entry draws no box for it', () => {
    const fewer = CATALOG.filter((e) => e.slug !== 'sidecar');
    const l = layoutDiagram({ columns: 5, entries: fewer });
    expect(l.groups.flatMap((g) => g.entries).map((b) => b.slug)).not.toContain('sidecar');
    expect(l.groups.flatMap((g) => g.entries)).toHaveLength(fewer.length);
  });
  it('lists the entries programmed at each target', () => {
    const l = layoutDiagram({ columns: 5 });
    for (const t of TARGETS)
      expect(l.targets.find((x) => x.at === t.at)!.slugs).toEqual(
        CATALOG.filter((e) => e.programmedAt.includes(t.at)).map((e) => e.slug),
      );
  });
});

describe('trace view', () => {
  async function run(name: string, claim: number) {
    const ex = EXAMPLES.get(name)!;
    const c = ex.expect.claims[claim]!;
    const { resources } = parseManifests(exampleInputs(ex));
    return simulate(resources, { from: c.from, to: c.to, ...(c.method ? { method: c.method } : {}) });
  }
  it('shows the waypoint identity at the destination ztunnel when a waypoint forwarded the request', async () => {
    const v = traceView(await run('request-path/waypoint-l7', 0));
    expect(v.steps.map((s) => s.kind)).toEqual(['ztunnel', 'waypoint', 'ztunnel', 'pod']);
    expect(v.steps[1]!.identity).toContain('cluster.local/ns/bookinfo/sa/bookinfo-productpage');
    expect(v.steps[2]!.identity).toContain('cluster.local/ns/bookinfo/sa/reviews-waypoint');
    expect(v.outcome).toBe('allowed');
  });
  it('marks the hop that denied the request', async () => {
    const v = traceView(await run('request-path/waypoint-l7', 1));
    expect(v.outcome).toBe('denied');
    expect(v.steps.filter((s) => s.denied).map((s) => s.kind)).toEqual(['waypoint']);
  });
  it('a plaintext client has no source ztunnel and no identity', async () => {
    const v = traceView(await run('request-path/fast-path', 1));
    expect(v.steps[0]!.kind).toBe('ztunnel');
    expect(v.steps[0]!.title).toMatch(/Destination/);
    expect(v.steps[0]!.identity).toMatch(/no identity/);
  });
});
