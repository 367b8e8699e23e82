import { LABEL_USE_WAYPOINT, LABEL_USE_WAYPOINT_NAMESPACE } from '../../ambient/index.ts';
import type { Rule } from '../rule.ts';
import { documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { waypointLabelUses, WAYPOINT_KINDS } from '../facts/index.ts';

// Evidence: istio/istio pilot/pkg/serviceregistry/ambient/waypoints.go: a use-waypoint label naming a missing or
// not-ready waypoint yields no waypoint (WaypointBound=False) and does not fall back to the namespace label;
// cross-namespace use needs the waypoint listener's allowedRoutes to admit the namespace. SEMANTICS §2.
export const rule: Rule = {
  meta: {
    id: 'use-waypoint-not-found',
    severity: 'error',
    inputs: WAYPOINT_KINDS,
    description:
      'istio.io/use-waypoint names a waypoint that does not exist, is not ready, or does not admit this namespace.',
    docs: {
      summary: `When the waypoint named by \`${LABEL_USE_WAYPOINT}\` cannot be used, traffic goes **direct**: every L7 policy and route meant for the waypoint is bypassed. Only a status condition (\`WaypointBound=False\`) says so, and there is no fallback to the namespace's label.`,
      details: [
        `The label is resolved on the object first (Service, ServiceEntry, pod, WorkloadEntry), then on its Namespace. The waypoint is looked up in the namespace given by \`${LABEL_USE_WAYPOINT_NAMESPACE}\`, or the object's own namespace.`,
        '',
        'The binding fails, silently, when:',
        '',
        '- no Gateway of that name exists in that namespace (a typo, or the waypoint was never deployed);',
        '- the Gateway exists but has no address yet (its pod is not ready);',
        '- the waypoint is in another namespace and its HBONE listener does not allow routes from this one (`allowedRoutes.namespaces.from` defaults to `Same`).',
        '',
        'Severity: error when these manifests contain waypoints but not the named one (or it rejects the namespace); warning when it is not ready; information when the manifests contain no waypoint at all (it may be deployed separately).',
      ].join('\n'),
      fix: `Fix the name (or \`${LABEL_USE_WAYPOINT_NAMESPACE}\`), deploy the waypoint (\`istioctl waypoint apply -n <ns>\`), or for a shared waypoint set \`allowedRoutes.namespaces.from: All\` (or a Selector) on its HBONE listener.`,
    },
    examples: {
      valid: [
        {
          title: 'Namespace label naming an existing waypoint',
          yaml: y(
            'apiVersion: v1',
            'kind: Namespace',
            'metadata:',
            '  name: shop',
            '  labels:',
            '    istio.io/dataplane-mode: ambient',
            '    istio.io/use-waypoint: waypoint',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata:',
            '  name: waypoint',
            '  namespace: shop',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - {name: mesh, port: 15008, protocol: HBONE}',
          ),
        },
      ],
      invalid: [
        {
          title: 'Typo in the waypoint name',
          yaml: y(
            'apiVersion: v1',
            'kind: Namespace',
            'metadata:',
            '  name: shop',
            '  labels:',
            '    istio.io/dataplane-mode: ambient',
            '    istio.io/use-waypoint: waypiont',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata:',
            '  name: waypoint',
            '  namespace: shop',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - {name: mesh, port: 15008, protocol: HBONE}',
          ),
          line: 7,
          effect: {
            says: 'the named waypoint does not exist, so traffic goes direct: no waypoint on the path',
            context: documents(workload('shop', 'cart', { port: 80 }), workload('shop', 'web')),
            request: { from: 'shop/web', to: 'cart.shop:80' },
            expect: { verdict: 'allowed', status: 200, waypoint: null },
          },
        },
      ],
    },
  },
  check(ctx) {
    const anyWaypoint = ctx.mesh.waypoints.length > 0;
    for (const use of waypointLabelUses(ctx.mesh)) {
      const b = use.binding;
      if (!b.requested) continue;
      const target = `${b.requested.namespace}/${b.requested.name}`;
      // A Namespace label speaks for the services in it that carry no label of their own.
      const whose =
        use.kind === 'Namespace'
          ? `services in namespace ${use.resource.name} (those without their own label)`
          : `this ${use.kind}`;
      if (b.reason === 'not-found')
        ctx.report({
          resource: use.resource,
          path: use.path,
          part: 'value',
          severity: anyWaypoint ? 'error' : 'info',
          message: anyWaypoint
            ? `Waypoint ${target} is not in these manifests: traffic for ${whose} goes direct and L7 policy is bypassed (no fallback to the namespace label).`
            : `Waypoint ${target} is not in these manifests; if it is not deployed, traffic for ${whose} goes direct and L7 policy is bypassed.`,
          fix: 'Fix the name or deploy the waypoint (istioctl waypoint apply).',
        });
      else if ((b.reason as string) === 'not-ready')
        ctx.report({
          resource: use.resource,
          path: use.path,
          part: 'value',
          severity: 'warning',
          message: `Waypoint ${target} has no address in its status (not ready): until it has one, traffic goes direct and L7 policy is bypassed.`,
          fix: 'Check the waypoint deployment and its Gateway status.',
        });
      else if (b.reason === 'cross-namespace-denied')
        ctx.report({
          resource: use.resource,
          path: use.path,
          part: 'value',
          message: `Waypoint ${target} does not accept traffic from namespace ${use.resource.kind === 'Namespace' ? use.resource.name : use.resource.namespace} (its HBONE listener allows only its own namespace): no waypoint is used.`,
          fix: 'Set allowedRoutes.namespaces.from: All (or a Selector) on the waypoint listener, or use a waypoint in this namespace.',
        });
    }
  },
};
