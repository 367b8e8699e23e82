/** The trace component (issue #19): slots, the deciding hop, verdict colour class, escaping, and DOM = markup. */
import { describe, expect, it } from 'vitest';
import { toMarkup, traceDiagram } from '../../src/components/trace/trace-diagram.ts';
import type { El } from '../../src/components/trace/trace-diagram.ts';
import { parseManifests } from '../../src/lib/model/index.ts';
import { simulate } from '../../src/lib/simulator/index.ts';
import type { SimResult } from '../../src/lib/simulator/index.ts';
import { EXAMPLES, exampleInputs } from '../../src/site/examples.ts';

async function run(name: string, claim: number): Promise<SimResult> {
  const ex = EXAMPLES.get(name)!;
  const c = ex.expect.claims[claim]!;
  const { resources } = parseManifests(exampleInputs(ex));
  return simulate(resources, { from: c.from, to: c.to, ...(c.method ? { method: c.method } : {}) });
}

const all = (n: El | string): El[] => (typeof n === 'string' ? [] : [n, ...n.children.flatMap((c) => all(c))]);
const nodes = (t: El) => all(t).filter((e) => e.attrs['data-slot'] !== undefined);
const text = (n: El | string): string => (typeof n === 'string' ? n : n.children.map(text).join(''));

describe('traceDiagram', () => {
  it('draws client → source ztunnel → waypoint → destination ztunnel → pod, allowed, decided at the waypoint', async () => {
    const t = traceDiagram(await run('request-path/waypoint-l7', 0), { id: 't0' });
    expect(nodes(t).map((n) => [n.attrs['data-slot'], n.attrs.class])).toEqual([
      ['client', 'atlas-trace-node atlas-trace-node--passed'],
      ['source', 'atlas-trace-node atlas-trace-node--passed'],
      ['waypoint', 'atlas-trace-node atlas-trace-node--passed'],
      ['destination', 'atlas-trace-node atlas-trace-node--passed'],
      ['pod', 'atlas-trace-node atlas-trace-node--passed'],
    ]);
    expect(t.attrs['data-outcome']).toBe('allowed');
    expect(
      all(t)
        .filter((e) => e.tag === 'line')
        .every((l) => l.attrs.class!.endsWith('--allowed')),
    ).toBe(true);
    const svg = all(t).find((e) => e.tag === 'svg')!;
    expect(svg.attrs.role).toBe('img');
    expect(text(all(svg).find((e) => e.tag === 'title')!)).toMatch(
      /^Trace diagram: Allowed by AuthorizationPolicy bookinfo\/reviews-get-only/,
    );
    expect(text(all(svg).find((e) => e.tag === 'desc')!)).toMatch(
      /^bookinfo\/productpage\S* → source ztunnel → waypoint/,
    );
  });

  it('marks the denying hop and greys out what was not reached', async () => {
    const t = traceDiagram(await run('request-path/waypoint-l7', 1), { id: 't1' });
    const byslot = Object.fromEntries(nodes(t).map((n) => [n.attrs['data-slot'], n]));
    expect(byslot.waypoint!.attrs.class).toContain('--passed');
    expect(toMarkup(byslot.waypoint!)).toContain('denied here');
    expect(byslot.destination!.attrs.class).toContain('--not-reached');
    expect(byslot.pod!.attrs.class).toContain('--not-reached');
    const hops = all(t).filter((e) => e.attrs['data-hop'] !== undefined);
    expect(hops.map((h) => h.attrs['data-denied'])).toEqual([undefined, 'true']);
    expect(t.attrs['data-outcome']).toBe('denied');
  });

  it('draws the same nodes again as a column for phones, hidden from assistive technology and from data-slot', async () => {
    const t = traceDiagram(await run('request-path/waypoint-l7', 1), { id: 't3' });
    const svgs = all(t).filter((e) => e.tag === 'svg');
    expect(svgs.map((s) => [s.attrs.class, s.attrs.role, s.attrs['aria-hidden']])).toEqual([
      ['atlas-trace-svg atlas-trace-svg--row', 'img', undefined],
      ['atlas-trace-svg atlas-trace-svg--column', undefined, 'true'],
    ]);
    const column = svgs[1]!;
    const vnodes = all(column).filter((e) => e.attrs.class?.startsWith('atlas-trace-vnode'));
    expect(vnodes.map((n) => n.attrs.class)).toEqual([
      'atlas-trace-vnode atlas-trace-vnode--passed',
      'atlas-trace-vnode atlas-trace-vnode--passed',
      'atlas-trace-vnode atlas-trace-vnode--passed',
      'atlas-trace-vnode atlas-trace-vnode--not-reached',
      'atlas-trace-vnode atlas-trace-vnode--not-reached',
    ]);
    expect(all(column).some((e) => e.attrs['data-slot'] !== undefined)).toBe(false);
    expect(toMarkup(vnodes[2]!)).toContain('denied here');
    // Each drawing has its own arrowhead, coloured as the verdict.
    const heads = all(t).filter((e) => e.tag === 'marker');
    expect(heads.map((m) => m.attrs.id)).toEqual(['t3-head', 't3-vhead']);
    for (const m of heads)
      expect(m.children.map((c) => (c as El).attrs.class)).toEqual(['atlas-trace-head atlas-trace-head--denied']);
  });

  it('no arrow runs into the deciding ring', async () => {
    const t = traceDiagram(await run('request-path/waypoint-l7', 0), { id: 't4' });
    for (const svg of all(t).filter((e) => e.tag === 'svg')) {
      const ring = all(svg).find((e) => e.tag === 'circle')!;
      const [cx, cy, r] = ['cx', 'cy', 'r'].map((k) => Number(ring.attrs[k]));
      for (const l of all(svg).filter((e) => e.tag === 'line')) {
        const ends = [
          [Number(l.attrs.x1), Number(l.attrs.y1)],
          [Number(l.attrs.x2), Number(l.attrs.y2)],
        ];
        for (const [x, y] of ends) expect(Math.hypot(x! - cx!, y! - cy!)).toBeGreaterThan(r!);
      }
    }
  });

  it('a skipped waypoint is drawn as skipped, not as not reached', async () => {
    const t = traceDiagram(await run('request-path/fast-path', 0), { id: 't2' });
    const wp = nodes(t).find((n) => n.attrs['data-slot'] === 'waypoint')!;
    expect(wp.attrs.class).toContain('--skipped');
    expect(toMarkup(wp)).toContain('no waypoint');
  });

  it('escapes text and attributes in markup', () => {
    const fake = {
      verdict: 'allowed',
      status: 200,
      client: { name: '<img src=x onerror=alert(1)>', dataplane: 'ambient', identity: 'spiffe://a"b' },
      hops: [{ at: 'pod', name: '</svg><script>', port: 80, notes: ['<b>'] }],
      backends: [],
      notes: [],
    } as unknown as SimResult;
    const html = toMarkup(traceDiagram(fake, { id: 'x"y', request: '<i>' }));
    expect(html).not.toMatch(/<(img|script|b|i)[\s>]/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('id="x&quot;y-title"');
  });
});
