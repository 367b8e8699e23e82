// The playground's Reachability / Compare data (view.ts): every cell's trace is the trace behind that cell, the
// comparison with a baseline names the changed cells and their cause, the MeshConfig input reaches the traces,
// and a mesh too large to draw is refused with its size.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VIEW_LIMITS, WhatIfSession } from './view.ts';
import type { ReachView, ViewInput } from './view.ts';

const base = (f: string) => readFileSync(new URL(`../../../labs/base/${f}.yaml`, import.meta.url), 'utf8').trimEnd();
const BOOKINFO_WAYPOINT = ['bookinfo', 'clients', 'waypoint'].map(base).join('\n---\n') + '\n';
const READ_ONLY = readFileSync(
  new URL('../../../labs/waypoint-l7-authz/manifests/reviews-read-only.yaml', import.meta.url),
  'utf8',
);
const LINES = { istio: '1.31', gatewayApi: '1.6' } as const;

function input(yaml: string, extra: Partial<ViewInput> = {}): ViewInput {
  return { yaml, ...LINES, ...extra };
}

function matrix(v: Awaited<ReturnType<WhatIfSession['view']>>): ReachView {
  if (v.kind !== 'matrix') throw new Error(`expected a matrix, got ${JSON.stringify(v)}`);
  return v;
}

function cellOf(v: ReachView, from: string, to: string, label: string) {
  const ci = v.clients.indexOf(from);
  let column = 0;
  for (const d of v.destinations) {
    if (d.key === to) {
      const ri = d.requests.findIndex((r) => r.label === label);
      if (ci < 0 || ri < 0) break;
      const index = ci * v.columns + column + ri;
      return { index, outcome: v.outcomes[v.cells[index]!]!, request: d.requests[ri]! };
    }
    column += d.requests.length;
  }
  throw new Error(`no cell ${from} → ${to} ${label}`);
}

