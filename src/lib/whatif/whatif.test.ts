import { describe, expect, it } from 'vitest';
import { parseManifests } from '../model/index.ts';
import { buildMesh } from '../model/mesh.ts';
import type { Resource } from '../model/types.ts';
import { buildMatrix, cellsOf, diffMeshes, matrixHtml, matrixJson, requestLabel, requestsFor } from './index.ts';
import type { Matrix } from './index.ts';

const NOW = 1_800_000_000;

/** Two ambient namespaces with a waypoint, selector and targetRefs policies, a route split and a sidecar client. */
const YAML = `apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {istio.io/dataplane-mode: ambient}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b, labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: wp}}
---
apiVersion: v1
kind: Namespace
metadata: {name: side, labels: {istio-injection: enabled}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: wp, namespace: b}
spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}
${['a', 'b']
  .flatMap((ns) =>
    ['x', 'y'].map(
      (app) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${app}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}}}
    spec: {serviceAccountName: ${app}, containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: ${app}, namespace: ${ns}}
spec: {selector: {app: ${app}}, ports: [{port: 80, targetPort: 8080}]}`,
    ),
  )
  .join('\n')}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: s, namespace: side}
spec:
  selector: {matchLabels: {app: s}}
  template:
    metadata: {labels: {app: s}}
    spec: {containers: [{name: c, image: i}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: x-from-y, namespace: a}
spec:
  selector: {matchLabels: {app: x}}
  rules: [{from: [{source: {principals: ["cluster.local/ns/a/sa/y"]}}]}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-side, namespace: b}
spec:
  action: DENY
  rules: [{from: [{source: {namespaces: ["side"]}}]}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: y-get, namespace: b}
spec:
  targetRefs: [{kind: Service, group: "", name: y}]
  rules: [{to: [{operation: {methods: ["GET"]}}]}, {from: [{source: {principals: ["cluster.local/ns/a/sa/x"]}}]}]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: strict, namespace: a}
spec: {mtls: {mode: STRICT}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: x-split, namespace: b}
spec:
  parentRefs: [{group: "", kind: Service, name: x}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /v2}}]
    backendRefs: [{name: y, port: 80}]
  - backendRefs: [{name: x, port: 80}]
`;

const resources = parseManifests({ file: 'mesh.yaml', text: YAML }).resources;

function table(m: Matrix): string[] {
  return [...cellsOf(m)].map((c) => {
    const o = c.outcome;
    return `${c.client.key} → ${c.destination.key} ${requestLabel(c.request)}: ${o.key}`;
  });
}

/** The same mesh with one resource changed by `edit` (or removed when it returns undefined). */
function edited(i: number, edit: (r: Resource) => Resource | undefined): Resource[] {
  return resources.flatMap((r, j) => {
    if (j !== i) return [r];
    const e = edit(r);
    return e ? [e] : [];
  });
}

const relabel = (r: Resource): Resource => ({
  ...r,
  labels: { ...r.labels, 'istio.io/use-waypoint': 'wp' },
  obj: {
    ...r.obj,
    metadata: { ...(r.obj.metadata as object), labels: { ...r.labels, 'istio.io/use-waypoint': 'wp' } },
  },
});

describe('whatif matrix', () => {
  it('has a cell for every client × destination port × request, and a TCP cell per pair', async () => {
    const m = await buildMatrix(buildMesh(resources), { nowSeconds: NOW });
    expect(m.clients.map((c) => c.key)).toEqual(['a/x', 'a/y', 'b/x', 'b/y', 'side/s', 'external']);
    expect(m.destinations.map((d) => d.key)).toEqual(['x.a:80', 'y.a:80', 'x.b:80', 'y.b:80']);
    const cells = [...cellsOf(m)];
    expect(cells.length).toBe(m.clients.length * m.columns);
    for (const d of m.destinations) expect(d.requests.at(-1)!.tcp).toBe(true);
    // y.b's requests: GET /, the policy's GET (the same request), nothing else; x.b's: the route's /v2 too.
    expect(m.destinations[3]!.requests.map(requestLabel)).toEqual(['GET /', 'tcp']);
    expect(m.destinations[2]!.requests.map(requestLabel)).toEqual(['GET /', 'GET /v2', 'tcp']);
    const at = (from: string, to: string, req: string) =>
      cells.find((c) => c.client.key === from && c.destination.key === to && requestLabel(c.request) === req)!.outcome;
    expect(at('a/y', 'x.a:80', 'tcp').verdict).toBe('allowed');
    expect(at('b/x', 'x.a:80', 'tcp').verdict).toBe('denied');
    expect(at('external', 'x.a:80', 'GET /').verdict).toBe('denied'); // STRICT: plaintext rejected
    expect(at('side/s', 'y.b:80', 'tcp')).toMatchObject({ verdict: 'denied', deniedAt: 'ztunnel' });
    expect(at('a/x', 'x.b:80', 'GET /v2').backends.map((b) => b.service)).toEqual(['y']);
  });

  it('caps HTTP requests per destination and says so', () => {
    const policies = [
      {
        obj: { spec: { rules: [{ to: [{ operation: { paths: ['/a', '/b', '/c', '/d'] } }] }] } },
      } as unknown as Resource,
    ];
    const r = requestsFor({ policies, requestAuthentications: [], routes: [], virtualServices: [] }, 3);
    expect(r.requests.map(requestLabel)).toEqual(['GET /', 'GET /a', 'GET /b', 'tcp']);
    expect(r.truncated).toBe(true);
  });

  it('keeps header names from manifests as plain names, and escapes names in HTML', async () => {
    const hostile = `apiVersion: v1
