import { LABEL_INGRESS_USE_WAYPOINT, ingressUseWaypoint, labelOf } from '../../ambient/index.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { refService, routeRefs, serviceWaypoint, WAYPOINT_KINDS, ROUTE_KINDS } from '../facts/index.ts';

// Evidence: istio/istio release-1.31 pilot/pkg/serviceregistry/ambient/services.go ingressUseWaypointFromLabels
// (TestIngressUseWaypointFromLabels): the Service's istio.io/ingress-use-waypoint wins over its Namespace's whatever
// its value, the value goes through strconv.ParseBool and an invalid one counts as false; without a true value an
// ingress gateway sends straight to the pods (istio.io ambient docs "Use ingress with waypoints"). SEMANTICS §2.
export const rule: Rule = {
  meta: {
    id: 'ingress-bypasses-waypoint',
    severity: 'warning',
    inputs: [...ROUTE_KINDS, ...WAYPOINT_KINDS],
    description:
      'An ingress route sends to a waypoint-bound Service without istio.io/ingress-use-waypoint: ingress traffic skips the waypoint.',
    docs: {
      summary:
        'An ingress gateway sends traffic straight to the backend pods, not through the Service\'s waypoint, unless the Service (or its Namespace) has `istio.io/ingress-use-waypoint: "true"`. L7 policies attached to the waypoint are bypassed for everything that comes in from outside.',
      details: [
        'Mesh clients reach a waypoint-bound Service through its waypoint, so its `targetRefs` AuthorizationPolicies, RequestAuthentication and routes apply. The ingress gateway is an Envoy proxy that load-balances to the endpoints itself; by default it does not send through the waypoint.',
        '',
        'The rule looks at Gateway API routes attached to a non-waypoint Gateway whose backendRef is a Service bound to a waypoint.',
        '',
        'istiod reads the label as Go\'s `strconv.ParseBool` does: `1`, `t`, `T`, `TRUE`, `true` and `True` mean true; `0`, `f`, `F`, `FALSE`, `false` and `False` mean false; anything else (`yes`, `on`) is logged and counts as false. A label on the Service wins over its Namespace\'s in both directions: a Service labelled `"false"` in a Namespace labelled `"true"` is reached directly by ingress.',
      ].join('\n'),
      fix: 'Label the Service (or Namespace) `istio.io/ingress-use-waypoint: "true"`, or enforce the same policy at the ingress gateway.',
    },
    examples: {
      valid: [
        {
          title: 'Ingress through the waypoint',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: web',
            '  namespace: shop',
            '  labels:',
            '    istio.io/use-waypoint: waypoint',
            '    istio.io/ingress-use-waypoint: "true"',
            'spec:',
            '  selector: {app: web}',
            '  ports: [{port: 80, name: http}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint, namespace: shop}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata: {name: web, namespace: shop}',
            'spec:',
            '  parentRefs: [{name: public, namespace: istio-ingress}]',
            '  rules:',
            '  - backendRefs: [{name: web, port: 80}]',
          ),
        },
      ],
      invalid: [
        {
          title: 'Ingress straight to the pods',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: web',
            '  namespace: shop',
            '  labels:',
            '    istio.io/use-waypoint: waypoint',
            'spec:',
            '  selector: {app: web}',
            '  ports: [{port: 80, name: http}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint, namespace: shop}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: HTTPRoute',
            'metadata: {name: web, namespace: shop}',
            'spec:',
            '  parentRefs: [{name: public, namespace: istio-ingress}]',
            '  rules:',
            '  - backendRefs: [{name: web, port: 80}]',
          ),
          line: 25,
          effect: {
            says: 'the ingress gateway sends straight to the pods: the waypoint (and its policy) is not on the path',
            context: documents(
              ambientNamespace('shop'),
              workload('shop', 'web', { targetPort: 80 }),
              [
                'apiVersion: gateway.networking.k8s.io/v1',
                'kind: Gateway',
                'metadata: {name: public, namespace: istio-ingress}',
                'spec:',
                '  gatewayClassName: istio',
                '  listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]',
                '',
              ].join('\n'),
            ),
            request: { from: 'istio-ingress/public', to: 'web.shop:80' },
            expect: { verdict: 'allowed', waypoint: null },
          },
        },
      ],
    },
  },
  check(ctx) {
    const refs = routeRefs(ctx.mesh);
    if (!refs.backends.length) return;
    // Routes with at least one non-waypoint Gateway parent are ingress (north-south) routes.
    const ingressRoutes = new Set<unknown>();
    for (const p of refs.parents)
      if (p.group === 'gateway.networking.k8s.io' && p.kind === 'Gateway' && !ctx.mesh.waypoint(p.namespace, p.name))
        ingressRoutes.add(p.route);
    if (!ingressRoutes.size) return; // mesh-only routes: no backendRef to look at
    for (const b of refs.backends) {
      if (!ingressRoutes.has(b.route)) continue;
      const svc = refService(ctx.mesh, b);
      if (!svc) continue;
      const bound = serviceWaypoint(ctx.mesh, svc);
      if (!bound.waypoint) continue;
      const nsLabels = ctx.mesh.namespaceLabels(svc.namespace);
      const flag = ingressUseWaypoint(svc.labels, nsLabels);
      if (flag.use) continue;
      const where = flag.from === 'service' ? `${svc.kind} ${svc.name}` : `namespace ${svc.namespace}`;
      const why = !flag.present
        ? ''
        : flag.invalid
          ? ` (${LABEL_INGRESS_USE_WAYPOINT}: "${flag.value}" on ${where} is not a boolean istiod accepts, so it counts as false)`
          : ` (${LABEL_INGRESS_USE_WAYPOINT}: "${flag.value}" on ${where}${flag.from === 'service' && labelOf(nsLabels, LABEL_INGRESS_USE_WAYPOINT) !== undefined ? ', which overrides its namespace' : ''})`;
      ctx.report({
        resource: b.route,
        path: b.path,
        // TCPRoute/TLSRoute carry connections, not requests: their findings say nothing of HTTP.
        message: `${svc.namespace}/${svc.name} is behind waypoint ${bound.waypoint.namespace}/${bound.waypoint.name}, but ingress traffic goes straight to its pods${why}: ${b.route.kind === 'HTTPRoute' || b.route.kind === 'GRPCRoute' ? 'waypoint L7 policy does not apply to requests' : 'waypoint policy does not apply to connections'} from outside.`,
        fix:
          flag.from === 'service'
            ? `Set ${LABEL_INGRESS_USE_WAYPOINT}: "true" on ${svc.kind} ${svc.name}.`
            : `Label the ${svc.kind} or its Namespace ${LABEL_INGRESS_USE_WAYPOINT}: "true".`,
      });
    }
  },
};
