import { LABEL_USE_WAYPOINT, LABEL_WAYPOINT_FOR } from '../../ambient/index.ts';
import type { Rule } from '../rule.ts';
import { ambientNamespace, documents, workload } from '../effect-context.ts';
import { y } from '../testing-yaml.ts';
import { serviceWaypoint, waypointLabelUses, WAYPOINT_KINDS } from '../facts/index.ts';

// Evidence: istio/ztunnel src/proxy/outbound.rs (build_request): the source ztunnel picks the waypoint from the
// destination it was addressed to: a Service VIP uses the Service's waypoint, a pod IP the workload's. SEMANTICS §2.
export const rule: Rule = {
  meta: {
    id: 'workload-waypoint-skipped-for-service-traffic',
    severity: 'warning',
    inputs: WAYPOINT_KINDS,
    description: 'A workload has its own waypoint, but traffic to its Service (the usual path) does not use it.',
    docs: {
      summary: `A workload waypoint (\`${LABEL_USE_WAYPOINT}\` on the pod or WorkloadEntry) only sees traffic addressed to the pod IP. Clients that call the Service go through the Service's waypoint, or none, so policies attached to the workload waypoint are skipped for them.`,
      details: [
        'ztunnel chooses the waypoint from the address the client dialled. For a Service VIP it uses the waypoint bound to the Service (label on the Service or its Namespace); for a pod IP it uses the waypoint bound to the pod. The two are independent: labelling the pods does not put Service traffic through their waypoint.',
        '',
        'Most clients call Services, so a waypoint configured only on the pods usually processes almost nothing. The rule reports a workload bound to a waypoint when a Service selecting it in the manifests uses no waypoint or a different one.',
      ].join('\n'),
      fix: `Bind the Service to the same waypoint (\`${LABEL_USE_WAYPOINT}\` on the Service, with a waypoint whose \`${LABEL_WAYPOINT_FOR}\` is \`service\` or \`all\`), or attach the policies to the Service's waypoint.`,
    },
    examples: {
      valid: [
        {
          title: 'Service and pods use the same waypoint',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata:',
            '  name: waypoint',
            '  namespace: shop',
            '  labels: {istio.io/waypoint-for: all}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
            '---',
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: db',
            '  namespace: shop',
            '  labels: {istio.io/use-waypoint: waypoint}',
            'spec:',
            '  selector: {app: db}',
            '  ports: [{port: 5432}]',
            '---',
            'apiVersion: v1',
            'kind: Pod',
            'metadata:',
            '  name: db-0',
            '  namespace: shop',
            '  labels: {app: db, istio.io/use-waypoint: waypoint}',
            'spec:',
            '  containers: [{name: db, image: postgres:16}]',
          ),
        },
      ],
      invalid: [
        {
          title: 'Only the pods are bound',
          yaml: y(
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata:',
            '  name: waypoint',
            '  namespace: shop',
            '  labels: {istio.io/waypoint-for: workload}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
            '---',
            'apiVersion: v1',
            'kind: Service',
            'metadata:',
            '  name: db',
            '  namespace: shop',
            'spec:',
            '  selector: {app: db}',
            '  ports: [{port: 5432}]',
            '---',
            'apiVersion: v1',
            'kind: Pod',
            'metadata:',
            '  name: db-0',
            '  namespace: shop',
            '  labels:',
            '    app: db',
            '    istio.io/use-waypoint: waypoint',
            'spec:',
            '  containers: [{name: db, image: postgres:16}]',
          ),
          line: 27,
          effect: {
            says: 'a client that calls the db Service goes straight to the pod: the workload waypoint is not on the path',
            context: documents(ambientNamespace('shop'), workload('shop', 'client')),
            request: { from: 'shop/client', to: 'db.shop:5432', tcp: true },
            expect: { verdict: 'allowed', waypoint: null },
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const use of waypointLabelUses(ctx.mesh)) {
      if ((use.kind !== 'Pod' && use.kind !== 'WorkloadEntry') || !use.binding.waypoint) continue;
      const wp = use.binding.waypoint;
      const w = ctx.mesh.workloads.length ? ctx.mesh.workload(use.resource.namespace, use.resource.name) : undefined;
      if (!w) continue;
      for (const s of ctx.mesh.servicesSelecting(w.namespace, w.labels)) {
        const sw = serviceWaypoint(ctx.mesh, s).waypoint;
        if (sw && sw.namespace === wp.namespace && sw.name === wp.name) continue;
        ctx.report({
          resource: use.resource,
          path: use.path,
          message: sw
            ? `Traffic to Service ${s.namespace}/${s.name} goes through waypoint ${sw.namespace}/${sw.name}, not this workload's waypoint ${wp.namespace}/${wp.name}: policies on the workload waypoint do not apply to it.`
            : `Traffic to Service ${s.namespace}/${s.name} uses no waypoint: only clients that dial the pod IP go through waypoint ${wp.namespace}/${wp.name}.`,
          fix: `Label Service ${s.name} istio.io/use-waypoint: ${wp.name} (with a waypoint for service or all traffic).`,
        });
        break;
      }
    }
  },
};
