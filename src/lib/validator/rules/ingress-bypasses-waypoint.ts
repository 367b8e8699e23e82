import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { refService, routeRefs, serviceWaypoint } from './helpers.ts';

// Evidence: istio/istio pilot/pkg/serviceregistry/ambient (ingress-use-waypoint handling) and istio.io ambient docs
// "Use ingress with waypoints": without istio.io/ingress-use-waypoint=true an ingress gateway sends straight to the
// pods. SEMANTICS §2.
export const rule: Rule = {
  meta: {
    id: 'ingress-bypasses-waypoint',
    severity: 'warning',
    description:
      'An ingress route sends to a waypoint-bound Service without istio.io/ingress-use-waypoint: ingress traffic skips the waypoint.',
    docs: {
      summary:
        'An ingress gateway sends traffic straight to the backend pods, not through the Service\'s waypoint, unless the Service (or its Namespace) has `istio.io/ingress-use-waypoint: "true"`. L7 policies attached to the waypoint are bypassed for everything that comes in from outside.',
      details: [
        'Mesh clients reach a waypoint-bound Service through its waypoint, so its `targetRefs` AuthorizationPolicies, RequestAuthentication and routes apply. The ingress gateway is an Envoy proxy that load-balances to the endpoints itself; by default it does not send through the waypoint.',
        '',
        'The rule looks at Gateway API routes attached to a non-waypoint Gateway whose backendRef is a Service bound to a waypoint.',
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
      const flag =
        svc.labels['istio.io/ingress-use-waypoint'] ??
        ctx.mesh.namespaceLabels(svc.namespace)['istio.io/ingress-use-waypoint'];
      if (flag === 'true') continue;
      ctx.report({
        resource: b.route,
        path: b.path,
        message: `${svc.namespace}/${svc.name} is behind waypoint ${bound.waypoint.namespace}/${bound.waypoint.name}, but ingress traffic goes straight to its pods: waypoint L7 policy does not apply to requests from outside.`,
        fix: 'Label the Service or its Namespace istio.io/ingress-use-waypoint: "true".',
      });
    }
  },
};