describe('WhatIfSession (playground Reachability view)', () => {
  it('draws bookinfo with a waypoint; each cell trace is the trace behind that cell', async () => {
    const s = new WhatIfSession();
    const v = matrix(await s.view(input(BOOKINFO_WAYPOINT + '---\n' + READ_ONLY)));
    expect(v.clients).toContain('bookinfo/curl');
    expect(v.clients).toContain('external');
    expect(v.destinations.map((d) => d.key)).toContain('reviews.bookinfo:9080');
    expect(v.cells).toHaveLength(v.clients.length * v.columns);
    expect(v.destinations.every((d) => d.requests.length <= VIEW_LIMITS.maxRequests + 1)).toBe(true);
    // GET /reviews/x from curl is allowed by the waypoint policy; GET / (outside /reviews/*) gets 403 there.
    const get = cellOf(v, 'bookinfo/curl', 'reviews.bookinfo:9080', 'GET /reviews/x');
    expect(get.outcome).toMatchObject({ verdict: 'allowed', status: 200 });
    const post = cellOf(v, 'bookinfo/curl', 'reviews.bookinfo:9080', 'GET /');
    expect(post.outcome).toMatchObject({ verdict: 'denied', status: 403, deniedAt: 'waypoint' });
    expect(post.outcome.decidedBy).toBe('AuthorizationPolicy bookinfo/reviews-read-only');
    // Every cell of one client: the trace agrees with the cell.
    for (const d of v.destinations)
      for (const r of d.requests) {
        const c = cellOf(v, 'bookinfo/curl', d.key, r.label);
        const t = await s.trace('bookinfo/curl', d.key, r.key);
        if (t.kind !== 'trace') throw new Error(t.message);
        expect([t.result.verdict, t.result.status, t.result.deniedAt]).toEqual([
          c.outcome.verdict,
          c.outcome.status,
          c.outcome.deniedAt,
        ]);
        expect(t.result.hops.length).toBeGreaterThan(0);
      }
    expect(await s.trace('bookinfo/nobody', 'reviews.bookinfo:9080', 'tcp')).toMatchObject({ kind: 'error' });
  });

  it('Compare: a policy added after the baseline closes cells, attributed to that policy, with counts', async () => {
    const s = new WhatIfSession();
    const v = matrix(await s.view(input(BOOKINFO_WAYPOINT + '---\n' + READ_ONLY, { baseline: BOOKINFO_WAYPOINT })));
    const cmp = v.compare!;
    expect(cmp.closed).toBeGreaterThan(0);
    expect(cmp.opened).toBe(0);
    expect(cmp.causes.map((c) => c.title)).toEqual(['AuthorizationPolicy bookinfo/reviews-read-only added']);
    const post = cellOf(v, 'bookinfo/curl', 'reviews.bookinfo:9080', 'GET /');
    const change = cmp.cells.find(([i]) => i === post.index)?.[1];
    expect(change).toMatchObject({ change: 'closed', causes: [0], before: { verdict: 'allowed' } });
    // Cells the policy does not reach are not listed.
    const pp = cellOf(v, 'bookinfo/curl', 'productpage.bookinfo:9080', 'GET /');
    expect(cmp.cells.some(([i]) => i === pp.index)).toBe(false);
    expect(cmp.unchanged + cmp.changed).toBeGreaterThanOrEqual(v.cells.length);
    // The same baseline again: compared, not rebuilt (the counts stay), and no baseline: no comparison.
    const again = matrix(await s.view(input(BOOKINFO_WAYPOINT, { baseline: BOOKINFO_WAYPOINT })));
    expect(again.compare).toMatchObject({ changed: 0, opened: 0, closed: 0 });
    expect(matrix(await s.view(input(BOOKINFO_WAYPOINT))).compare).toBeUndefined();
  });

  it('the MeshConfig input reaches the traces: a principal in its trust domain is allowed only with it', async () => {
    const policy = `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ratings-from-curl
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: ratings
  action: ALLOW
  rules:
    - from:
        - source:
            principals: ["example.org/ns/bookinfo/sa/curl"]
`;
    const yaml = ['bookinfo', 'clients', 'ambient-namespace'].map(base).join('\n---\n') + '\n' + policy;
    const s = new WhatIfSession();
    const plain = matrix(await s.view(input(yaml)));
    expect(cellOf(plain, 'bookinfo/curl', 'ratings.bookinfo:9080', 'tcp').outcome.verdict).toBe('denied');
    const withMc = matrix(await s.view(input(yaml, { meshConfig: 'trustDomain: example.org\n' })));
    expect(cellOf(withMc, 'bookinfo/curl', 'ratings.bookinfo:9080', 'tcp').outcome.verdict).toBe('allowed');
    const t = await s.trace('bookinfo/curl', 'ratings.bookinfo:9080', 'tcp');
    expect(t.kind === 'trace' && t.result.verdict).toBe('allowed');
  });

  it('a mesh past the pair limit is refused with its size; unreadable text never throws', async () => {
    const docs: string[] = [];
    for (let i = 0; i < 30; i++)
      docs.push(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: c${i}, namespace: big}\nspec:\n  selector: {matchLabels: {app: c${i}}}\n  template:\n    metadata: {labels: {app: c${i}}}\n    spec: {containers: [{name: c, image: x}]}`,
        `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}, namespace: big}\nspec:\n  selector: {app: c${i}}\n  ports: [{port: 80}]`,
      );
    const s = new WhatIfSession();
    const v = await s.view(input(docs.join('\n---\n')));
    expect(v).toEqual({ kind: 'too-large', side: 'current', clients: 31, ports: 30, limit: VIEW_LIMITS.maxPairs });
    expect(await s.trace('big/c0', 's0.big:80', 'tcp')).toMatchObject({ kind: 'error' });
    const junk = await s.view(input('{{{{ not: yaml\n\u0000', { meshConfig: '[[[' }));
    expect(['matrix', 'unreadable']).toContain(junk.kind);
  });
});
