import { LABEL_USE_WAYPOINT } from '../../ambient/index.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { routeRefs, WAYPOINT_KINDS, ROUTE_KINDS } from '../facts/index.ts';
import { ISTIO_WAYPOINT_CLASSES } from './waypoint-listener.ts';

// Evidence: istio/istio pilot/pkg/config/kube/gateway (conversion) only builds waypoint routes from routes whose
// parentRef is a Service or ServiceEntry (GAMMA); a waypoint Gateway parent is not converted. SEMANTICS §5.
export const rule: Rule = {
  meta: {
    id: 'httproute-parent-waypoint',
    severity: 'warning',
    inputs: [...ROUTE_KINDS, ...WAYPOINT_KINDS],
    description: 'A route uses a waypoint Gateway as its parentRef; waypoints only apply routes attached to a Service.',
    docs: {
      summary:
        'A route attached to the waypoint Gateway itself is never turned into waypoint configuration: its matches, weights and filters have no effect, and traffic keeps its default route.',
      details: [
        'For east-west (mesh) traffic, Gateway API uses the GAMMA pattern: the route\'s `parentRefs` names the **Service** (group `""`, kind `Service`) or ServiceEntry whose traffic it routes. The waypoint bound to that Service then applies the route.',
        '',
        'A route whose parent is the waypoint Gateway (kind `Gateway`, the default `parentRefs` kind) is not used for mesh traffic. Older blog posts and reference cards show canary routing in this form; it looks accepted but does nothing.',
      ].join('\n'),
      fix: `Change the parentRef to the Service: \`parentRefs: [{group: "", kind: Service, name: <service>, port: <port>}]\`, and make sure the Service is bound to the waypoint (\`${LABEL_USE_WAYPOINT}\`).`,
    },
    examples: {
      valid: [
        {
          title: 'Canary routing attached to the Service',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata:',
            '  name: reviews-canary',
            '  namespace: bookinfo',
            'spec:',
            '  parentRefs:',
            '  - group: ""',
            '    kind: Service',
            '    name: reviews',
            '    port: 9080',
            '  rules:',
            '  - backendRefs:',
            '    - {name: reviews-v1, port: 9080, weight: 90}',
            '    - {name: reviews-v2, port: 9080, weight: 10}',
          ),
        },
      ],
      invalid: [
        {
          title: 'Canary routing attached to the waypoint Gateway',
          yaml: y(
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
            '  name: reviews-canary',
            '  namespace: bookinfo',
            'spec:',
            '  parentRefs:',
            '  - name: waypoint',
            '  rules:',
            '  - backendRefs:',
            '    - {name: reviews-v1, port: 9080, weight: 90}',
            '    - {name: reviews-v2, port: 9080, weight: 10}',
          ),
          line: 18,
          effect: {
            says: 'the waypoint keeps the default route: every request goes to reviews itself, none to the canary',
            context: documents(
              ambientNamespace('bookinfo', { [LABEL_USE_WAYPOINT]: 'waypoint' }),
              workload('bookinfo', 'reviews', { port: 9080 }),
              workload('bookinfo', 'productpage'),
            ),
            request: { from: 'bookinfo/productpage', to: 'reviews.bookinfo:9080' },
            expect: { verdict: 'allowed', waypoint: 'bookinfo/waypoint', backends: ['bookinfo/reviews'] },
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const p of routeRefs(ctx.mesh).parents) {
      if (p.group !== 'gateway.networking.k8s.io' || p.kind !== 'Gateway') continue;
      const wp = ctx.mesh.waypoint(p.namespace, p.name);
      // A third-party-class waypoint (named by use-waypoint, SEMANTICS §2 [rev]) is programmed by its own
      // controller, which may well serve routes attached to its Gateway: only Istio's waypoints ignore them.
      if (!wp || !ISTIO_WAYPOINT_CLASSES.has(wp.gatewayClassName)) continue;
      ctx.report({
        resource: p.route,
        path: p.path,
        message: `parentRef ${p.namespace}/${p.name} is a waypoint Gateway: routes attached to a waypoint are not applied, so this ${p.route.kind} has no effect.`,
        fix: 'Attach the route to the Service instead: parentRefs [{group: "", kind: Service, name: <service>, port: <port>}].',
      });
    }
  },
};
