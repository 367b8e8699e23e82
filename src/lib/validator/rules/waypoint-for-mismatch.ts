import { LABEL_USE_WAYPOINT, LABEL_WAYPOINT_FOR } from '../../ambient/index.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { waypointLabelUses, WAYPOINT_KINDS } from '../facts/index.ts';

// Evidence: istio/istio pilot/pkg/serviceregistry/ambient/waypoints.go: istio.io/waypoint-for (Gateway label,
// else GatewayClass label, default service) decides which traffic a waypoint takes; a mismatch leaves the object
// without a waypoint. SEMANTICS §2.
export const rule: Rule = {
  meta: {
    id: 'waypoint-for-mismatch',
    severity: 'warning',
    inputs: WAYPOINT_KINDS,
    description: 'An object is bound to a waypoint whose istio.io/waypoint-for does not accept its kind of traffic.',
    docs: {
      summary: `A waypoint serves only the traffic its \`${LABEL_WAYPOINT_FOR}\` allows: \`service\` (the default) for Services and ServiceEntries, \`workload\` for pods and WorkloadEntries, \`all\` for both, \`none\` for nothing. Binding anything else to it has no effect: traffic goes direct.`,
      details: [
        `The value comes from the Gateway's own \`${LABEL_WAYPOINT_FOR}\` label, or its GatewayClass's label, and defaults to \`service\`. Services and ServiceEntries need \`service\` or \`all\`; pods and WorkloadEntries need \`workload\` or \`all\`.`,
        '',
        `Typical trap: a pod (or Deployment template) labelled \`${LABEL_USE_WAYPOINT}\` to get L7 policy for traffic addressed to the pod, pointing at a default waypoint that only serves Services. Note also that a workload waypoint only sees traffic addressed to the pod IP; traffic to a Service VIP uses the Service's waypoint.`,
      ].join('\n'),
      fix: `Label the waypoint \`istio.io/waypoint-for: all\` (or \`workload\`), or put the \`${LABEL_USE_WAYPOINT}\` label on the Service instead of the pods.`,
    },
    examples: {
      valid: [
        {
          title: 'Pod-addressed traffic through an "all" waypoint',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata:',
            '  name: waypoint',
            '  namespace: shop',
            '  labels:',
            '    istio.io/waypoint-for: all',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - {name: mesh, port: 15008, protocol: HBONE}',
            '---',
            'apiVersion: v1',
            'kind: Pod',
            'metadata:',
            '  name: db-0',
            '  namespace: shop',
            '  labels:',
            '    istio.io/use-waypoint: waypoint',
            'spec:',
            '  containers:',
            '  - name: db',
            '    image: postgres:16',
          ),
        },
      ],
      invalid: [
        {
          title: 'Pod bound to a service-only waypoint',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata:',
            '  name: waypoint',
            '  namespace: shop',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners:',
            '  - {name: mesh, port: 15008, protocol: HBONE}',
            '---',
            'apiVersion: v1',
            'kind: Pod',
            'metadata:',
            '  name: db-0',
            '  namespace: shop',
            '  labels:',
            '    istio.io/use-waypoint: waypoint',
            'spec:',
            '  containers:',
            '  - name: db',
            '    image: postgres:16',
          ),
          line: 17,
          effect: {
            says: 'traffic to the pod does not use the service-only waypoint: it goes direct',
            context: documents(ambientNamespace('shop'), workload('shop', 'web')),
            request: { from: 'shop/web', to: 'pod/shop/db-0:5432' },
            expect: { verdict: 'allowed', waypoint: null },
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const use of waypointLabelUses(ctx.mesh)) {
      const b = use.binding;
      if (b.reason !== 'waypoint-for-mismatch' || !b.requested) continue;
      const wp = ctx.mesh.waypoint(b.requested.namespace, b.requested.name);
      const wants = use.kind === 'Pod' || use.kind === 'WorkloadEntry' ? 'workload' : 'service';
      ctx.report({
        resource: use.resource,
        path: use.path,
        part: 'value',
        message: `Waypoint ${b.requested.namespace}/${b.requested.name} is for "${wp?.waypointFor ?? 'service'}" traffic, not ${wants} traffic: this ${use.kind === 'Namespace' ? "namespace's services" : use.kind} gets no waypoint and L7 policy is bypassed.`,
        fix: `Label the waypoint istio.io/waypoint-for: ${wants === 'workload' ? 'workload or all' : 'service or all'}, or move the use-waypoint label.`,
      });
    }
  },
};
