import { describe, expect, it } from 'vitest';
import { buildMesh, parseManifests } from './index.ts';
import { selectorMatches } from './access.ts';
import type { JsonObject } from './types.ts';

const mesh = (yaml: string) => buildMesh(parseManifests({ file: 't.yaml', text: yaml }).resources);

const base = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: shop-wp}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: shop-wp, namespace: shop}
spec:
  gatewayClassName: istio-waypoint
  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec: {selector: {app: cart}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec: {serviceAccountName: cart, containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
`;

describe('mesh index', () => {
  it('indexes workloads, services and waypoints', () => {
    const m = mesh(base);
    const w = m.workload('shop', 'cart')!;
    expect(w.serviceAccount).toBe('cart');
    expect(w.ports).toEqual([8080]);
    expect(m.enrolment(w).mode).toBe('ambient');
    expect(m.servicesForHost('cart', 'shop').map((s) => s.name)).toEqual(['cart']);
    expect(m.servicesForHost('cart.shop', 'other').map((s) => s.name)).toEqual(['cart']);
    expect(m.servicesForHost('cart', 'other')).toEqual([]);
    expect(m.waypoint('shop', 'shop-wp')!.principal).toBe('cluster.local/ns/shop/sa/shop-wp');
    expect(m.workloadsSelectedBy('shop', { matchLabels: { app: 'cart' } }).map((x) => x.name)).toEqual(['cart']);
    expect(m.servicesSelecting('shop', { app: 'cart', extra: 'y' }).map((s) => s.name)).toEqual(['cart']);
  });

  it('selects the same workloads with or without the label index of a large namespace', () => {
    // Namespaces below the index threshold are scanned, larger ones go through the label index: both must agree
    // with a plain selector match, in workload order, for label values that are absent, shared and unique.
    for (const size of [5, 80]) {
      const docs = Array.from(
        { length: size },
        (_, i) => `apiVersion: v1
kind: Pod
metadata: {name: p${i}, namespace: big, labels: {app: a${i % 7}, tier: t${i % 3}, n: "${i}"${i % 5 ? '' : ', canary: "true"'}}}
spec: {containers: [{name: c, image: x}]}`,
      );
      const m = mesh(docs.join('\n---\n'));
      const selectors: JsonObject[] = [
        { matchLabels: { app: 'a3' } },
        { matchLabels: { app: 'a3', tier: 't1' } },
        { matchLabels: { canary: 'true', tier: 't2' } },
        { matchLabels: { n: '4' } },
        { matchLabels: { app: 'missing' } },
        { matchLabels: { app: 'a1' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['t0', 't2'] }] },
        {},
      ];
      for (const sel of selectors) {
        const expected = m.workloads.filter((w) => selectorMatches(sel, w.labels)).map((w) => w.name);
        expect(
          m.workloadsSelectedBy('big', sel).map((w) => w.name),
          `${size} ${JSON.stringify(sel)}`,
        ).toEqual(expected);
      }
      expect(m.workloadsSelectedBy('other', { matchLabels: { app: 'a3' } })).toEqual([]);
    }
  });

  it('binds a Service through its namespace label', () => {
    const m = mesh(base);
    const svc = m.service('shop', 'cart')!;
    expect(
      m.resolveWaypoint({ kind: 'Service', resource: svc.resource, namespace: 'shop', labels: svc.labels }).reason,
    ).toBe('bound');
  });

  it('does not fall back to the namespace waypoint when the object names a missing one', () => {
    const m = mesh(
      base.replace(
        'metadata: {name: cart, namespace: shop}\nspec: {selector',
        'metadata: {name: cart, namespace: shop, labels: {istio.io/use-waypoint: gone}}\nspec: {selector',
      ),
    );
    const svc = m.service('shop', 'cart')!;
    const b = m.resolveWaypoint({ kind: 'Service', resource: svc.resource, namespace: 'shop', labels: svc.labels });
    expect(b.reason).toBe('not-found');
    expect(b.waypoint).toBeUndefined();
  });

  it('applies waypoint-for to pod-addressed traffic', () => {
    const m = mesh(base);
    const w = m.workload('shop', 'cart')!;
    expect(m.resolveWaypoint({ kind: 'Pod', resource: w.resource, namespace: 'shop', labels: w.labels }).reason).toBe(
      'waypoint-for-mismatch',
    );
  });

  it('refuses cross-namespace use unless allowedRoutes permits it', () => {
    const other = `${base}
---
apiVersion: v1
kind: Namespace
metadata: {name: web, labels: {istio.io/use-waypoint: shop-wp, istio.io/use-waypoint-namespace: shop}}
---
apiVersion: v1
kind: Service
metadata: {name: front, namespace: web}
spec: {selector: {app: front}, ports: [{port: 80}]}
`;
    const m = mesh(other);
    const svc = m.service('web', 'front')!;
    expect(
      m.resolveWaypoint({ kind: 'Service', resource: svc.resource, namespace: 'web', labels: svc.labels }).reason,
    ).toBe('cross-namespace-denied');
    const m2 = mesh(other.replace('protocol: HBONE}', 'protocol: HBONE, allowedRoutes: {namespaces: {from: All}}}'));
    const svc2 = m2.service('web', 'front')!;
    expect(
      m2.resolveWaypoint({ kind: 'Service', resource: svc2.resource, namespace: 'web', labels: svc2.labels }).reason,
    ).toBe('bound');
  });

  it('lets sidecar injection win over ambient, and honours inject=false', () => {
    const m = mesh(
      base.replace('istio.io/dataplane-mode: ambient,', 'istio.io/dataplane-mode: ambient, istio-injection: enabled,') +
        `---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {sidecar.istio.io/inject: "false"}}
spec: {containers: [{name: c, image: x}]}
`,
    );
    expect(m.enrolment(m.workload('shop', 'cart')!).mode).toBe('sidecar');
    expect(m.enrolment(m.workload('shop', 'p')!).mode).toBe('ambient');
  });
});