kind: Namespace
metadata: {name: n, labels: {istio.io/dataplane-mode: ambient}}
---
apiVersion: v1
kind: Pod
metadata: {name: "p<script>", namespace: n}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: s, namespace: n, labels: {istio.io/use-waypoint: wp}}
spec: {ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: wp, namespace: n}
spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: h, namespace: n}
spec:
  targetRefs: [{kind: Service, group: "", name: s}]
  rules: [{when: [{key: "request.headers[__proto__]", values: ["x"]}]}]
`;
    const m = await buildMatrix(buildMesh(parseManifests({ file: 'h.yaml', text: hostile }).resources), {
      nowSeconds: NOW,
    });
    expect(m.destinations[0]!.requests.map(requestLabel)).toContain('GET / · __proto__: x');
    const json = JSON.parse([...matrixJson(m, { istio: '1.31', gatewayApi: '1.6' })].join('')) as {
      cells: { request: { headers: Record<string, string> } | null }[];
    };
    expect(
      json.cells.some((c) => c.request && Object.prototype.hasOwnProperty.call(c.request.headers, '__proto__')),
    ).toBe(true);
    const html = matrixHtml(m, { istio: '1.31', gatewayApi: '1.6' });
    expect(html).not.toContain('<script>');
    expect(html).toContain('p&#60;script&#62;');
  });
});

describe('whatif diff', () => {
  const before = buildMesh(resources);
  it('reports nothing for identical manifests and traces nothing again', async () => {
    const d = await diffMeshes(before, buildMesh(parseManifests({ file: 'mesh.yaml', text: YAML }).resources), {
      nowSeconds: NOW,
    });
    expect(d.changed).toEqual([]);
    expect(d.simulated).toBe(0);
  });

  // Soundness of the incremental side: whatever single resource is removed or relabelled, the reused cells are
  // what a full recomputation of "after" gives.
  it('equals a full recomputation after any single removal or use-waypoint label', async () => {
    const base = await buildMatrix(before, { nowSeconds: NOW });
    let traced = 0;
    let total = 0;
    for (let i = 0; i < resources.length; i++)
      for (const edit of [() => undefined, relabel]) {
        const after = buildMesh(edited(i, edit));
        const d = await diffMeshes(before, after, { before: base, nowSeconds: NOW });
        const full = await buildMatrix(after, { nowSeconds: NOW });
        expect(table(d.after), `${resources[i]!.kind} ${resources[i]!.name}`).toEqual(table(full));
        traced += d.simulated;
        total += d.simulated + d.reused;
      }
    // …and it does not get there by tracing everything again.
    expect(traced).toBeLessThan(total * 0.8);
  });

  it('attributes a change to the policy that decides it', async () => {
    const i = resources.findIndex((r) => r.name === 'x-from-y');
    const after = buildMesh(edited(i, () => undefined));
    const d = await diffMeshes(before, after, { nowSeconds: NOW });
    expect(d.changed.length).toBeGreaterThan(0);
    // Denied cells open; cells it allowed stay allowed but are no longer decided by it.
    expect(d.changed.every((c) => c.to === 'x.a:80' && (c.change === 'opened' || c.change === 'changed'))).toBe(true);
    expect(d.changed.some((c) => c.change === 'opened')).toBe(true);
    expect(d.causes.filter((c) => c.cells > 0).map((c) => c.change.name)).toEqual(['x-from-y']);
  });
});
