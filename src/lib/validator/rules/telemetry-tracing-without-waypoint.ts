import { getArray, getObject } from '../../model/access.ts';
import type { Rule } from '../rule.ts';
import { y } from '../testing-yaml.ts';
import { hasTargetRefs, LABEL_USE_WAYPOINT } from '../../ambient/index.ts';
import { isGroup, serviceWaypoint, WAYPOINT_KINDS } from '../facts/index.ts';

// Evidence: ztunnel emits L4 metrics and access logs only (no tracing support in istio/ztunnel); spans come from
// waypoints and gateways. SEMANTICS §7.
export const rule: Rule = {
  meta: {
    id: 'telemetry-tracing-without-waypoint',
    severity: 'warning',
    inputs: ['Telemetry', ...WAYPOINT_KINDS],
    description:
      'Telemetry configures tracing for a namespace where no Service goes through a waypoint: no spans will be produced.',
    docs: {
      summary:
        'Only waypoints and gateways create trace spans in ambient. ztunnel emits L4 metrics and access logs, never spans. Tracing configured for a namespace without a waypoint produces no traces for mesh traffic.',
      details: [
        'With sidecars, every pod produced spans. In ambient, the L4 path (ztunnel → ztunnel) has no HTTP awareness, so there is nothing to trace. Spans appear only for requests that go through a waypoint (or enter through a gateway).',
        '',
        "The rule reports a namespace-wide Telemetry with `tracing` when none of the namespace's Services in the manifests is bound to a usable waypoint. Telemetry in the root namespace (mesh-wide) is not reported.",
      ].join('\n'),
      fix: `Deploy a waypoint for the namespace and bind the Services (\`${LABEL_USE_WAYPOINT}\`), and attach the Telemetry to it with \`targetRefs\`; or accept that only ingress traffic is traced.`,
    },
    examples: {
      valid: [
        {
          title: 'Tracing with a waypoint-bound namespace',
          yaml: y(
            'apiVersion: v1',
            'kind: Namespace',
            'metadata:',
            '  name: shop',
            '  labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}',
            '---',
            'apiVersion: v1',
            'kind: Service',
            'metadata: {name: cart, namespace: shop}',
            'spec:',
            '  selector: {app: cart}',
            '  ports: [{port: 80, name: http}]',
            '---',
            'apiVersion: gateway.networking.k8s.io/v1',
            'kind: Gateway',
            'metadata: {name: waypoint, namespace: shop}',
            'spec:',
            '  gatewayClassName: istio-waypoint',
            '  listeners: [{name: mesh, port: 15008, protocol: HBONE}]',
            '---',
            'apiVersion: telemetry.istio.io/v1',
            'kind: Telemetry',
            'metadata: {name: tracing, namespace: shop}',
            'spec:',
            '  tracing:',
            '  - providers: [{name: otel}]',
          ),
        },
      ],
      invalid: [
        {
          title: 'Tracing without a waypoint',
          yaml: y(
            'apiVersion: v1',
            'kind: Service',
            'metadata: {name: cart, namespace: shop}',
            'spec:',
            '  selector: {app: cart}',
            '  ports: [{port: 80, name: http}]',
            '---',
            'apiVersion: telemetry.istio.io/v1',
            'kind: Telemetry',
            'metadata: {name: tracing, namespace: shop}',
            'spec:',
            '  tracing:',
            '  - providers: [{name: otel}]',
          ),
          line: 12,
        },
      ],
    },
  },
  check(ctx) {
    for (const r of ctx.mesh.byKind('Telemetry')) {
      if (!isGroup(r, 'telemetry.istio.io') || hasTargetRefs(r)) continue;
      if (r.namespace === ctx.mesh.rootNamespace || getObject(r.obj, ['spec', 'selector'])) continue; // selector: other rule
      if (!getArray(r.obj, ['spec', 'tracing']).length) continue;
      const services = ctx.mesh.servicesIn(r.namespace);
      if (!services.length) continue;
      if (services.some((s) => serviceWaypoint(ctx.mesh, s).waypoint)) continue;
      ctx.report({
        resource: r,
        path: ['spec', 'tracing'],
        message: `No Service in namespace ${r.namespace} goes through a waypoint, and ztunnel emits no spans: this tracing configuration produces no traces for mesh traffic.`,
        fix: "Bind the namespace's Services to a waypoint and attach the Telemetry to it with targetRefs.",
      });
    }
  },
};
