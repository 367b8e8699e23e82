import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { ignoredAtWaypoint } from './consumer-route-ignored-by-waypoint.ts';
import { meshVirtualServices, routesByParentService, ROUTE_KINDS, SERVICE_KINDS } from '../facts/index.ts';

// Evidence: istio/istio pilot/pkg/networking/core (waypoint route building) concatenates VirtualService routes and
// HTTPRoute-derived routes for a host instead of ranking them; istio.io ambient docs call mixing them unsupported.
// SEMANTICS §5.
export const rule: Rule = {
  meta: {
    id: 'mixed-virtualservice-httproute',
    severity: 'warning',
    inputs: ['VirtualService', ...ROUTE_KINDS, ...SERVICE_KINDS],
    description: 'The same service is routed by both a VirtualService and an HTTPRoute.',
    docs: {
      summary:
        'At a waypoint, routes from VirtualServices and from HTTPRoutes for the same host are concatenated, not merged by precedence. Which rule wins depends on the order, so behaviour is undefined and can change between Istio versions.',
      details: [
        'Gateway API precedence (exact path before prefix, longest prefix first, and so on) only applies among HTTPRoutes. A VirtualService for the same host contributes its own ordered list, and the two lists are simply joined. A catch-all in the first list hides every rule in the second.',
        '',
        'This typically happens during a migration: the HTTPRoute is added while the old VirtualService is still there.',
      ].join('\n'),
      fix: 'Pick one API per service. For ambient prefer HTTPRoute with a Service parentRef, and delete the VirtualService once the HTTPRoute is in place.',
    },
    examples: {
      valid: [
        {
          title: 'Only an HTTPRoute for the service',
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
          ),
        },
      ],
      invalid: [
        {
          title: 'A VirtualService and an HTTPRoute for reviews',
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
            'kind: VirtualService',
            'metadata: {name: reviews, namespace: bookinfo}',
            'spec:',
            '  hosts: [reviews]',
            '  http:',
            '  - route:',
            '    - destination: {host: reviews}',
          ),
          line: 20,
        },
      ],
    },
  },
  check(ctx) {
    // Without a VirtualService there is nothing to report: skip resolving every parentRef.
    if (!ctx.mesh.byKind('VirtualService').length) return;
    const routed = routesByParentService(ctx.mesh);
    if (!routed.size) return;
    for (const { vs, hosts } of meshVirtualServices(ctx.mesh)) {
      for (const h of hosts) {
        const svc = h.services.find((s) => routed.has(s.resource));
        if (!svc) continue;
        // The waypoint ignores a VirtualService from a third namespace: nothing is mixed there.
        if (ignoredAtWaypoint(ctx.mesh, vs.namespace, [svc])) continue;
        const route = routed.get(svc.resource)![0]!.route;
        ctx.report({
          resource: vs,
          path: ['spec', 'hosts', h.index],
          part: 'value',
          message: `Host ${h.host} is also routed by ${route.kind} ${route.namespace}/${route.name}: at the waypoint the two route lists are concatenated, not ranked, so which rule applies is undefined.`,
          fix: 'Keep only one of them (for ambient, the HTTPRoute).',
        });
      }
    }
  },
};
