import { LABEL_USE_WAYPOINT } from '../../ambient/index.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { consumerRouteIgnored } from './consumer-route-ignored-by-waypoint.ts';
import { parentServices, routeRefs, serviceWaypoint, WAYPOINT_KINDS, ROUTE_KINDS } from '../facts/index.ts';

// Evidence: istio/istio pilot/pkg/config/kube/gateway: a Service-parent route is accepted even without a waypoint
// (condition ResolvedWaypoints=False) and only waypoints apply it in ambient. SEMANTICS §5.
export const rule: Rule = {
  meta: {
    id: 'route-not-through-waypoint',
    severity: 'warning',
    inputs: [...ROUTE_KINDS, ...WAYPOINT_KINDS],
    description: 'A route is attached to a Service that is not bound to a waypoint, so ambient clients bypass it.',
    docs: {
      summary:
        "In ambient, Service-attached (GAMMA) routes are applied by the Service's waypoint. Without one, the route is accepted but ignored: ambient clients reach the Service directly through ztunnel, with no matches, weights, filters or retries.",
      details: [
        'The route status shows `ResolvedWaypoints=False`, which nobody reads. Sidecar clients would still apply the route, so a mixed mesh behaves differently per client.',
        '',
        `The Service is bound to a waypoint by the \`${LABEL_USE_WAYPOINT}\` label on the Service or its Namespace, naming a waypoint that exists and accepts service traffic. The rule only looks at Services present in the manifests.`,
        '',
        'A consumer route (in another namespace than its parent Service) is left to [`consumer-route-ignored-by-waypoint`](/validator/rules/consumer-route-ignored-by-waypoint/): a waypoint would ignore it anyway, so binding one does not help.',
      ].join('\n'),
      fix: 'Deploy a waypoint (`istioctl waypoint apply -n <ns>`) and label the Service or Namespace `istio.io/use-waypoint: <waypoint>`.',
    },
    examples: {
      valid: [
        {
          title: 'Service bound to a waypoint',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: reviews',
            '  namespace: bookinfo',
            '  labels:',
            '    istio.io/use-waypoint: waypoint',
            'spec:',
            '  selector: {app: reviews}',
            '  ports: [{port: 9080, name: http}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata:',
            '  name: waypoint',
            '  namespace: bookinfo',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - {name: mesh, port: 15008, protocol: HBONE}',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: reviews',
            '  namespace: bookinfo',
            'spec:',
            '  parentRefs:',
            '  - {group: "", kind: Service, name: reviews, port: 9080}',
            '  rules:',
            '  - backendRefs:',
            '    - {name: reviews, port: 9080}',
          ),
        },
      ],
      invalid: [
        {
          title: 'Service without a waypoint',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: reviews',
            '  namespace: bookinfo',
            'spec:',
            '  selector: {app: reviews}',
            '  ports: [{port: 9080, name: http}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: reviews',
            '  namespace: bookinfo',
            'spec:',
            '  parentRefs:',
            '  - {group: "", kind: Service, name: reviews, port: 9080}',
            '  rules:',
            '  - backendRefs:',
            '    - {name: reviews, port: 9080}',
          ),
          line: 17,
          effect: {
            says: 'no waypoint applies the route: the client reaches reviews directly through ztunnel',
            context: documents(
              ambientNamespace('bookinfo'),
              workload('bookinfo', 'reviews', { targetPort: 9080 }),
              workload('bookinfo', 'productpage'),
            ),
            request: { from: 'bookinfo/productpage', to: 'reviews.bookinfo:9080' },
            expect: { verdict: 'allowed', waypoint: null, backends: ['bookinfo/reviews'] },
          },
        },
      ],
    },
  },
  check(ctx) {
    const services = parentServices(ctx.mesh);
    for (const [ix, p] of routeRefs(ctx.mesh).parents.entries()) {
      const svc = services[ix];
      if (!svc) continue;
      const b = serviceWaypoint(ctx.mesh, svc);
      if (b.waypoint) continue;
      // A consumer route would be ignored even with a waypoint: consumer-route-ignored-by-waypoint says so, and
      // advising to bind a waypoint would not help it.
      if (consumerRouteIgnored(ctx.mesh, p, svc)) continue;
      ctx.report({
        resource: p.route,
        path: p.path,
        message: `${svc.kind} ${svc.namespace}/${svc.name} is not bound to a usable waypoint, so ambient clients bypass this route. ${b.note}`,
        fix: 'Bind the Service to a waypoint with istio.io/use-waypoint (on the Service or its Namespace).',
      });
    }
  },
};
