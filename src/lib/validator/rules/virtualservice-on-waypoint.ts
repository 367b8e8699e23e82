import { isAgentgatewayWaypoint } from '../../ambient/waypoints.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { ignoredAtWaypoint } from './consumer-route-ignored-by-waypoint.ts';
import { meshVirtualServices, serviceWaypoint, WAYPOINT_KINDS } from '../facts/index.ts';

// Evidence: istio.io docs (ambient: "VirtualService support for waypoints is alpha"), SEMANTICS §5.
export const rule: Rule = {
  meta: {
    id: 'virtualservice-on-waypoint',
    severity: 'info',
    inputs: ['VirtualService', ...WAYPOINT_KINDS],
    description: 'A VirtualService applies to a waypoint-bound service: supported only as an alpha feature.',
    docs: {
      summary:
        'Waypoints apply VirtualServices only as an alpha feature: some fields are ignored and behaviour may change between releases. HTTPRoute is the supported routing API for ambient.',
      details: [
        'A VirtualService for the mesh (no `gateways`, or `mesh` listed) whose host is a Service bound to a waypoint is programmed into that waypoint. Features that depend on the sidecar (for example `sourceLabels` matches on the client) have no equivalent there.',
        '',
        'Without a waypoint, a VirtualService has no effect on ambient clients at all; that case is about the missing waypoint and is not reported here. Nor is a VirtualService in another namespace than both the Service and its waypoint: the waypoint ignores it ([`consumer-route-ignored-by-waypoint`](/validator/rules/consumer-route-ignored-by-waypoint/)).',
      ].join('\n'),
      fix: 'Convert the VirtualService to an HTTPRoute with a Service parentRef (see /migrate/), then delete it.',
    },
    examples: {
      valid: [
        {
          title: 'VirtualService for an ingress Gateway only',
          yaml: y(
            'apiVersion: networking.istio.io/v1',
            'kind: VirtualService',
            'metadata: {name: web, namespace: shop}',
            'spec:',
            '  hosts: [shop.example.com]',
            '  gateways: [istio-system/public]',
            '  http:',
            '  - route:',
            '    - destination: {host: web.shop.svc.cluster.local}',
          ),
        },
      ],
      invalid: [
        {
          title: 'VirtualService for a waypoint-bound service',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: reviews',
            '  namespace: bookinfo',
            '  labels: {istio.io/use-waypoint: waypoint}',
            'spec:',
            '  selector: {app: reviews}',
            '  ports: [{port: 9080, name: http}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint, namespace: bookinfo}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
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
          line: 22,
        },
      ],
    },
  },
  check(ctx) {
    if (!ctx.mesh.waypoints.length) return;
    for (const { vs, hosts } of meshVirtualServices(ctx.mesh)) {
      for (const h of hosts) {
        const bound = h.services.map((s) => ({ s, b: serviceWaypoint(ctx.mesh, s) })).find((x) => x.b.waypoint);
        if (!bound) continue;
        // A waypoint ignores a VirtualService from another namespace: consumer-route-ignored-by-waypoint says so.
        if (ignoredAtWaypoint(ctx.mesh, vs.namespace, [bound.s])) continue;
        // An agentgateway waypoint (1.31) ignores it altogether: policy-ignored-by-agentgateway-waypoint says so.
        if (ctx.versions.istio.behaviour.agentgatewayWaypointClass && isAgentgatewayWaypoint(bound.b.waypoint!))
          continue;
        ctx.report({
          resource: vs,
          path: ['spec', 'hosts', h.index],
          part: 'value',
          message: `Host ${h.host} is served by waypoint ${bound.b.waypoint!.namespace}/${bound.b.waypoint!.name}, where VirtualService support is alpha.`,
          fix: 'Convert it to an HTTPRoute with parentRefs to the Service.',
        });
      }
    }
  },
};
