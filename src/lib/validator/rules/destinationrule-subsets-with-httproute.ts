import { getArray, getString } from '../../model/access.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { isGroup, refService, routeRefs, routesByParentService, ROUTE_KINDS, SERVICE_KINDS } from '../facts/index.ts';

// Evidence: Gateway API backendRefs name Services, not subsets; istio.io ambient docs: "subsets in DestinationRule
// cannot be used with HTTPRoute, use a Service per version". SEMANTICS §5.
export const rule: Rule = {
  meta: {
    id: 'destinationrule-subsets-with-httproute',
    severity: 'warning',
    inputs: ['DestinationRule', ...ROUTE_KINDS, ...SERVICE_KINDS],
    description:
      'A DestinationRule defines subsets for a service that HTTPRoutes route: HTTPRoute cannot select subsets.',
    docs: {
      summary:
        'An HTTPRoute `backendRef` names a Service, never a DestinationRule subset. Version-based routing written as subsets is not available once routing moves to HTTPRoute, so the version split silently disappears.',
      details: [
        'With VirtualServices, canary routing usually sends traffic to `subset: v1` / `subset: v2` defined in a DestinationRule by pod labels. HTTPRoute has no subset field. The Gateway API way is one Service per version (`reviews-v1`, `reviews-v2`) selecting the version label, referenced by weighted backendRefs.',
        '',
        "The DestinationRule's other settings (load balancing, connection pool, TLS) still apply at the waypoint.",
      ].join('\n'),
      fix: "Create one Service per version (selector `app: reviews, version: v1`, …), reference them from the HTTPRoute's backendRefs with weights, and remove the subsets.",
    },
    examples: {
      valid: [
        {
          title: 'DestinationRule with traffic policy only',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata: {name: reviews, namespace: bookinfo}',
            'spec:',
            '  selector: {app: reviews}',
            '  ports: [{port: 9080, name: http}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata: {name: reviews, namespace: bookinfo}',
            'spec:',
            '  parentRefs: [{group: "", kind: Service, name: reviews, port: 9080}]',
            '  rules:',
            '  - backendRefs: [{name: reviews, port: 9080}]',
            '---',
            'apiVersion: networking.istio.io/v1',
            'kind: DestinationRule',
            'metadata: {name: reviews, namespace: bookinfo}',
            'spec:',
            '  host: reviews',
            '  trafficPolicy:',
            '    loadBalancer: {simple: LEAST_REQUEST}',
          ),
        },
      ],
      invalid: [
        {
          title: 'Subsets next to an HTTPRoute',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata: {name: reviews, namespace: bookinfo}',
            'spec:',
            '  selector: {app: reviews}',
            '  ports: [{port: 9080, name: http}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata: {name: reviews, namespace: bookinfo}',
            'spec:',
            '  parentRefs: [{group: "", kind: Service, name: reviews, port: 9080}]',
            '  rules:',
            '  - backendRefs: [{name: reviews, port: 9080}]',
            '---',
            'apiVersion: networking.istio.io/v1',
            'kind: DestinationRule',
            'metadata: {name: reviews, namespace: bookinfo}',
            'spec:',
            '  host: reviews',
            '  subsets:',
            '  - name: v1',
            '    labels: {version: v1}',
          ),
          line: 21,
        },
      ],
    },
  },
  check(ctx) {
    // Without a DestinationRule there is nothing to report: skip resolving every backendRef.
    if (!ctx.mesh.byKind('DestinationRule').length) return;
    const parents = routesByParentService(ctx.mesh);
    // Service resource → kind of the first route sending to it (a TCPRoute finding must not say HTTPRoute).
    const backends = new Map<unknown, string>();
    for (const b of routeRefs(ctx.mesh).backends) {
      const s = refService(ctx.mesh, b);
      if (s && !backends.has(s.resource)) backends.set(s.resource, b.route.kind);
    }
    if (!parents.size && !backends.size) return;
    for (const dr of ctx.mesh.byKind('DestinationRule')) {
      if (!isGroup(dr, 'networking.istio.io')) continue;
      if (!getArray(dr.obj, ['spec', 'subsets']).length) continue;
      const host = getString(dr.obj, ['spec', 'host']);
      if (!host) continue;
      const svc = ctx.mesh
        .servicesForHost(host, dr.namespace)
        .find((s) => parents.has(s.resource) || backends.has(s.resource));
      if (!svc) continue;
      const kind = parents.get(svc.resource)?.[0]?.route.kind ?? backends.get(svc.resource) ?? 'HTTPRoute';
      ctx.report({
        resource: dr,
        path: ['spec', 'subsets'],
        message: `${svc.namespace}/${svc.name} is routed by ${kind}, which cannot select DestinationRule subsets: routing by these subsets does not happen.`,
        fix: 'Use one Service per version and weighted backendRefs instead of subsets.',
      });
    }
  },
};
